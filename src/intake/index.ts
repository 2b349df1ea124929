/**
 * The door to intake: the formats Koppel reads, found by name (`--format`) or detected from a
 * file's name and first kilobytes.
 */
import { KoppelError } from '../errors.ts';
import type { IntakeFormat } from './format.ts';
import { shadowserver } from './shadowserver.ts';
import { genericCsv } from './generic-csv.ts';
import { list } from './list.ts';
import { jsonl } from './jsonl.ts';
import { spamhausAsnDrop, spamhausDrop } from './spamhaus.ts';
import { dshield } from './dshield.ts';
import { feodo } from './feodo.ts';
import { urlhaus } from './urlhaus.ts';
import { threatfox } from './threatfox.ts';
import { cymru } from './cymru.ts';
import { otx } from './otx.ts';

/** Every format, one entry each; detection breaks ties in this order. */
export const FORMATS: IntakeFormat[] = [
  shadowserver,
  spamhausDrop,
  spamhausAsnDrop,
  dshield,
  feodo,
  urlhaus,
  threatfox,
  cymru,
  otx,
  jsonl,
  list,
  genericCsv,
];

/** Formats whose name may carry an argument (`shadowserver:scan_rdp`), and the option it sets. */
const NAME_ARGUMENT: Readonly<Record<string, string>> = { shadowserver: 'report', 'generic-csv': 'map' };

const formatNames = (): string => FORMATS.map((f) => f.name).join(', ');

/**
 * The format named as `--format` gives it. `shadowserver:scan_rdp` is the Shadowserver format with
 * its `report` option set, `generic-csv:ip=src,…` the generic CSV format with its `map`.
 */
export function formatByName(name: string): IntakeFormat {
  const colon = name.indexOf(':');
  const base = (colon < 0 ? name : name.slice(0, colon)).trim().toLowerCase();
  const format = FORMATS.find((f) => f.name === base);
  if (!format) throw new KoppelError('invalid', `unknown format "${name}"; formats: ${formatNames()}`, [{ field: 'format', value: name, reason: 'unknown format' }]);
  if (colon < 0) return format;
  const option = NAME_ARGUMENT[base];
  const argument = name.slice(colon + 1).trim();
  if (!option || argument === '') {
    throw new KoppelError('invalid', `format "${base}" takes no argument after ":"`, [{ field: 'format', value: name, reason: 'unexpected argument' }]);
  }
  return {
    ...format,
    name,
    parse: (input, context) => format.parse(input, { ...context, options: { ...context.options, [option]: argument } }),
  };
}

/** Below this, a format is guessing; ask the operator instead. */
const MIN_CONFIDENCE = 0.2;

/** The format most confident it can read the file, from its name and first kilobytes; throws when none is. */
export function detectFormat(fileName: string, head: string): IntakeFormat {
  let best: { format: IntakeFormat; score: number } | undefined;
  for (const format of FORMATS) {
    const score = format.detect(fileName, head);
    if (score > (best?.score ?? 0)) best = { format, score };
  }
  if (best && best.score >= MIN_CONFIDENCE) return best.format;
  throw new KoppelError('invalid', `${fileName}: cannot tell its format; give one with --format (formats: ${formatNames()})`, [
    { file: fileName, field: 'format', reason: `format not recognised; formats: ${formatNames()}` },
  ]);
}

export type { IntakeFormat, ParseContext, ParsedRow, RowError } from './format.ts';
export { canonicalIndicators, checkedRow, observationRow, type Draft, type RawIndicators, type Cell } from './observation.ts';
export { rowError } from './feed-input.ts';
export { csvRecords, csvTable, type CsvRow, type CsvTableRow } from './csv.ts';
export { parseShadowserver } from './shadowserver.ts';
export { schemaFromJson, loadShadowserverSchema, SCHEMA_VARIABLE, type ShadowserverSchema, type ReportRule } from './shadowserver-schema.ts';
export { reportFromFileName } from './shadowserver-mappings.ts';
export { parseColumnMap } from './generic-csv.ts';
export { shadowserver, genericCsv, list, jsonl };

/**
 * Any CSV with a header row, read through a column mapping given as the `map` option:
 * `ip=src,domain=host,url=link,port=dport,observedAt=time,type=category` (Koppel's field = the file's column).
 * Without a mapping, columns named like Koppel's fields are used. Kind, type and severity come
 * from mapped columns, else the `kind`, `type` and `severity` options, else the defaults.
 */
import type { Readable } from 'node:stream';
import { KoppelError } from '../errors.ts';
import type { Indicators, Kind } from '../observations/model.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { csvTable, firstLine, headerColumns } from './csv.ts';
import { utcTimestamp, rowError } from './feed-input.ts';
import { canonicalIndicators, cvesIn, identifiesParty, isKind, isSeverity, observationRow, type RawIndicators } from './observation.ts';

const INDICATOR_FIELDS = ['ip', 'network', 'port', 'protocol', 'asn', 'domain', 'url', 'email'] as const satisfies readonly (keyof Indicators)[];
const OTHER_FIELDS = ['observedAt', 'kind', 'type', 'severity', 'malware', 'cve', 'description', 'hostname'] as const;
const FIELDS: readonly string[] = [...INDICATOR_FIELDS, ...OTHER_FIELDS];

export type ColumnMap = Partial<Record<(typeof INDICATOR_FIELDS)[number] | (typeof OTHER_FIELDS)[number], string>>;

const configError = (context: ParseContext, reason: string): KoppelError =>
  new KoppelError('invalid', `${context.file}: ${reason}`, [{ file: context.file, reason }]);

/** `ip=src,domain=host` → { ip: 'src', domain: 'host' }; throws on an unknown field or a malformed pair. */
export function parseColumnMap(text: string): ColumnMap {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const [field, column, ...rest] = pair.split('=').map((p) => p.trim());
    if (!field || !column || rest.length > 0) throw new Error(`"${pair.trim()}" is not field=column`);
    if (!FIELDS.includes(field)) throw new Error(`unknown field "${field}" (fields: ${FIELDS.join(', ')})`);
    map[field] = column.toLowerCase();
  }
  return map;
}

/** The mapping to use for a header: the given one, checked against the header, or the same-named columns. */
function mappingFor(context: ParseContext, header: readonly string[]): ColumnMap {
  if (context.options.map === undefined) {
    return Object.fromEntries(FIELDS.filter((f) => header.includes(f.toLowerCase())).map((f) => [f, f.toLowerCase()]));
  }
  let map: ColumnMap;
  try {
    map = parseColumnMap(context.options.map);
  } catch (e) {
    throw configError(context, `--map ${context.options.map}: ${(e as Error).message}`);
  }
  const missing = Object.values(map).filter((column) => !header.includes(column));
  if (missing.length > 0) throw configError(context, `--map names columns the header lacks: ${missing.join(', ')} (header: ${header.join(', ')})`);
  return map;
}

function optionKind(context: ParseContext): Kind {
  const kind = context.options.kind ?? 'information';
  if (!isKind(kind)) throw configError(context, `unknown kind "${kind}"`);
  return kind;
}

function observe(context: ParseContext, line: number, map: ColumnMap, fields: Record<string, string>, defaultKind: Kind): ParsedRow {
  const cell = (field: keyof ColumnMap): string | undefined => {
    const column = map[field];
    const value = column === undefined ? undefined : fields[column]?.trim();
    return value === '' ? undefined : value;
  };
  const raw: RawIndicators = {};
  for (const field of INDICATOR_FIELDS) {
    const value = cell(field);
    if (value !== undefined) raw[field] = { value, column: map[field]! };
  }
  const subject = canonicalIndicators(raw);
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);
  if (!identifiesParty(subject.value)) return rowError(context, line, map.ip ?? map.domain ?? map.url, 'no IP address, network, domain, URL or e-mail address');

  const time = cell('observedAt');
  const observedAt = time === undefined ? undefined : utcTimestamp(time);
  if (time !== undefined && !observedAt) return rowError(context, line, map.observedAt, `not a timestamp: "${time}"`);
  const kindText = cell('kind')?.toLowerCase();
  if (kindText !== undefined && !isKind(kindText)) return rowError(context, line, map.kind, `unknown kind "${kindText}"`);
  const severityText = (cell('severity') ?? context.options.severity)?.toLowerCase();
  if (severityText !== undefined && !isSeverity(severityText)) return rowError(context, line, map.severity ?? 'severity', `unknown severity "${severityText}"`);

  return observationRow(context, line, {
    observedAt,
    kind: kindText ?? defaultKind,
    type: cell('type') ?? context.options.type ?? 'generic',
    severity: severityText,
    fallbackSeverity: 'medium',
    subject: subject.value,
    hostname: cell('hostname'),
    malware: cell('malware')?.toLowerCase(),
    cve: cvesIn(cell('cve')),
    description: cell('description'),
    evidence: fields,
  });
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  const defaultKind = optionKind(context);
  let map: ColumnMap | undefined;
  for await (const batch of csvTable(input)) {
    for (const row of batch) {
      if ('header' in row) map = mappingFor(context, row.header);
      else if ('error' in row) yield rowError(context, row.line, row.field, row.error);
      else if (map) yield observe(context, row.line, map, row.fields, defaultKind);
    }
  }
}

/** Weak on purpose: any CSV naming an indicator column is readable, but a specific format should win. */
function detect(fileName: string, head: string): number {
  if (!firstLine(head).includes(',')) return 0;
  const columns = headerColumns(head);
  const named = columns.some((c) => c === 'ip' || c === 'domain' || c === 'url' || c === 'network');
  return named ? (/\.csv$/i.test(fileName) ? 0.25 : 0.2) : 0;
}

export const genericCsv: IntakeFormat = {
  name: 'generic-csv',
  description: 'any CSV with a header, through a column mapping (--map ip=src,domain=host,url=link,observedAt=time …)',
  detect,
  parse,
};

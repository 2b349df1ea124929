/**
 * JSON lines of Koppel's own observation format: one Observation per line, as `koppel observations
 * --json` writes them and other Koppel instances share them. Each line is checked against the model
 * and its indicators are brought to canonical form. What a line says of its own handling is the
 * sender's word, not ours: the source is the one registered for the ingest, with its reliability, the
 * time received is this ingest's, and the TLP is the stricter of the line's and the source's, so that
 * no sender can loosen a restriction, date a receipt into the future or pass itself off as another
 * source. The line's own source, reliability and TLP are kept as evidence (`sharedAs`).
 */
import type { Readable } from 'node:stream';
import type { Indicators, OtherParty } from '../observations/model.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { numberedLines, rowError, stricterTlp } from './feed-input.ts';
import { canonicalIndicators, checkedRow, withinReach, type Checked, type RawIndicators } from './observation.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Canonical indicators of an already valid record, with errors named by their path in the record. */
function canonical(indicators: Indicators, path: string): Checked<Indicators> {
  const raw: RawIndicators = {};
  for (const [key, value] of Object.entries(indicators) as [keyof Indicators, string | number][]) {
    raw[key] = { value: String(value), column: `${path}.${key}` };
  }
  return canonicalIndicators(raw);
}

function observe(context: ParseContext, line: number, text: string): ParsedRow {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    return rowError(context, line, undefined, `not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(record)) return rowError(context, line, undefined, 'not a JSON object');
  const filled = { ...record, receivedAt: record.receivedAt ?? context.receivedAt };
  const checked = checkedRow(context, line, filled);
  if ('error' in checked) return checked;
  const observation = checked.observation;
  const subject = canonical(observation.subject, 'subject');
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);
  const others: OtherParty[] = [];
  for (const [i, other] of observation.others.entries()) {
    const indicators = canonical(other.indicators, `others.${i}.indicators`);
    if (!indicators.ok) return rowError(context, line, indicators.field, indicators.reason);
    others.push({ role: other.role, indicators: indicators.value });
  }
  const { source, reliability, tlp } = observation;
  // Checked again once canonical: `::ffff:0:0/96` passes as an IPv6 network and is all of IPv4.
  return withinReach(context, line, {
    ...observation,
    source: context.source.name,
    reliability: context.source.reliability,
    tlp: stricterTlp(tlp, context.source.tlp),
    receivedAt: context.receivedAt,
    subject: subject.value,
    others,
    evidence: { ...observation.evidence, sharedAs: { source, reliability, tlp } },
  });
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  for await (const { line, text } of numberedLines(input)) {
    if (text.trim() === '') continue;
    yield observe(context, line, text);
  }
}

function detect(fileName: string, head: string): number {
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '');
  if (!first?.trim().startsWith('{')) return 0;
  let record: unknown;
  try {
    record = JSON.parse(first);
  } catch {
    return 0;
  }
  if (isRecord(record) && isRecord(record.subject) && typeof record.kind === 'string' && Array.isArray(record.others)) return 0.95;
  return /\.(jsonl|ndjson)$/i.test(fileName) ? 0.3 : 0;
}

export const jsonl: IntakeFormat = {
  name: 'jsonl',
  description: "JSON lines of Koppel's own observation format, one observation per line",
  detect,
  parse,
};

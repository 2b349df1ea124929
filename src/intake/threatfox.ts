/**
 * abuse.ch ThreatFox IOCs, in the CSV export (`# "first_seen_utc","ioc_id","ioc_value",…`), the
 * JSON export keyed by IOC id and the API's `{"data":[…]}`. Network IOCs (`ip:port`, `domain`,
 * `url`) are the subject: the infrastructure itself. File hashes name no network, so they are
 * not applicable here and skipped without an error.
 */
import type { Readable } from 'node:stream';
import type { Indicators, Observation } from '../observations/model.ts';
import { parseIp, refang } from '../indicators/index.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import {
  baseName,
  commentedCsv,
  domainIndicator,
  jsonRecords,
  malwareFamily,
  pick,
  rowError,
  sniffJson,
  sourceDefaults,
  urlIndicators,
  utcTimestamp,
  type Built,
} from './feed-input.ts';
import { checkedRow } from './observation.ts';

const CSV_COLUMNS = [
  'first_seen_utc', 'ioc_id', 'ioc_value', 'ioc_type', 'threat_type', 'fk_malware', 'malware_alias',
  'malware_printable', 'last_seen_utc', 'confidence_level', 'reference', 'tags', 'anonymous', 'reporter',
];

const HASH_TYPE = /_hash$/;

function detect(fileName: string, head: string): number {
  if (/^#.*ThreatFox/im.test(head)) return /ioc_value|^"\d{4}-\d{2}-\d{2}/im.test(head) ? 0.95 : 0.4;
  if (/"ioc(_value)?"\s*:/.test(head) && /"ioc_type"\s*:/.test(head)) return 0.9;
  if (/^#\s*"first_seen_utc","ioc_id","ioc_value"/im.test(head)) return 0.9;
  return /threatfox/.test(baseName(fileName)) ? 0.3 : 0;
}

/** `185.196.9.221:7000`, `[2001:db8::1]:443`; ThreatFox writes IPv6 with brackets or not at all. */
function ipPortIndicators(text: string): Built<Indicators> {
  const value = refang(text.trim());
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^(.*):(\d+)$/.exec(value);
  const ip = parseIp(match ? match[1] : value);
  if (!ip.ok) return { ok: false, field: 'ioc_value', reason: `not an address with port: "${text.trim()}"` };
  const port = match ? Number(match[2]) : undefined;
  if (port !== undefined && port > 65535) return { ok: false, field: 'ioc_value', reason: `port out of range in "${text.trim()}"` };
  return { ok: true, value: { ip: ip.value.address, ...(port !== undefined ? { port } : {}) } };
}

function indicatorsOf(iocType: string, value: string): Built<Indicators> {
  if (iocType === 'ip:port') return ipPortIndicators(value);
  if (iocType === 'domain') return domainIndicator(value, 'ioc_value');
  if (iocType === 'url') return urlIndicators(value, 'ioc_value');
  return { ok: false, field: 'ioc_type', reason: `unknown IOC type "${iocType}"` };
}

function observe(context: ParseContext, line: number, fields: Record<string, unknown>, id?: string): ParsedRow | undefined {
  const iocType = pick(fields, 'ioc_type')?.toLowerCase();
  if (!iocType) return rowError(context, line, 'ioc_type', 'missing IOC type');
  if (HASH_TYPE.test(iocType)) return undefined;
  const value = pick(fields, 'ioc_value', 'ioc');
  if (!value) return rowError(context, line, 'ioc_value', 'missing IOC value');
  const subject = indicatorsOf(iocType, value);
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);

  const seenText = pick(fields, 'last_seen_utc', 'last_seen') ?? pick(fields, 'first_seen_utc', 'first_seen');
  const observedAt = seenText === undefined ? context.fileTime : utcTimestamp(seenText);
  if (!observedAt) return rowError(context, line, 'first_seen_utc', `not a date: "${seenText}"`);

  const threat = pick(fields, 'threat_type')?.toLowerCase();
  const malware = malwareFamily(pick(fields, 'malware_printable', 'malware', 'fk_malware'));
  const observation: Observation = {
    ...sourceDefaults(context, 'high'),
    observedAt,
    kind: 'malicious-infrastructure',
    type: threat === 'botnet_cc' ? 'botnet-c2' : (threat?.replace(/_/g, '-') ?? 'ioc'),
    subject: subject.value,
    ...(malware ? { malware } : {}),
    description: pick(fields, 'threat_type_desc') ?? `${threat === 'botnet_cc' ? 'Botnet command-and-control' : 'Malicious infrastructure'} reported to ThreatFox`,
    evidence: id === undefined ? fields : { id, ...fields },
  };
  return checkedRow(context, line, observation);
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  const sniffed = await sniffJson(input);
  const records = sniffed.json ? jsonRecords(sniffed.input) : commentedCsv(sniffed.input, CSV_COLUMNS);
  for await (const record of records) {
    let row: ParsedRow | undefined;
    if ('error' in record) row = rowError(context, record.line, undefined, record.error);
    else if ('fields' in record) row = observe(context, record.line, record.fields);
    else if (typeof record.value === 'object' && record.value !== null && !Array.isArray(record.value)) {
      const id = record.key !== undefined && /^\d+$/.test(record.key) ? record.key : undefined;
      row = observe(context, record.line, record.value as Record<string, unknown>, id);
    } else row = rowError(context, record.line, undefined, 'a ThreatFox record must be a JSON object');
    if (row) yield row;
  }
}

export const threatfox: IntakeFormat = {
  name: 'threatfox',
  description: 'abuse.ch ThreatFox IOCs: C2 addresses, domains and URLs (CSV or JSON); file hashes are skipped',
  detect,
  parse,
};

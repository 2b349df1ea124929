/**
 * abuse.ch Feodo Tracker botnet C2 IP blocklist, in its CSV (`# first_seen_utc,dst_ip,…`) and
 * JSON (`[{"ip_address":…,"port":…,"malware":…}]`) forms. The C2 server is the threat itself,
 * so its address is the subject: whoever hosts it is the one to warn. Its reverse-DNS name is
 * kept as evidence only.
 */
import type { Readable } from 'node:stream';
import type { Observation } from '../observations/model.ts';
import { parseAsn } from '../indicators/index.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import {
  baseName,
  commentedCsv,
  ipIndicator,
  jsonRecords,
  malwareFamily,
  pick,
  rowError,
  sniffJson,
  sourceDefaults,
  statusSeverity,
  utcTimestamp,
} from './feed-input.ts';
import { checkedRow } from './observation.ts';

const CSV_COLUMNS = ['first_seen_utc', 'dst_ip', 'dst_port', 'c2_status', 'last_online', 'malware'];

function detect(fileName: string, head: string): number {
  const name = baseName(fileName);
  if (/^\s*\[?\s*\{\s*"ip_address"\s*:/.test(head) && /"malware"\s*:/.test(head)) return 0.9;
  if (/^#.*\bdst_ip\b.*\bmalware\b/im.test(head)) return 0.95;
  if (/^#.*Feodo Tracker/im.test(head)) return /\(CSV\)|\(JSON\)/i.test(head) ? 0.9 : 0.4;
  return /feodo/.test(name) ? 0.3 : 0;
}

function observe(context: ParseContext, line: number, fields: Record<string, unknown>): ParsedRow {
  const ipText = pick(fields, 'ip_address', 'dst_ip', 'dstip');
  if (!ipText) return rowError(context, line, 'ip_address', 'missing C2 address');
  const subject = ipIndicator(ipText, 'ip_address');
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);

  const portText = pick(fields, 'port', 'dst_port', 'dstport');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    return rowError(context, line, 'port', `not a port number: "${portText}"`);
  }
  const asnText = pick(fields, 'as_number');
  const asn = asnText === undefined ? undefined : parseAsn(asnText);
  if (asn && !asn.ok) return rowError(context, line, 'as_number', asn.reason);

  const seenText = pick(fields, 'last_online', 'lastonline') ?? pick(fields, 'first_seen', 'first_seen_utc', 'firstseen');
  const observedAt = seenText === undefined ? context.fileTime : utcTimestamp(seenText);
  if (!observedAt) return rowError(context, line, 'last_online', `not a date: "${seenText}"`);

  const status = pick(fields, 'status', 'c2_status')?.toLowerCase();
  const malware = malwareFamily(fields.malware);
  const hostname = pick(fields, 'hostname');
  const observation: Observation = {
    ...sourceDefaults(context, 'high', statusSeverity(status)),
    observedAt,
    kind: 'malicious-infrastructure',
    type: 'botnet-c2',
    subject: {
      ...subject.value,
      ...(port !== undefined ? { port, protocol: 'tcp' } : {}),
      ...(asn?.ok ? { asn: asn.value } : {}),
    },
    ...(hostname ? { hostname } : {}),
    ...(malware ? { malware } : {}),
    description: `${malware ? `${String(fields.malware).trim()} botnet` : 'Botnet'} command-and-control server${status ? ` (${status})` : ''} listed by Feodo Tracker`,
    evidence: fields,
  };
  return checkedRow(context, line, observation);
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  const sniffed = await sniffJson(input);
  const records = sniffed.json ? jsonRecords(sniffed.input) : commentedCsv(sniffed.input, CSV_COLUMNS);
  for await (const record of records) {
    if ('error' in record) yield rowError(context, record.line, undefined, record.error);
    else if ('fields' in record) yield observe(context, record.line, record.fields);
    else if (typeof record.value === 'object' && record.value !== null && !Array.isArray(record.value)) {
      yield observe(context, record.line, record.value as Record<string, unknown>);
    } else yield rowError(context, record.line, undefined, 'a Feodo Tracker record must be a JSON object');
  }
}

export const feodo: IntakeFormat = {
  name: 'feodo',
  description: 'abuse.ch Feodo Tracker botnet C2 IP blocklist (CSV or JSON)',
  detect,
  parse,
};

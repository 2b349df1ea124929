/**
 * Team Cymru-style pipe-separated reports: `ASN | IP | timestamp | type: info [| AS name]`, as
 * sent to network owners (and the CAP layout `type | IP | ASN | timestamp | info | AS name`).
 * The reported address is the subject; a destination named in the info (`destaddr 192.0.2.1`,
 * the C2 a bot talked to) is another party and never matched.
 */
import type { Readable } from 'node:stream';
import type { Kind, Observation, OtherParty, Severity } from '../observations/model.ts';
import { parseAsn, parseIp, refang } from '../indicators/index.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { baseName, malwareFamily, numberedLines, rowError, sourceDefaults, utcTimestamp } from './feed-input.ts';
import { checkedRow } from './observation.ts';

interface Category {
  kind: Kind;
  type: string;
  severity: Severity;
}

/** Report types as Team Cymru names them, singular or plural. */
const CATEGORIES: ReadonlyArray<readonly [RegExp, Category]> = [
  [/^(bots?|infected|malware)$/, { kind: 'infected', type: 'bot', severity: 'high' }],
  [/^(controllers?|c2|cc|c&c)$/, { kind: 'malicious-infrastructure', type: 'botnet-c2', severity: 'high' }],
  [/^phish(ing)?$/, { kind: 'phishing', type: 'phishing', severity: 'high' }],
  [/^malwareurls?$/, { kind: 'malicious-infrastructure', type: 'malware-url', severity: 'high' }],
  [/^(bruteforce|brute-force)$/, { kind: 'attack-source', type: 'bruteforce', severity: 'medium' }],
  [/^(scanners?|scanning)$/, { kind: 'attack-source', type: 'scanner', severity: 'medium' }],
  [/^darknet$/, { kind: 'attack-source', type: 'darknet', severity: 'low' }],
  [/^(proxy|proxies|openproxy)$/, { kind: 'exposed-service', type: 'open-proxy', severity: 'medium' }],
  [/^(openresolvers?|dns-?resolvers?)$/, { kind: 'exposed-service', type: 'open-resolver', severity: 'medium' }],
];

const UNKNOWN: Category = { kind: 'information', type: 'cymru-report', severity: 'low' };

function detect(fileName: string, head: string): number {
  const rows = head.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const piped = rows.filter((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return cells.length >= 4 && cells.slice(0, 3).some((c) => parseIp(refang(c)).ok);
  });
  const name = baseName(fileName);
  // The head may end in a cut line, and a report may hold bad rows.
  if (rows.length > 0 && piped.length * 2 > rows.length) return /cymru|cap/.test(name) ? 0.9 : 0.7;
  return /cymru/.test(name) ? 0.3 : 0;
}

/** `bots: zeus`, `proxy: 8080`, `conficker: srcport 1234 destaddr 192.0.2.1`, `scanner`. */
function readInfo(info: string): { category: Category; label: string; detail: string } {
  const colon = info.indexOf(':');
  const label = (colon < 0 ? info.split(/\s+/)[0] : info.slice(0, colon)).trim().toLowerCase();
  const detail = (colon < 0 ? info.slice(label.length) : info.slice(colon + 1)).trim();
  const known = CATEGORIES.find(([pattern]) => pattern.test(label))?.[1];
  // An unknown label before the colon is a malware family in reports about infected machines.
  const category = known ?? (colon > 0 && /^[a-z0-9._-]+$/.test(label) ? CATEGORIES[0][1] : UNKNOWN);
  return { category, label, detail };
}

function destination(detail: string): OtherParty[] {
  const match = /\b(?:destaddr|dstaddr|dst_ip|destip)\s+(\S+)/i.exec(detail);
  const ip = match ? parseIp(refang(match[1])) : undefined;
  return ip?.ok ? [{ role: 'destination', indicators: { ip: ip.value.address } }] : [];
}

function observe(context: ParseContext, line: number, text: string): ParsedRow {
  const cells = text.split('|').map((c) => c.trim());
  if (cells.length < 4) return rowError(context, line, undefined, `expected at least 4 fields separated by "|", found ${cells.length}`);
  // CAP reports put the type first; the classic layout starts with the ASN.
  const cap = !/^(as)?\d+$|^na$|^$/i.test(cells[0]) && parseIp(cells[1]).ok && cells.length >= 5;
  const [asnText, ipText, timeText, info] = cap ? [cells[2], cells[1], cells[3], `${cells[0]}: ${cells[4]}`] : cells;
  const evidence = cap
    ? { type: cells[0], ip: cells[1], asn: cells[2], timestamp: cells[3], info: cells[4], ...(cells[5] ? { asname: cells[5] } : {}) }
    : { asn: cells[0], ip: cells[1], timestamp: cells[2], info: cells[3], ...(cells[4] ? { asname: cells[4] } : {}) };

  const ip = parseIp(refang(ipText));
  if (!ip.ok) return rowError(context, line, 'ip', ip.reason);
  const unknownAsn = /^(na|n\/a|-|0|)$/i.test(asnText);
  const asn = unknownAsn ? undefined : parseAsn(asnText);
  if (asn && !asn.ok) return rowError(context, line, 'asn', asn.reason);
  const observedAt = utcTimestamp(timeText);
  if (!observedAt) return rowError(context, line, 'timestamp', `not a date: "${timeText}"`);

  const { category, label, detail } = readInfo(info);
  const port = category.type === 'open-proxy' && /^\d{1,5}$/.test(detail) ? Number(detail) : undefined;
  const family = category.kind === 'infected' ? malwareFamily(/^bots?$/.test(label) ? detail.split(/\s+/)[0] : label) : undefined;
  const observation: Observation = {
    ...sourceDefaults(context, UNKNOWN.severity, category === UNKNOWN ? undefined : category.severity),
    observedAt,
    kind: category.kind,
    type: category.type,
    subject: { ip: ip.value.address, ...(asn?.ok ? { asn: asn.value } : {}), ...(port !== undefined && port <= 65535 ? { port } : {}) },
    others: destination(detail),
    ...(family ? { malware: family } : {}),
    description: info,
    evidence,
  };
  return checkedRow(context, line, observation);
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  for await (const { line, text } of numberedLines(input)) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^[^|]*\|\s*ip\s*\|/i.test(trimmed)) continue;
    yield observe(context, line, trimmed);
  }
}

export const cymru: IntakeFormat = {
  name: 'cymru',
  description: 'Team Cymru-style pipe-separated reports: ASN | IP | timestamp | type: info',
  detect,
  parse,
};

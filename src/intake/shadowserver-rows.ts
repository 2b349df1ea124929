/**
 * One Shadowserver row through a report rule (published schema or built-in): IntelMQ's
 * conversions, then IntelMQ's fields placed in the observation model. `source.*` is the subject;
 * `destination.*` is the other party and never the subject; `source.reverse_dns` is evidence only.
 */
import { parseDomain } from '../indicators/index.ts';
import type { Indicators, Kind, OtherParty, Severity } from '../observations/model.ts';
import type { ParseContext, ParsedRow } from './format.ts';
import { utcTimestamp } from './feed-input.ts';
import {
  canonicalIndicators,
  cvesIn,
  identifiesParty,
  isKind,
  isSeverity,
  observationRow,
  rowError,
  type Cell,
  type RawIndicators,
} from './observation.ts';
import { otherPartyRole, reportType } from './shadowserver-mappings.ts';
import type { ReportRule } from './shadowserver-schema.ts';

type Row = Record<string, string>;
type Conversion = (value: string, row: Row) => string | undefined;

const present = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

function hostAndUrl(value: string, row: Row): string | undefined {
  const host = row.cc_dns ?? row.http_host ?? '';
  const path = row.url ?? row.http_url ?? '';
  if (!host || !path) return present(value);
  // Some reports hold the whole request line (`GET /x HTTP/1.1`) where others hold the path.
  const cleaned = path.replace(/^[^/]*/, '').replace(/\s.*$/, '');
  const scheme = row.application === 'https' ? 'https' : 'http';
  return `${scheme}://${host}${cleaned}`;
}

/** IntelMQ's conversions by the names the schema uses, with the same meaning; the rest keep the value. */
const CONVERSIONS: Record<string, Conversion> = {
  validate_to_none: (v) => (v === '' || v === '0' || v === 'unknown' ? undefined : v),
  convert_int: present,
  invalidate_zero: (v) => (v.trim() === '' || /^0+$/.test(v.trim()) ? undefined : v.trim()),
  validate_ip: (v) => (v.trim() === '' || v.trim() === '0.0.0.0' || v.includes('/') ? undefined : v.trim()),
  validate_network: (v) => (v.includes('/') ? v.trim() : undefined),
  validate_fqdn: (v) => (v.trim() !== '' && parseDomain(v).ok ? v.trim() : undefined),
  convert_http_host_and_url: hostAndUrl,
  extract_cve_from_tag: (v) => cvesIn(v).join(',') || undefined,
  category_or_detail: (v, row) => present(v) ?? present(row.detail ?? ''),
  scan_exchange_taxonomy: (v) => (v === 'exchange;webshell' ? 'intrusions' : 'vulnerable'),
  scan_exchange_type: (v) => (v === 'exchange;webshell' ? 'system-compromise' : 'infected-system'),
  scan_exchange_identifier: (v) => (v === 'exchange;webshell' ? 'exchange-server-webshell' : 'vulnerable-exchange-server'),
  koppel_scan_kind: (v) => (/cve-\d|vulnerab|backdoor|webshell/i.test(v) ? 'vulnerable' : undefined),
  koppel_blocklist_kind: (v) => (/scan|brute|attack|ddos|spam|abuse/i.test(v) ? 'attack-source' : undefined),
};

/** IntelMQ's fields of one row: field → value and the column it came from. */
export function eventOf(rule: ReportRule, row: Row): Map<string, Cell> {
  const event = new Map<string, Cell>();
  for (const field of rule.fields) {
    if (event.has(field.target)) continue;
    const raw = row[field.column];
    if (raw === undefined) continue;
    const convert = field.convert ? CONVERSIONS[field.convert] : undefined;
    const value = convert ? convert(raw, row) : present(raw);
    if (value !== undefined && value !== '') event.set(field.target, { value, column: field.column });
  }
  for (const [target, value] of Object.entries(rule.constants)) event.set(target, { value, column: target });
  for (const [target, value] of Object.entries(rule.defaults ?? {})) if (!event.has(target)) event.set(target, { value, column: target });
  return event;
}

const SUBJECT_FIELDS: Record<string, keyof Indicators> = {
  'source.ip': 'ip',
  'source.network': 'network',
  'source.port': 'port',
  'source.asn': 'asn',
  'source.fqdn': 'domain',
  'source.url': 'url',
  'source.email': 'email',
  'protocol.transport': 'protocol',
};

const OTHER_FIELDS: Record<string, keyof Indicators> = {
  'destination.ip': 'ip',
  'destination.network': 'network',
  'destination.port': 'port',
  'destination.asn': 'asn',
  'destination.fqdn': 'domain',
  'destination.url': 'url',
};

function indicators(event: Map<string, Cell>, fields: Record<string, keyof Indicators>): RawIndicators {
  const raw: RawIndicators = {};
  for (const [target, key] of Object.entries(fields)) {
    const cell = event.get(target);
    if (cell) raw[key] = cell;
  }
  return raw;
}

/**
 * IntelMQ's classification in Koppel's kinds. `vulnerable-system` also covers services that are
 * merely reachable (`open-rdp`, `accessible-ftp`); those are exposed services, not vulnerabilities.
 */
export function kindOf(taxonomy: string | undefined, type: string | undefined, identifier: string | undefined): Kind | undefined {
  const exposed = identifier !== undefined && /(^|-)(open|accessible)(-|$)/.test(identifier);
  switch (taxonomy) {
    case 'vulnerable':
      return type === 'potentially-unwanted-accessible' || (type === 'vulnerable-system' && exposed) ? 'exposed-service' : 'vulnerable';
    case 'malicious-code':
      return type === 'infected-system' ? 'infected' : 'malicious-infrastructure';
    case 'intrusions':
      return 'compromised';
    case 'intrusion-attempts':
    case 'information-gathering':
      return 'attack-source';
    case 'availability':
      return identifier && /target|victim/.test(identifier) ? 'information' : 'attack-source';
    case 'information-content-security':
      return 'leaked-credentials';
    case 'fraud':
      return 'phishing';
    case 'abusive-content':
      return 'malicious-infrastructure';
    case 'other':
      if (type === 'blacklist' || type === 'blocklist') return 'malicious-infrastructure';
      return exposed ? 'exposed-service' : 'information';
    default:
      return undefined;
  }
}

const FALLBACK_SEVERITY: Record<Kind, Severity> = {
  compromised: 'high',
  infected: 'high',
  'leaked-credentials': 'high',
  phishing: 'high',
  vulnerable: 'medium',
  'exposed-service': 'medium',
  'malicious-infrastructure': 'medium',
  'attack-source': 'medium',
  information: 'info',
};

const value = (event: Map<string, Cell>, target: string): string | undefined => event.get(target)?.value;

/** The observation of one row under a report rule, or the row error naming the column at fault. */
export function shadowserverRow(context: ParseContext, line: number, rule: ReportRule, row: Row): ParsedRow {
  const event = eventOf(rule, row);
  const time = event.get('time.source');
  if (!time) return rowError(context, line, 'timestamp', 'no timestamp');
  const observedAt = utcTimestamp(time.value);
  if (!observedAt) return rowError(context, line, time.column, `not a timestamp: "${time.value}"`);

  const subject = canonicalIndicators(indicators(event, SUBJECT_FIELDS));
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);
  if (!identifiesParty(subject.value)) {
    const column = rule.fields.find((f) => f.target === 'source.ip' || f.target === 'source.network')?.column ?? 'ip';
    return rowError(context, line, column, 'no address, network, domain or URL of the subject');
  }
  const other = canonicalIndicators(indicators(event, OTHER_FIELDS));
  if (!other.ok) return rowError(context, line, other.field, other.reason);
  const others: OtherParty[] = Object.keys(other.value).length > 0 ? [{ role: otherPartyRole(rule.report), indicators: other.value }] : [];

  const kindText = value(event, 'koppel.kind');
  const kind =
    (kindText && isKind(kindText) ? kindText : undefined) ??
    kindOf(value(event, 'classification.taxonomy'), value(event, 'classification.type'), value(event, 'classification.identifier')) ??
    'information';
  const severity = value(event, 'severity')?.toLowerCase();
  const application = value(event, 'protocol.application');
  if (application && !subject.value.protocol) subject.value.protocol = application.toLowerCase();

  return observationRow(context, line, {
    observedAt,
    kind,
    type: value(event, 'classification.identifier') ?? reportType(rule.report),
    severity: severity && isSeverity(severity) ? severity : undefined,
    fallbackSeverity: FALLBACK_SEVERITY[kind],
    subject: subject.value,
    others,
    hostname: value(event, 'source.reverse_dns'),
    malware: value(event, 'malware.name')?.toLowerCase(),
    cve: cvesIn(value(event, 'product.vulnerabilities')),
    description: value(event, 'event_description.text'),
    evidence: row,
  });
}

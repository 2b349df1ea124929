/**
 * One Shadowserver row through a report rule (published schema or built-in): IntelMQ's
 * conversions, then IntelMQ's fields placed in the observation model. `source.*` is the subject;
 * `destination.*` is the other party and never the subject; `source.reverse_dns` is evidence only.
 */
import { parseDomain } from '../indicators/index.ts';
import type { Indicators, Kind, OtherParty, Severity } from '../observations/model.ts';
import type { ParseContext, ParsedRow } from './format.ts';
import { utcTimestamp, rowError } from './feed-input.ts';
import { canonicalIndicator, cvesIn, identifiesParty, isKind, isSeverity, observationRow, type Checked } from './observation.ts';
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

/** The IntelMQ fields a row's observation is made of; a rule's other fields are never computed. */
const FIELDS = [
  'time.source',
  'source.ip',
  'source.network',
  'source.port',
  'source.asn',
  'source.fqdn',
  'source.url',
  'source.email',
  'protocol.transport',
  'destination.ip',
  'destination.network',
  'destination.port',
  'destination.asn',
  'destination.fqdn',
  'destination.url',
  'koppel.kind',
  'classification.taxonomy',
  'classification.type',
  'classification.identifier',
  'severity',
  'protocol.application',
  'source.reverse_dns',
  'malware.name',
  'product.vulnerabilities',
  'event_description.text',
] as const;
type Field = (typeof FIELDS)[number];
const SLOTS = Object.fromEntries(FIELDS.map((field, i) => [field, i])) as Record<Field, number>;
const slot = (field: Field): number => SLOTS[field];

type IndicatorFields = ReadonlyArray<readonly [number, keyof Indicators]>;

/** The subject's indicators by the slot of the field each comes from, in the order they are read. */
const SUBJECT: IndicatorFields = [
  [slot('source.ip'), 'ip'],
  [slot('source.network'), 'network'],
  [slot('source.port'), 'port'],
  [slot('source.asn'), 'asn'],
  [slot('source.fqdn'), 'domain'],
  [slot('source.url'), 'url'],
  [slot('source.email'), 'email'],
  [slot('protocol.transport'), 'protocol'],
];

const OTHER: IndicatorFields = [
  [slot('destination.ip'), 'ip'],
  [slot('destination.network'), 'network'],
  [slot('destination.port'), 'port'],
  [slot('destination.asn'), 'asn'],
  [slot('destination.fqdn'), 'domain'],
  [slot('destination.url'), 'url'],
];

/**
 * How a rule fills one field: with its constant, which overrides the row (as IntelMQ applies them);
 * else with the first of its columns to give a value through its conversion; else with its default.
 */
interface FieldPlan {
  slot: number;
  constant?: string;
  columns: Array<{ column: string; convert: Conversion }>;
  fallback?: string;
}

/** The rule's plan for each field it fills, limited to the columns the file has. */
function plansOf(rule: ReportRule, header: readonly string[]): FieldPlan[] {
  const inFile = new Set(header);
  const plans: FieldPlan[] = [];
  FIELDS.forEach((field, i) => {
    const columns = rule.fields
      .filter((f) => f.target === field && inFile.has(f.column))
      .map((f) => ({ column: f.column, convert: f.convert && Object.hasOwn(CONVERSIONS, f.convert) ? CONVERSIONS[f.convert] : present }));
    const plan: FieldPlan = { slot: i, columns };
    if (Object.hasOwn(rule.constants, field)) plan.constant = rule.constants[field];
    if (rule.defaults && Object.hasOwn(rule.defaults, field)) plan.fallback = rule.defaults[field];
    if (plan.constant !== undefined || columns.length > 0 || plan.fallback !== undefined) plans.push(plan);
  });
  return plans;
}

/**
 * IntelMQ's fields of one row into `values` by slot (undefined when unset), each with the column it
 * came from in `columns` (a constant or default is named by its field).
 */
function fillEvent(plans: readonly FieldPlan[], row: Row, values: Array<string | undefined>, columns: string[]): void {
  values.fill(undefined);
  for (const plan of plans) {
    if (plan.constant !== undefined) {
      values[plan.slot] = plan.constant;
      columns[plan.slot] = FIELDS[plan.slot];
      continue;
    }
    for (const { column, convert } of plan.columns) {
      const value = convert(row[column], row);
      if (value !== undefined && value !== '') {
        values[plan.slot] = value;
        columns[plan.slot] = column;
        break;
      }
    }
    if (values[plan.slot] === undefined && plan.fallback !== undefined) {
      values[plan.slot] = plan.fallback;
      columns[plan.slot] = FIELDS[plan.slot];
    }
  }
}

/** The canonical indicators of the event's fields, or the failure naming the column at fault. */
function indicatorsOf(fields: IndicatorFields, values: ReadonlyArray<string | undefined>, columns: readonly string[]): Checked<Indicators> {
  const out: Indicators = {};
  for (const [at, key] of fields) {
    const value = values[at];
    const failure = value === undefined ? undefined : canonicalIndicator(out, key, value, columns[at]);
    if (failure) return failure;
  }
  return { ok: true, value: out };
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

/**
 * The reader of a file's rows under a report rule: the observation of each row, or the row error
 * naming the column at fault. The rule is worked out for the file's header once.
 */
export function shadowserverRows(rule: ReportRule, header: readonly string[]): (context: ParseContext, line: number, row: Row) => ParsedRow {
  const plans = plansOf(rule, header);
  const addressColumn = rule.fields.find((f) => f.target === 'source.ip' || f.target === 'source.network')?.column ?? 'ip';
  const otherRole = otherPartyRole(rule.report);
  const typeOfReport = reportType(rule.report);
  // One row is read at a time, wholly: its event can use the same slots as the last row's.
  const values: Array<string | undefined> = new Array(FIELDS.length);
  const columns: string[] = new Array(FIELDS.length).fill('');
  const value = (field: Field): string | undefined => values[slot(field)];

  return (context, line, row) => {
    fillEvent(plans, row, values, columns);
    const time = value('time.source');
    if (time === undefined) return rowError(context, line, 'timestamp', 'no timestamp');
    const observedAt = utcTimestamp(time);
    if (!observedAt) return rowError(context, line, columns[slot('time.source')], `not a timestamp: "${time}"`);

    const subject = indicatorsOf(SUBJECT, values, columns);
    if (!subject.ok) return rowError(context, line, subject.field, subject.reason);
    if (!identifiesParty(subject.value)) return rowError(context, line, addressColumn, 'no address, network, domain or URL of the subject');
    const other = indicatorsOf(OTHER, values, columns);
    if (!other.ok) return rowError(context, line, other.field, other.reason);
    const others: OtherParty[] = Object.keys(other.value).length > 0 ? [{ role: otherRole, indicators: other.value }] : [];

    const kindText = value('koppel.kind');
    const kind =
      (kindText && isKind(kindText) ? kindText : undefined) ??
      kindOf(value('classification.taxonomy'), value('classification.type'), value('classification.identifier')) ??
      'information';
    const severity = value('severity')?.toLowerCase();
    const application = value('protocol.application');
    if (application && !subject.value.protocol) subject.value.protocol = application.toLowerCase();

    return observationRow(context, line, {
      observedAt,
      kind,
      type: value('classification.identifier') ?? typeOfReport,
      severity: severity && isSeverity(severity) ? severity : undefined,
      fallbackSeverity: FALLBACK_SEVERITY[kind],
      subject: subject.value,
      others,
      hostname: value('source.reverse_dns'),
      malware: value('malware.name')?.toLowerCase(),
      cve: cvesIn(value('product.vulnerabilities')),
      description: value('event_description.text'),
      evidence: row,
    });
  };
}

/**
 * Koppel's own Shadowserver mappings, used when no published schema is configured: the report
 * families (scan, sinkhole, honeypot, compromised, blocklist, device identification, sandbox,
 * malicious URLs) and the column conventions that place every other report's columns.
 * They are written as schema rules, in IntelMQ's field names, so one interpreter reads both.
 */
import type { Kind, OtherPartyRole } from '../observations/model.ts';
import type { FieldRule, ReportRule } from './shadowserver-schema.ts';

export type Family =
  | 'scan'
  | 'sinkhole'
  | 'honeypot'
  | 'compromised-website'
  | 'compromised'
  | 'compromised-account'
  | 'blocklist'
  | 'device-id'
  | 'sandbox'
  | 'malicious-url'
  | 'ddos'
  | 'other';

const FAMILIES: ReadonlyArray<readonly [RegExp, Family]> = [
  [/honeypot|darknet/, 'honeypot'],
  [/sinkhole|drone|^cc_/, 'sinkhole'],
  [/^compromised_website/, 'compromised-website'],
  [/^compromised_account/, 'compromised-account'],
  [/^compromised|^ransomware_victim/, 'compromised'],
  [/^(blocklist|blacklist)/, 'blocklist'],
  [/^device_id/, 'device-id'],
  [/^sandbox/, 'sandbox'],
  [/^(malware_url|spam_url|phish)/, 'malicious-url'],
  [/ddos_participant/, 'ddos'],
  [/^(scan6?|population6?)_|^special$/, 'scan'],
];

/** The family of a report by its name; `other` for reports the conventions alone must place. */
export const familyOf = (report: string | undefined): Family => FAMILIES.find(([pattern]) => report && pattern.test(report))?.[1] ?? 'other';

/** A report name Koppel recognises as Shadowserver's, for detection by file name. */
export const isKnownReport = (report: string): boolean => familyOf(report) !== 'other' || /^event[46]?_/.test(report);

/** What the other party of a report is to the subject: where an infected host called, or the sensor it attacked. */
export function otherPartyRole(report: string | undefined): OtherPartyRole {
  const family = familyOf(report);
  return family === 'sinkhole' ? 'sinkhole' : family === 'honeypot' ? 'honeypot' : 'destination';
}

/**
 * The report named in a Shadowserver file name: `2026-11-27-scan_rdp-nl-geo.csv` → `scan_rdp`
 * (date, report, then the recipient's part), `event4_sinkhole_http.csv` → `event4_sinkhole_http`.
 */
export function reportFromFileName(fileName: string): string | undefined {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  const match = /^(?:\d{4}-\d{2}-\d{2}-)?([a-z0-9_]+)(?:-[^.]*)?\.csv(?:\.gz)?$/.exec(base);
  return match?.[1];
}

const VULNERABLE_SCANS = /vulnerable|freak|poodle|badsecrets|synfulknock|exchange/;

/** The finer type of a report when its rows name none: `scan_rdp` → `open-rdp`, `event4_sinkhole_http` → `sinkhole-http`. */
export function reportType(report: string | undefined): string {
  if (!report) return 'shadowserver';
  const scanned = /^scan6?_(.+)$/.exec(report);
  if (scanned) {
    const vulnerable = /^(.+)_vulnerable$/.exec(scanned[1]);
    return vulnerable ? `vulnerable-${vulnerable[1].replace(/_/g, '-')}` : `open-${scanned[1].replace(/_/g, '-')}`;
  }
  const population = /^population6?_(.+)$/.exec(report);
  if (population) return `accessible-${population[1].replace(/_/g, '-')}`;
  return report.replace(/^event[46]?_/, '').replace(/[46]$/, '').replace(/_/g, '-');
}

function familyKind(family: Family, report: string | undefined): Kind {
  switch (family) {
    case 'scan':
      if (report && /post_exploitation/.test(report)) return 'infected';
      return report && VULNERABLE_SCANS.test(report) ? 'vulnerable' : 'exposed-service';
    case 'sinkhole':
      return 'infected';
    case 'honeypot':
      return report && /ddos_(target|amp)/.test(report) ? 'information' : 'attack-source';
    case 'compromised-website':
    case 'compromised':
      return 'compromised';
    case 'compromised-account':
      return 'leaked-credentials';
    case 'blocklist':
    case 'sandbox':
    case 'malicious-url':
      return 'malicious-infrastructure';
    case 'ddos':
      return 'attack-source';
    case 'device-id':
    case 'other':
      return 'information';
  }
}

const rule = (target: string, column: string, convert?: string, withRow?: boolean): FieldRule => ({
  target,
  column,
  ...(convert ? { convert } : {}),
  ...(withRow ? { withRow } : {}),
});

/** Columns whose meaning is the same in every report. `dst_*` only ever fills the other party. */
const CONVENTIONS: readonly FieldRule[] = [
  rule('time.source', 'timestamp'),
  rule('source.ip', 'ip'),
  rule('source.ip', 'src_ip'),
  rule('source.port', 'port', 'convert_int'),
  rule('source.port', 'src_port', 'convert_int'),
  rule('source.asn', 'asn', 'invalidate_zero'),
  rule('source.asn', 'src_asn', 'invalidate_zero'),
  rule('protocol.transport', 'protocol', 'validate_to_none'),
  rule('source.reverse_dns', 'hostname', 'validate_to_none'),
  rule('source.reverse_dns', 'src_hostname', 'validate_to_none'),
  rule('destination.ip', 'dst_ip', 'validate_ip'),
  rule('destination.port', 'dst_port', 'convert_int'),
  rule('destination.asn', 'dst_asn', 'invalidate_zero'),
  rule('severity', 'severity', 'validate_to_none'),
  rule('product.vulnerabilities', 'tag', 'extract_cve_from_tag'),
];

function familyRules(family: Family): FieldRule[] {
  switch (family) {
    case 'scan':
      return [rule('koppel.kind', 'tag', 'koppel_scan_kind')];
    case 'sinkhole':
      return [
        rule('classification.identifier', 'infection', 'validate_to_none'),
        rule('classification.identifier', 'family', 'validate_to_none'),
        rule('malware.name', 'infection', 'validate_to_none'),
        rule('malware.name', 'family', 'validate_to_none'),
        rule('destination.fqdn', 'http_host', 'validate_fqdn'),
        rule('destination.url', 'http_url', 'convert_http_host_and_url', true),
      ];
    case 'honeypot':
      return [rule('classification.identifier', 'infection', 'validate_to_none')];
    case 'compromised-website':
      return [
        rule('source.fqdn', 'http_host'),
        rule('source.url', 'url', 'convert_http_host_and_url', true),
        rule('malware.name', 'family', 'validate_to_none'),
        rule('event_description.text', 'category', 'category_or_detail', true),
      ];
    case 'compromised':
      return [rule('malware.name', 'family', 'validate_to_none'), rule('event_description.text', 'detail', 'validate_to_none')];
    case 'compromised-account':
      return [rule('source.email', 'email', 'validate_to_none'), rule('malware.name', 'infection', 'validate_to_none')];
    case 'blocklist':
      return [rule('koppel.kind', 'reason', 'koppel_blocklist_kind'), rule('event_description.text', 'reason', 'validate_to_none')];
    case 'sandbox':
      return [rule('destination.url', 'url', 'validate_to_none')];
    case 'malicious-url':
      return [rule('source.url', 'url', 'validate_to_none'), rule('malware.name', 'family', 'validate_to_none')];
    case 'ddos':
      return [rule('malware.name', 'infection', 'validate_to_none')];
    case 'device-id':
    case 'other':
      return [];
  }
}

/** The built-in rule for a report, limited to the columns the file has. */
export function builtinRule(report: string | undefined, columns: readonly string[]): ReportRule {
  const family = familyOf(report);
  const present = new Set(columns);
  return {
    report: report ?? 'unknown',
    feedName: report ?? 'Shadowserver',
    fields: [...familyRules(family), ...CONVENTIONS].filter((f) => present.has(f.column)),
    constants: {},
    defaults: { 'koppel.kind': familyKind(family, report), 'classification.identifier': reportType(report) },
  };
}

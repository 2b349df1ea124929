/**
 * AlienVault OTX pulses: a JSON array of pulses (or the API's `{"results":[…]}`), each with its
 * indicators. Every network indicator (IPv4, IPv6, CIDR, domain, hostname, URL, e-mail) becomes
 * one observation about that indicator; file hashes, CVEs, mutexes and the like name no network
 * and are skipped. The pulse's own TLP is kept when it is stricter than the source's.
 */
import type { Readable } from 'node:stream';
import type { Indicators, Kind, Observation, Tlp } from '../observations/model.ts';
import { refang } from '../indicators/index.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import {
  baseName,
  domainIndicator,
  ipIndicator,
  jsonRecords,
  malwareFamily,
  networkIndicator,
  rowError,
  sourceDefaults,
  stricterTlp,
  urlIndicators,
  utcTimestamp,
  type Built,
} from './feed-input.ts';
import { checkedRow } from './observation.ts';

type Fields = Record<string, unknown>;

const PULSE_TLP: Readonly<Record<string, Tlp>> = {
  white: 'CLEAR',
  clear: 'CLEAR',
  green: 'GREEN',
  amber: 'AMBER',
  'amber+strict': 'AMBER+STRICT',
  red: 'RED',
};

/** What an indicator's role (when the pulse author gave one) says about the threat. */
const ROLE_KIND: Readonly<Record<string, Kind>> = {
  phishing: 'phishing',
  scanning_host: 'attack-source',
  bruteforce: 'attack-source',
};

function detect(fileName: string, head: string): number {
  const pulseKeys = ['"indicators"', '"author_name"', '"references"', '"tags"', '"modified"'].filter((k) => head.includes(k)).length;
  if (/^\s*[[{]/.test(head) && pulseKeys >= 3) return 0.9;
  return /otx|alienvault|pulse/.test(baseName(fileName)) ? 0.3 : 0;
}

/** Subject indicators, or nothing when the indicator type names no network. */
function indicatorsOf(type: string, value: string, field: string): Built<Indicators> | undefined {
  switch (type) {
    case 'ipv4':
    case 'ipv6':
      return ipIndicator(value, field);
    case 'cidr':
      return networkIndicator(value, field);
    case 'domain':
    case 'hostname':
      return domainIndicator(value, field);
    case 'url':
      return urlIndicators(value, field);
    case 'uri':
      // OTX's URI is sometimes a whole URL and sometimes only a path, which has no host to match.
      return /^(h..ps?|ftp):\/\//i.test(value.trim()) ? urlIndicators(value, field) : undefined;
    case 'email': {
      const email = refang(value.trim()).toLowerCase();
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? { ok: true, value: { email } } : { ok: false, field, reason: `not an e-mail address: "${value}"` };
    }
    default:
      return undefined;
  }
}

function pulseFamily(pulse: Fields): string | undefined {
  const families = Array.isArray(pulse.malware_families) ? pulse.malware_families : [];
  const first: unknown = families[0];
  return malwareFamily(typeof first === 'object' && first !== null ? (first as Fields).display_name : first);
}

/** The pulse without its indicators: the context every observation of it keeps as evidence. */
function pulseEvidence(pulse: Fields): Fields {
  const { indicators: _indicators, ...rest } = pulse;
  return rest;
}

function* observePulse(context: ParseContext, line: number, pulse: Fields): Iterable<ParsedRow> {
  if (!Array.isArray(pulse.indicators)) {
    yield rowError(context, line, 'indicators', 'a pulse must have a list of indicators');
    return;
  }
  const pulseTlp = PULSE_TLP[String(pulse.TLP ?? pulse.tlp ?? '').toLowerCase()];
  const tlp = pulseTlp ? stricterTlp(pulseTlp, context.source.tlp) : context.source.tlp;
  const malware = pulseFamily(pulse);
  const name = typeof pulse.name === 'string' ? pulse.name.replace(/\s+/g, ' ').trim() : undefined;
  const evidencePulse = pulseEvidence(pulse);
  const pulseTime = utcTimestamp(String(pulse.modified ?? pulse.created ?? ''));

  for (const [index, item] of (pulse.indicators as unknown[]).entries()) {
    const field = `indicators[${index}]`;
    if (typeof item !== 'object' || item === null) {
      yield rowError(context, line, field, 'an indicator must be an object');
      continue;
    }
    const indicator = item as Fields;
    if (typeof indicator.type !== 'string' || typeof indicator.indicator !== 'string') {
      yield rowError(context, line, field, 'an indicator needs a type and a value');
      continue;
    }
    const subject = indicatorsOf(indicator.type.toLowerCase(), indicator.indicator, `${field}.indicator`);
    if (!subject) continue;
    if (!subject.ok) {
      yield rowError(context, line, subject.field, subject.reason);
      continue;
    }
    const observedAt = utcTimestamp(String(indicator.created ?? '')) ?? pulseTime ?? context.fileTime;
    const role = typeof indicator.role === 'string' ? indicator.role.toLowerCase() : undefined;
    const observation: Observation = {
      ...sourceDefaults(context, 'medium'),
      tlp,
      observedAt,
      kind: (role && ROLE_KIND[role]) || 'malicious-infrastructure',
      type: role && /^[a-z0-9_-]+$/.test(role) ? role.replace(/_/g, '-') : 'otx-pulse',
      subject: subject.value,
      ...(malware ? { malware } : {}),
      ...(name ? { description: `OTX pulse: ${name}` } : {}),
      evidence: { pulse: evidencePulse, indicator },
    };
    yield checkedRow(context, line, observation);
  }
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  for await (const record of jsonRecords(input, new Set(['results']))) {
    if ('error' in record) yield rowError(context, record.line, undefined, record.error);
    else if (typeof record.value === 'object' && record.value !== null && !Array.isArray(record.value)) {
      yield* observePulse(context, record.line, record.value as Fields);
    } else yield rowError(context, record.line, undefined, 'a pulse must be a JSON object');
  }
}

export const otx: IntakeFormat = {
  name: 'otx',
  description: 'AlienVault OTX pulses (JSON): their IP, network, domain, URL and e-mail indicators',
  detect,
  parse,
};

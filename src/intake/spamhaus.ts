/**
 * Spamhaus DROP, EDROP and ASN-DROP: networks and AS numbers run by or hijacked by criminals,
 * which nobody should route or peer with. Both published forms are read: the text lists
 * (`1.4.0.0/17 ; SBL256893`, `AS260 ; AE | NAME`) under `;` comment banners, and the JSON lines
 * (`{"cidr":…,"sblid":…}`, `{"asn":…,"asname":…}`) that end with a metadata line.
 */
import type { Readable } from 'node:stream';
import type { Indicators, Observation } from '../observations/model.ts';
import { parseAsn } from '../indicators/index.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { baseName, networkIndicator, numberedLines, rowError, sourceDefaults, utcTimestamp, type Built } from './feed-input.ts';
import { checkedRow } from './observation.ts';

type ListKind = 'network' | 'asn';

interface ListState {
  type: string;
  observedAt?: string;
}

const BANNER = /^;\s*Spamhaus\s+(ASN-DROP|E?DROP)\b/im;
const TEXT_NETWORK_LINE = /^\s*[0-9a-f:.]+\/\d+\s*;/im;
const TEXT_ASN_LINE = /^\s*AS\d+\s*;/im;
const JSON_NETWORK_LINE = /^\{.*"cidr"\s*:.*"sblid"\s*:/m;
const JSON_ASN_LINE = /^\{.*"asn"\s*:\s*\d+.*"(?:asname|rir)"\s*:/m;

function detectList(list: ListKind, fileName: string, head: string): number {
  const name = baseName(fileName);
  const [textLine, jsonLine] = list === 'network' ? [TEXT_NETWORK_LINE, JSON_NETWORK_LINE] : [TEXT_ASN_LINE, JSON_ASN_LINE];
  if (BANNER.test(head) && textLine.test(head)) return 0.95;
  if (jsonLine.test(head)) return 0.9;
  const named = list === 'network' ? /^(e?drop(_v[46])?|spamhaus.*e?drop)\b/.test(name) && !name.includes('asn') : /asn-?drop/.test(name);
  if (named && textLine.test(head)) return 0.8;
  return named ? 0.3 : 0;
}

function typeFromFile(list: ListKind, fileName: string, head: string): string {
  if (list === 'asn') return 'spamhaus-asndrop';
  const banner = BANNER.exec(head)?.[1]?.toUpperCase();
  return banner === 'EDROP' || /(^|[^a-z])edrop/.test(baseName(fileName)) ? 'spamhaus-edrop' : 'spamhaus-drop';
}

function networkRecord(fields: Record<string, unknown>): Built<Indicators> {
  return typeof fields.cidr === 'string' ? networkIndicator(fields.cidr, 'cidr') : { ok: false, field: 'cidr', reason: 'missing network' };
}

function asnRecord(fields: Record<string, unknown>): Built<Indicators> {
  const asn = parseAsn(String(fields.asn ?? ''));
  return asn.ok ? { ok: true, value: { asn: asn.value } } : { ok: false, field: 'asn', reason: asn.reason };
}

/** `1.4.0.0/17 ; SBL256893` or `AS260 ; AE | XCONNECT24 - Xconnect24 Inc., US` as the JSON form's fields. */
function textFields(list: ListKind, text: string): Record<string, string> {
  const semicolon = text.indexOf(';');
  const value = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
  const rest = semicolon < 0 ? '' : text.slice(semicolon + 1).trim();
  if (list === 'network') return rest ? { cidr: value, sblid: rest } : { cidr: value };
  const bar = rest.indexOf('|');
  const cc = (bar < 0 ? '' : rest.slice(0, bar)).trim();
  const asname = (bar < 0 ? rest : rest.slice(bar + 1)).trim();
  return { asn: value, ...(cc ? { cc } : {}), ...(asname ? { asname } : {}) };
}

function observe(list: ListKind, context: ParseContext, state: ListState, line: number, fields: Record<string, unknown>): ParsedRow {
  const subject = list === 'network' ? networkRecord(fields) : asnRecord(fields);
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);
  const label = list === 'network' ? fields.sblid : fields.asname;
  const observation: Observation = {
    ...sourceDefaults(context, 'high'),
    observedAt: state.observedAt ?? context.fileTime,
    kind: 'malicious-infrastructure',
    type: state.type,
    subject: subject.value,
    description:
      list === 'network'
        ? `Listed on Spamhaus ${state.type === 'spamhaus-edrop' ? 'EDROP' : 'DROP'}${typeof label === 'string' ? ` (${label})` : ''}: do not route or peer`
        : `AS listed on Spamhaus ASN-DROP${typeof label === 'string' && label ? ` (${label})` : ''}: do not route or peer`,
    evidence: fields,
  };
  return checkedRow(context, line, observation);
}

async function* parseList(list: ListKind, input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  const state: ListState = { type: typeFromFile(list, context.file, '') };
  for await (const { line, text } of numberedLines(input)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith(';') || trimmed.startsWith('#')) {
      if (BANNER.test(trimmed)) state.type = typeFromFile(list, context.file, trimmed);
      const modified = /^;\s*Last-Modified:\s*(.+)$/i.exec(trimmed);
      if (modified) state.observedAt = utcTimestamp(modified[1]);
      continue;
    }
    if (trimmed.startsWith('{')) {
      let fields: unknown;
      try {
        fields = JSON.parse(trimmed);
      } catch (e) {
        yield rowError(context, line, undefined, `invalid JSON line: ${(e as Error).message}`);
        continue;
      }
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
        yield rowError(context, line, undefined, 'a JSON line must hold an object');
      } else if ((fields as Record<string, unknown>).type !== 'metadata') {
        yield observe(list, context, state, line, fields as Record<string, unknown>);
      }
      continue;
    }
    yield observe(list, context, state, line, textFields(list, trimmed));
  }
}

export const spamhausDrop: IntakeFormat = {
  name: 'spamhaus-drop',
  description: 'Spamhaus DROP and EDROP network lists (text or JSON lines, IPv4 and IPv6)',
  detect: (fileName, head) => detectList('network', fileName, head),
  parse: (input, context) => parseList('network', input, context),
};

export const spamhausAsnDrop: IntakeFormat = {
  name: 'spamhaus-asndrop',
  description: 'Spamhaus ASN-DROP list of AS numbers (text or JSON lines)',
  detect: (fileName, head) => detectList('asn', fileName, head),
  parse: (input, context) => parseList('asn', input, context),
};

/**
 * From a parser's raw values to a valid Observation: indicators in canonical form, the source's
 * defaults filled in, and a check against the model, so that no format can emit an invalid record.
 * A value that cannot be read becomes a row error naming the column it came from.
 */
import { FormatRegistry } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseAsn, parseCidr, parseDomain, parseIp, refang, urlHost } from '../indicators/index.ts';
import {
  KINDS,
  ObservationSchema,
  SEVERITIES,
  type Indicators,
  type Kind,
  type Observation,
  type OtherParty,
  type Severity,
} from '../observations/model.ts';
import type { ParseContext, ParsedRow } from './format.ts';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

const observationCheck = TypeCompiler.Compile(ObservationSchema);

/** A raw value and the column (or field) it was read from, so that an error can name it. */
export interface Cell {
  value: string;
  column: string;
}

/** Indicators as read from a row, before canonicalisation. */
export type RawIndicators = Partial<Record<keyof Indicators, Cell>>;

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

const fail = (field: string, reason: string): { ok: false; field: string; reason: string } => ({ ok: false, field, reason });

const PORT = /^\d{1,5}$/;

/**
 * Canonical indicators. An address cell holding a CIDR becomes the network; an AS number nobody can
 * hold (private use, reserved) is dropped rather than failing the row, as the rest still matches.
 */
export function canonicalIndicators(raw: RawIndicators): Checked<Indicators> {
  const out: Indicators = {};
  for (const key of Object.keys(raw) as (keyof Indicators)[]) {
    const cell = raw[key];
    if (!cell) continue;
    const text = refang(cell.value.trim());
    if (text === '') continue;
    switch (key) {
      case 'ip': {
        if (text.includes('/')) {
          const network = parseCidr(text);
          if (!network.ok) return fail(cell.column, network.reason);
          out.network = network.value.cidr;
          break;
        }
        const ip = parseIp(text);
        if (!ip.ok) return fail(cell.column, ip.reason);
        out.ip = ip.value.address;
        break;
      }
      case 'network': {
        const network = text.includes('/') ? parseCidr(text) : parseCidr(`${text}/${text.includes(':') ? 128 : 32}`);
        if (!network.ok) return fail(cell.column, network.reason);
        out.network = network.value.cidr;
        break;
      }
      case 'port': {
        const port = Number(text);
        if (!PORT.test(text) || port > 65535) return fail(cell.column, `not a port number: "${text}"`);
        out.port = port;
        break;
      }
      case 'asn': {
        if (!/^(as)?\s*\d+$/i.test(text)) return fail(cell.column, `not an AS number: "${text}"`);
        const asn = parseAsn(text);
        if (asn.ok) out.asn = asn.value;
        break;
      }
      case 'domain': {
        const domain = parseDomain(text);
        if (!domain.ok) return fail(cell.column, domain.reason);
        out.domain = domain.value;
        break;
      }
      case 'url': {
        const host = urlHost(text);
        if (!host || !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(text)) return fail(cell.column, `not a URL: "${text}"`);
        out.url = text;
        break;
      }
      case 'email': {
        const at = text.lastIndexOf('@');
        const domain = at > 0 ? parseDomain(text.slice(at + 1)) : undefined;
        if (!domain?.ok) return fail(cell.column, `not an e-mail address: "${text}"`);
        out.email = `${text.slice(0, at)}@${domain.value}`;
        break;
      }
      case 'protocol':
        out.protocol = text.toLowerCase();
        break;
    }
  }
  return { ok: true, value: out };
}

/** Indicators that identify a party; port, protocol and AS number alone only describe it. */
export const identifiesParty = (i: Indicators): boolean => Boolean(i.ip || i.network || i.domain || i.url || i.email || i.asn);

export const isKind = (text: string): text is Kind => (KINDS as readonly string[]).includes(text);
export const isSeverity = (text: string): text is Severity => (SEVERITIES as readonly string[]).includes(text);

/** What a parser knows about one row; everything else comes from the context. */
export interface Draft {
  observedAt?: string;
  kind: Kind;
  type: string;
  /** The row's own severity; else the source's default; else `fallbackSeverity`. */
  severity?: Severity;
  fallbackSeverity: Severity;
  subject: Indicators;
  others?: OtherParty[];
  hostname?: string;
  malware?: string;
  cve?: string[];
  description?: string;
  evidence: Record<string, unknown>;
}

/** The observation of a row, or a row error naming the first field the model rejects. */
export function observationRow(context: ParseContext, line: number, draft: Draft): ParsedRow {
  const observation: Observation = {
    source: context.source.name,
    observedAt: draft.observedAt ?? context.receivedAt,
    receivedAt: context.receivedAt,
    kind: draft.kind,
    type: draft.type,
    severity: draft.severity ?? context.source.severity ?? draft.fallbackSeverity,
    reliability: context.source.reliability,
    tlp: context.source.tlp,
    subject: draft.subject,
    others: draft.others ?? [],
    evidence: draft.evidence,
  };
  if (draft.hostname) observation.hostname = draft.hostname;
  if (draft.malware) observation.malware = draft.malware;
  if (draft.cve && draft.cve.length > 0) observation.cve = draft.cve;
  if (draft.description) observation.description = draft.description;
  return checkedRow(context, line, observation);
}

/** The value as an observation when the model accepts it, else a row error naming the field. */
export function checkedRow(context: ParseContext, line: number, value: unknown): ParsedRow {
  if (observationCheck.Check(value)) return { line, observation: value };
  const first = observationCheck.Errors(value).First();
  const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || undefined;
  return rowError(context, line, field, first?.message ?? 'not a valid observation');
}

export const rowError = (context: ParseContext, line: number, field: string | undefined, reason: string): ParsedRow => ({
  line,
  error: { file: context.file, line, ...(field ? { field } : {}), reason },
});

const CVE = /CVE-\d{4}-\d{4,}/gi;

/** The CVE identifiers mentioned in a text (Shadowserver lists them in `tag`), upper case, each once. */
export function cvesIn(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set((text.match(CVE) ?? []).map((c) => c.toUpperCase()))];
}

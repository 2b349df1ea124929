/**
 * From a parser's raw values to a valid Observation: indicators in canonical form, the source's
 * defaults filled in, and a check against the model, so that no format can emit an invalid record.
 * A value that cannot be read becomes a row error naming the column it came from.
 */
import { Type } from '@sinclair/typebox';
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
// The model's `date-time` format is defined there.
import './date-time.ts';
import { rowError } from './feed-input.ts';
import type { ParseContext, ParsedRow } from './format.ts';

const observationCheck = TypeCompiler.Compile(ObservationSchema);

/**
 * The model less what observationRow does not take from the draft: the source's fields, the same
 * for every row of a parse and checked in full with the first row it accepts, and the evidence, the
 * record the parser read. Derived from the model, so the two cannot drift apart; a tenth of the cost.
 */
const draftCheck = TypeCompiler.Compile(Type.Omit(ObservationSchema, ['source', 'receivedAt', 'reliability', 'tlp', 'evidence'], { additionalProperties: true }));
const contextsChecked = new WeakSet<ParseContext>();

/** A raw value and the column (or field) it was read from, so that an error can name it. */
export interface Cell {
  value: string;
  column: string;
}

/** Indicators as read from a row, before canonicalisation. */
export type RawIndicators = Partial<Record<keyof Indicators, Cell>>;

type Failure = { ok: false; field: string; reason: string };

export type Checked<T> = { ok: true; value: T } | Failure;

const fail = (field: string, reason: string): Failure => ({ ok: false, field, reason });

const PORT = /^\d{1,5}$/;
const ASN = /^(as)?\s*\d+$/i;

/**
 * One indicator in canonical form, put in `out` (a cell named `ip` may hold a network and fill
 * `network`); the failure naming the column when the text cannot be read. An AS number nobody can
 * hold (private use, reserved) is left out rather than failing the row, as the rest still matches.
 */
export function canonicalIndicator(out: Indicators, key: keyof Indicators, value: string, column: string): Failure | undefined {
  const text = refang(value.trim());
  if (text === '') return undefined;
  switch (key) {
    case 'ip': {
      if (text.includes('/')) {
        const network = parseCidr(text);
        if (!network.ok) return fail(column, network.reason);
        out.network = network.value.cidr;
        return undefined;
      }
      const ip = parseIp(text);
      if (!ip.ok) return fail(column, ip.reason);
      out.ip = ip.value.address;
      return undefined;
    }
    case 'network': {
      const network = text.includes('/') ? parseCidr(text) : parseCidr(`${text}/${text.includes(':') ? 128 : 32}`);
      if (!network.ok) return fail(column, network.reason);
      out.network = network.value.cidr;
      return undefined;
    }
    case 'port': {
      const port = Number(text);
      if (!PORT.test(text) || port > 65535) return fail(column, `not a port number: "${text}"`);
      out.port = port;
      return undefined;
    }
    case 'asn': {
      if (!ASN.test(text)) return fail(column, `not an AS number: "${text}"`);
      const asn = parseAsn(text);
      if (asn.ok) out.asn = asn.value;
      return undefined;
    }
    case 'domain': {
      const domain = parseDomain(text);
      if (!domain.ok) return fail(column, domain.reason);
      out.domain = domain.value;
      return undefined;
    }
    case 'url': {
      const host = urlHost(text);
      if (!host || !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(text)) return fail(column, `not a URL: "${text}"`);
      out.url = text;
      return undefined;
    }
    case 'email': {
      const at = text.lastIndexOf('@');
      const domain = at > 0 ? parseDomain(text.slice(at + 1)) : undefined;
      if (!domain?.ok) return fail(column, `not an e-mail address: "${text}"`);
      out.email = `${text.slice(0, at)}@${domain.value}`;
      return undefined;
    }
    case 'protocol':
      out.protocol = text.toLowerCase();
      return undefined;
  }
}

/** Canonical indicators of the cells, in their order (see canonicalIndicator). */
export function canonicalIndicators(raw: RawIndicators): Checked<Indicators> {
  const out: Indicators = {};
  for (const key of Object.keys(raw) as (keyof Indicators)[]) {
    const cell = raw[key];
    const failure = cell && canonicalIndicator(out, key, cell.value, cell.column);
    if (failure) return failure;
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
    observedAt: draft.observedAt ?? context.fileTime,
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
  if (contextsChecked.has(context) && draftCheck.Check(observation)) return withinReach(context, line, observation);
  const row = checkedRow(context, line, observation);
  if ('observation' in row) contextsChecked.add(context);
  return row;
}

/** The value as an observation when the model accepts it, else a row error naming the field. */
export function checkedRow(context: ParseContext, line: number, value: unknown): ParsedRow {
  if (observationCheck.Check(value)) return withinReach(context, line, value);
  const first = observationCheck.Errors(value).First();
  const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || undefined;
  return rowError(context, line, field, first?.message ?? 'not a valid observation');
}

/**
 * The widest subject network an observation may have. One wider reaches a whole part of the Internet,
 * and would warn every organisation with an address there: a feed's mistake, or an attack on Koppel.
 */
const WIDEST_PREFIX = { 4: 8, 6: 16 } as const;

/** The observation, or a row error when its subject network is wider than that; checked on the subject in canonical form. */
export function withinReach(context: ParseContext, line: number, observation: Observation): ParsedRow {
  const network = observation.subject.network;
  if (network !== undefined) {
    const widest = WIDEST_PREFIX[network.includes(':') ? 6 : 4];
    if (Number(network.slice(network.lastIndexOf('/') + 1)) < widest) {
      return rowError(context, line, 'subject.network', `${network} is wider than /${widest}: it would reach every organisation with an address in it`);
    }
  }
  return { line, observation };
}

const CVE = /CVE-\d{4}-\d{4,}/gi;

/** The CVE identifiers mentioned in a text (Shadowserver lists them in `tag`), upper case, each once. */
export function cvesIn(text: string | undefined): string[] {
  const found = text?.match(CVE);
  return found ? [...new Set(found.map((c) => c.toUpperCase()))] : [];
}

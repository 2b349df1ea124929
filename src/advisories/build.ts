/** Helpers the advisory formats share: reading documents, identities, ranges, TLP, language and the final check. */
import type { Readable } from 'node:stream';
import { Value } from '@sinclair/typebox/value';
import { TLP_LABELS, type Tlp } from '../observations/model.ts';
import { canonicalVers, formatCpe, formatPurl, parseCpe, parseNativeRange, parsePurl, parseVers } from '../versions/index.ts';
import { rowProblem } from '../intake/feed-input.ts';
import type { AdvisoryContext, AdvisoryRow } from './format.ts';
import { AdvisorySchema, type Advisory } from './model.ts';

/** The whole input as text, without a byte-order mark. Advisory documents are small; the KEV catalogue streams instead. */
export async function readText(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; line: number; reason: string };

/** A whole JSON document; a syntax error is one error for the document (Node 20 does not say where). */
export function parseJson(text: string): JsonRead {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, line: 1, reason: `invalid JSON: ${(e as Error).message}` };
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
export const strings = (v: unknown): string[] => asArray(v).flatMap((s) => asString(s) ?? []);

/** `{ key: value }` when there is a value, else nothing: for optional model fields. */
export const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, string>);

/** A bad row of an advisory file. */
export const errorRow = (context: AdvisoryContext, line: number, field: string | undefined, reason: string): AdvisoryRow => ({ line, error: rowProblem(context.file, line, field, reason) });

/** Primary language subtag, lower case: `en-US` → `en`, `NL` → `nl`; English when absent. */
export const languageOf = (tag: unknown): string => asString(tag)?.split(/[-_]/)[0].toLowerCase() ?? 'en';

/** A TLP label as sources write it (TLP 1.0 `WHITE` is TLP 2.0 `CLEAR`), or undefined. */
export function tlpOf(label: unknown): Tlp | undefined {
  const text = asString(label)?.toUpperCase().replace(/^TLP:/, '');
  if (text === 'WHITE') return 'CLEAR';
  return TLP_LABELS.find((t) => t === text);
}

/** The document's label, unless the source's own is stricter; CLEAR when neither says. */
export function effectiveTlp(documentLabel: Tlp | undefined, context: AdvisoryContext): Tlp {
  const labels = [documentLabel, context.tlp].filter((t): t is Tlp => t !== undefined);
  return labels.reduce<Tlp>((a, b) => (TLP_LABELS.indexOf(b) > TLP_LABELS.indexOf(a) ? b : a), 'CLEAR');
}

/** Identifiers other than `id`, each once (compared without case), sorted. */
export function aliasesOf(id: string, ...lists: ReadonlyArray<readonly (string | undefined)[]>): string[] {
  const seen = new Map<string, string>([[id.toLowerCase(), id]]);
  for (const value of lists.flat()) {
    const trimmed = value?.trim();
    if (trimmed && !seen.has(trimmed.toLowerCase())) seen.set(trimmed.toLowerCase(), trimmed);
  }
  seen.delete(id.toLowerCase());
  return [...seen.values()].sort();
}

/** A package URL split into its identity (no version) and its version. */
export function splitPurl(text: string): { ok: true; purl: string; type: string; version?: string } | { ok: false; reason: string } {
  const parsed = parsePurl(text);
  if (!parsed.ok) return parsed;
  const { version, ...identity } = parsed.value;
  return { ok: true, purl: formatPurl({ ...identity, subpath: undefined }), type: identity.type, ...(version ? { version } : {}) };
}

/** A CPE 2.3 formatted string from a 2.3 string or a 2.2 URI. */
export function cpe23(text: string): { ok: true; cpe: string } | { ok: false; reason: string } {
  const parsed = parseCpe(text);
  return parsed.ok ? { ok: true, cpe: formatCpe(parsed.value) } : parsed;
}

/**
 * A range as an advisory writes it (`<4.2`, `>= 1.0, < 2.0`, `vers:npm/<4.2`, `vers:all/*`) as a
 * canonical vers string for `scheme` (a purl type, or `generic`). A vers range with a scheme that
 * names no ordering (`unknown`, `all`) takes `scheme` instead.
 */
export function versOf(text: string, scheme: string): { ok: true; vers: string } | { ok: false; reason: string } {
  const trimmed = text.trim();
  const vers = /^vers:(unknown|all|none)\//i.exec(trimmed);
  const parsed = /^vers:/i.test(trimmed) && !vers ? parseVers(trimmed) : parseNativeRange(vers ? trimmed.slice(vers[0].length) : trimmed, scheme);
  return parsed.ok ? { ok: true, vers: canonicalVers(parsed.value) } : parsed;
}

/** The advisory when it satisfies the model, else an error naming the first offending field. */
export function checkedAdvisory(context: AdvisoryContext, line: number, advisory: Advisory, notes: string[] = []): AdvisoryRow {
  if (Value.Check(AdvisorySchema, advisory)) return { line, advisory, ...(notes.length > 0 ? { notes } : {}) };
  const first = Value.Errors(AdvisorySchema, advisory).First();
  return errorRow(context, line, first?.path || undefined, first?.message ?? 'invalid advisory');
}

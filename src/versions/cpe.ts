import type { Parsed } from '../indicators/index.ts';

/**
 * CPE names (NIST IR 7695) as well-formed names (WFN): parsed from CPE 2.3 formatted strings and
 * CPE 2.2 URIs (with the packed `~` edition), and compared by NIST IR 7696 name matching.
 * A value is `*` (ANY), `-` (NA) or a lower-case string in WFN form: punctuation quoted with `\`,
 * unquoted `*` and `?` are wildcards.
 */

export const CPE_ATTRIBUTES = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language', 'sw_edition', 'target_sw', 'target_hw', 'other'] as const;
export type CpeAttribute = (typeof CPE_ATTRIBUTES)[number];
export type Wfn = Record<CpeAttribute, string>;

export const ANY = '*';
export const NA = '-';

export type AttributeRelation = 'SUPERSET' | 'EQUAL' | 'SUBSET' | 'DISJOINT' | 'UNDEFINED';

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const WORD_CHARACTERS = /^[A-Za-z0-9_]*$/;

/** A formatted-string value into WFN form: punctuation quoted, escapes kept, wildcards left unquoted. */
function unbindFs(value: string): Parsed<string> {
  if (value === '*') return { ok: true, value: ANY };
  if (value === '-') return { ok: true, value: NA };
  // Most values (vendors, products) need no quoting: inventories hold a million of them.
  if (WORD_CHARACTERS.test(value)) return { ok: true, value: value.toLowerCase() };
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (WORD_CHARACTERS.test(c)) out += c.toLowerCase();
    else if (c === '\\') {
      if (i + 1 >= value.length) return fail(`"${value}" ends in a lone backslash`);
      out += `\\${value[++i].toLowerCase()}`;
    } else if (c === '*' || c === '?') out += c;
    else out += `\\${c}`;
  }
  return { ok: true, value: out };
}

/** A CPE 2.2 URI value into WFN form: percent-decoded, %01 and %02 the wildcards. */
function decodeUri(value: string): Parsed<string> {
  if (value === '') return { ok: true, value: ANY };
  if (value === '-') return { ok: true, value: NA };
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return fail(`bad percent-encoding in "${value}"`);
      i += 2;
      if (hex === '01') out += '?';
      else if (hex === '02') out += '*';
      else {
        const decoded = String.fromCharCode(parseInt(hex, 16));
        out += /[A-Za-z0-9_]/.test(decoded) ? decoded.toLowerCase() : `\\${decoded}`;
      }
    } else if (/[A-Za-z0-9_]/.test(c)) out += c.toLowerCase();
    else out += `\\${c}`;
  }
  return { ok: true, value: out };
}

/** Splits on `:` that is not escaped with a backslash. */
function splitFs(text: string): string[] {
  if (!text.includes('\\')) return text.split(':');
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) current += text[i] + text[++i];
    else if (text[i] === ':') {
      parts.push(current);
      current = '';
    } else current += text[i];
  }
  parts.push(current);
  return parts;
}

function toWfn(values: string[]): Parsed<Wfn> {
  const [part = ANY, vendor = ANY, product = ANY, version = ANY, update = ANY, edition = ANY, language = ANY, sw_edition = ANY, target_sw = ANY, target_hw = ANY, other = ANY] = values;
  const wfn: Wfn = { part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw, other };
  if (!['a', 'o', 'h', ANY].includes(wfn.part)) return fail(`part must be a, o or h, not "${wfn.part}"`);
  return { ok: true, value: wfn };
}

/** Parses a CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:…`) or a CPE 2.2 URI (`cpe:/a:vendor:product:…`). */
export function parseCpe(text: string): Parsed<Wfn> {
  const trimmed = text.trim();
  if (/^cpe:2\.3:/i.test(trimmed)) {
    const fields = splitFs(trimmed.slice(8));
    if (fields.length !== 11) return fail(`a CPE 2.3 name has 11 attributes, "${text}" has ${fields.length}`);
    const values: string[] = [];
    for (const field of fields) {
      const v = unbindFs(field);
      if (!v.ok) return v;
      values.push(v.value);
    }
    return toWfn(values);
  }
  if (/^cpe:\//i.test(trimmed)) {
    const fields = trimmed.slice(5).split(':');
    if (fields.length > 7) return fail(`a CPE 2.2 URI has at most 7 components, "${text}" has ${fields.length}`);
    // The packed edition `~edition~sw_edition~target_sw~target_hw~other` carries five attributes.
    const packed = fields[5]?.startsWith('~') ? fields[5].slice(1).split('~') : undefined;
    if (packed && packed.length !== 5) return fail(`packed edition "${fields[5]}" needs five parts`);
    const raw = [...fields.slice(0, 5), ...(packed ?? [fields[5] ?? '', '', '', '', ''])];
    const ordered = [...raw.slice(0, 6), fields[6] ?? '', ...raw.slice(6)];
    const values: string[] = [];
    for (const field of ordered) {
      const v = decodeUri(field);
      if (!v.ok) return v;
      values.push(v.value);
    }
    return toWfn(values);
  }
  return fail(`not a CPE name: "${text}"`);
}

/** The CPE 2.3 formatted string of a WFN. */
export function formatCpe(wfn: Wfn): string {
  const bind = (v: string): string => (v === ANY || v === NA ? v : v.replace(/\\([.\-_])/g, '$1'));
  return `cpe:2.3:${CPE_ATTRIBUTES.map((a) => bind(wfn[a])).join(':')}`;
}

/** The plain text of a WFN string value (quotes removed), for version comparison and display. */
export const unquote = (value: string): string => value.replace(/\\(.)/g, '$1');

const hasWildcards = (v: string): boolean => /(^|[^\\])[*?]/.test(v);

/** NIST IR 7696 compare_strings: does the source pattern cover the target string? */
function compareStrings(source: string, target: string): AttributeRelation {
  let start = 0;
  let end = source.length;
  let begins = 0;
  let ends = 0;
  if (source.startsWith('*')) {
    start = 1;
    begins = -1;
  } else {
    while (start < source.length && source[start] === '?') {
      start++;
      begins++;
    }
  }
  if (source.endsWith('*') && !source.endsWith('\\*') && end > start) {
    end--;
    ends = -1;
  } else {
    while (end > start && source[end - 1] === '?' && source[end - 2] !== '\\') {
      end--;
      ends++;
    }
  }
  const core = source.slice(start, end);
  const escapesIn = (s: string, from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) if (s[i] === '\\') { n++; i++; }
    return n;
  };
  let index = -1;
  let leftover = target.length;
  while (leftover > 0) {
    index = target.indexOf(core, index + 1);
    if (index === -1) break;
    if (index > 0 && begins !== -1 && begins < index - escapesIn(target, 0, index)) break;
    leftover = target.length - index - escapesIn(target, index + core.length, target.length) - core.length;
    if (leftover > 0 && ends !== -1 && leftover > ends) continue;
    return 'SUPERSET';
  }
  return 'DISJOINT';
}

/** NIST IR 7696 attribute comparison of a source value (the pattern, e.g. an advisory's) with a target value. */
export function compareAttribute(source: string, target: string): AttributeRelation {
  if (target !== ANY && target !== NA && hasWildcards(target)) return 'UNDEFINED';
  if (source === target) return 'EQUAL';
  if (source === ANY) return 'SUPERSET';
  if (target === ANY) return 'SUBSET';
  if (source === NA || target === NA) return 'DISJOINT';
  return compareStrings(source, target);
}

export type NameRelation = 'SUPERSET' | 'EQUAL' | 'SUBSET' | 'DISJOINT' | 'UNDEFINED';

/** NIST IR 7696 name comparison: how the set of products the source names relates to the target's. */
export function compareCpe(source: Wfn, target: Wfn): NameRelation {
  const relations = CPE_ATTRIBUTES.map((a) => compareAttribute(source[a], target[a]));
  if (relations.includes('DISJOINT')) return 'DISJOINT';
  if (relations.every((r) => r === 'EQUAL')) return 'EQUAL';
  if (relations.every((r) => r === 'EQUAL' || r === 'SUPERSET')) return 'SUPERSET';
  if (relations.every((r) => r === 'EQUAL' || r === 'SUBSET')) return 'SUBSET';
  return 'UNDEFINED';
}

import type { Parsed } from '../indicators/index.ts';
import { schemeForVers } from './schemes.ts';
import type { VersionScheme } from './scheme.ts';

/** vers ranges (https://github.com/package-url/vers-spec): `vers:<scheme>/<constraint>|<constraint>…`. */

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface VersConstraint {
  readonly comparator: Comparator;
  readonly version: string;
}

export interface VersRange {
  readonly scheme: string;
  /** `vers:<scheme>/*`: every version. */
  readonly anyVersion: boolean;
  readonly constraints: readonly VersConstraint[];
}

const COMPARATORS: readonly Comparator[] = ['>=', '<=', '!=', '<', '>', '='];

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const nonCanonical = (what: string): { ok: false; reason: string } => fail(`non-canonical VERS: ${what}`);

/** Decodes percent-encoding once; strict mode also refuses lower-case hex digits. */
function decodeVersion(text: string, strict: boolean): Parsed<string> {
  for (const m of text.matchAll(/%(.{0,2})/g)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(m[1])) return nonCanonical('invalid percent-encoding in version');
    if (strict && /[a-f]/.test(m[1])) return nonCanonical('percent-encoding in version is not canonical');
  }
  try {
    return { ok: true, value: decodeURIComponent(text) };
  } catch {
    return nonCanonical('invalid percent-encoding in version');
  }
}

function checkDatetime(raw: string): string | undefined {
  if (/%3A/i.test(raw)) return 'datetime time colons must be unencoded';
  if (/[tz]/.test(raw)) return 'datetime must use uppercase T and Z';
  return undefined;
}

const byVersion = (scheme: VersionScheme) => (a: VersConstraint, b: VersConstraint): number =>
  scheme.compare(a.version, b.version) || (a.comparator < b.comparator ? -1 : a.comparator > b.comparator ? 1 : 0);

/**
 * Parses a vers string. By default it is lenient as advisories need (whitespace, empty
 * constraints and any order are accepted and the result is sorted); `strict` accepts only the
 * canonical form and names what is wrong, with the messages of the vers-spec test suite.
 */
export function parseVers(text: string, options: { strict?: boolean } = {}): Parsed<VersRange> {
  const strict = options.strict ?? false;
  if (strict && /\s/.test(text)) return nonCanonical('whitespace is not permitted');
  const compact = text.replace(/\s+/g, '');
  const m = /^vers:([A-Za-z0-9.+-]+)\/(.*)$/i.exec(compact);
  if (!m) return fail(`not a vers range: "${text}"`);
  if (strict && !compact.startsWith('vers:')) return nonCanonical('the URI scheme must be lower case "vers"');
  const scheme = m[1].toLowerCase();
  const body = m[2];
  if (strict) {
    if (body.startsWith('|')) return nonCanonical('leading pipe is not permitted');
    if (body.endsWith('|')) return nonCanonical('trailing pipe is not permitted');
    if (body.includes('||')) return nonCanonical('consecutive pipes are not permitted');
  }
  const pieces = body.split('|').filter((p) => p !== '');
  if (pieces.length === 0) return fail(`vers range without constraints: "${text}"`);
  if (pieces.includes('*')) {
    if (pieces.length > 1) return fail('"*" must be the only constraint of a vers range');
    return { ok: true, value: { scheme, anyVersion: true, constraints: [] } };
  }
  const constraints: VersConstraint[] = [];
  for (const piece of pieces) {
    const comparator = COMPARATORS.find((c) => piece.startsWith(c)) ?? '=';
    const raw = piece.slice(comparator === '=' && !piece.startsWith('=') ? 0 : comparator.length);
    if (raw === '') return fail(`constraint "${piece}" has no version`);
    const version = decodeVersion(raw, strict);
    if (!version.ok) return version;
    if (scheme === 'datetime' && strict) {
      const problem = checkDatetime(raw);
      if (problem) return nonCanonical(problem);
    }
    constraints.push({ comparator, version: version.value });
  }
  const sorted = [...constraints].sort(byVersion(schemeForVers(scheme)));
  if (strict && sorted.some((c, i) => c !== constraints[i])) return nonCanonical('constraints are not sorted by version');
  return { ok: true, value: { scheme, anyVersion: false, constraints: sorted } };
}

/** Percent-encodes what would break the vers syntax, keeping `:` (epochs, times) and `+` readable. */
const encodeVersion = (version: string): string => encodeURIComponent(version).replace(/%3A/g, ':').replace(/%2B/g, '+');

const parseOrThrow = (range: VersRange | string): VersRange => {
  if (typeof range !== 'string') return range;
  const parsed = parseVers(range);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

/** The canonical string of a range: lower-case scheme, constraints sorted by version, `=` left out. */
export function canonicalVers(range: VersRange | string): string {
  const r = parseOrThrow(range);
  if (r.anyVersion) return `vers:${r.scheme}/*`;
  const sorted = [...r.constraints].sort(byVersion(schemeForVers(r.scheme)));
  return `vers:${r.scheme}/${sorted.map((c) => `${c.comparator === '=' ? '' : c.comparator}${encodeVersion(c.version)}`).join('|')}`;
}

/**
 * Whether a version is in a range, by the order of the range's scheme (the vers containment
 * algorithm): a pre-release of a fixed version (`2.31.0rc1`) is in `<2.31.0`. A range of only
 * `!=` constraints holds every other version.
 */
export function versContains(range: VersRange | string, version: string): boolean {
  const r = parseOrThrow(range);
  if (r.anyVersion) return true;
  const scheme = schemeForVers(r.scheme);
  const cmp = (c: VersConstraint): number => scheme.compare(version, c.version);
  for (const c of r.constraints) {
    const equal = cmp(c) === 0;
    if (equal && (c.comparator === '=' || c.comparator === '<=' || c.comparator === '>=')) return true;
    if (equal && c.comparator === '!=') return false;
  }
  const bounds = r.constraints.filter((c) => c.comparator !== '=' && c.comparator !== '!=').sort(byVersion(scheme));
  if (bounds.length === 0) return r.constraints.every((c) => c.comparator === '!=');
  const isUpper = (c: VersConstraint): boolean => c.comparator === '<' || c.comparator === '<=';
  if (isUpper(bounds[0]) && cmp(bounds[0]) < 0) return true;
  const last = bounds[bounds.length - 1];
  if (!isUpper(last) && cmp(last) > 0) return true;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [current, next] = [bounds[i], bounds[i + 1]];
    if (!isUpper(current) && isUpper(next) && cmp(current) > 0 && cmp(next) < 0) return true;
  }
  return false;
}

/**
 * The version that leaves the range above the given one: the nearest `<` bound above it, when the
 * range does not pick up again at that bound. Undefined when the range names no such bound.
 */
export function fixedVersion(range: VersRange | string, version: string): string | undefined {
  const r = parseOrThrow(range);
  if (r.anyVersion) return undefined;
  const scheme = schemeForVers(r.scheme);
  const above = r.constraints
    .filter((c) => c.comparator === '<' && scheme.compare(c.version, version) > 0)
    .sort((a, b) => scheme.compare(a.version, b.version));
  return above.find((c) => !versContains(r, c.version))?.version;
}

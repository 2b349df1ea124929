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

/**
 * What containment and fixes need of a parsed range, worked out once per range object: advisories
 * compare one range with thousands of inventory versions.
 */
interface PreparedRange {
  readonly scheme: VersionScheme;
  readonly canonical: string;
  /** Indexes into the constraints of the `<`, `<=`, `>` and `>=` ones, by version. */
  readonly bounds: readonly number[];
  /** The `<` versions the range does not pick up again at, by version: where a fix lands. */
  readonly fixes: readonly string[];
}

const preparedRanges = new WeakMap<VersRange, PreparedRange>();

function prepare(r: VersRange): PreparedRange {
  const known = preparedRanges.get(r);
  if (known) return known;
  const scheme = schemeForVers(r.scheme);
  const order = byVersion(scheme);
  const bounds = r.constraints
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.comparator !== '=' && c.comparator !== '!=')
    .sort((a, b) => order(a.c, b.c))
    .map(({ i }) => i);
  const sorted = [...r.constraints].sort(order);
  const canonical = r.anyVersion ? `vers:${r.scheme}/*` : `vers:${r.scheme}/${sorted.map((c) => `${c.comparator === '=' ? '' : c.comparator}${encodeVersion(c.version)}`).join('|')}`;
  const fixes = sorted.filter((c) => c.comparator === '<' && !contains(r, scheme, bounds, c.version)).map((c) => c.version);
  const result = { scheme, canonical, bounds, fixes };
  preparedRanges.set(r, result);
  return result;
}

/** The canonical string of a range: lower-case scheme, constraints sorted by version, `=` left out. */
export function canonicalVers(range: VersRange | string): string {
  return prepare(parseOrThrow(range)).canonical;
}

const isUpper = (c: VersConstraint): boolean => c.comparator === '<' || c.comparator === '<=';

/** Containment with each constraint compared once; loops rather than callbacks, as it runs per inventory entry. */
function contains(r: VersRange, scheme: VersionScheme, bounds: readonly number[], version: string): boolean {
  if (r.anyVersion) return true;
  const constraints = r.constraints;
  const order: number[] = [];
  let onlyExclusions = true;
  for (let i = 0; i < constraints.length; i++) {
    const comparator = constraints[i].comparator;
    order.push(scheme.compare(version, constraints[i].version));
    if (order[i] === 0 && (comparator === '=' || comparator === '<=' || comparator === '>=')) return true;
    if (order[i] === 0 && comparator === '!=') return false;
    if (comparator !== '!=') onlyExclusions = false;
  }
  if (bounds.length === 0) return onlyExclusions;
  const first = bounds[0];
  if (isUpper(constraints[first]) && order[first] < 0) return true;
  const last = bounds[bounds.length - 1];
  if (!isUpper(constraints[last]) && order[last] > 0) return true;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const current = bounds[k];
    const next = bounds[k + 1];
    if (!isUpper(constraints[current]) && isUpper(constraints[next]) && order[current] > 0 && order[next] < 0) return true;
  }
  return false;
}

/**
 * Whether a version is in a range, by the order of the range's scheme (the vers containment
 * algorithm): a pre-release of a fixed version (`2.31.0rc1`) is in `<2.31.0`. A range of only
 * `!=` constraints holds every other version.
 */
export function versContains(range: VersRange | string, version: string): boolean {
  const r = parseOrThrow(range);
  if (r.anyVersion) return true;
  const { scheme, bounds } = prepare(r);
  return contains(r, scheme, bounds, version);
}

/**
 * The version that leaves the range above the given one: the nearest `<` bound above it, when the
 * range does not pick up again at that bound. Undefined when the range names no such bound.
 */
export function fixedVersion(range: VersRange | string, version: string): string | undefined {
  const r = parseOrThrow(range);
  if (r.anyVersion) return undefined;
  const { scheme, fixes } = prepare(r);
  return fixes.find((fix) => scheme.compare(fix, version) > 0);
}

import type { Parsed } from '../indicators/index.ts';
import { schemeForVers } from './schemes.ts';
import type { VersionScheme } from './scheme.ts';
import { normalizeSemver, semver } from './semver.ts';
import { parseVers, type VersConstraint, type VersRange } from './vers.ts';

/**
 * Plain version ranges as advisories write them, read into vers: `<4.2`, `>= 1.0, < 2.0`,
 * `>=1.0 <2.0 || >=3.0 <3.1`, `1.2.3 - 1.4.0`, `^1.2`, `~1.2.3`, `1.2.x`, `~>2.0.8` (gem),
 * `~=1.4` and `==1.2.*` (PyPI), `[1.0,2.0)` and `(,1.0]` (Maven, NuGet), `*`, and vers itself.
 * A bare version is that version only (as in an advisory), not npm's "1.2 means 1.2.x".
 * Groups joined by `||` are merged where they overlap, so that vers containment reads them right.
 */

interface Bound {
  version: string;
  inclusive: boolean;
}

interface Interval {
  lower?: Bound;
  upper?: Bound;
}

interface Group {
  interval: Interval;
  excluded: string[];
}

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const isSemverFamily = (scheme: VersionScheme): boolean => scheme === semver;

/** Numeric parts before the first wildcard of an x-range (`1.2.x` → [1, 2]), or undefined when there is no wildcard. */
function wildcardPrefix(version: string): number[] | undefined {
  const parts = version.replace(/^v/i, '').split('.');
  const wild = parts.findIndex((p) => /^[xX*]$/.test(p));
  if (wild === -1) return undefined;
  if (!parts.slice(0, wild).every((p) => /^\d+$/.test(p))) return undefined;
  return parts.slice(0, wild).map(Number);
}

function releaseNumbers(version: string): number[] {
  const m = /^v?(\d+(?:\.\d+)*)/i.exec(version);
  return m ? m[1].split('.').map(Number) : [];
}

const join = (parts: number[], width: number): string => [...parts, ...Array(Math.max(0, width - parts.length)).fill(0)].join('.');

/** The interval of one `1.2.x` style wildcard: [1.2.0, 1.3.0). */
function wildcardInterval(prefix: number[], semverFamily: boolean): Interval | 'any' {
  if (prefix.length === 0) return 'any';
  const width = semverFamily ? 3 : prefix.length;
  const next = [...prefix.slice(0, -1), prefix[prefix.length - 1] + 1];
  return { lower: { version: join(prefix, width), inclusive: true }, upper: { version: join(next, width), inclusive: false } };
}

function caretUpper(version: string): string {
  const [major = 0, minor = 0, patch = 0] = releaseNumbers(version);
  if (major > 0) return `${major + 1}.0.0`;
  if (minor > 0) return `0.${minor + 1}.0`;
  return `0.0.${patch + 1}`;
}

function tildeUpper(version: string): string {
  const [major = 0, minor] = releaseNumbers(version);
  return minor === undefined ? `${major + 1}.0.0` : `${major}.${minor + 1}.0`;
}

/** `~>2.0.8` and `~=2.0.8`: the last release part dropped, the one before it bumped (2.1). */
function pessimisticUpper(version: string): string | undefined {
  const parts = releaseNumbers(version);
  if (parts.length < 2) return undefined;
  const kept = parts.slice(0, -1);
  kept[kept.length - 1] += 1;
  return kept.join('.');
}

type Term = { kind: 'interval'; interval: Interval } | { kind: 'exclude'; version: string } | { kind: 'any' };

function term(token: string, scheme: VersionScheme): Term | string {
  const m = /^(===|==|!=|>=|<=|~>|~=|\^|~|<|>|=)?(.+)$/.exec(token);
  if (!m) return `cannot read "${token}"`;
  const op = m[1] ?? '=';
  const raw = m[2];
  if (!/^[0-9A-Za-z*]/.test(raw)) return `cannot read "${token}"`;
  const family = isSemverFamily(scheme);
  const norm = (v: string): string => (family ? normalizeSemver(v) : v);
  const prefix = wildcardPrefix(raw);
  if (prefix !== undefined) {
    const range = wildcardInterval(prefix, family);
    if (range === 'any') return op === '<' || op === '>' ? `"${token}" excludes every version` : { kind: 'any' };
    if (op === '=' || op === '==' || op === '===' || op === '~' || op === '^') return { kind: 'interval', interval: range };
    if (op === '>=') return { kind: 'interval', interval: { lower: range.lower } };
    if (op === '>') return { kind: 'interval', interval: { lower: { ...range.upper!, inclusive: true } } };
    if (op === '<') return { kind: 'interval', interval: { upper: { ...range.lower!, inclusive: false } } };
    if (op === '<=') return { kind: 'interval', interval: { upper: range.upper } };
    return `"${token}": ${op} does not take a wildcard`;
  }
  const version = norm(raw);
  switch (op) {
    case '=':
    case '==':
    case '===':
      return { kind: 'interval', interval: { lower: { version, inclusive: true }, upper: { version, inclusive: true } } };
    case '!=':
      return { kind: 'exclude', version };
    case '>=':
    case '>':
      return { kind: 'interval', interval: { lower: { version, inclusive: op === '>=' } } };
    case '<=':
    case '<':
      return { kind: 'interval', interval: { upper: { version, inclusive: op === '<=' } } };
    case '^':
      return { kind: 'interval', interval: { lower: { version, inclusive: true }, upper: { version: caretUpper(version), inclusive: false } } };
    case '~':
      return { kind: 'interval', interval: { lower: { version, inclusive: true }, upper: { version: tildeUpper(version), inclusive: false } } };
    default: {
      const upper = pessimisticUpper(version);
      if (!upper) return `"${token}" needs at least two version parts`;
      return { kind: 'interval', interval: { lower: { version, inclusive: true }, upper: { version: upper, inclusive: false } } };
    }
  }
}

function tighterLower(scheme: VersionScheme, a: Bound | undefined, b: Bound | undefined): Bound | undefined {
  if (!a || !b) return a ?? b;
  const c = scheme.compare(a.version, b.version);
  return c > 0 || (c === 0 && !a.inclusive) ? a : b;
}

function tighterUpper(scheme: VersionScheme, a: Bound | undefined, b: Bound | undefined): Bound | undefined {
  if (!a || !b) return a ?? b;
  const c = scheme.compare(a.version, b.version);
  return c < 0 || (c === 0 && !a.inclusive) ? a : b;
}

function isEmpty(scheme: VersionScheme, i: Interval): boolean {
  if (!i.lower || !i.upper) return false;
  const c = scheme.compare(i.lower.version, i.upper.version);
  return c > 0 || (c === 0 && !(i.lower.inclusive && i.upper.inclusive));
}

/** One `||` group: its terms intersected; null when it allows every version. */
function readGroup(text: string, scheme: VersionScheme): Group | null | string {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const norm = (v: string): string => (isSemverFamily(scheme) ? normalizeSemver(v) : v);
    return { interval: { lower: { version: norm(hyphen[1]), inclusive: true }, upper: { version: norm(hyphen[2]), inclusive: true } }, excluded: [] };
  }
  const tokens = text.replace(/(===|==|!=|>=|<=|~>|~=|\^|~|<|>|=)\s+/g, '$1').split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.length === 0) return `empty range`;
  const group: Group = { interval: {}, excluded: [] };
  let onlyAny = true;
  for (const token of tokens) {
    const t = term(token, scheme);
    if (typeof t === 'string') return t;
    if (t.kind === 'any') continue;
    onlyAny = false;
    if (t.kind === 'exclude') group.excluded.push(t.version);
    else {
      group.interval.lower = tighterLower(scheme, group.interval.lower, t.interval.lower);
      group.interval.upper = tighterUpper(scheme, group.interval.upper, t.interval.upper);
    }
  }
  return onlyAny ? null : group;
}

/** Maven and NuGet intervals: `[1.0,2.0)`, `(,1.0]`, `[1.2]`, several separated by commas. */
function readBrackets(text: string): Group[] | string {
  const groups: Group[] = [];
  const pattern = /([[(])\s*([^,\])]*?)\s*(?:(,)\s*([^\])]*?)\s*)?([\])])\s*,?\s*/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = pattern.exec(text)) !== null) {
    consumed = pattern.lastIndex;
    const [, open, low, comma, high, close] = m;
    if (!comma) {
      if (open !== '[' || close !== ']' || low === '') return `"${m[0].trim()}" is not an interval`;
      groups.push({ interval: { lower: { version: low, inclusive: true }, upper: { version: low, inclusive: true } }, excluded: [] });
      continue;
    }
    groups.push({
      interval: {
        lower: low ? { version: low, inclusive: open === '[' } : undefined,
        upper: high ? { version: high, inclusive: close === ']' } : undefined,
      },
      excluded: [],
    });
  }
  return consumed === text.length && groups.length > 0 ? groups : `cannot read the interval "${text}"`;
}

/** Sorts intervals by their lower bound and merges those that overlap or touch. */
function mergeIntervals(scheme: VersionScheme, intervals: Interval[]): Interval[] {
  const lowerKey = (i: Interval): number => (i.lower ? 0 : -1);
  const sorted = [...intervals].sort((a, b) =>
    lowerKey(a) - lowerKey(b) || (a.lower && b.lower ? scheme.compare(a.lower.version, b.lower.version) || Number(b.lower.inclusive) - Number(a.lower.inclusive) : 0),
  );
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    const touches =
      last !== undefined &&
      (!last.upper ||
        !interval.lower ||
        scheme.compare(interval.lower.version, last.upper.version) < 0 ||
        (scheme.compare(interval.lower.version, last.upper.version) === 0 && (interval.lower.inclusive || last.upper.inclusive)));
    if (!touches) merged.push({ ...interval });
    else if (last.upper) {
      last.upper = !interval.upper ? undefined : scheme.compare(interval.upper.version, last.upper.version) > 0 || (scheme.compare(interval.upper.version, last.upper.version) === 0 && interval.upper.inclusive) ? interval.upper : last.upper;
    }
  }
  return merged;
}

function constraintsOf(interval: Interval, scheme: VersionScheme): VersConstraint[] {
  const { lower, upper } = interval;
  if (lower && upper && lower.inclusive && upper.inclusive && scheme.compare(lower.version, upper.version) === 0) return [{ comparator: '=', version: lower.version }];
  const result: VersConstraint[] = [];
  if (lower) result.push({ comparator: lower.inclusive ? '>=' : '>', version: lower.version });
  if (upper) result.push({ comparator: upper.inclusive ? '<=' : '<', version: upper.version });
  return result;
}

/** `1.1.2 1.2.2` or `1.1.2, 1.2.2`: a list of affected versions, each its own group. */
function splitVersionList(text: string): string[] {
  const tokens = text.trim().split(/[\s,]+/);
  const isBare = (t: string): boolean => t !== '-' && /^[^<>=!~^]/.test(t) && wildcardPrefix(t) === undefined;
  return tokens.length > 1 && tokens.every(isBare) ? tokens : [text];
}

/** Reads a range written the way advisories and package managers write them, for a vers scheme (a purl type). */
export function parseNativeRange(text: string, versScheme: string): Parsed<VersRange> {
  const trimmed = text.trim();
  if (/^vers:/i.test(trimmed)) return parseVers(trimmed);
  const name = versScheme.toLowerCase();
  const scheme = schemeForVers(name);
  const any = { ok: true as const, value: { scheme: name, anyVersion: true, constraints: [] } };
  if (trimmed === '' || trimmed === '*' || /^all( versions)?$/i.test(trimmed)) return any;
  const groups: Group[] = [];
  if (/^[[(]/.test(trimmed)) {
    const read = readBrackets(trimmed);
    if (typeof read === 'string') return fail(read);
    groups.push(...read);
  } else {
    for (const part of trimmed.split('||').flatMap(splitVersionList)) {
      const group = readGroup(part.trim(), scheme);
      if (group === null) return any;
      if (typeof group === 'string') return fail(`${group} in "${text}"`);
      groups.push(group);
    }
  }
  const intervals = mergeIntervals(scheme, groups.map((g) => g.interval).filter((i) => !isEmpty(scheme, i)));
  const excluded = groups.flatMap((g) => g.excluded.map((version): VersConstraint => ({ comparator: '!=', version })));
  if (intervals.length === 0 && excluded.length === 0) return fail(`"${text}" holds no version`);
  const unbounded = intervals.length === 1 && !intervals[0].lower && !intervals[0].upper;
  const constraints = [...(unbounded ? [] : intervals.flatMap((i) => constraintsOf(i, scheme))), ...excluded];
  if (constraints.length === 0) return any;
  const sorted = constraints.sort((a, b) => scheme.compare(a.version, b.version) || (a.comparator < b.comparator ? -1 : a.comparator > b.comparator ? 1 : 0));
  return { ok: true, value: { scheme: name, anyVersion: false, constraints: sorted } };
}

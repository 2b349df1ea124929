import semverLib from 'semver';
import { compareGeneric } from './generic.ts';
import type { VersionScheme } from './scheme.ts';

/**
 * Semantic versions (npm, cargo, Go modules, composer, hex, pub …) through the `semver` package.
 * A leading `v` or `=` is tolerated and missing minor/patch parts are read as 0 (`1.2` = `1.2.0`),
 * because advisories and inventories write them so. What still is not semver falls back to the
 * generic order, so that a malformed inventory entry sorts somewhere instead of failing the match;
 * `isValid` tells such entries apart.
 */

const strip = (version: string): string => version.trim().replace(/^[=vV]+/, '');

/**
 * Versions already read: an advisory's range compares the same few versions with thousands of
 * inventory entries. Bounded, because inventories may hold any text; never mutated once read.
 */
const coerced = new Map<string, semverLib.SemVer | null>();
const COERCED_KEPT = 10_000;

function coerce(version: string): semverLib.SemVer | null {
  const known = coerced.get(version);
  if (known !== undefined) return known;
  const padded = strip(version).replace(/^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?=$|[-+])/, (_, major: string, minor?: string, patch?: string) => `${major}.${minor ?? '0'}.${patch ?? '0'}`);
  const read = semverLib.parse(padded, { loose: true });
  if (coerced.size >= COERCED_KEPT) coerced.clear();
  coerced.set(version, read);
  return read;
}

export const semver: VersionScheme = {
  name: 'semver',
  compare(a, b) {
    const x = coerce(a);
    const y = coerce(b);
    return x && y ? x.compare(y) : compareGeneric(strip(a), strip(b));
  },
  isValid: (v) => semverLib.valid(strip(v)) !== null,
};

/** The version as npm writes it (`v1.2` → `1.2.0`), or the input when it is no version at all. */
export function normalizeSemver(version: string): string {
  return coerce(version)?.version ?? strip(version);
}

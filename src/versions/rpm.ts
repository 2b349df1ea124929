import { compareDigits, type VersionScheme } from './scheme.ts';

/** RPM versions, `[epoch:]version[-release]`, ordered by rpmvercmp (with `~` before and `^` after the end of a string). */

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isSeparator = (c: string | undefined): boolean => c !== undefined && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

/** rpm's rpmvercmp on one version or release string. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (isSeparator(a[i])) i++;
    while (isSeparator(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const inRun = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (inRun(a[i])) i++;
    while (inRun(b[j])) j++;
    // A numeric segment beats an alphabetic one.
    if (j === startB) return numeric ? 1 : -1;
    const segA = a.slice(startA, i);
    const segB = b.slice(startB, j);
    const diff = numeric ? compareDigits(segA, segB) : segA < segB ? -1 : segA > segB ? 1 : 0;
    if (diff !== 0) return diff;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface Evr {
  epoch: string | undefined;
  version: string;
  release: string | undefined;
}

export function splitEvr(evr: string): Evr {
  const withEpoch = /^(\d+):(.*)$/.exec(evr.trim());
  const rest = withEpoch ? withEpoch[2] : evr.trim();
  const dash = rest.lastIndexOf('-');
  return {
    epoch: withEpoch?.[1],
    version: dash >= 0 ? rest.slice(0, dash) : rest,
    release: dash >= 0 ? rest.slice(dash + 1) : undefined,
  };
}

export const rpm: VersionScheme = {
  name: 'rpm',
  compare(a, b) {
    const x = splitEvr(a);
    const y = splitEvr(b);
    // As rpmverCmp: a missing epoch is 0, a release is compared only when both sides have one.
    return (
      compareDigits(x.epoch ?? '0', y.epoch ?? '0') ||
      rpmvercmp(x.version, y.version) ||
      (x.release !== undefined && y.release !== undefined ? rpmvercmp(x.release, y.release) : 0)
    );
  },
  isValid: (v) => /^(?:\d+:)?[A-Za-z0-9._+~^]+(?:-[A-Za-z0-9._+~^]+)?$/.test(v.trim()),
};

/**
 * pacman's older copy of rpmvercmp, used for Arch Linux (alpm) versions: no `~` or `^`, a longer
 * separator wins, and a remaining letter segment never beats the end of a string (1.0rc < 1.0).
 */
export function alpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  let endA = 0;
  let endB = 0;
  const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);
  while (i < a.length && j < b.length) {
    while (i < a.length && !isAlnum(a[i])) i++;
    while (j < b.length && !isAlnum(b[j])) j++;
    if (i >= a.length || j >= b.length) break;
    if (i - endA !== j - endB) return i - endA < j - endB ? -1 : 1;
    const numeric = isDigit(a[i]);
    const inRun = numeric ? isDigit : isAlpha;
    endA = i;
    endB = j;
    while (inRun(a[endA])) endA++;
    while (inRun(b[endB])) endB++;
    if (endB === j) return numeric ? 1 : -1;
    const segA = a.slice(i, endA);
    const segB = b.slice(j, endB);
    const diff = numeric ? compareDigits(segA, segB) : segA < segB ? -1 : segA > segB ? 1 : 0;
    if (diff !== 0) return diff;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return (i >= a.length && !isAlpha(b[j])) || isAlpha(a[i]) ? -1 : 1;
}

export const alpm: VersionScheme = {
  name: 'alpm',
  compare(a, b) {
    const x = splitEvr(a);
    const y = splitEvr(b);
    return (
      compareDigits(x.epoch ?? '0', y.epoch ?? '0') ||
      alpmvercmp(x.version, y.version) ||
      (x.release !== undefined && y.release !== undefined ? alpmvercmp(x.release, y.release) : 0)
    );
  },
  isValid: (v) => /^(?:\d+:)?[A-Za-z0-9._+]+(?:-[A-Za-z0-9._+]+)?$/.test(v.trim()),
};

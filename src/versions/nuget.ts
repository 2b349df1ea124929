import { compareDigits, type VersionScheme } from './scheme.ts';

/**
 * NuGet versions: one to four numeric parts (missing parts are 0), an optional `-` release label
 * compared part by part (numbers numerically and before words, words case-insensitively), and
 * `+` metadata that does not take part in the order.
 */

const PATTERN = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]*)?$/i;

interface NugetVersion {
  numbers: string[];
  labels: string[];
}

function parse(version: string): NugetVersion | undefined {
  const m = PATTERN.exec(version.trim());
  if (!m) return undefined;
  return { numbers: [m[1], m[2] ?? '0', m[3] ?? '0', m[4] ?? '0'], labels: m[5] ? m[5].toLowerCase().split('.') : [] };
}

const isNumber = (s: string): boolean => /^\d+$/.test(s);

function compareLabel(a: string, b: string): number {
  if (isNumber(a) && isNumber(b)) return compareDigits(a, b);
  if (isNumber(a) !== isNumber(b)) return isNumber(a) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParsed(x: NugetVersion, y: NugetVersion): number {
  for (let i = 0; i < 4; i++) {
    const diff = compareDigits(x.numbers[i], y.numbers[i]);
    if (diff !== 0) return diff;
  }
  if (x.labels.length === 0 || y.labels.length === 0) return y.labels.length - x.labels.length === 0 ? 0 : x.labels.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(x.labels.length, y.labels.length); i++) {
    const diff = compareLabel(x.labels[i], y.labels[i]);
    if (diff !== 0) return diff;
  }
  return Math.sign(x.labels.length - y.labels.length);
}

export const nuget: VersionScheme = {
  name: 'nuget',
  compare(a, b) {
    const x = parse(a);
    const y = parse(b);
    if (x && y) return compareParsed(x, y);
    // Not NuGet at all: fall back to the string order so that sorting stays total.
    return x ? 1 : y ? -1 : a < b ? -1 : a > b ? 1 : 0;
  },
  isValid: (v) => parse(v) !== undefined,
};

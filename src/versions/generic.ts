import { compareDigits, type VersionScheme } from './scheme.ts';

/**
 * A scheme for versions of unknown origin (CPE versions, vendor products): runs of digits and of
 * letters, separated by anything else. Numbers compare numerically and missing numbers count as 0
 * (1.0 = 1.0.0). Known pre-release words (alpha, beta, rc, dev, preview, milestone, snapshot, and
 * a/b/m/c when a number follows) sort before the release; any other letters (OpenSSL's 1.0.2a,
 * OpenSSH's p1, sp1, update words) sort after it.
 */

const PRE_RELEASE: Record<string, number> = { dev: 0, snapshot: 1, alpha: 2, a: 2, beta: 3, b: 3, milestone: 4, m: 4, pre: 5, preview: 5, rc: 6, c: 6, cr: 6 };
const RELEASE_WORDS = new Set(['final', 'ga', 'release']);
const SHORT_PRE_RELEASE = new Set(['a', 'b', 'c', 'm']);

type Part = { kind: 'number'; digits: string } | { kind: 'pre'; rank: number; word: string } | { kind: 'post'; word: string };

function parts(version: string): Part[] {
  const tokens = version.trim().toLowerCase().match(/\d+|[a-z]+/g) ?? [];
  const result: Part[] = [];
  tokens.forEach((token, i) => {
    if (/^\d/.test(token)) result.push({ kind: 'number', digits: token });
    else if (RELEASE_WORDS.has(token)) return;
    else if (token in PRE_RELEASE && (!SHORT_PRE_RELEASE.has(token) || /^\d/.test(tokens[i + 1] ?? ''))) {
      result.push({ kind: 'pre', rank: PRE_RELEASE[token], word: token });
    } else result.push({ kind: 'post', word: token });
  });
  return result;
}

const KIND_ORDER = { pre: 0, number: 1, post: 2 } as const;

function comparePart(a: Part | undefined, b: Part | undefined): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return b!.kind === 'pre' ? 1 : b!.kind === 'number' ? compareDigits('0', b!.digits) : -1;
  if (b === undefined) return -comparePart(b, a);
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] ? -1 : 1;
  if (a.kind === 'number' && b.kind === 'number') return compareDigits(a.digits, b.digits);
  if (a.kind === 'pre' && b.kind === 'pre' && a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  const x = (a as { word: string }).word;
  const y = (b as { word: string }).word;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareGeneric(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = comparePart(x[i], y[i]);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const generic: VersionScheme = {
  name: 'generic',
  compare: compareGeneric,
  isValid: (v) => /^[0-9A-Za-z][0-9A-Za-z.+~_:-]*$/.test(v.trim()),
};

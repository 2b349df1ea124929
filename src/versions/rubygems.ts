import { compareDigits, type VersionScheme } from './scheme.ts';

/** RubyGems versions, ordered as Gem::Version: numeric and letter segments, any letter segment marks a pre-release. */

const PATTERN = /^[0-9]+(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Gem::Version#canonical_segments: trailing zeros of the release and of the pre-release part removed. */
function canonicalSegments(version: string): string[] {
  const segments = (version.trim().replace(/-/g, '.pre.').match(/[0-9]+|[a-z]+/gi) ?? []);
  const firstLetters = segments.findIndex((s) => !/^\d/.test(s));
  const release = firstLetters === -1 ? segments : segments.slice(0, firstLetters);
  const pre = firstLetters === -1 ? [] : segments.slice(firstLetters);
  const trim = (list: string[]): string[] => {
    let end = list.length;
    while (end > 0 && /^0+$/.test(list[end - 1])) end--;
    return list.slice(0, end);
  };
  return [...trim(release), ...trim(pre)];
}

const isNumber = (s: string): boolean => /^\d+$/.test(s);

export const rubygems: VersionScheme = {
  name: 'rubygems',
  compare(a, b) {
    const x = canonicalSegments(a);
    const y = canonicalSegments(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const left = x[i] ?? '0';
      const right = y[i] ?? '0';
      if (left === right) continue;
      if (isNumber(left) && isNumber(right)) {
        const diff = compareDigits(left, right);
        if (diff !== 0) return diff;
        continue;
      }
      if (isNumber(left) !== isNumber(right)) return isNumber(left) ? 1 : -1;
      return left < right ? -1 : 1;
    }
    return 0;
  },
  isValid: (v) => PATTERN.test(v.trim()),
};

import type { VersionScheme } from './scheme.ts';

/** Two schemes of vers whose order is not a version order: byte order of UTF-8, and instants in time. */

export const lexicographic: VersionScheme = {
  name: 'lexicographic',
  compare: (a, b) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))),
  isValid: (v) => v.length > 0,
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or NaN; fractions beyond milliseconds are kept as a tie-breaker. */
function instant(v: string): { ms: number; fraction: string } {
  const fraction = /\.(\d+)/.exec(v)?.[1].padEnd(9, '0').slice(3) ?? '000000';
  return { ms: RFC3339.test(v) ? Date.parse(v) : Number.NaN, fraction };
}

export const datetime: VersionScheme = {
  name: 'datetime',
  compare(a, b) {
    const x = instant(a.trim());
    const y = instant(b.trim());
    if (Number.isNaN(x.ms) || Number.isNaN(y.ms)) return Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return Math.sign(x.ms - y.ms) || (x.fraction < y.fraction ? -1 : x.fraction > y.fraction ? 1 : 0);
  },
  isValid: (v) => RFC3339.test(v.trim()),
};

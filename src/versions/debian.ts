import { compareDigits, sign, type VersionScheme } from './scheme.ts';

/** Debian package versions, `[epoch:]upstream[-revision]`, ordered as dpkg does (`~` sorts before everything, even the end). */

interface DebianVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

const VALID = /^(?:\d+:)?[0-9][A-Za-z0-9.+~:-]*$/;

function split(version: string): DebianVersion {
  const v = version.trim();
  const withEpoch = /^(\d+):(.*)$/.exec(v);
  const epoch = withEpoch ? withEpoch[1] : '0';
  const rest = withEpoch ? withEpoch[2] : v;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string): boolean => /[A-Za-z]/.test(c);

/** dpkg's order of a non-digit character: `~` lowest, then the end of the string, then letters, then the rest. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (isDigit(c)) return 0;
  if (isLetter(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp: alternating non-digit and digit runs. */
export function compareDebianPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = order(a[i]) - order(b[j]);
      if (diff !== 0) return sign(diff);
      i++;
      j++;
    }
    const startA = i;
    const startB = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const diff = compareDigits(a.slice(startA, i), b.slice(startB, j));
    if (diff !== 0) return diff;
  }
  return 0;
}

export const debian: VersionScheme = {
  name: 'debian',
  compare(a, b) {
    const x = split(a);
    const y = split(b);
    return compareDigits(x.epoch, y.epoch) || compareDebianPart(x.upstream, y.upstream) || compareDebianPart(x.revision, y.revision);
  },
  isValid(v) {
    const { epoch, upstream, revision } = split(v);
    return VALID.test(v.trim()) && !/^-|-$/.test(v.trim()) && (epoch !== '0' || /^0:/.test(v.trim()) || !upstream.includes(':')) && !revision.includes(':');
  },
};

import { sign, type VersionScheme } from './scheme.ts';

/**
 * Alpine apk versions, ordered as apk-tools' apk_version_compare: numbers separated by dots, an
 * optional letter, suffixes (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p)
 * each with an optional number, and a `-rN` package revision.
 */

const Token = { Invalid: -1, DigitOrZero: 0, Digit: 1, Letter: 2, Suffix: 3, SuffixNumber: 4, RevisionNumber: 5, End: 6 } as const;
type Token = (typeof Token)[keyof typeof Token];

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

interface Cursor {
  text: string;
  at: number;
  type: Token;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

function nextToken(cursor: Cursor): void {
  const c = cursor.text[cursor.at];
  let next: Token = Token.Invalid;
  if (c === undefined) next = Token.End;
  else if ((cursor.type === Token.Digit || cursor.type === Token.DigitOrZero) && isLower(c)) next = Token.Letter;
  else if (cursor.type === Token.Letter && isDigit(c)) next = Token.Digit;
  else if (cursor.type === Token.Suffix && isDigit(c)) next = Token.SuffixNumber;
  else {
    if (c === '.') next = Token.DigitOrZero;
    else if (c === '_') next = Token.Suffix;
    else if (c === '-' && cursor.text[cursor.at + 1] === 'r') {
      next = Token.RevisionNumber;
      cursor.at++;
    }
    cursor.at++;
  }
  const allowedBackStep =
    (next === Token.DigitOrZero && cursor.type === Token.Digit) ||
    (next === Token.Suffix && cursor.type === Token.SuffixNumber) ||
    (next === Token.Digit && cursor.type === Token.Letter);
  cursor.type = next < cursor.type && !allowedBackStep ? Token.Invalid : next;
}

/** Reads the value of the current token and advances to the next one. */
function getToken(cursor: Cursor): number {
  const { text } = cursor;
  if (cursor.at >= text.length) {
    cursor.type = Token.End;
    return 0;
  }
  let value = 0;
  let i = cursor.at;
  let nextType: Token = Token.Invalid;
  if (cursor.type === Token.DigitOrZero && text[i] === '0') {
    // Leading zeros sort a component before any number without them (1.01 < 1.1).
    while (text[i] === '0') i++;
    nextType = Token.Digit;
    value = cursor.at - i;
  } else switch (cursor.type) {
    case Token.DigitOrZero:
    case Token.Digit:
    case Token.SuffixNumber:
    case Token.RevisionNumber:
      while (isDigit(text[i])) value = value * 10 + (text.charCodeAt(i++) - 48);
      break;
    case Token.Letter:
      value = text.charCodeAt(i++);
      break;
    case Token.Suffix: {
      const rest = text.slice(i);
      const pre = PRE_SUFFIXES.findIndex((s) => rest.startsWith(s));
      const post = POST_SUFFIXES.findIndex((s) => rest.startsWith(s));
      if (pre >= 0) {
        value = pre - PRE_SUFFIXES.length;
        i += PRE_SUFFIXES[pre].length;
      } else if (post >= 0) {
        value = post;
        i += POST_SUFFIXES[post].length;
      } else {
        cursor.type = Token.Invalid;
        return -1;
      }
      // A suffix without a number may be followed directly by another suffix (_alpha_pre2).
      if (isDigit(text[i])) nextType = Token.SuffixNumber;
      break;
    }
    default:
      cursor.type = Token.Invalid;
      return -1;
  }
  cursor.at = i;
  if (cursor.at >= text.length) cursor.type = Token.End;
  else if (nextType !== Token.Invalid) cursor.type = nextType;
  else nextToken(cursor);
  return value;
}

function compareApk(a: string, b: string): number {
  const x: Cursor = { text: a, at: 0, type: Token.Digit };
  const y: Cursor = { text: b, at: 0, type: Token.Digit };
  let av = 0;
  let bv = 0;
  while (x.type === y.type && x.type !== Token.End && x.type !== Token.Invalid && av === bv) {
    av = getToken(x);
    bv = getToken(y);
  }
  if (av !== bv) return sign(av - bv);
  if (x.type === y.type) return 0;
  // apk leaves an empty number token after a lone 0 (1.0_rc1); skip it so the suffix decides.
  for (const c of [x, y]) if (c.type === Token.Digit && !isDigit(c.text[c.at])) getToken(c);
  if (x.type === y.type) return 0;
  // Equal so far: the longer version is newer, unless what follows is a pre-release suffix.
  if (x.type === Token.Suffix && getToken({ ...x }) < 0) return -1;
  if (y.type === Token.Suffix && getToken({ ...y }) < 0) return 1;
  return x.type > y.type ? -1 : 1;
}

function isValidApk(version: string): boolean {
  const cursor: Cursor = { text: version, at: 0, type: Token.Digit };
  while (cursor.type !== Token.End && cursor.type !== Token.Invalid) getToken(cursor);
  return cursor.type === Token.End && version.length > 0;
}

export const alpine: VersionScheme = {
  name: 'alpine',
  compare: (a, b) => compareApk(a.trim(), b.trim()),
  isValid: (v) => isValidApk(v.trim()),
};

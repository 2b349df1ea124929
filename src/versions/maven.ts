import { compareDigits, sign, type VersionScheme } from './scheme.ts';

/**
 * Maven versions, ordered as Maven's ComparableVersion: items split on `.`, `-` and digit/letter
 * changes; qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp;
 * unknown qualifiers after those, alphabetically; trailing null items (0, "", empty lists) dropped.
 */

type Item = { kind: 'int'; digits: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const SHORT: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

function stringItem(value: string, followedByDigit: boolean): Item {
  const expanded = followedByDigit && value.length === 1 ? (SHORT[value] ?? value) : value;
  return { kind: 'string', value: ALIASES[expanded] ?? expanded };
}

function comparableQualifier(value: string): string {
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', digits: text.replace(/^0+/, '') } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.digits === '';
    case 'string':
      return comparableQualifier(item.value) === RELEASE_INDEX;
    case 'list':
      return item.items.length === 0;
  }
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function parse(version: string): Item[] {
  const text = version.trim().toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let isDigit = false;
  let start = 0;
  const pushList = (): void => {
    const next: Item[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', digits: '' } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') pushList();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        pushList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        pushList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) list.push(parseItem(isDigit, text.slice(start)));
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

/** ComparableVersion's Item.compareTo, with undefined standing for Java's null (a missing item). */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return a.digits === '' ? 0 : 1;
      return b.kind === 'int' ? compareDigits(a.digits, b.digits) : 1;
    case 'string':
      if (b === undefined) return sign(compareStrings(comparableQualifier(a.value), RELEASE_INDEX));
      if (b.kind === 'string') return sign(compareStrings(comparableQualifier(a.value), comparableQualifier(b.value)));
      return -1;
    case 'list':
      if (b === undefined) return a.items.length === 0 ? 0 : compareItem(a.items[0], undefined);
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      return compareLists(a.items, b.items);
  }
}

function compareLists(a: Item[], b: Item[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = a[i];
    const right = b[i];
    const result = left === undefined ? (right === undefined ? 0 : -compareItem(right, undefined)) : compareItem(left, right);
    if (result !== 0) return result;
  }
  return 0;
}

export const maven: VersionScheme = {
  name: 'maven',
  compare: (a, b) => compareLists(parse(a), parse(b)),
  isValid: (v) => /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(v.trim()),
};

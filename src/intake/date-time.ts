/**
 * Times as the model holds them: ISO 8601, UTC. The form feed rows bring (`2021-01-17 07:44:46`) and
 * the form observations hold (`2021-01-17T07:44:46.000Z`) are read by hand, as one of each is read
 * for every row; anything else goes through a pattern and Date.parse.
 */
import { FormatRegistry } from '@sinclair/typebox';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The number written with `count` digits from `from`; -1 when a character there is no digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether text starts with `YYYY-MM-DD?HH:MM:SS`, a real time of day on a real date, `?` being a space or `T`. */
function startsWithDateAndTime(text: string): boolean {
  const separator = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || (separator !== 0x20 && separator !== 0x54)) return false;
  if (text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** `2021-01-17 07:44:46` (or with `T`) as `2021-01-17T07:44:46.000Z`; undefined for any other text. */
export function plainUtc(text: string): string | undefined {
  return text.length === 19 && startsWithDateAndTime(text) ? `${text.slice(0, 10)}T${text.slice(11)}.000Z` : undefined;
}

/** An ISO 8601 date-time with its zone, as the model's `date-time` fields must be. */
function isDateTime(text: string): boolean {
  const canonical = text.length === 24 && text.charCodeAt(10) === 0x54 && text.charCodeAt(19) === 0x2e && text.charCodeAt(23) === 0x5a;
  if (canonical && digitsAt(text, 20, 3) >= 0 && startsWithDateAndTime(text)) return true;
  return ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text));
}

FormatRegistry.Set('date-time', isDateTime);

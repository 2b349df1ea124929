/**
 * Canonical domain names for lookups. `parseDomain` costs about a microsecond (IDN processing), more
 * than a whole lookup may; names already in canonical lower-case ASCII are recognised by hand and
 * everything else goes through `parseDomain`, so both paths give the same answer.
 */
import { parseDomain } from './domain.ts';

const isLabelChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;

/**
 * True when `parseDomain` would return the text unchanged: 1–63 characters of [a-z0-9_-] per label,
 * no hyphen at a label's edge, a top label not all digits, at most 253 characters. Punycode labels
 * (`xn--`) take the slow path, where they are checked for validity.
 */
function isCanonicalAscii(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 253) return false;
  let labelStart = 0;
  let allDigits = true;
  for (let i = 0; i <= length; i++) {
    const c = i < length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      const size = i - labelStart;
      if (size === 0 || size > 63 || text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
      if (size >= 4 && text.charCodeAt(labelStart + 2) === 45 && text.charCodeAt(labelStart + 3) === 45 && text.startsWith('xn', labelStart)) return false;
      if (i === length && allDigits) return false;
      labelStart = i + 1;
      allDigits = true;
    } else if (isLabelChar(c)) {
      if (c < 48 || c > 57) allDigits = false;
    } else {
      return false;
    }
  }
  return true;
}

/** The name in lower-case ASCII without trailing dot, or undefined when it is no domain name. */
export function canonicalDomain(text: string): string | undefined {
  if (isCanonicalAscii(text)) return text;
  const parsed = parseDomain(text);
  return parsed.ok ? parsed.value : undefined;
}

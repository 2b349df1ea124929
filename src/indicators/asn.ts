/** Autonomous system numbers. */
import type { Parsed } from './ip.ts';

/**
 * Numbers nobody can hold (RFC 7607, 6793, 7300, IANA reserved) and private-use numbers (RFC 6996),
 * which are not unique. Documentation numbers (RFC 5398: 64496–64511, 65536–65551) are accepted, as
 * examples and pilots use them as documentation addresses are used.
 */
const RESERVED: ReadonlyArray<readonly [number, number, string]> = [
  [0, 0, 'reserved (RFC 7607)'],
  [23456, 23456, 'AS_TRANS (RFC 6793)'],
  [64512, 65534, 'private use (RFC 6996)'],
  [65535, 65535, 'reserved (RFC 7300)'],
  [65552, 131071, 'reserved by IANA'],
  [4200000000, 4294967294, 'private use (RFC 6996)'],
  [4294967295, 4294967295, 'reserved (RFC 7300)'],
];

const ASN_TEXT = /^(?:as)?\s*(\d{1,10})$/i;

/** `AS64500`, `as64500` and `64500` are all AS 64500. */
export function parseAsn(text: string): Parsed<number> {
  const match = ASN_TEXT.exec(text.trim());
  if (!match) return { ok: false, reason: `not an AS number: "${text.trim()}"` };
  const asn = Number(match[1]);
  if (asn > 4294967295) return { ok: false, reason: `AS number out of range: "${text.trim()}"` };
  const reserved = RESERVED.find(([low, high]) => asn >= low && asn <= high);
  if (reserved) return { ok: false, reason: `AS${asn} is ${reserved[2]} and cannot be held by an organisation` };
  return { ok: true, value: asn };
}

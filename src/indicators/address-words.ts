/**
 * Addresses and networks as 32-bit words: the keys of the range index, and the numbers block
 * summaries hash. The common canonical forms are read by hand because a lookup must cost well under
 * a microsecond; anything else goes through `parseIp` / `parseCidr`, so both paths accept and mean
 * exactly the same.
 *
 * IPv6 is kept as four Uint32 words rather than two Float64 halves: a Float64 holds only 53 bits
 * exactly, so halves of 64 bits would not survive, and Uint32 words pack densely into typed arrays,
 * compare with plain `<`, and in practice differ in the first or second word.
 */
import { parseCidr, parseIp } from './ip.ts';

export type Family = 4 | 6;

/** Words per key: one for IPv4, four for IPv6. */
export const wordsOf = (family: Family): number => (family === 4 ? 1 : 4);

/** Strict dotted decimal without leading zeros (the only IPv4 form `parseIp` accepts). */
function readIpv4(text: string, from: number, to: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

const groups = new Uint32Array(8);

/** Hex groups with at most one `::`; no embedded IPv4, no zone. Writes four words; false when it is not that form. */
function readIpv6(text: string, from: number, to: number, out: Uint32Array): boolean {
  let count = 0;
  let gap = -1;
  let i = from;
  if (to - from >= 2 && text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  }
  while (i < to) {
    let group = 0;
    let digits = 0;
    for (let h = hexValue(text.charCodeAt(i)); h >= 0 && i < to; h = hexValue(text.charCodeAt(++i))) {
      group = group * 16 + h;
      if (++digits > 4) return false;
    }
    if (digits === 0 || count === 8) return false;
    groups[count++] = group;
    if (i === to) break;
    if (text.charCodeAt(i) !== 58 || ++i === to) return false;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const shift = gap < 0 ? 0 : 8 - count;
  for (let g = 0; g < 8; g += 2) out[g >> 1] = (groupAt(g, gap, shift) * 65536 + groupAt(g + 1, gap, shift)) >>> 0;
  return true;
}

/** Group `g` of the full address, given `shift` zero groups spliced in at `gap`. */
const groupAt = (g: number, gap: number, shift: number): number => (gap < 0 || g < gap ? groups[g] : g < gap + shift ? 0 : groups[g - shift]);

/** Reads an address written in the canonical forms; 0 when the text is not one. */
function readFast(text: string, from: number, to: number, out: Uint32Array): Family | 0 {
  const v4 = readIpv4(text, from, to);
  if (v4 >= 0) {
    out[0] = v4;
    return 4;
  }
  if (!readIpv6(text, from, to, out)) return 0;
  // An IPv4-mapped address is the IPv4 address, as `parseIp` has it.
  if (out[0] === 0 && out[1] === 0 && out[2] === 0xffff) {
    out[0] = out[3];
    return 4;
  }
  return 6;
}

/** The address as words in `out` (one for IPv4, four for IPv6); 0 when the text is no address. */
export function addressWords(text: string, out: Uint32Array): Family | 0 {
  const family = readFast(text, 0, text.length, out);
  if (family !== 0) return family;
  const parsed = parseIp(text);
  if (!parsed.ok) return 0;
  // A zone (`fe80::1%eth0`) says which link, not which address; the address is what matches.
  const zone = parsed.value.address.indexOf('%');
  return readFast(parsed.value.address, 0, zone < 0 ? parsed.value.address.length : zone, out);
}

/** A network (`10.0.0.0/8`, host bits cleared) as words in `out`; its family and prefix, or undefined. */
export function networkWords(text: string, out: Uint32Array): { family: Family; prefix: number } | undefined {
  const slash = text.indexOf('/');
  const prefixText = slash > 0 ? text.slice(slash + 1) : '';
  const family = slash > 0 && /^\d{1,3}$/.test(prefixText) && !text.includes(':', slash) ? readFast(text, 0, slash, out) : 0;
  const mapped = family === 4 && text.lastIndexOf(':', slash) >= 0;
  const prefix = Number(prefixText);
  if (family !== 0 && !mapped && prefix <= (family === 4 ? 32 : 128)) {
    clearHostBits(out, wordsOf(family), prefix);
    return { family, prefix };
  }
  const parsed = parseCidr(text);
  if (!parsed.ok) return undefined;
  readFast(parsed.value.address, 0, parsed.value.address.length, out);
  return { family: parsed.value.version, prefix: parsed.value.prefix };
}

/** The host bits of word `w` under a prefix of `prefix` bits. */
export function hostMask(w: number, prefix: number): number {
  const bits = prefix - 32 * w;
  if (bits <= 0) return 0xffffffff;
  if (bits >= 32) return 0;
  return 0xffffffff >>> bits;
}

export function clearHostBits(key: Uint32Array, words: number, prefix: number): void {
  for (let w = 0; w < words; w++) key[w] = (key[w] & ~hostMask(w, prefix)) >>> 0;
}

/** Canonical forms of IP addresses and networks, shared by the registry, intake and matching. */
import ipaddr from 'ipaddr.js';

export type IpVersion = 4 | 6;

export interface Network {
  /** Canonical CIDR text: `10.0.0.0/24`, `2001:db8::/32`. */
  readonly cidr: string;
  readonly version: IpVersion;
  /** The network address in canonical text. */
  readonly address: string;
  readonly prefix: number;
}

export type Parsed<T> = { ok: true; value: T; warning?: string } | { ok: false; reason: string };

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The four-part decimal form, each part 0–255 without leading zeros: `10.1`, `0x0a.0.0.1` and
 * `010.0.0.1` are ambiguous or odd. Such text is its own canonical form. Read by hand, as every
 * row of a feed passes here.
 */
function isFourPartDecimal(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let part = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++parts > 4) return false;
      digits = 0;
      part = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && part === 0) return false;
      part = part * 10 + (c - 0x30);
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

function toAddress(text: string): Address | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.includes(':')) {
    if (!ipaddr.IPv6.isValid(trimmed)) return undefined;
    const v6 = ipaddr.IPv6.parse(trimmed);
    // An IPv4-mapped address (::ffff:192.0.2.1) is the IPv4 address; match it as one.
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return isFourPartDecimal(trimmed) ? ipaddr.IPv4.parse(trimmed) : undefined;
}

const addressText = (a: Address): string => (a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString());

/** Parses one IPv4 or IPv6 address into canonical text (RFC 5952 for IPv6). */
export function parseIp(text: string): Parsed<{ address: string; version: IpVersion }> {
  const trimmed = text.trim();
  if (isFourPartDecimal(trimmed)) return { ok: true, value: { address: trimmed, version: 4 } };
  const a = trimmed.includes(':') ? toAddress(trimmed) : undefined;
  if (!a) return { ok: false, reason: `not an IP address: "${trimmed}"` };
  return { ok: true, value: { address: addressText(a), version: a.kind() === 'ipv6' ? 6 : 4 } };
}

/**
 * Parses a network in CIDR form. Host bits set (`10.0.0.1/24`) are cleared with a warning,
 * because such input is usually a typo for the network, not a request for something else.
 */
export function parseCidr(text: string): Parsed<Network> {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) return { ok: false, reason: `not a network (no /prefix): "${trimmed}"` };
  const a = toAddress(trimmed.slice(0, slash));
  if (!a) return { ok: false, reason: `not a network address: "${trimmed}"` };
  const prefixText = trimmed.slice(slash + 1);
  const max = a.kind() === 'ipv6' ? 128 : 32;
  // An IPv4-mapped IPv6 network keeps its IPv6 prefix length; shift it to the IPv4 one.
  const mappedShift = trimmed.slice(0, slash).includes(':') && a.kind() === 'ipv4' ? 96 : 0;
  if (!/^\d{1,3}$/.test(prefixText)) return { ok: false, reason: `invalid prefix length "${prefixText}" in "${trimmed}"` };
  const prefix = Number(prefixText) - mappedShift;
  if (prefix < 0 || prefix > max) {
    return { ok: false, reason: `prefix length /${prefixText} is out of range for "${trimmed}"` };
  }
  const network = networkAddress(a, prefix);
  const address = addressText(network);
  const cidr = `${address}/${prefix}`;
  const version: IpVersion = a.kind() === 'ipv6' ? 6 : 4;
  const hostBitsSet = addressText(a) !== address;
  return {
    ok: true,
    value: { cidr, version, address, prefix },
    ...(hostBitsSet ? { warning: `"${trimmed}" has host bits set; registered as ${cidr}` } : {}),
  };
}

function networkAddress(a: Address, prefix: number): Address {
  const bytes = a.toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3] &= ~(0x80 >> (bit & 7));
  return ipaddr.fromByteArray(bytes) as Address;
}

/** The address as its bytes (4 or 16), for index keys and range arithmetic. */
export function ipBytes(canonical: string): number[] {
  return ipaddr.parse(canonical).toByteArray();
}

/**
 * The smallest set of CIDR networks that exactly covers an inclusive address range
 * (DShield and others publish start–end ranges).
 */
export function rangeToCidrs(first: string, last: string): Parsed<Network[]> {
  const a = toAddress(first);
  const b = toAddress(last);
  if (!a || !b || a.kind() !== b.kind()) return { ok: false, reason: `not an address range: "${first}"–"${last}"` };
  const bits = a.kind() === 'ipv6' ? 128 : 32;
  let start = toBigInt(a.toByteArray());
  const end = toBigInt(b.toByteArray());
  if (start > end) return { ok: false, reason: `range start ${first} is after its end ${last}` };
  const out: Network[] = [];
  while (start <= end) {
    let size = 0;
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= end) size++;
    const parsed = parseCidr(`${addressText(fromBigInt(start, bits))}/${bits - size}`);
    if (parsed.ok) out.push(parsed.value);
    start += 1n << BigInt(size);
  }
  return { ok: true, value: out };
}

const toBigInt = (bytes: number[]): bigint => bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

function fromBigInt(value: bigint, bits: number): Address {
  const bytes: number[] = [];
  for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes) as Address;
}

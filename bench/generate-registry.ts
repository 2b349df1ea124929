/**
 * A seeded registry in memory, as the asset index receives it: organisations holding IPv4 and IPv6
 * ranges from /8 to single addresses, domains and AS numbers, in canonical form. Plus lookups that
 * look like a day of threat information: about half inside registered ranges and names, the rest
 * anywhere. The same seed gives the same records on every machine.
 */
import { ipBytes, parseCidr } from '../src/indicators/index.ts';
import type { IndexedAsset } from '../src/matching/index.ts';
import { prng } from './registry-file.ts';

export { prng };

const TLDS = ['nl', 'nl', 'nl', 'com', 'com', 'eu', 'de', 'be', 'org', 'co.uk', 'net'];
const SUBDOMAINS = ['www', 'mail', 'shop', 'portal', 'vpn', 'api', 'intranet'];

const dotted = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** A public unicast IPv4 address: first octet 1–223, never 10, 127 or other well-known private blocks. */
function publicIpv4(random: () => number): number {
  for (;;) {
    const n = Math.floor(random() * 2 ** 32);
    const first = n >>> 24;
    if (first >= 1 && first <= 223 && first !== 10 && first !== 127 && first !== 100 && first !== 172 && first !== 192) return n;
  }
}

function ipv6Text(random: () => number, homeHigh: string, prefix: number): string {
  const hex = () => Math.floor(random() * 65536).toString(16);
  const net = parseCidr(`${homeHigh}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}/${prefix}`);
  if (!net.ok) throw new Error(net.reason);
  return prefix === 128 ? net.value.address : net.value.cidr;
}

/** The assets' kind mix: mostly single addresses and /24–/29 networks, a few wide ones. */
function assetOf(random: () => number, org: Organisation, i: number): Omit<IndexedAsset, 'id' | 'organisationId' | 'verified'> {
  const r = random();
  if (r < 0.45) return { kind: 'ip', value: dotted((org.ipv4 + Math.floor(random() * 2 ** 16)) >>> 0) };
  if (r < 0.65) {
    const prefix = 24 + Math.floor(random() * 6);
    const size = 2 ** (32 - prefix);
    return { kind: 'cidr', value: `${dotted(Math.floor((org.ipv4 + random() * 2 ** 16) / size) * size)}/${prefix}` };
  }
  if (r < 0.67) {
    // Wide ranges: mostly /16–/23, a handful up to /8 (hosting providers, universities, old allocations).
    const prefix = random() < 0.02 ? 8 + Math.floor(random() * 8) : 16 + Math.floor(random() * 8);
    const size = 2 ** (32 - prefix);
    return { kind: 'cidr', value: `${dotted(Math.floor(publicIpv4(random) / size) * size)}/${prefix}` };
  }
  if (r < 0.75) return { kind: 'ip', value: ipv6Text(random, org.ipv6, 128) };
  if (r < 0.8) return { kind: 'cidr', value: ipv6Text(random, org.ipv6, [32, 40, 48, 56, 64][Math.floor(random() * 5)]) };
  if (r < 0.82) return { kind: 'asn', value: String(org.asn) };
  return { kind: 'domain', value: i % 3 === 0 ? org.domain : `${SUBDOMAINS[i % SUBDOMAINS.length]}${i}.${org.domain}` };
}

interface Organisation {
  ipv4: number;
  ipv6: string;
  asn: number;
  domain: string;
}

function organisationOf(random: () => number, n: number): Organisation {
  const h = () => Math.floor(random() * 65536).toString(16);
  return {
    // Each organisation's addresses cluster in its own /16, as real allocations do.
    ipv4: Math.floor(publicIpv4(random) / 65536) * 65536,
    ipv6: `2a0${Math.floor(random() * 10)}:${h()}`,
    // 4-byte AS numbers from 131072 up are clear of every reserved and private block.
    asn: 131072 + n,
    domain: `org${n}.${TLDS[n % TLDS.length]}`,
  };
}

/** `assets` records spread evenly over `organisations`, ids 1…assets. */
export function generateRegistry(organisations: number, assets: number, seed = 42): IndexedAsset[] {
  const random = prng(seed);
  const out: IndexedAsset[] = [];
  const perOrg = Math.ceil(assets / organisations);
  for (let o = 0; o < organisations && out.length < assets; o++) {
    const org = organisationOf(random, o);
    for (let i = 0; i < perOrg && out.length < assets; i++) {
      out.push({ id: out.length + 1, organisationId: o + 1, verified: random() < 0.8, ...assetOf(random, org, i) });
    }
  }
  return out;
}

export interface Lookups {
  ipv4: string[];
  ipv6: string[];
  domains: string[];
}

/** `count` lookups of each kind: about half inside registered assets, the rest anywhere. */
export function generateLookups(registry: IndexedAsset[], count: number, seed = 7): Lookups {
  const random = prng(seed);
  const byKind = (test: (a: IndexedAsset) => boolean) => registry.filter(test).map((a) => a.value);
  const v4 = byKind((a) => a.kind !== 'domain' && a.kind !== 'asn' && !a.value.includes(':'));
  const v6 = byKind((a) => a.kind !== 'domain' && a.kind !== 'asn' && a.value.includes(':'));
  const names = byKind((a) => a.kind === 'domain');
  const pick = (xs: string[]) => xs[Math.floor(random() * xs.length)];
  const inside = (value: string, bits: number) => {
    const net = parseCidr(value.includes('/') ? value : `${value}/${bits}`);
    if (!net.ok) throw new Error(net.reason);
    return net.value;
  };
  const ipv4 = Array.from({ length: count }, () => {
    if (random() < 0.5) return dotted(publicIpv4(random));
    const net = inside(pick(v4), 32);
    const base = net.address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return dotted(base + Math.floor(random() * 2 ** (32 - net.prefix)));
  });
  const ipv6 = Array.from({ length: count }, () => {
    const net = inside(random() < 0.5 ? pick(v6) : `2a0${Math.floor(random() * 10)}:${Math.floor(random() * 65536).toString(16)}::/32`, 128);
    const hostBits = (1n << BigInt(128 - net.prefix)) - 1n;
    return ipv6FromBigInt((ipv6ToBigInt(net.address) & ~hostBits) | (random128(random) & hostBits));
  });
  const domains = Array.from({ length: count }, () => {
    const r = random();
    if (r < 0.5) return `${pick(SUBDOMAINS)}.${pick(names)}`;
    return `${pick(SUBDOMAINS)}.unregistered${Math.floor(random() * 1e6)}.${pick(TLDS)}`;
  });
  return { ipv4, ipv6, domains };
}

const ipv6ToBigInt = (address: string): bigint => ipBytes(address).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);

function random128(random: () => number): bigint {
  let n = 0n;
  for (let i = 0; i < 8; i++) n = (n << 16n) | BigInt(Math.floor(random() * 65536));
  return n;
}

function ipv6FromBigInt(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  const net = parseCidr(`${groups.join(':')}/128`);
  if (!net.ok) throw new Error(net.reason);
  return net.value.address;
}

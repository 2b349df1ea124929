/**
 * A block's summary: the neighbourhoods its subjects are in, as a Bloom filter, so that a search or
 * the retro-matching of a few assets reads the subjects of only the blocks that may hold one of
 * theirs. The neighbourhoods of an address are its prefixes at fixed levels (IPv4 /8, /16, /24;
 * IPv6 /16, /32, /48, /64); a network is in those of its prefixes it reaches, and is marked as wide
 * at the finest level it reaches, for the searches inside it. A domain is in its last two labels' (a
 * URL host and an e-mail domain alike), an AS in its number's. A filter answers "maybe" for a
 * neighbourhood not added about once in a few hundred times, never "no" for one added. Summaries are
 * stored: a change to how neighbourhoods are named or hashed needs a migration that summarises every
 * block again, or searches would pass over blocks summarised the old way. Pure.
 */
import { hash64, mix32, SeenKeys } from '../collections/seen-keys.ts';
import { addressWords, canonicalDomain, emailDomain, ipBytes, parseCidr, parseIp, urlHost } from '../indicators/index.ts';
import type { Indicators } from './model.ts';

const LEVELS = { 4: [8, 16, 24], 6: [16, 32, 48, 64] } as const;
/** Bits of filter a neighbourhood, at least: a "maybe" for one not added about once in 300 or rarer. */
const BITS_A_KEY = 12;
const HASHES = 6;
/** Neighbourhoods a search names inside a network, at most, before it names the wider one around it. */
const INSIDE_AT_MOST = 256;
/** A search that would name more neighbourhoods than this reads every block. */
const PROBES_AT_MOST = 4096;

/** What a search or a retro-match is after, as matching's rules take it. */
export type SummaryTarget = { network: string } | { domain: string } | { asn: number };

/** A neighbourhood a search looks for, as its hash. */
export interface Probe {
  high: number;
  low: number;
}

type Version = 4 | 6;
/** Takes a neighbourhood's hash. */
type Visit = (high: number, low: number) => void;

/**
 * An IPv4 prefix's or an AS number's neighbourhood is hashed from its number, not from text: an
 * ingest summarises every row's. `kind` tells them apart: the level of a prefix (with 32 added for a
 * wide mark), or 64 for an AS.
 */
function numberKey(kind: number, value: number, visit: Visit): void {
  visit(mix32(Math.imul(value, 0x9e3779b1) ^ Math.imul(kind, 0x85ebca6b)), mix32(value ^ mix32(kind + 0x632be5ab)));
}

const AS_KIND = 64;
const WIDE = 32;

function textKey(text: string, visit: Visit): void {
  const { high, low } = hash64(text);
  visit(high, low);
}

/** The first `level` bits of an IPv4 address given as a number; `wide` marks networks at least that wide. */
function ipv4Key(level: number, address: number, wide: boolean, visit: Visit): void {
  numberKey(level + (wide ? WIDE : 0), level === 0 ? 0 : address >>> (32 - level), visit);
}

/** The first `level` bits of an address given by its bytes; `wide` marks networks at least that wide. */
function prefixKey(version: Version, level: number, bytes: readonly number[], wide: boolean, visit: Visit): void {
  if (version === 4) ipv4Key(level, ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0, wide, visit);
  else textKey(`6/${level}${wide ? '~' : ''}:${bytes.slice(0, level / 8).join('.')}`, visit);
}

const words = new Uint32Array(4);

function addressKeys(address: string, visit: Visit): void {
  const family = addressWords(address, words);
  if (family === 4) for (const level of LEVELS[4]) ipv4Key(level, words[0], false, visit);
  else if (family === 6) {
    const bytes = ipBytes(address);
    for (const level of LEVELS[6]) prefixKey(6, level, bytes, false, visit);
  }
}

function networkKeys(cidr: string, visit: Visit): void {
  const network = parseCidr(cidr);
  if (!network.ok) return;
  const { version, prefix, address } = network.value;
  const bytes = ipBytes(address);
  let finest = 0;
  for (const level of LEVELS[version]) {
    if (level > prefix) break;
    prefixKey(version, level, bytes, false, visit);
    finest = level;
  }
  prefixKey(version, finest, bytes, true, visit);
}

/** A domain's neighbourhood, its last two labels; undefined for a name of one label, which no search narrows. */
function domainNeighbourhood(name: string): string | undefined {
  const domain = canonicalDomain(name);
  if (domain === undefined) return undefined;
  const last = domain.lastIndexOf('.');
  if (last < 0) return undefined;
  return `d:${domain.slice(domain.lastIndexOf('.', last - 1) + 1)}`;
}

function domainKey(name: string | undefined, visit: Visit): void {
  const key = name && domainNeighbourhood(name);
  if (key) textKey(key, visit);
}

/** The neighbourhoods of a subject's indicators, as matching reads them. */
function subjectKeys(subject: Indicators, visit: Visit): void {
  if (subject.ip) addressKeys(subject.ip, visit);
  if (subject.network) networkKeys(subject.network, visit);
  if (subject.url) {
    const host = urlHost(subject.url);
    const address = host === undefined ? undefined : parseIp(host);
    if (address?.ok) addressKeys(address.value.address, visit);
    else domainKey(host, visit);
  }
  domainKey(subject.domain, visit);
  if (subject.email) domainKey(emailDomain(subject.email), visit);
  if (subject.asn !== undefined) numberKey(AS_KIND, subject.asn, visit);
}

/**
 * The neighbourhoods a subject overlapping the network is in: those inside it at the first level it
 * reaches when they are few, else its own at the finest level around it; and the wide marks of
 * every level it reaches, for the networks around it.
 */
function searchKeys(cidr: string, visit: Visit): boolean {
  const network = parseCidr(cidr);
  if (!network.ok) return false;
  const { version, prefix, address } = network.value;
  const bytes = ipBytes(address);
  const levels = LEVELS[version];
  const inside = levels.find((level) => level >= prefix && 2 ** (level - prefix) <= INSIDE_AT_MOST);
  if (inside !== undefined) {
    for (let j = 0; j < 2 ** (inside - prefix); j++) {
      // The network's bits below its prefix are zero: the j-th neighbourhood inside it sets them to j.
      const extended = [...bytes];
      for (let b = inside / 8 - 1, rest = j; rest > 0; b--, rest = Math.floor(rest / 256)) extended[b] |= rest % 256;
      prefixKey(version, inside, extended, false, visit);
    }
  } else {
    const around = levels.filter((level) => level <= prefix).at(-1);
    if (around === undefined) return false;
    prefixKey(version, around, bytes, false, visit);
  }
  prefixKey(version, 0, bytes, true, visit);
  for (const level of levels) if (level <= prefix) prefixKey(version, level, bytes, true, visit);
  return true;
}

/** The summary of a block, made as its rows are added. */
export class SummaryBuilder {
  private readonly keys: SeenKeys;
  private readonly met: Visit = (high, low) => void this.keys.firstLineOfHash(high, low, 1);

  /** Sized for the subjects of this many rows (a few neighbourhoods each), growing when they hold more. */
  constructor(rows = 8192) {
    let slots = 1024;
    while (slots < rows * 8) slots *= 2;
    this.keys = new SeenKeys(slots);
  }

  add(subject: Indicators): void {
    subjectKeys(subject, this.met);
  }

  /** The neighbourhoods added so far as hashes, two halves each: what addHashes takes. */
  hashes(): Int32Array {
    const pairs = new Int32Array(2 * this.keys.size);
    let at = 0;
    this.keys.forEach((high, low) => {
      pairs[at++] = high;
      pairs[at++] = low;
    });
    return pairs;
  }

  /** Adds the neighbourhoods of another builder's subjects, as its hashes() gave them. */
  addHashes(pairs: Int32Array): void {
    for (let i = 0; i < pairs.length; i += 2) this.met(pairs[i], pairs[i + 1]);
  }

  /** The filter: a power of two of bits, at least BITS_A_KEY a neighbourhood. */
  bytes(): Uint8Array {
    let bits = 64;
    while (bits < this.keys.size * BITS_A_KEY) bits *= 2;
    const filter = new Uint8Array(bits / 8);
    this.keys.forEach((high, low) => {
      for (let i = 0; i < HASHES; i++) {
        const bit = (high + Math.imul(i, low | 1)) & (bits - 1);
        filter[bit >>> 3] |= 1 << (bit & 7);
      }
    });
    return filter;
  }
}

/** Whether a block with this summary may hold a subject of a probe's neighbourhood. */
export function mayHold(summary: Uint8Array, probes: readonly Probe[]): boolean {
  const mask = summary.length * 8 - 1;
  return probes.some(({ high, low }) => {
    for (let i = 0; i < HASHES; i++) {
      const bit = (high + Math.imul(i, low | 1)) & mask;
      if ((summary[bit >>> 3] & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  });
}

/**
 * The neighbourhoods a subject matching one of the targets is in. Undefined when they are too many
 * (many targets) or a target cannot be narrowed (a domain of one label): then every block is read.
 */
export function probesFor(targets: readonly SummaryTarget[]): Probe[] | undefined {
  const probes = new Map<string, Probe>();
  const visit: Visit = (high, low) => void probes.set(`${high}:${low}`, { high, low });
  for (const target of targets) {
    if ('asn' in target) numberKey(AS_KIND, target.asn, visit);
    else if ('domain' in target) {
      const key = domainNeighbourhood(target.domain);
      if (key === undefined) return undefined;
      textKey(key, visit);
    } else if (!searchKeys(target.network, visit)) return undefined;
    if (probes.size > PROBES_AT_MOST) return undefined;
  }
  return [...probes.values()];
}

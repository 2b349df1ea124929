/**
 * The in-memory index of registered network assets: the hot path of forward matching. Pure: built
 * from records, changed one asset at a time, no I/O.
 *
 * - IPv4 and IPv6 ranges in sorted typed arrays (see range-forest.ts), current through live-ranges.ts.
 * - Domains in a hash table (see domain-table.ts), walked from the full name up through its parents.
 * - ASNs in a Map.
 */
import { getPublicSuffix } from 'tldts';
import { isPublicSuffix, parseAsn } from '../indicators/index.ts';
import { addressWords, networkWords, wordsOf, type Family } from './address.ts';
import { canonicalDomain } from './domain-name.ts';
import { DomainTable } from './domain-table.ts';
import { LiveRanges } from './live-ranges.ts';
import type { RangeEntries } from './range-forest.ts';

export type IndexedKind = 'ip' | 'cidr' | 'asn' | 'domain';

/** A registered network asset, its value already canonical (`192.0.2.1`, `10.0.0.0/8`, `64500`, `example.nl`). */
export interface IndexedAsset {
  id: number;
  organisationId: number;
  kind: IndexedKind;
  value: string;
  verified: boolean;
}

/** The asset that matched. The same frozen object is handed out for every lookup that finds it. */
export interface AssetMatch {
  readonly assetId: number;
  readonly organisationId: number;
  readonly kind: IndexedKind;
  readonly value: string;
  readonly verified: boolean;
}

const toMatch = (a: IndexedAsset): AssetMatch =>
  Object.freeze({ assetId: a.id, organisationId: a.organisationId, kind: a.kind, value: a.value, verified: a.verified });

/** ASNs are stored as the registry writes them (`64500`); `AS64500` is read too. */
function asnOf(value: string): number | undefined {
  if (/^\d{1,10}$/.test(value)) return Number(value);
  const parsed = parseAsn(value);
  return parsed.ok ? parsed.value : undefined;
}

/** A domain the index may hold: canonical and not a public suffix, which nobody can own. */
function ownableDomain(value: string): string | undefined {
  const name = canonicalDomain(value);
  return name !== undefined && !isPublicSuffix(name) ? name : undefined;
}

function pushTo<K>(map: Map<K, AssetMatch[]>, key: K, match: AssetMatch): void {
  const list = map.get(key);
  if (list) list.push(match);
  else map.set(key, [match]);
}

function dropFrom<K>(map: Map<K, AssetMatch[]>, key: K | undefined, match: AssetMatch): void {
  if (key === undefined) return;
  const rest = map.get(key)?.filter((m) => m !== match);
  if (!rest || rest.length === 0) map.delete(key);
  else map.set(key, rest);
}

const scratch = new Uint32Array(4);

/** The name is canonical already: tldts need not extract, validate or test it for an address (a third faster). */
const CANONICAL_NAME = { allowPrivateDomains: true, extractHostname: false, validateHostname: false, detectIp: false, mixedInputs: false } as const;

export class AssetIndex {
  private readonly assets = new Map<number, AssetMatch>();
  private readonly isLive = (m: AssetMatch): boolean => this.assets.get(m.assetId) === m;
  private readonly ipv4: LiveRanges<AssetMatch>;
  private readonly ipv6: LiveRanges<AssetMatch>;
  private readonly domains = new DomainTable<AssetMatch>();
  private readonly asns = new Map<number, AssetMatch[]>();

  private constructor(ipv4?: RangeEntries<AssetMatch>, ipv6?: RangeEntries<AssetMatch>) {
    this.ipv4 = new LiveRanges(1, this.isLive, ipv4);
    this.ipv6 = new LiveRanges(4, this.isLive, ipv6);
  }

  /**
   * An index of the assets, built in bulk. Values that are not what their kind says (or a public
   * suffix as domain) are left out, as `add` would refuse them; a later record with the same id replaces an earlier one.
   */
  static build(assets: Iterable<IndexedAsset>): AssetIndex {
    const latest = new Map<number, IndexedAsset>();
    for (const asset of assets) latest.set(asset.id, asset);
    const v4 = { keys: new Uint32Array(latest.size), prefixes: new Uint8Array(latest.size), values: new Array<AssetMatch>() };
    const v6 = { keys: new Uint32Array(latest.size * 4), prefixes: new Uint8Array(latest.size), values: new Array<AssetMatch>() };
    const ranged: AssetMatch[] = [];
    for (const asset of latest.values()) {
      if (asset.kind !== 'ip' && asset.kind !== 'cidr') continue;
      const range = rangeOf(asset);
      if (!range) continue;
      const into = range.family === 4 ? v4 : v6;
      const match = toMatch(asset);
      into.keys.set(scratch.subarray(0, wordsOf(range.family)), into.values.length * wordsOf(range.family));
      into.prefixes[into.values.length] = range.prefix;
      into.values.push(match);
      ranged.push(match);
    }
    const trim = (e: typeof v4, words: number): RangeEntries<AssetMatch> => ({
      keys: e.keys.subarray(0, e.values.length * words),
      prefixes: e.prefixes.subarray(0, e.values.length),
      values: e.values,
    });
    const index = new AssetIndex(trim(v4, 1), trim(v6, 4));
    for (const match of ranged) index.assets.set(match.assetId, match);
    for (const asset of latest.values()) if (asset.kind === 'domain' || asset.kind === 'asn') index.add(asset);
    return index;
  }

  static empty(): AssetIndex {
    return new AssetIndex();
  }

  /** Number of assets held. */
  get size(): number {
    return this.assets.size;
  }

  /**
   * Adds the asset, or replaces the one with the same id (a changed value or verification), at once.
   * False when its value cannot be indexed (not what its kind says, or a public suffix as domain).
   */
  add(asset: IndexedAsset): boolean {
    this.remove(asset.id);
    const match = toMatch(asset);
    switch (asset.kind) {
      case 'ip':
      case 'cidr': {
        const range = rangeOf(asset);
        if (!range) return false;
        this.assets.set(asset.id, match);
        (range.family === 4 ? this.ipv4 : this.ipv6).add(scratch, range.prefix, match);
        return true;
      }
      case 'domain': {
        const name = ownableDomain(asset.value);
        if (name === undefined) return false;
        this.assets.set(asset.id, match);
        this.domains.add(name, match);
        return true;
      }
      case 'asn': {
        const asn = asnOf(asset.value);
        if (asn === undefined) return false;
        this.assets.set(asset.id, match);
        pushTo(this.asns, asn, match);
        return true;
      }
      default:
        return false;
    }
  }

  /** Removes the asset at once; false when the index did not hold it. */
  remove(assetId: number): boolean {
    const match = this.assets.get(assetId);
    if (!match) return false;
    this.assets.delete(assetId);
    if (match.kind === 'domain') this.domains.remove(ownableDomain(match.value) ?? '', match);
    else if (match.kind === 'asn') dropFrom(this.asns, asnOf(match.value), match);
    else (rangeOf(match)?.family === 4 ? this.ipv4 : this.ipv6).remove(match);
    return true;
  }

  /** Every asset whose range contains the address (in no promised order); none when it is no address. */
  lookupIp(address: string): AssetMatch[] {
    const out: AssetMatch[] = [];
    const family = addressWords(address, scratch);
    if (family !== 0) this.ranges(family).containing(scratch, out);
    return out;
  }

  /** Every asset whose range overlaps the network: those containing it and those inside it. */
  lookupNetwork(cidr: string): AssetMatch[] {
    const out: AssetMatch[] = [];
    const network = networkWords(cidr, scratch);
    if (network) this.ranges(network.family).overlapping(scratch, network.prefix, out);
    return out;
  }

  /**
   * Every domain asset that is the name or one of its parents, narrowest first. The walk stops at
   * the name's public suffix: nothing matches `nl` or `co.uk`, and a registration above a private
   * suffix (`amazonaws.com` above `s3.amazonaws.com`) does not cover the names its users hold below it.
   */
  lookupDomain(name: string): AssetMatch[] {
    const out: AssetMatch[] = [];
    const domain = canonicalDomain(name);
    if (domain === undefined) return out;
    // Registered names are never public suffixes, so the suffix is only computed once something is found.
    let suffixLength = -1;
    this.domains.walk(domain, (found, length) => {
      if (suffixLength < 0) suffixLength = getPublicSuffix(domain, CANONICAL_NAME)?.length ?? domain.length;
      if (length <= suffixLength) return false;
      for (const match of found) out.push(match);
      return true;
    });
    return out;
  }

  lookupAsn(asn: number): AssetMatch[] {
    return this.asns.get(asn)?.slice() ?? [];
  }

  private ranges(family: Family): LiveRanges<AssetMatch> {
    return family === 4 ? this.ipv4 : this.ipv6;
  }
}

/** The asset's range, its key words left in `scratch`. */
function rangeOf(asset: { kind: string; value: string }): { family: Family; prefix: number } | undefined {
  if (asset.kind === 'cidr') return networkWords(asset.value, scratch);
  const family = addressWords(asset.value, scratch);
  return family === 0 ? undefined : { family, prefix: family === 4 ? 32 : 128 };
}

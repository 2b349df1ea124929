/**
 * The in-memory index of registered network assets: the hot path of forward matching. Pure: built
 * from records, changed one asset at a time, no I/O.
 *
 * - IPv4 and IPv6 ranges in sorted typed arrays (see range-forest.ts), current through live-ranges.ts.
 * - Domains in a hash table (see domain-table.ts), walked from the full name up through its parents.
 * - ASNs in a Map.
 */
import { getPublicSuffix } from 'tldts';
import { canonicalDomain, isPublicSuffix, parseAsn } from '../indicators/index.ts';
import { addressWords, networkWords, type Family } from '../indicators/index.ts';
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
  private readonly assets: AssetsById;
  private readonly isLive = (m: AssetMatch): boolean => this.assets.get(m.assetId) === m;
  private readonly ipv4: LiveRanges<AssetMatch>;
  private readonly ipv6: LiveRanges<AssetMatch>;
  private readonly domains = new DomainTable<AssetMatch>();
  private readonly asns = new Map<number, AssetMatch[]>();

  private constructor(assets?: AssetsById, ipv4?: RangeEntries<AssetMatch>, ipv6?: RangeEntries<AssetMatch>) {
    this.assets = assets ?? new AssetsById();
    this.ipv4 = new LiveRanges(1, this.isLive, ipv4);
    this.ipv6 = new LiveRanges(4, this.isLive, ipv6);
  }

  /**
   * An index of the assets, built in bulk. Values that are not what their kind says (or a public
   * suffix as domain) are left out, as `add` would refuse them; of several records with one id, the
   * last that can be indexed counts.
   */
  static build(assets: Iterable<IndexedAsset>): AssetIndex {
    const v4 = new EntryList(1);
    const v6 = new EntryList(4);
    const named: AssetMatch[] = [];
    const byId = new AssetsById();
    let kept = 0;
    for (const asset of assets) {
      const match = toMatch(asset);
      if (asset.kind === 'ip' || asset.kind === 'cidr') {
        const range = rangeOf(asset);
        if (!range) continue;
        (range.family === 4 ? v4 : v6).push(scratch, range.prefix, match);
      } else if (asset.kind === 'domain' || asset.kind === 'asn') {
        named.push(match);
      } else {
        continue;
      }
      byId.set(asset.id, match);
      kept++;
    }
    // Only when ids repeat must the replaced records be left out.
    const current = kept === byId.size ? () => true : (m: AssetMatch) => byId.get(m.assetId) === m;
    const index = new AssetIndex(byId, v4.entries(current), v6.entries(current));
    for (const match of named) if (current(match) && !index.insertNamed(match)) byId.delete(match.assetId);
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
    if (asset.kind === 'ip' || asset.kind === 'cidr') {
      const range = rangeOf(asset);
      if (!range) return false;
      (range.family === 4 ? this.ipv4 : this.ipv6).add(scratch, range.prefix, match);
    } else if (!this.insertNamed(match)) {
      return false;
    }
    this.assets.set(asset.id, match);
    return true;
  }

  /** Puts a domain or ASN asset in its map; false when its value cannot be indexed. */
  private insertNamed(match: AssetMatch): boolean {
    if (match.kind === 'domain') {
      const name = ownableDomain(match.value);
      if (name !== undefined) this.domains.add(name, match);
      return name !== undefined;
    }
    if (match.kind === 'asn') {
      const asn = asnOf(match.value);
      if (asn !== undefined) pushTo(this.asns, asn, match);
      return asn !== undefined;
    }
    return false;
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

/**
 * Assets by id. Registry ids are small positive integers, for which an array fills several times
 * faster than a Map (about 0.4 s saved on a million); any other id goes to a Map.
 */
class AssetsById {
  private readonly dense: Array<AssetMatch | undefined> = [];
  private readonly sparse = new Map<number, AssetMatch>();
  size = 0;

  get(id: number): AssetMatch | undefined {
    return isDense(id) ? this.dense[id] : this.sparse.get(id);
  }

  set(id: number, match: AssetMatch): void {
    if (this.get(id) === undefined) this.size++;
    if (isDense(id)) this.dense[id] = match;
    else this.sparse.set(id, match);
  }

  delete(id: number): void {
    if (this.get(id) === undefined) return;
    this.size--;
    if (isDense(id)) this.dense[id] = undefined;
    else this.sparse.delete(id);
  }
}

const isDense = (id: number): boolean => Number.isInteger(id) && id >= 0 && id < 2 ** 30;

/** Ranges gathered for a bulk build, in typed arrays that grow as needed. */
class EntryList {
  private keys: Uint32Array;
  private prefixes = new Uint8Array(1024);
  private readonly values: AssetMatch[] = [];

  constructor(private readonly words: number) {
    this.keys = new Uint32Array(1024 * words);
  }

  push(key: Uint32Array, prefix: number, value: AssetMatch): void {
    const at = this.values.length;
    if (at === this.prefixes.length) {
      this.keys = grown(this.keys, this.keys.length * 2);
      this.prefixes = grown(this.prefixes, this.prefixes.length * 2);
    }
    for (let w = 0; w < this.words; w++) this.keys[at * this.words + w] = key[w];
    this.prefixes[at] = prefix;
    this.values.push(value);
  }

  entries(keep: (value: AssetMatch) => boolean): RangeEntries<AssetMatch> {
    const kept = this.values.filter(keep);
    if (kept.length === this.values.length) {
      return { keys: this.keys.subarray(0, kept.length * this.words), prefixes: this.prefixes.subarray(0, kept.length), values: kept };
    }
    const list = new EntryList(this.words);
    this.values.forEach((value, i) => keep(value) && list.push(this.keys.subarray(i * this.words), this.prefixes[i], value));
    return list.entries(() => true);
  }
}

function grown<A extends Uint32Array | Uint8Array>(array: A, length: number): A {
  const bigger = new (array.constructor as new (length: number) => A)(length);
  bigger.set(array);
  return bigger;
}

/** The asset's range, its key words left in `scratch`. */
function rangeOf(asset: { kind: string; value: string }): { family: Family; prefix: number } | undefined {
  if (asset.kind === 'cidr') return networkWords(asset.value, scratch);
  const family = addressWords(asset.value, scratch);
  return family === 0 ? undefined : { family, prefix: family === 4 ? 32 : 128 };
}

/**
 * The asset index with 100,000 organisations holding 1,000,000 assets: build time, heap, and IPv4,
 * IPv6 and domain lookups a second on one core (one thread; medians of several rounds), beside
 * simple references built from the same assets in the same run:
 * - ranges: a Map<string> per prefix length (mask the address for each length present, look the
 *   network up by its text), and sorted typed arrays per prefix length searched one by one;
 * - domains: a Map<string> walked up through the parents with `parseDomain` and a public-suffix check.
 * Targets (issue 3): ≥ 2,000,000 IPv4 and ≥ 1,000,000 IPv6 and domain lookups a second, build < 5 s, < 500 MB.
 */
import { availableParallelism, loadavg } from 'node:os';
import { getPublicSuffix } from 'tldts';
import { parseDomain } from '../src/indicators/index.ts';
import { AssetIndex, type IndexedAsset } from '../src/matching/index.ts';
import { addressWords, clearHostBits, networkWords } from '../src/indicators/index.ts';
import { generateLookups, generateRegistry } from './generate-registry.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 100_000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 500_000);
const ROUNDS = 5;
const BUILD_ROUNDS = 3;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const count = (n: number) => Math.round(n).toLocaleString('en-GB');
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

/** Lookups a second: the median of `rounds` passes over all queries. */
function rate(queries: string[], lookup: (q: string) => number, rounds = ROUNDS): { perSecond: number; hits: number } {
  const rates: number[] = [];
  let hits = 0;
  for (let round = 0; round < rounds; round++) {
    hits = 0;
    const start = performance.now();
    for (let i = 0; i < queries.length; i++) hits += lookup(queries[i]) > 0 ? 1 : 0;
    rates.push(queries.length / ((performance.now() - start) / 1000));
  }
  return { perSecond: median(rates), hits: hits / queries.length };
}

/** Reference: every (masked network, prefix) as text in one Map, probed once per prefix length present. */
function prefixMapReference(assets: IndexedAsset[]) {
  const map = new Map<string, number[]>();
  const lengths = { 4: new Set<number>(), 6: new Set<number>() };
  const words = new Uint32Array(4);
  for (const a of assets) {
    if (a.kind !== 'ip' && a.kind !== 'cidr') continue;
    const net = networkWords(a.kind === 'ip' ? `${a.value}/${a.value.includes(':') ? 128 : 32}` : a.value, words);
    if (!net) continue;
    lengths[net.family].add(net.prefix);
    const key = `${words.subarray(0, net.family === 4 ? 1 : 4).join(':')}/${net.prefix}`;
    const ids = map.get(key);
    if (ids) ids.push(a.id);
    else map.set(key, [a.id]);
  }
  const sorted = { 4: [...lengths[4]].sort((x, y) => x - y), 6: [...lengths[6]].sort((x, y) => x - y) };
  const masked = new Uint32Array(4);
  return (address: string): number => {
    const family = addressWords(address, words);
    if (family === 0) return 0;
    let found = 0;
    for (const prefix of sorted[family]) {
      masked.set(words);
      clearHostBits(masked, family === 4 ? 1 : 4, prefix);
      found += map.get(`${masked.subarray(0, family === 4 ? 1 : 4).join(':')}/${prefix}`)?.length ?? 0;
    }
    return found;
  };
}

/** Reference: IPv4 networks grouped by prefix length, each group a sorted Uint32Array searched in turn. */
function prefixArraysReference(assets: IndexedAsset[]) {
  const words = new Uint32Array(4);
  const groups = new Map<number, number[]>();
  for (const a of assets) {
    if ((a.kind !== 'ip' && a.kind !== 'cidr') || a.value.includes(':')) continue;
    const net = networkWords(a.kind === 'ip' ? `${a.value}/32` : a.value, words);
    if (!net) continue;
    const starts = groups.get(net.prefix);
    if (starts) starts.push(words[0]);
    else groups.set(net.prefix, [words[0]]);
  }
  const arrays = [...groups].map(([prefix, starts]) => ({ prefix, starts: Uint32Array.from(starts).sort() }));
  return (address: string): number => {
    if (addressWords(address, words) !== 4) return 0;
    let found = 0;
    for (const { prefix, starts } of arrays) {
      const x = prefix === 0 ? 0 : (words[0] & ~(0xffffffff >>> prefix)) >>> 0;
      let low = 0;
      let high = starts.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (starts[mid] < x) low = mid + 1;
        else high = mid;
      }
      if (low < starts.length && starts[low] === x) found++;
    }
    return found;
  };
}

/** Reference: the straightforward domain walk, canonicalising and checking the public suffix every time. */
function domainMapReference(assets: IndexedAsset[]) {
  const map = new Map<string, number[]>();
  for (const a of assets) {
    if (a.kind !== 'domain') continue;
    const ids = map.get(a.value);
    if (ids) ids.push(a.id);
    else map.set(a.value, [a.id]);
  }
  return (name: string): number => {
    const parsed = parseDomain(name);
    if (!parsed.ok) return 0;
    const suffix = getPublicSuffix(parsed.value, { allowPrivateDomains: true }) ?? parsed.value;
    let found = 0;
    for (let candidate = parsed.value; candidate.length > suffix.length; candidate = candidate.slice(candidate.indexOf('.') + 1)) {
      found += map.get(candidate)?.length ?? 0;
    }
    return found;
  };
}

console.log(`index: ${availableParallelism()} cores available, lookups on one thread; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const heapEmpty = heapUsed();
let started = performance.now();
let registry: IndexedAsset[] | undefined = generateRegistry(ORGANISATIONS, ASSETS);
const mix = new Map<string, number>();
for (const a of registry) {
  const key = a.kind === 'domain' || a.kind === 'asn' ? a.kind : `${a.value.includes(':') ? 'IPv6' : 'IPv4'} ${a.kind === 'ip' ? 'address' : 'network'}`;
  mix.set(key, (mix.get(key) ?? 0) + 1);
}
console.log(`registry: ${count(registry.length)} assets of ${count(ORGANISATIONS)} organisations, generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`  mix: ${[...mix].map(([k, n]) => `${k} ${count(n)}`).join(', ')}`);
const heapRegistry = heapUsed();
const lookups = generateLookups(registry, LOOKUPS);
const lookupsHeap = heapUsed() - heapRegistry;

const buildTimes: number[] = [];
let index: AssetIndex | undefined;
for (let round = 0; round < BUILD_ROUNDS; round++) {
  index = undefined;
  heapUsed();
  started = performance.now();
  index = AssetIndex.build(registry);
  buildTimes.push((performance.now() - started) / 1000);
}
const built = index as AssetIndex;
const buildSeconds = median(buildTimes);
console.log(`build: ${buildSeconds.toFixed(2)} s (median of ${BUILD_ROUNDS}: ${buildTimes.map((t) => t.toFixed(2)).join(', ')} s); target < 5 s: ${verdict(buildSeconds < 5)}`);

/** The references' lookups a second, on the first 100,000 queries of each kind; they are gone when it returns. */
function measureReferences(assets: IndexedAsset[]) {
  const sample = (queries: string[]) => queries.slice(0, Math.min(queries.length, 100_000));
  const prefixMap = prefixMapReference(assets);
  const prefixArrays = prefixArraysReference(assets);
  const domainMap = domainMapReference(assets);
  return {
    v4Map: rate(sample(lookups.ipv4), prefixMap, 3),
    v4Arrays: rate(sample(lookups.ipv4), prefixArrays, 3),
    v6Map: rate(sample(lookups.ipv6), prefixMap, 3),
    domains: rate(sample(lookups.domains), domainMap, 3),
  };
}
const reference = measureReferences(registry);
registry = undefined;

const ipv4 = rate(lookups.ipv4, (q) => built.lookupIp(q).length);
const ipv6 = rate(lookups.ipv6, (q) => built.lookupIp(q).length);
const domains = rate(lookups.domains, (q) => built.lookupDomain(q).length);

const line = (what: string, r: { perSecond: number; hits: number }, target: number, refs: string) =>
  console.log(`${what}: ${count(r.perSecond)} lookups/s (median of ${ROUNDS} × ${count(LOOKUPS)}, ${Math.round(r.hits * 100)}% found an asset); target ≥ ${count(target)}/s: ${verdict(r.perSecond >= target)}\n  reference: ${refs}`);
line('IPv4', ipv4, 2_000_000, `Map<string> per prefix length ${count(reference.v4Map.perSecond)}/s, sorted Uint32Array per prefix length ${count(reference.v4Arrays.perSecond)}/s`);
line('IPv6', ipv6, 1_000_000, `Map<string> per prefix length ${count(reference.v6Map.perSecond)}/s`);
line('domains', domains, 1_000_000, `Map<string> walk with parseDomain and public-suffix check ${count(reference.domains.perSecond)}/s`);

// The index alone: the lookups are taken off, the registry records and the references are gone.
const indexHeap = heapUsed() - heapEmpty - lookupsHeap;
console.log(`heap: index ${mb(indexHeap)} of ${count(built.size)} assets (heap used after gc, with its strings and match records); target < 500 MB: ${verdict(indexHeap < 500 * 1024 * 1024)}; process rss ${mb(process.memoryUsage().rss)}`);

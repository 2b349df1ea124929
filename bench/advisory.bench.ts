/**
 * Fan-out of one advisory naming 50 affected products against 100,000 organisations holding
 * 1,000,000 software entries (purls, CPEs and plain names), through the software index, beside a
 * naive reference that matches every entry against every product. Prints build time, heap, the
 * first fan-out after start (code not yet optimised by the JIT), and the median of several rounds
 * once earlier advisories (other products) have run, as in a serving process: each round a new
 * advisory object whose products are read afresh, with the CPU time the process spent (what a
 * shared machine's load does not inflate). Target (issue 5): one advisory with 50 products in < 50 ms.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { AffectedProduct } from '../src/advisories/index.ts';
import { matchEntry, SoftwareIndex, type SoftwareAsset } from '../src/matching/software-index.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 100_000);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const ROUNDS = 9;
/** Advisories about other products that run before the measured rounds. */
const EARLIER_ADVISORIES = 20;
const NAIVE_ENTRIES = 50_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** A seeded generator, so that every run sees the same inventories. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PACKAGES = 20_000;
const VENDORS = 2_000;

function generate(): SoftwareAsset[] {
  const next = random(5);
  const pick = (n: number) => Math.floor(next() * n);
  const assets: SoftwareAsset[] = [];
  for (let id = 1; id <= ENTRIES; id++) {
    const organisationId = 1 + (id % ORGANISATIONS);
    const kind = next();
    const version = `${pick(5)}.${pick(20)}.${pick(10)}`;
    const value =
      kind < 0.7
        ? `pkg:npm/package-${pick(PACKAGES)}@${version}`
        : kind < 0.9
          ? `cpe:2.3:a:vendor${pick(VENDORS)}:product${pick(10)}:${version}:*:*:*:*:*:*:*`
          : `Vendor${pick(VENDORS)} Product${pick(10)} ${version}`;
    assets.push({ id, organisationId, value, verified: true });
  }
  return assets;
}

/** 50 affected products: 35 packages and 15 CPE products, each with a range; another `shift` names other products. */
function advisoryProducts(shift = 0): AffectedProduct[] {
  const products: AffectedProduct[] = [];
  for (let i = 0; i < 35; i++) products.push({ status: 'affected', purl: `pkg:npm/package-${i * 97 + shift}`, range: 'vers:npm/>=1.0.0|<3.5.0' });
  for (let i = 0; i < 15; i++) {
    const vendor = i * 31 + shift;
    products.push({ status: 'affected', cpe: `cpe:2.3:a:vendor${vendor}:product${i % 10}:*:*:*:*:*:*:*:*`, range: 'vers:generic/<2.0', vendor: `Vendor${vendor}`, product: `Product${i % 10}` });
  }
  return products;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const assets = generate();
const before = heapUsed();
let start = performance.now();
const index = SoftwareIndex.build(assets);
const buildMs = performance.now() - start;
const heapMb = (heapUsed() - before) / 1024 / 1024;
const newAdvisory = (shift = 0) => ({ id: `BENCH-2026-${String(shift).padStart(4, '0')}`, affected: advisoryProducts(shift) });

start = performance.now();
index.affectedBy(newAdvisory(1));
const firstMs = performance.now() - start;
for (let shift = 2; shift <= EARLIER_ADVISORIES; shift++) index.affectedBy(newAdvisory(shift));

const times: number[] = [];
const cpuTimes: number[] = [];
let hits = 0;
for (let round = 0; round < ROUNDS; round++) {
  const advisory = newAdvisory();
  index.lookups = 0;
  const cpu = process.cpuUsage();
  start = performance.now();
  hits = index.affectedBy(advisory).length;
  times.push(performance.now() - start);
  const spent = process.cpuUsage(cpu);
  cpuTimes.push((spent.user + spent.system) / 1000);
}
const advisory = newAdvisory();

// The naive reference on a slice (every entry against every product), scaled to the whole registry.
const slice = SoftwareIndex.build(assets.slice(0, NAIVE_ENTRIES));
const entries = assets.slice(0, NAIVE_ENTRIES).map((a) => slice.entry(a.id)!);
start = performance.now();
let naiveHits = 0;
for (const entry of entries) if (advisory.affected.some((p) => matchEntry(entry, p, advisory.id).matched)) naiveHits++;
const naiveMs = ((performance.now() - start) * ENTRIES) / NAIVE_ENTRIES;

console.log(`${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}; ${ORGANISATIONS.toLocaleString('en')} organisations, ${ENTRIES.toLocaleString('en')} software entries`);
console.log(`index build ${(buildMs / 1000).toFixed(1)} s, heap ${heapMb.toFixed(0)} MB`);
console.log(
  `one advisory with ${advisory.affected.length} products: ${median(times).toFixed(1)} ms median of ${ROUNDS} after ${EARLIER_ADVISORIES} others (CPU ${median(cpuTimes).toFixed(1)} ms), ` +
    `the first after start ${firstMs.toFixed(1)} ms (${index.lookups} lookups, ${hits.toLocaleString('en')} affected entries); target < 50 ms`,
);
console.log(`naive scan reference: ~${(naiveMs / 1000).toFixed(1)} s for the whole registry (measured on ${NAIVE_ENTRIES.toLocaleString('en')} entries, ${naiveHits} hits there)`);

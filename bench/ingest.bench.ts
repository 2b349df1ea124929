/**
 * Ingest end to end (parse, normalise, match, store observations and findings) of a 1,000,000-row
 * Shadowserver scan report against 100,000 organisations holding 1,000,000 assets, on the embedded
 * store and on PostgreSQL. The reference, timed in the same run: the same matching done by the
 * database alone, as a range join of the report's subject addresses on the assets (with a GiST index).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { AssetIndex, scopeOf, withinScope } from '../src/matching/index.ts';
import { scanObservations } from '../src/observations/index.ts';
import { ingestFile, listObservations, loadIndexedAssets } from '../src/pipeline/index.ts';
import type { Store } from '../src/store/index.ts';
import { generateLookups, generateRegistry } from './generate-registry.ts';
import { importBenchRegistry, onBenchStore, peakRss, writeLines } from './measure.ts';
import { registryCsv } from './registry-file.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 100_000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 1_000_000);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const JOIN_SAMPLE = 100_000;
/** `embedded`, `postgres` or both (the default), comma-separated. */
const STORES = (process.env.BENCH_STORES ?? 'embedded,postgres').split(',');
const dataDir = fileURLToPath(new URL('./data', import.meta.url));

function* scanReportLines(rows: number, addresses: string[]): Iterable<string> {
  yield '"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sector","severity","rdp_protocol","cert_length"';
  for (let i = 0; i < rows; i++) {
    const second = String(i % 60).padStart(2, '0');
    yield `"2026-11-27 03:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second}","${addresses[i % addresses.length]}","tcp",3389,"host${i}.example.net","rdp",${64500 + (i % 10)},"NL","NOORD-HOLLAND","AMSTERDAM",0,"","medium","RDP",2048`;
  }
}

/** A Shadowserver scan_rdp report (or the one written before): half the addresses inside registered ranges. */
async function scanReport(rows: number, addresses: string[]): Promise<string> {
  const file = path.join(dataDir, `2026-11-27-scan_rdp-nl-geo-${rows}.csv`);
  if (!existsSync(file)) await writeLines(file, scanReportLines(rows, addresses));
  return file;
}

/** The subject addresses of the report's first rows. */
async function sampleAddresses(report: string, rows: number): Promise<string[]> {
  const addresses: string[] = [];
  for await (const line of createInterface({ input: createReadStream(report) })) {
    if (addresses.length === rows) break;
    const ip = line.split(',')[1].slice(1, -1);
    if (ip !== 'ip') addresses.push(ip);
  }
  return addresses;
}

/** The median of three runs, in milliseconds. */
async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1];
}

/**
 * Searches over the million observations just stored, the newest 100 of each: an address, its /24
 * and an AS every block holds. The reference is the same search reading every block's subjects,
 * as it would without the blocks' summaries.
 */
async function measureSearches(store: Store, title: string, report: string) {
  const [address] = await sampleAddresses(report, 1);
  const searches = [address, address.replace(/\.\d+$/, '.0/24'), 'AS64505'];
  for (const text of searches) {
    const scope = scopeOf(text)!;
    let found = 0;
    const summarised = await medianMs(async () => (found = (await listObservations(store.db, { scope, limit: 100 })).length));
    const everyBlock = await medianMs(() => scanObservations(store.db, { subjects: withinScope(scope), limit: 100 }));
    console.log(`${title} search ${text}: ${summarised.toFixed(0)} ms for ${found} observations (reference, reading every block: ${everyBlock.toFixed(0)} ms)`);
  }
}

/**
 * Each store is measured in a process of its own that only reads the files: the generator's data
 * and the other store's memory would otherwise count in its peak RSS.
 */
async function measure(name: 'embedded' | 'postgres', registryFile: string, report: string) {
  await onBenchStore(name, 'ingest', async (store, title) => {
    await importBenchRegistry(store.db, registryFile);
    const buildStart = performance.now();
    const index = AssetIndex.build(await loadIndexedAssets(store.db));
    const buildSeconds = (performance.now() - buildStart) / 1000;
    const stop = peakRss();
    const start = performance.now();
    const result = await ingestFile(store.db, index, { file: report });
    const seconds = (performance.now() - start) / 1000;
    const rate = Math.round(result.rows / seconds);
    console.log(
      `${title}: ${seconds.toFixed(1)} s, ${rate.toLocaleString('en')} rows/s (target 100,000), peak RSS ${Math.round(stop() / 1048576)} MB (target 1,536 MB); ` +
        `${result.observations} observations, ${result.rejected} rejected, ${result.findingsNew} findings (index loaded and built in ${buildSeconds.toFixed(1)} s)`,
    );
    await measureSearches(store, title, report);
    // The reference's input: the subjects of the first JOIN_SAMPLE rows as a table, not timed. Timed
    // on a sample: on PGlite the join of a million runs for many minutes.
    const addresses = await sampleAddresses(report, JOIN_SAMPLE);
    const sample = addresses.join('\x1e');
    await sql`CREATE TABLE bench_subjects AS SELECT (a || '/32')::cidr AS subject_net FROM unnest(string_to_array(${sample}, chr(30))) AS a`.execute(store.db);
    await sql`CREATE INDEX bench_assets_network ON assets USING gist (network inet_ops)`.execute(store.db);
    const joinStart = performance.now();
    const joined = await sql<{ n: number }>`SELECT count(*)::int AS n FROM bench_subjects o JOIN assets a ON a.network && o.subject_net`.execute(store.db);
    const joinSeconds = (performance.now() - joinStart) / 1000;
    console.log(
      `${title} reference, matching alone as a database range join: ${joinSeconds.toFixed(1)} s for ${addresses.length.toLocaleString('en')} observations ` +
        `(${Math.round(addresses.length / joinSeconds).toLocaleString('en')} rows/s, ${joined.rows[0].n.toLocaleString('en')} pairs) — ingest end to end did ${rate.toLocaleString('en')} rows/s`,
    );
  });
}

const stage = process.env.BENCH_TARGET;
if (stage === 'embedded' || stage === 'postgres') await measure(stage, process.env.BENCH_REGISTRY!, process.env.BENCH_REPORT!);
else {
  const registry = generateRegistry(ORGANISATIONS, ASSETS);
  const registryFile = await registryCsv(path.join(dataDir, `registry-${ORGANISATIONS}-${registry.length}.csv`), registry);
  const report = await scanReport(ROWS, generateLookups(registry, 200_000).ipv4);
  console.log(`ingest: ${ROWS.toLocaleString('en')}-row Shadowserver scan report against ${ORGANISATIONS.toLocaleString('en')} organisations with ${ASSETS.toLocaleString('en')} assets`);
  for (const name of STORES) {
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_TARGET: name, BENCH_REGISTRY: registryFile, BENCH_REPORT: report },
    });
  }
}

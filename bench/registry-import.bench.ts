/**
 * `koppel registry import` of 100,000 organisations with 1,000,000 assets, on the embedded store
 * and on PostgreSQL (when reachable), beside a simple reference: the same rows inserted one
 * statement per row (timed on a sample and given as rows a second).
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { parseAssetValue } from '../src/registry/index.ts';
import type { Store } from '../src/store/index.ts';
import { generateRegistry } from './generate-registry.ts';
import { importBenchRegistry, onBenchStore, peakRss } from './measure.ts';
import { registryCsv } from './registry-file.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 100_000);
const ASSETS = Number(process.env.BENCH_ASSETS ?? 1_000_000);
const REFERENCE_ROWS = 5_000;


const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function timedImport(store: Store, file: string) {
  const stop = peakRss();
  const start = performance.now();
  const report = await importBenchRegistry(store.db, file);
  const seconds = (performance.now() - start) / 1000;
  return { seconds, rss: stop(), report };
}

/** The reference: one INSERT per asset, as a naive import would do it. */
async function rowByRow(store: Store, file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n', REFERENCE_ROWS + 1).slice(1).filter((line) => line !== '');
  const org = await sql<{ id: number }>`INSERT INTO organisations (ref, name) VALUES ('REFERENCE', 'Reference') RETURNING id`.execute(store.db);
  const start = performance.now();
  for (const line of lines) {
    const parsed = parseAssetValue(line.split(',')[3]);
    if (!parsed.ok) continue;
    await sql`INSERT INTO assets (organisation_id, kind, value, network, asn, added_via) VALUES (${org.rows[0].id}, ${parsed.value.kind}, ${parsed.value.value}, ${parsed.value.network ?? null}::cidr, ${parsed.value.asn ?? null}, 'import') ON CONFLICT DO NOTHING`.execute(store.db);
  }
  return lines.length / ((performance.now() - start) / 1000);
}


/**
 * Each store is measured in a process of its own that only reads the file: the generator's data and
 * the other store's memory would otherwise count in its peak RSS.
 */
async function measure(name: 'embedded' | 'postgres', file: string) {
  const limit = name === 'embedded' ? 60 : 30;
  await onBenchStore(name, 'import', async (store, title) => {
    const { seconds, rss, report } = await timedImport(store, file);
    const rate = Math.round(ASSETS / seconds);
    const verdict = seconds <= limit ? 'within' : 'OVER';
    console.log(
      `${title}: ${seconds.toFixed(1)} s (${verdict} the ${limit} s target), ${rate.toLocaleString('en')} assets/s, peak RSS ${mb(rss)} (target 1,024 MB); ` +
        `${report.organisationsCreated} organisations, ${report.assetsAdded} assets, ${report.rejected} rejected`,
    );
    const reference = await rowByRow(store, file);
    console.log(`${title} reference, one INSERT per row: ${Math.round(reference).toLocaleString('en')} assets/s (${(rate / reference).toFixed(1)}× slower than the import)`);
  });
}

const target = process.env.BENCH_TARGET;
if (target === 'embedded' || target === 'postgres') await measure(target, process.env.BENCH_FILE!);
else {
  const dataDir = fileURLToPath(new URL('./data', import.meta.url));
  const registry = generateRegistry(ORGANISATIONS, ASSETS);
  const file = await registryCsv(path.join(dataDir, `registry-${ORGANISATIONS}-${registry.length}.csv`), registry);
  console.log(`registry import: ${ORGANISATIONS.toLocaleString('en')} organisations, ${ASSETS.toLocaleString('en')} assets (${path.basename(file)})`);
  for (const name of ['embedded', 'postgres']) {
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, BENCH_TARGET: name, BENCH_FILE: file } });
  }
}

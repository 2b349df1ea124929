/** What the benchmarks share: the peak memory of a run, a fresh store of either kind, and their data files. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { StoreLocation } from '../src/config.ts';
import { importRegistry } from '../src/registry/index.ts';
import { openStore, type Database, type Store } from '../src/store/index.ts';

const POSTGRES_URL = process.env.KOPPEL_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Samples the resident set size every 50 ms; the function returned stops and gives the peak. */
export function peakRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

interface BenchStore {
  title: string;
  location: StoreLocation;
  /** Removes the data folder or drops the database. */
  cleanup(): Promise<void>;
}

/**
 * Runs `use` on a new, empty store of the kind, which is closed and removed afterwards; on PostgreSQL
 * nothing runs when no server is reachable (the output says so).
 */
export async function onBenchStore(kind: 'embedded' | 'postgres', purpose: string, use: (store: Store, title: string) => Promise<void>): Promise<void> {
  const target = await benchStore(kind, purpose);
  if (!target) return;
  const store = await openStore(target.location, 'bench');
  try {
    await use(store, target.title);
  } finally {
    await store.close();
    await target.cleanup();
  }
}

/** The registry file imported as the benchmarks' analyst would. */
export const importBenchRegistry = (db: Kysely<Database>, file: string) => importRegistry(db, file, { actor: { role: 'analyst', name: 'bench', via: 'import' } });

/**
 * Writes the lines to the file through a `.partial` file renamed at the end, so that a run cut short
 * leaves no half file for the next to reuse; ten thousand lines a write.
 */
export async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length < 10_000) continue;
    if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
    chunk = [];
  }
  out.end(chunk.length ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
  await rename(partial, file);
}

/** A new, empty store: a data folder in the temporary folder, or a database on the PostgreSQL server (undefined, said on the output, when none is reachable). */
async function benchStore(kind: 'embedded' | 'postgres', purpose: string): Promise<BenchStore | undefined> {
  if (kind === 'embedded') {
    const dataDir = await mkdtemp(path.join(tmpdir(), `koppel-bench-${purpose}-`));
    return { title: 'embedded (PGlite)', location: { kind, dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`PostgreSQL: skipped, ${POSTGRES_URL} unreachable (${(error as Error).message})`);
    return undefined;
  }
  const name = `koppel_bench_${purpose}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    title: 'PostgreSQL',
    location: { kind: 'postgres', url: url.toString() },
    async cleanup() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

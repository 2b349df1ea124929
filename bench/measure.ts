/** What the benchmarks share: the peak memory of a run, and a fresh store of either kind. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { StoreLocation } from '../src/config.ts';

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

export interface BenchStore {
  title: string;
  location: StoreLocation;
  /** Removes the data folder or drops the database. */
  cleanup(): Promise<void>;
}

/** A new, empty store: a data folder in the temporary folder, or a database on the PostgreSQL server (undefined, said on the output, when none is reachable). */
export async function benchStore(kind: 'embedded' | 'postgres', purpose: string): Promise<BenchStore | undefined> {
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

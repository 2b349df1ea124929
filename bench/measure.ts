/** What the benchmarks share: the peak memory of a run, and a PostgreSQL database of their own. */
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

/** A new database on the PostgreSQL server, or undefined (said on the output) when none is reachable. */
export async function benchDatabase(purpose: string): Promise<{ location: StoreLocation; drop(): Promise<void> } | undefined> {
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
    location: { kind: 'postgres', url: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Runs a store test suite on each store: the embedded PGlite always, and PostgreSQL when one is
 * reachable (KOPPEL_TEST_DATABASE_URL, default postgres on 127.0.0.1). Without PostgreSQL those tests
 * skip with a message, except when KOPPEL_REQUIRE_POSTGRES=1 (as CI sets it): then they fail.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import pg from 'pg';
import type { StoreLocation } from '../src/config.ts';
import { openStore, type Store } from '../src/store/index.ts';

export const POSTGRES_URL = process.env.KOPPEL_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const required = process.env.KOPPEL_REQUIRE_POSTGRES === '1';

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const unreachable = await postgresReachable();
if (unreachable && required) throw new Error(`PostgreSQL is required (KOPPEL_REQUIRE_POSTGRES=1) but ${POSTGRES_URL} is unreachable: ${unreachable}`);

export interface TestStore {
  location: StoreLocation;
  open(): Promise<Store>;
  /** Drops the database or data folder. */
  dispose(): Promise<void>;
}

/** A fresh, empty store of the given kind. */
export async function freshStore(kind: 'embedded' | 'postgres'): Promise<TestStore> {
  if (kind === 'embedded') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'koppel-test-'));
    return { location: { kind, dataDir }, open: () => openStore({ kind, dataDir }, 'test'), dispose: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `koppel_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const location: StoreLocation = { kind: 'postgres', url: url.toString() };
  return {
    location,
    open: () => openStore(location, 'test'),
    async dispose() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Declares the suite once per store. */
export function onEachStore(title: string, suite: (kind: 'embedded' | 'postgres') => void): void {
  describe(`${title} (embedded PGlite)`, () => suite('embedded'));
  describe(`${title} (PostgreSQL)`, { skip: unreachable ? `PostgreSQL unreachable at ${POSTGRES_URL} (${unreachable}); set KOPPEL_REQUIRE_POSTGRES=1 to make this fail` : false }, () =>
    suite('postgres'),
  );
}

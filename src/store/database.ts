/** Opens the store: PGlite in a data folder by default, PostgreSQL when DATABASE_URL is set. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StoreLocation } from '../config.ts';
import { lockDataFolder } from './data-folder.ts';
import { MIGRATIONS } from './migrations.ts';
import { pglitePool } from './pglite-pool.ts';
import type { Database } from './schema.ts';

export interface Store {
  db: Kysely<Database>;
  location: StoreLocation;
  /** Set for the embedded store: lets `koppel serve` publish where it listens. */
  lock?: ReturnType<typeof lockDataFolder>;
  close(): Promise<void>;
}

const INT8 = 20;
const INT8_ARRAY = 1016;
const parseInt8Array = pg.types.getTypeParser(INT8_ARRAY as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (value: string) => string[];

/** Ids and counts are bigint in SQL and plain numbers in Koppel, alone or in arrays; PGlite already returns them so. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (value: string) => Number(value)
      : oid === INT8_ARRAY
        ? (value: string) => parseInt8Array(value).map(Number)
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export async function openStore(location: StoreLocation, command: string): Promise<Store> {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: location.url, types: pgTypes, max: 8 });
    // An idle connection the server ends (a restart, an administrator) leaves the pool; the next query opens a new one.
    pool.on('error', (error) => process.stderr.write(`koppel: PostgreSQL connection lost: ${error.message}\n`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db);
    return { db, location, close: () => db.destroy() };
  }
  const lock = lockDataFolder(location.dataDir, command);
  try {
    const pglite = await openPglite(path.join(location.dataDir, 'pgdata'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pglitePool(pglite) }) });
    await migrate(db);
    return {
      db,
      location,
      lock,
      async close() {
        await db.destroy();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * A new data folder is created by PGlite's initdb, whose memory (some 400 MB) the instance that ran
 * it keeps for as long as it lives: created, closed and opened again, the store runs without it.
 */
async function openPglite(folder: string): Promise<PGlite> {
  if (!existsSync(path.join(folder, 'PG_VERSION'))) await (await PGlite.create(folder)).close();
  return PGlite.create(folder);
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'koppel_migrations',
    migrationLockTableName: 'koppel_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`);
  }
}

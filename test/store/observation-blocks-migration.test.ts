import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { observationsById, probesFor, type Observation } from '../../src/observations/index.ts';
import { mayHold } from '../../src/observations/summary.ts';
import { listObservations } from '../../src/pipeline/index.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { pglitePool } from '../../src/store/pglite-pool.ts';
import { bytesOf, bytesOut, type Store } from '../../src/store/index.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';

const BEFORE_BLOCKS = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0008'));

const record = (ip: string, observedAt: string, port: number, malware?: string): Observation => ({
  source: 'feed',
  observedAt,
  receivedAt: '2026-12-01T00:00:00.000Z',
  kind: 'infected',
  type: 'bot',
  severity: 'high',
  reliability: 'B',
  tlp: 'AMBER',
  subject: { ip, port },
  others: [],
  evidence: { ip, port: String(port) },
  ...(malware ? { malware } : {}),
});

onEachStore('observations stored a row each move into blocks', (kind) => {
  let testStore: TestStore;
  let store: Store;

  before(async () => {
    testStore = await freshStore(kind);
    const location = testStore.location;
    const db =
      location.kind === 'postgres'
        ? new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: location.url }) }) })
        : new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pglitePool(await PGlite.create(path.join(location.dataDir, 'pgdata'))) }) });
    const migrator = new Migrator({ db, provider: { getMigrations: async () => BEFORE_BLOCKS }, migrationTableName: 'koppel_migrations', migrationLockTableName: 'koppel_migrations_lock' });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    await sql`INSERT INTO organisations (ref, name) VALUES ('ORG', 'Org')`.execute(db);
    await sql`INSERT INTO sources (name, format, reliability, tlp) VALUES ('feed', 'jsonl', 'B', 'AMBER')`.execute(db);
    await sql`INSERT INTO batches (source_id, file, format, status) SELECT id, 'old.jsonl', 'jsonl', 'done' FROM sources`.execute(db);
    const rows = [record('192.0.2.1', '2026-11-20T00:00:00.000Z', 80, 'old'), record('192.0.2.1', '2026-11-22T00:00:00.000Z', 443, 'mirai'), record('198.51.100.1', '2026-11-21T00:00:00.000Z', 22)];
    for (const [i, r] of rows.entries()) {
      await sql`INSERT INTO observations (dedupe_key, batch_id, source_id, observed_at, subject_net, record)
        SELECT ${`00000000-0000-0000-0000-00000000000${i}`}::uuid, (SELECT id FROM batches), (SELECT id FROM sources), ${r.observedAt}::timestamptz, ${`${r.subject.ip}/32`}::cidr, ${JSON.stringify(r)}::json`.execute(db);
    }
    await sql`INSERT INTO findings (organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count)
      SELECT o.id, 'infected', 'bot', '192.0.2.1', 'high', 'AMBER', s.id, '2026-11-20', '2026-11-22', '2026-12-01', 2 FROM organisations o, sources s`.execute(db);
    await sql`INSERT INTO finding_observations SELECT f.id, ob.id FROM findings f, observations ob WHERE ob.subject_net = '192.0.2.1/32'`.execute(db);
    await db.destroy();
    store = await testStore.open();
  });
  after(async () => {
    await store.close();
    await testStore.dispose();
  });

  test('every observation is found again, and a finding names the same observations and keeps its latest port and malware', async () => {
    const all = await listObservations(store.db);
    assert.deepEqual(all.map((o) => `${o.subject.ip} ${o.observedAt}`), ['192.0.2.1 2026-11-22T00:00:00.000Z', '198.51.100.1 2026-11-21T00:00:00.000Z', '192.0.2.1 2026-11-20T00:00:00.000Z']);
    assert.deepEqual((await listObservations(store.db, { scope: { network: '198.51.100.0/24' } })).map((o) => o.subject.port), [22]);
    const finding = await store.db.selectFrom('findings').select(['observations', 'port', 'malware', 'count']).executeTakeFirstOrThrow();
    assert.deepEqual([finding.port, finding.malware, finding.count], [443, 'mirai', 2]);
    assert.ok(finding.observations.every((id) => typeof id === 'number'));
    assert.deepEqual((await observationsById(store.db, finding.observations)).map((o) => o.subject.port).sort(), [443, 80]);
    const tables = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('observations', 'finding_observations')`.execute(store.db);
    assert.equal(tables.rows[0].n, 0);
  });

  test('the blocks the observations moved into are summarised: a search elsewhere passes them over', async () => {
    const unsummarised = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observation_blocks WHERE summary IS NULL`.execute(store.db);
    assert.equal(unsummarised.rows[0].n, 0);
    const [block] = await store.db.selectFrom('observation_blocks').select(bytesOut('summary')).execute();
    const summary = bytesOf(block.summary!);
    assert.equal(mayHold(summary, probesFor([{ network: '198.51.100.0/24' }])!), true);
    assert.equal(mayHold(summary, probesFor([{ network: '203.0.113.0/24' }])!), false);
  });

  test('deleting an organisation still deletes its findings', async () => {
    await sql`DELETE FROM organisations`.execute(store.db);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM findings`.execute(store.db);
    assert.equal(left.rows[0].n, 0);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { KoppelError } from '../../src/errors.ts';
import { inProcessContext, type Context } from '../../src/context.ts';
import { listFindings } from '../../src/findings/index.ts';
import { listBatches } from '../../src/intake/batches.ts';
import { BLOCK_ROWS, BlockBuilder, BlockRowsBuilder, blockRow, packBlock, observationsById, purgeObservations, reserveBlockId, writeBlock, type Observation } from '../../src/observations/index.ts';
import { ingestFile, listObservations } from '../../src/pipeline/index.ts';
import { importAndMatchRegistry } from '../../src/pipeline/advisories.ts';
import { addAssets, addOrganisation, removeAsset, removeOrganisation, type Actor } from '../../src/registry/index.ts';
import { onEachStore, freshStore, type TestStore } from '../stores.ts';

const analyst: Actor = { role: 'analyst', name: 'tester', via: 'cli' };
const DAY = 86_400_000;

function observation(o: Partial<Observation> & Pick<Observation, 'subject'>): Observation {
  return {
    source: 'feed',
    observedAt: new Date(Date.now() - DAY).toISOString(),
    receivedAt: new Date().toISOString(),
    kind: 'malicious-infrastructure',
    type: 'blocklist',
    severity: 'high',
    reliability: 'B',
    tlp: 'AMBER',
    others: [],
    evidence: {},
    ...o,
  };
}

const jsonl = (observations: Observation[]) => observations.map((o) => JSON.stringify(o)).join('\n') + '\n';

onEachStore('stored observations, findings and their links', (kind) => {
  let testStore: TestStore;
  let context: Context;
  let dir: string;
  const ingest = async (name: string, observations: Observation[]) => {
    const file = path.join(dir, name);
    await writeFile(file, jsonl(observations));
    return ingestFile(context.store.db, await context.matcher.index(), { file, format: 'jsonl', source: 'feed' });
  };
  const register = async (ref: string, values: string[]) => {
    await addOrganisation(context.store.db, { ref, name: ref }).catch(() => undefined);
    const { changes } = await addAssets(context.store.db, ref, values, analyst);
    await context.bus.publish('registry.assets', changes);
    await context.matcher.settled();
  };
  const findingsOf = async (org: string) => (await listFindings(context.store.db, { org })).map((f) => `${f.indicator} ${f.type} [${f.assets.join(' ')}] ${f.count}`).sort();
  const assetLinks = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM finding_assets`.execute(context.store.db)).rows[0].n;
  const observationsBehind = async (org: string) => {
    const [finding] = await listFindings(context.store.db, { org });
    const { observations } = await context.store.db.selectFrom('findings').select('observations').where('id', '=', finding.id).executeTakeFirstOrThrow();
    return (await observationsById(context.store.db, observations)).map((o) => o.observedAt).sort();
  };

  before(async () => {
    testStore = await freshStore(kind);
    const store = await testStore.open();
    context = inProcessContext(store, {});
    dir = await mkdtemp(path.join(tmpdir(), 'koppel-store-'));
    await context.store.db.insertInto('sources').values({ name: 'feed', format: 'jsonl', reliability: 'B', tlp: 'AMBER', severity: null }).execute();
  });
  after(async () => {
    await context.store.close();
    await testStore.dispose();
  });

  test('a network asset registered later finds listed networks that hold it, are inside it, or equal it, in IPv4 and IPv6', async () => {
    await ingest('networks.jsonl', [
      observation({ subject: { network: '10.0.0.0/8' } }),
      observation({ subject: { network: '10.1.2.0/24' } }),
      observation({ subject: { network: '10.1.0.0/16' } }),
      observation({ subject: { ip: '10.1.200.9' } }),
      observation({ subject: { network: '10.2.0.0/16' } }),
      observation({ subject: { network: '11.0.0.0/8' } }),
      observation({ subject: { network: '2001:db8::/32' } }),
      observation({ subject: { network: '2001:db8:5::/48' } }),
      observation({ subject: { ip: '2001:db9::1' } }),
    ]);
    await register('NETS', ['10.1.0.0/16', '2001:db8:5::/64']);
    assert.deepEqual(await findingsOf('NETS'), [
      '10.0.0.0/8 blocklist [10.1.0.0/16] 1',
      '10.1.0.0/16 blocklist [10.1.0.0/16] 1',
      '10.1.2.0/24 blocklist [10.1.0.0/16] 1',
      '10.1.200.9 blocklist [10.1.0.0/16] 1',
      '2001:db8:5::/48 blocklist [2001:db8:5::/64] 1',
      '2001:db8::/32 blocklist [2001:db8:5::/64] 1',
    ]);
    const listed = await listObservations(context.store.db, { scope: { network: '10.1.2.128/25' } });
    assert.deepEqual(listed.map((o) => o.subject.network ?? o.subject.ip).sort(), ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24']);
  });

  test('free text with control characters is stored and matched as sent', async () => {
    const type = 'odd\x1etype,"quoted"\\{}';
    const evidence = { line: 'a\x1eb\tc\nd', empty: '' };
    await register('ODD', ['192.0.2.0/24']);
    const report = await ingest('odd.jsonl', [observation({ type, subject: { ip: '192.0.2.1' }, evidence }), observation({ type: 'plain', subject: { ip: '192.0.2.2' } })]);
    assert.deepEqual([report.observations, report.findingsNew], [2, 2]);
    assert.deepEqual(await findingsOf('ODD'), [`192.0.2.1 ${type} [192.0.2.0/24] 1`, '192.0.2.2 plain [192.0.2.0/24] 1']);
    const [stored] = await listObservations(context.store.db, { scope: { network: '192.0.2.1/32' } });
    assert.deepEqual([stored.type, stored.evidence], [type, { ...evidence, sharedAs: { source: 'feed', reliability: 'B', tlp: 'AMBER' } }]);
  });

  test('a file of several blocks, its rows repeated in another order in later blocks: each stored once, the counts exact', async () => {
    await register('MANY', ['100.64.0.0/16']);
    const unique = Array.from({ length: BLOCK_ROWS + 1000 }, (_, i) => observation({ type: 'open-rdp', subject: { ip: `100.64.${i >> 8}.${i & 255}` } }));
    const report = await ingest('many.jsonl', [...unique, ...unique.slice(0, 4500).reverse()]);
    assert.deepEqual([report.rows, report.observations, report.duplicates, report.findingsNew, report.findingsSeenAgain], [unique.length + 4500, unique.length, 4500, unique.length, 0]);
    const stored = await sql<{ blocks: number; rows: number }>`SELECT count(*)::int AS blocks, sum(rows)::int AS rows FROM observation_blocks WHERE batch_id = ${report.batch} AND complete`.execute(context.store.db);
    assert.deepEqual(stored.rows[0], { blocks: 2, rows: unique.length });
    const findings = await listFindings(context.store.db, { org: 'MANY' });
    assert.equal(findings.length, unique.length);
    assert.ok(findings.every((f) => f.count === 1));
    const again = await ingest('many-again.jsonl', unique.slice(100, 200));
    assert.deepEqual([again.observations, again.duplicates, again.findingsSeenAgain], [0, 100, 0], 'the same rows in another file of the source add nothing');
  });

  test('links go with the asset, the observation or the organisation they name', async () => {
    await register('GONE', ['198.51.100.0/24', '198.51.100.0/25']);
    const old = new Date(Date.now() - 100 * DAY).toISOString();
    const older = new Date(Date.now() - 120 * DAY).toISOString();
    const recent = new Date(Date.now() - DAY).toISOString();
    await ingest('gone-old.jsonl', [observation({ subject: { ip: '198.51.100.1' }, observedAt: older })]);
    await ingest('gone.jsonl', [observation({ subject: { ip: '198.51.100.1' }, observedAt: old }), observation({ subject: { ip: '198.51.100.1' }, observedAt: recent })]);
    assert.deepEqual(await findingsOf('GONE'), ['198.51.100.1 blocklist [198.51.100.0/24 198.51.100.0/25] 3']);
    assert.equal((await observationsBehind('GONE')).length, 3);
    const links = await assetLinks();

    await removeAsset(context.store.db, 'GONE', '198.51.100.0/25');
    assert.deepEqual(await findingsOf('GONE'), ['198.51.100.1 blocklist [198.51.100.0/24] 3']);
    assert.equal(await assetLinks(), links - 1);

    // One block all old goes whole; in the other, the old row goes and the recent one stays.
    assert.equal(await purgeObservations(context.store.db, new Date(Date.now() - 90 * DAY)), 2);
    assert.deepEqual(await observationsBehind('GONE'), [recent]);
    assert.deepEqual((await listObservations(context.store.db, { scope: { network: '198.51.100.1/32' } })).map((o) => o.observedAt), [recent]);
    assert.deepEqual(await findingsOf('GONE'), ['198.51.100.1 blocklist [198.51.100.0/24] 3'], 'a finding keeps its history');
    assert.equal(await purgeObservations(context.store.db, new Date(Date.now() - 90 * DAY)), 0, 'what is purged stays purged');

    await removeOrganisation(context.store.db, 'GONE');
    assert.equal(await assetLinks(), links - 2);
    assert.deepEqual(await findingsOf('GONE'), []);
  });

  test('two ingests of one source at the same time never count an observation twice', async () => {
    await register('BOTH', ['100.65.0.0/16']);
    const rows = Array.from({ length: BLOCK_ROWS + 500 }, (_, i) => observation({ type: 'open-vnc', subject: { ip: `100.65.${i >> 8}.${i & 255}` } }));
    const file = path.join(dir, 'both.jsonl');
    await writeFile(file, jsonl(rows));
    const index = await context.matcher.index();
    const outcomes = await Promise.allSettled([1, 2].map(() => ingestFile(context.store.db, index, { file, format: 'jsonl', source: 'feed' })));
    const done = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => (o.reason as Error).message);
    assert.ok(done.length >= 1);
    for (const message of failed) assert.match(message, /another ingest of source feed stored \d+ of the same observations meanwhile; ingest .*both\.jsonl again/);
    assert.equal(done.reduce((sum, r) => sum + r.observations, 0), rows.length);
    const findings = await listFindings(context.store.db, { org: 'BOTH' });
    assert.equal(findings.length, rows.length);
    assert.ok(findings.every((f) => f.count === 1));
    const stored = await sql<{ n: number }>`SELECT coalesce(sum(rows), 0)::int AS n FROM observation_blocks WHERE subjects IS NOT NULL AND batch_id IN (SELECT id FROM batches WHERE file = ${file})`.execute(context.store.db);
    assert.equal(stored.rows[0].n, rows.length, 'the failed ingest left no blocks behind');
  });

  test('an ingest that fails part-way leaves no observations and no findings; the file ingested again adds all', async () => {
    await register('BROKEN', ['100.66.0.0/16']);
    const rows = Array.from({ length: BLOCK_ROWS * 2 }, (_, i) => observation({ type: 'open-smb', subject: { ip: `100.66.${i >> 8}.${i & 255}` } }));
    const whole = gzipSync(jsonl(rows));
    const file = path.join(dir, 'broken.jsonl.gz');
    await writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.8)));
    await assert.rejects(ingestFile(context.store.db, await context.matcher.index(), { file, format: 'jsonl', source: 'feed' }));
    const [batch] = await listBatches(context.store.db, { limit: 1 });
    assert.equal(batch.status, 'failed');
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observation_blocks WHERE batch_id = ${batch.id}`.execute(context.store.db);
    assert.equal(left.rows[0].n, 0);
    assert.deepEqual(await findingsOf('BROKEN'), []);
    await writeFile(file, whole);
    const report = await ingestFile(context.store.db, await context.matcher.index(), { file, format: 'jsonl', source: 'feed' });
    assert.deepEqual([report.observations, report.duplicates, report.findingsNew], [rows.length, 0, rows.length]);
  });

  test('a finding keeps the port and malware of its latest observation, for the notice', async () => {
    await register('LATEST', ['203.0.113.0/24']);
    const now = Date.now();
    const at = (days: number) => new Date(now - days * DAY).toISOString();
    await ingest('latest.jsonl', [
      observation({ type: 'bot', subject: { ip: '203.0.113.9', port: 80 }, malware: 'old', observedAt: at(2) }),
      observation({ type: 'bot', subject: { ip: '203.0.113.9', port: 443 }, malware: 'mirai', observedAt: at(1) }),
    ]);
    await ingest('earlier.jsonl', [observation({ type: 'bot', subject: { ip: '203.0.113.9', port: 8080 }, malware: 'older', observedAt: at(3) })]);
    const row = await context.store.db.selectFrom('findings').select(['port', 'malware', 'count']).where('indicator', '=', '203.0.113.9').executeTakeFirstOrThrow();
    assert.deepEqual(row, { port: 443, malware: 'mirai', count: 3 });
    assert.deepEqual(await observationsBehind('LATEST'), [at(3), at(2), at(1)].sort());
  });

  test('an asset registered while a file is read hears of the rows read before it', async () => {
    await addOrganisation(context.store.db, { ref: 'LATE', name: 'LATE' });
    const rows = Array.from({ length: BLOCK_ROWS + 500 }, (_, i) => observation({ type: 'open-telnet', subject: { ip: `100.67.${i >> 8}.${i & 255}` } }));
    const file = path.join(dir, 'late.jsonl');
    await writeFile(file, jsonl(rows));
    let registering: Promise<unknown> | undefined;
    const report = await ingestFile(context.store.db, await context.matcher.index(), {
      file,
      format: 'jsonl',
      source: 'feed',
      progress: (bytes, total) => void (bytes > total / 2 && (registering ??= register('LATE', ['100.67.0.0/16']))),
    });
    await registering;
    await context.matcher.settled();
    const findings = await listFindings(context.store.db, { org: 'LATE' });
    assert.equal(findings.length, rows.length);
    assert.ok(findings.every((f) => f.count === 1));
    assert.equal(report.findingsNew, rows.length);
  });

  test('purge marks an ingest that died failed and removes what it left unfinished, and leaves a running one alone', async () => {
    const db = context.store.db;
    const source = await db.selectFrom('sources').select('id').where('name', '=', 'feed').executeTakeFirstOrThrow();
    const blockOf = async (startedHoursAgo: number) => {
      const { id: batch } = await db
        .insertInto('batches')
        .values({ source_id: source.id, file: `unfinished-${startedHoursAgo}.jsonl`, format: 'jsonl', started_at: new Date(Date.now() - startedHoursAgo * 3_600_000) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const block = new BlockBuilder(await reserveBlockId(db));
      const rows = new BlockRowsBuilder(1);
      const row = blockRow(observation({ subject: { ip: '192.0.2.77' } }));
      rows.add(row, { ip: '192.0.2.77' });
      block.add(rows.take(), 0, row.observedAt);
      await writeBlock(db, batch, source.id, block, await packBlock(block.segments));
      return block.id;
    };
    const died = await blockOf(48);
    const running = await blockOf(1);
    await purgeObservations(db, new Date(Date.now() - 90 * DAY));
    const left = await db.selectFrom('observation_blocks').select('id').where('id', 'in', [died, running]).execute();
    assert.deepEqual(left.map((b) => b.id), [running]);
    const batches = await db.selectFrom('batches').select(['file', 'status', 'error']).where('file', 'like', 'unfinished-%').orderBy('file').execute();
    assert.deepEqual(
      batches.map((b) => [b.file, b.status, b.error]),
      [
        ['unfinished-1.jsonl', 'running', null],
        ['unfinished-48.jsonl', 'failed', 'the ingest stopped unfinished: its process ended before it did'],
      ],
    );
  });

  test('a file large enough to be parsed in a thread of its own: every row, bad rows by line, progress, nothing twice', async () => {
    await register('LARGE', ['100.68.0.0/16']);
    const padding = 'x'.repeat(800);
    const rows = Array.from({ length: 20_000 }, (_, i) => JSON.stringify(observation({ type: 'open-ldap', subject: { ip: `100.68.${i >> 8}.${i & 255}` }, evidence: { padding } })));
    rows[4999] = '{"not": "an observation"';
    const file = path.join(dir, 'large.jsonl');
    await writeFile(file, rows.join('\n') + '\n');
    assert.ok(rows.join('\n').length > 16 * 1024 * 1024, 'the file is over the size parsed in a thread');
    let lastProgress = [0, 0];
    const report = await ingestFile(context.store.db, await context.matcher.index(), { file, format: 'jsonl', source: 'feed', progress: (bytes, total) => (lastProgress = [bytes, total]) });
    assert.deepEqual([report.rows, report.observations, report.rejected, report.findingsNew], [20_000, 19_999, 1, 19_999]);
    assert.equal(report.errors[0].line, 5000);
    assert.equal(lastProgress[0], lastProgress[1]);
    const again = await ingestFile(context.store.db, await context.matcher.index(), { file, format: 'jsonl', source: 'feed' });
    assert.deepEqual([again.observations, again.duplicates], [0, 19_999]);
    const [stored] = await listObservations(context.store.db, { scope: { network: '100.68.19.0/24' }, limit: 1 });
    assert.deepEqual(stored.evidence, { padding, sharedAs: { source: 'feed', reliability: 'B', tlp: 'AMBER' } });
  });

  test('a large file the format refuses fails with the refusal, as a small one does', async () => {
    const file = path.join(dir, 'large.csv');
    await writeFile(file, 'address,note\n' + `192.0.2.1,${'y'.repeat(1000)}\n`.repeat(17_000));
    await assert.rejects(
      ingestFile(context.store.db, await context.matcher.index(), { file, format: 'generic-csv', source: 'feed', options: { map: 'ip=source_ip' } }),
      (error: KoppelError) => error.code === 'invalid' && /--map names columns the header lacks: source_ip/.test(error.message),
    );
  });

  test('assets brought by a registry import hear of what was seen before, as assets typed in do', async () => {
    await ingest('before-import.jsonl', [observation({ type: 'open-smb', subject: { ip: '100.69.0.5' } }), observation({ type: 'open-smb', subject: { ip: '100.70.0.5' } })]);
    const file = path.join(dir, 'registry.csv');
    await writeFile(file, 'org_ref,org_name,contact_email,asset\nIMPORTED,Imported BV,it@imported.example,100.69.0.0/16\n');
    await importAndMatchRegistry(context.store.db, context.bus, file, { actor: analyst });
    await context.matcher.settled();
    assert.deepEqual(await findingsOf('IMPORTED'), ['100.69.0.5 open-smb [100.69.0.0/16] 1']);
  });
});

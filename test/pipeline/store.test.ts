import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { inProcessBus } from '../../src/bus/index.ts';
import type { Context } from '../../src/context.ts';
import { listFindings } from '../../src/findings/index.ts';
import { listObservations, purgeObservations, type Observation } from '../../src/observations/index.ts';
import { attachMatcher, ingestFile } from '../../src/pipeline/index.ts';
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
  const count = async (table: 'finding_assets' | 'finding_observations') => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(context.store.db)).rows[0].n;

  before(async () => {
    testStore = await freshStore(kind);
    const store = await testStore.open();
    const bus = inProcessBus();
    context = { store, bus, env: {}, matcher: attachMatcher(store.db, bus, {}) };
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
    assert.deepEqual([stored.type, stored.evidence], [type, evidence]);
  });

  test('a file of several chunks, its rows repeated in another order in later chunks: each stored once, the counts exact', async () => {
    await register('MANY', ['100.64.0.0/16']);
    const unique = Array.from({ length: 6000 }, (_, i) => observation({ type: 'open-rdp', subject: { ip: `100.64.${i >> 8}.${i & 255}` } }));
    const report = await ingest('many.jsonl', [...unique, ...unique.slice(0, 4500).reverse()]);
    assert.deepEqual([report.rows, report.observations, report.duplicates, report.findingsNew, report.findingsSeenAgain], [10_500, 6000, 4500, 6000, 0]);
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM observations WHERE batch_id = ${report.batch}`.execute(context.store.db);
    assert.equal(stored.rows[0].n, 6000);
    const findings = await listFindings(context.store.db, { org: 'MANY' });
    assert.equal(findings.length, 6000);
    assert.ok(findings.every((f) => f.count === 1));
  });

  test('links go with the asset, the observation or the organisation they name', async () => {
    await register('GONE', ['198.51.100.0/24', '198.51.100.0/25']);
    const old = new Date(Date.now() - 100 * DAY).toISOString();
    await ingest('gone.jsonl', [observation({ subject: { ip: '198.51.100.1' }, observedAt: old }), observation({ subject: { ip: '198.51.100.1' } })]);
    assert.deepEqual(await findingsOf('GONE'), ['198.51.100.1 blocklist [198.51.100.0/24 198.51.100.0/25] 2']);
    const links = [await count('finding_assets'), await count('finding_observations')];

    await removeAsset(context.store.db, 'GONE', '198.51.100.0/25');
    assert.deepEqual(await findingsOf('GONE'), ['198.51.100.1 blocklist [198.51.100.0/24] 2']);
    assert.equal(await count('finding_assets'), links[0] - 1);

    assert.equal(await purgeObservations(context.store.db, new Date(Date.now() - 90 * DAY)), 1);
    assert.equal(await count('finding_observations'), links[1] - 1);
    assert.deepEqual(await findingsOf('GONE'), ['198.51.100.1 blocklist [198.51.100.0/24] 2'], 'a finding keeps its history');

    await removeOrganisation(context.store.db, 'GONE');
    assert.equal(await count('finding_assets'), links[0] - 2);
    assert.equal(await count('finding_observations'), links[1] - 2);
  });
});

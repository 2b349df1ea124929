import assert from 'node:assert/strict';
import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessContext, type Context } from '../../src/context.ts';
import { listFindings, resolveUnseen, setFindingStatus } from '../../src/findings/index.ts';
import { listBatches } from '../../src/intake/batches.ts';
import type { Observation } from '../../src/observations/index.ts';
import { ingestFile } from '../../src/pipeline/index.ts';
import { addAssets, addOrganisation, type Actor } from '../../src/registry/index.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';

const analyst: Actor = { role: 'analyst', name: 'tester', via: 'cli' };
const DAY = 86_400_000;

function observation(o: Partial<Observation> & Pick<Observation, 'subject'>): Observation {
  return {
    source: 'testfeed',
    observedAt: new Date(Date.now() - DAY).toISOString(),
    receivedAt: new Date().toISOString(),
    kind: 'compromised',
    type: 'webshell',
    severity: 'high',
    reliability: 'B',
    tlp: 'AMBER',
    others: [],
    evidence: {},
    ...o,
  };
}

const jsonl = (observations: Observation[]) => observations.map((o) => JSON.stringify(o)).join('\n') + '\n';

onEachStore('ingest and matching', (kind) => {
  let testStore: TestStore;
  let context: Context;
  let dir: string;
  const ingest = async (name: string, text: string, format = 'jsonl') => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return ingestFile(context.store.db, await context.matcher.index(), { file, format, source: 'testfeed' });
  };
  const findingsOf = async (org: string) => (await listFindings(context.store.db, { org })).map((f) => `${f.indicator} ${f.asset} ${f.status} ${f.count}`).sort();

  before(async () => {
    testStore = await freshStore(kind);
    const store = await testStore.open();
    context = inProcessContext(store, {});
    dir = await mkdtemp(path.join(tmpdir(), 'koppel-ingest-'));
    await context.store.db.insertInto('sources').values({ name: 'testfeed', format: 'jsonl', reliability: 'B', tlp: 'AMBER', severity: null, reports_daily: true }).execute();
    for (const [ref, values] of [
      ['CUSTOMER', ['192.0.2.0/24', 'shop.example']],
      ['PROVIDER', ['192.0.0.0/16', '2001:db8::/32']],
      ['OTHER', ['198.51.100.7', 'AS64500']],
    ] as const) {
      await addOrganisation(context.store.db, { ref, name: ref });
      const { changes } = await addAssets(context.store.db, ref, [...values], analyst);
      await context.bus.publish('registry.assets', changes);
    }
  });
  after(async () => {
    await context.store.close();
    await testStore.dispose();
  });

  test('an address reaches every organisation whose range holds it, naming the asset', async () => {
    const report = await ingest('first.jsonl', jsonl([observation({ subject: { ip: '192.0.2.10', port: 443 } })]));
    assert.deepEqual([report.rows, report.observations, report.rejected, report.findingsNew], [1, 1, 0, 2]);
    assert.deepEqual(await findingsOf('CUSTOMER'), ['192.0.2.10 192.0.2.0/24 new 1']);
    assert.deepEqual(await findingsOf('PROVIDER'), ['192.0.2.10 192.0.0.0/16 new 1']);
    assert.deepEqual(await findingsOf('OTHER'), []);
  });

  test('only the subject is matched: never another party, never a reverse-DNS name', async () => {
    const report = await ingest(
      'roles.jsonl',
      jsonl([
        observation({ type: 'sinkhole-http', kind: 'infected', subject: { ip: '203.0.113.5' }, others: [{ role: 'sinkhole', indicators: { ip: '198.51.100.7' } }], hostname: 'www.shop.example' }),
        observation({ type: 'c2', subject: { ip: '203.0.113.6' }, others: [{ role: 'c2', indicators: { domain: 'shop.example', asn: 64500 } }] }),
      ]),
    );
    assert.equal(report.observations, 2);
    assert.equal(report.findingsNew, 0);
  });

  test('domains, URL hosts, e-mail domains, IPv6 and AS numbers match', async () => {
    await ingest(
      'mixed.jsonl',
      jsonl([
        observation({ kind: 'phishing', type: 'phishing-url', subject: { url: 'hxxps://login.shop[.]example/verify' } }),
        observation({ kind: 'leaked-credentials', type: 'credentials', subject: { email: 'jan@Shop.Example' } }),
        observation({ kind: 'vulnerable', type: 'open-rdp', subject: { ip: '2001:db8:1::5' } }),
        observation({ kind: 'malicious-infrastructure', type: 'spamhaus-asndrop', subject: { asn: 64500 } }),
        observation({ kind: 'phishing', type: 'lookalike', subject: { domain: 'example' } }),
      ]),
    );
    assert.deepEqual(await findingsOf('CUSTOMER'), ['192.0.2.10 192.0.2.0/24 new 1', 'https://login.shop.example/verify shop.example new 1', 'jan@shop.example shop.example new 1'].sort());
    assert.ok((await findingsOf('PROVIDER')).includes('2001:db8:1::5 2001:db8::/32 new 1'));
    assert.deepEqual(await findingsOf('OTHER'), ['AS64500 64500 new 1']);
  });

  test('the same file twice adds nothing twice', async () => {
    const text = jsonl([observation({ subject: { ip: '192.0.2.20' }, observedAt: '2026-11-20T10:00:00.000Z' })]);
    const first = await ingest('twice.jsonl', text);
    const second = await ingest('twice.jsonl', text);
    assert.equal(first.observations, 1);
    assert.deepEqual([second.observations, second.duplicates, second.findingsNew, second.findingsSeenAgain], [0, 1, 0, 0]);
    assert.ok((await findingsOf('CUSTOMER')).includes('192.0.2.20 192.0.2.0/24 new 1'));
  });

  test('a list without times of its own, ingested twice, adds nothing twice; written again later, it is seen again', async () => {
    const file = path.join(dir, 'blocklist.txt');
    await writeFile(file, '192.0.2.201\n192.0.2.202\n');
    const run = async () => ingestFile(context.store.db, await context.matcher.index(), { file, format: 'list', source: 'testfeed' });
    const first = await run();
    const second = await run();
    assert.deepEqual([first.observations, first.findingsNew], [2, 4], 'the customer and its provider hear of both');
    assert.deepEqual([second.observations, second.duplicates, second.findingsNew, second.findingsSeenAgain], [0, 2, 0, 0]);
    const tomorrow = new Date(Date.now() + DAY);
    await utimes(file, tomorrow, tomorrow);
    const third = await run();
    assert.deepEqual([third.observations, third.findingsSeenAgain], [2, 4]);
    assert.deepEqual((await findingsOf('CUSTOMER')).filter((f) => /^192\.0\.2\.20[12] /.test(f)), ['192.0.2.201 192.0.2.0/24 new 2', '192.0.2.202 192.0.2.0/24 new 2']);
  });

  test('a daily source sending the same entry with the same date keeps its finding open, and reopens it once resolved', async () => {
    const file = path.join(dir, 'standing.txt');
    await writeFile(file, '192.0.2.211\n');
    const run = async () => ingestFile(context.store.db, await context.matcher.index(), { file, format: 'list', source: 'testfeed' });
    const standing = async () => (await listFindings(context.store.db, { org: 'CUSTOMER' })).find((f) => f.indicator === '192.0.2.211')!;
    const monthAgo = new Date(Date.now() - 30 * DAY);
    const receivedMonthAgo = () => context.store.db.updateTable('findings').set({ last_received: monthAgo, status_changed_at: monthAgo }).where('indicator', '=', '192.0.2.211').execute();
    await run();
    await receivedMonthAgo();
    const repeated = await run();
    assert.deepEqual([repeated.observations, repeated.duplicates, repeated.findingsNew], [0, 1, 0]);
    await resolveUnseen(context.store.db, new Date(), 7);
    assert.deepEqual([(await standing()).status, (await standing()).count], ['new', 1], 'sent again today: not taken as fixed, not counted twice');

    await receivedMonthAgo();
    await resolveUnseen(context.store.db, new Date(), 7);
    assert.equal((await standing()).status, 'resolved');
    await run();
    assert.deepEqual([(await standing()).status, (await standing()).count], ['new', 1]);
  });

  test('a source that does not report daily sending an entry again reopens nothing: what an analyst resolved stays resolved', async () => {
    await context.store.db.insertInto('sources').values({ name: 'weekly', format: 'list', reliability: 'B', tlp: 'AMBER', severity: null, reports_daily: false }).execute();
    const file = path.join(dir, 'weekly.txt');
    await writeFile(file, '192.0.2.212\n');
    const run = async () => ingestFile(context.store.db, await context.matcher.index(), { file, format: 'list', source: 'weekly' });
    const finding = async () => (await listFindings(context.store.db, { org: 'CUSTOMER' })).find((f) => f.indicator === '192.0.2.212')!;
    await run();
    await setFindingStatus(context.store.db, (await finding()).id, 'resolved', 'patched on Monday');
    const again = await run();
    assert.deepEqual([again.observations, again.duplicates, again.findingsNew, again.findingsSeenAgain], [0, 1, 0, 0]);
    assert.deepEqual([(await finding()).status, (await finding()).statusReason, (await finding()).count], ['resolved', 'patched on Monday', 1]);
  });

  test('a file with few new rows among many stored before writes its blocks as it goes, not when one is full', async () => {
    const file = path.join(dir, 'mostly-known.txt');
    const addresses = Array.from({ length: 40_000 }, (_, i) => `203.0.${(i >> 8) & 255}.${i & 255}`);
    const at = new Date('2026-11-20T06:00:00Z');
    const write = async (list: string[]) => {
      await writeFile(file, `${list.join('\n')}\n`);
      await utimes(file, at, at);
    };
    await write(addresses.filter((_, i) => i % 1000 !== 999));
    await ingestFile(context.store.db, await context.matcher.index(), { file, format: 'list', source: 'testfeed' });
    await write(addresses);
    const second = await ingestFile(context.store.db, await context.matcher.index(), { file, format: 'list', source: 'testfeed' });
    assert.deepEqual([second.observations, second.duplicates], [40, 39_960]);
    const blocks = await context.store.db.selectFrom('observation_blocks').select('rows').where('batch_id', '=', second.batch).orderBy('id').execute();
    assert.deepEqual(blocks.map((b) => b.rows), [32, 8], 'the 40 new rows in two blocks: the first spans the 16 batches (32,768 rows) a block may');
  });

  test('a column mapping without a format reads the file as generic CSV, whatever its header', async () => {
    const file = path.join(dir, 'export.csv');
    await writeFile(file, 'seen,src_host,what\n2026-11-26T10:00:00Z,192.0.2.221,proxy\n');
    const report = await ingestFile(context.store.db, await context.matcher.index(), { file, source: 'testfeed', options: { map: 'observedAt=seen,ip=src_host,type=what' } });
    assert.deepEqual([report.format, report.observations, report.rejected], ['generic-csv', 1, 0]);
  });

  test('a bad row is recorded with its line and skipped; the rest goes in', async () => {
    const lines = [JSON.stringify(observation({ subject: { ip: '192.0.2.30' } })), '{"not": "an observation"', JSON.stringify(observation({ subject: { ip: '192.0.2.31' } }))];
    const report = await ingest('bad-row.jsonl', lines.join('\n') + '\n');
    assert.deepEqual([report.rows, report.observations, report.rejected], [3, 2, 1]);
    assert.equal(report.errors[0].line, 2);
    const [batch] = await listBatches(context.store.db, { withErrors: true, limit: 1 });
    assert.equal(batch.rejected, 1);
    assert.equal(batch.errors?.[0].line, 2);
  });

  test('a new asset hears of what was seen before it was registered (retro-matching)', async () => {
    await addOrganisation(context.store.db, { ref: 'LATE', name: 'Late BV' });
    const { changes } = await addAssets(context.store.db, 'LATE', ['192.0.2.16/28', 'login.shop.example'], analyst);
    await context.bus.publish('registry.assets', changes);
    await context.matcher.settled();
    assert.deepEqual(await findingsOf('LATE'), ['192.0.2.20 192.0.2.16/28 new 1', '192.0.2.30 192.0.2.16/28 new 1', '192.0.2.31 192.0.2.16/28 new 1', 'https://login.shop.example/verify login.shop.example new 1'].sort());
    const later = await ingest('later.jsonl', jsonl([observation({ subject: { ip: '192.0.2.17' } })]));
    assert.equal(later.findingsNew, 3, 'the index knows the new asset at once: LATE, CUSTOMER and PROVIDER');
  });

  test('a finding not seen for a week by a daily source is resolved, and reopens when seen again', async () => {
    const old = new Date(Date.now() - 20 * DAY);
    await ingest('old.jsonl', jsonl([observation({ subject: { ip: '198.51.100.7' }, type: 'open-telnet', observedAt: old.toISOString() })]));
    // Twenty days pass without the source sending it again.
    await context.store.db.updateTable('findings').set({ last_received: old }).where('indicator', '=', '198.51.100.7').execute();
    const resolved = await resolveUnseen(context.store.db, new Date(), 7);
    assert.ok(resolved >= 1);
    assert.deepEqual((await findingsOf('OTHER')).filter((f) => f.startsWith('198.51.100.7')), ['198.51.100.7 198.51.100.7 resolved 1']);
    await ingest('again.jsonl', jsonl([observation({ subject: { ip: '198.51.100.7' }, type: 'open-telnet', observedAt: new Date().toISOString() })]));
    const reopened = (await listFindings(context.store.db, { org: 'OTHER' })).find((f) => f.indicator === '198.51.100.7')!;
    assert.equal(reopened.status, 'new');
    assert.equal(reopened.count, 2);
    assert.match(reopened.statusReason ?? '', /seen again/);
  });
});

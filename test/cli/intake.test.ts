/**
 * Threat information from the command line as an analyst takes it in (in this process, on one
 * embedded store): sources, ingest by source, batches with their rejected rows, observations, purge.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessContext, type Context } from '../../src/context.ts';
import { freshStore, type TestStore } from '../stores.ts';
import { inProcessKoppel } from './koppel.ts';

let testStore: TestStore;
let context: Context;
let dir: string;
const DAY = 86_400_000;

before(async () => {
  testStore = await freshStore('embedded');
  context = inProcessContext(await testStore.open(), {});
  dir = await mkdtemp(path.join(tmpdir(), 'koppel-cli-intake-'));
});
after(async () => {
  await context.store.close();
  await testStore.dispose();
  await rm(dir, { recursive: true, force: true });
});

const run = inProcessKoppel(() => context, tmpdir());
const k = async (...args: string[]) => {
  const { code, out, err } = await run(...args);
  return { code, stdout: out, stderr: err };
};

test('a registered source, its ingest, the batch with its rejected row, the observations, and their purge after retention', async () => {
  const added = await k('source', 'add', 'nightly-list', '--format', 'list', '--reliability', 'B', '--tlp', 'AMBER', '--severity', 'high', '--daily');
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /added source nightly-list \(list, reliability B, TLP:AMBER\)/);
  const sources = JSON.parse((await k('source', 'list', '--json')).stdout) as Array<{ name: string; severity: string; reportsDaily: boolean }>;
  assert.deepEqual(
    sources.filter((s) => s.name === 'nightly-list').map((s) => [s.severity, s.reportsDaily]),
    [['high', true]],
  );
  const misspelt = await k('source', 'add', 'partner', '--format', 'shadowservr', '--reliability', 'B', '--tlp', 'AMBER');
  assert.equal(misspelt.code, 1);
  assert.match(misspelt.stderr, /unknown format "shadowservr"; formats: shadowserver, .*, csaf/);
  const formats = JSON.parse((await k('formats', '--json')).stdout) as Array<{ name: string; reads: string }>;
  assert.deepEqual(
    ['shadowserver', 'list', 'csaf', 'osv'].map((name) => formats.find((f) => f.name === name)?.reads),
    ['feed', 'feed', 'advisories', 'advisories'],
  );
  assert.equal((await k('org', 'add', '--ref', 'KVK-7', '--name', 'Bakkerij Jansen', '--email', 'it@jansen.example')).code, 0);
  assert.equal((await k('asset', 'add', '--org', 'KVK-7', '192.0.2.0/24')).code, 0);

  const feed = path.join(dir, 'bots.txt');
  await writeFile(feed, '# seen tonight\n192.0.2.10\nnot an address\n198.51.100.7\n');
  // Observed when the list was written: long ago, so that the purge below has something to remove.
  const written = new Date(Date.now() - 100 * DAY);
  await utimes(feed, written, written);
  const ingested = await k('ingest', '--source', 'nightly-list', feed);
  assert.equal(ingested.code, 0, ingested.stderr);
  assert.match(ingested.stdout, /list from nightly-list: 3 rows, 2 new observations, 1 rejected, findings: 1 new/);
  assert.match(ingested.stderr, /bots\.txt, line 3/);

  const [batch] = JSON.parse((await k('batches', '--json')).stdout) as Array<{ source: string; rows: number; observations: number; rejected: number; findingsNew: number; errors: Array<{ file: string; line: number }> }>;
  assert.deepEqual([batch.source, batch.rows, batch.observations, batch.rejected, batch.findingsNew], ['nightly-list', 3, 2, 1, 1]);
  assert.deepEqual(
    batch.errors.map((e) => [path.basename(e.file), e.line]),
    [['bots.txt', 3]],
  );
  const table = await k('batches');
  assert.match(table.stdout, /nightly-list +list +done +3 +2 +0 +1 +1 +0/);
  assert.match(table.stderr, /batch \d+:\n.*bots\.txt, line 3/);

  const inRange = JSON.parse((await k('observations', '--indicator', '192.0.2.0/24', '--json')).stdout) as Array<{ source: string; subject: { ip: string }; tlp: string; reliability: string; severity: string; observedAt: string }>;
  assert.deepEqual(
    inRange.map((o) => [o.source, o.subject.ip, o.tlp, o.reliability, o.severity, o.observedAt]),
    [['nightly-list', '192.0.2.10', 'AMBER', 'B', 'high', written.toISOString()]],
  );
  const refused = await k('observations', '--indicator', 'not an indicator');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /cannot search for "not an indicator"/);

  const kept = await k('purge', '--days', '120');
  assert.match(kept.stdout, /removed 0 observation\(s\) older than 120 days/);
  const purged = await k('purge');
  assert.equal(purged.code, 0, purged.stderr);
  assert.match(purged.stdout, /removed 2 observation\(s\) older than 90 days/);
  assert.deepEqual(JSON.parse((await k('observations', '--json')).stdout), []);
});

test('a count that is not a whole number is refused by name, before anything runs', async () => {
  for (const args of [
    ['purge', '--days', 'ninety'],
    ['observations', '--limit', '-5'],
    ['batches', '--limit', '2.5'],
    ['batches', '--limit', '1e3'],
    ['observations', '--limit', '0x10'],
  ]) {
    const run = await k(...args);
    assert.notEqual(run.code, 0, args.join(' '));
    assert.match(run.stderr, new RegExp(`option '${args[1]} <n>' argument '${args[2]}' is invalid.*whole number`), run.stderr);
  }
});

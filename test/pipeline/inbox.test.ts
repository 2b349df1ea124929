/** The inbox `koppel serve` watches: files dropped there are ingested and moved aside with their reports. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { inProcessContext } from '../../src/context.ts';
import { watchInbox } from '../../src/pipeline/inbox.ts';
import { freshStore } from '../stores.ts';

test('a file dropped in the inbox is ingested and moved to processed/ with its report; one that cannot be read goes to failed/ with its error', async () => {
  const testStore = await freshStore('embedded');
  const store = await testStore.open();
  const inbox = await mkdtemp(path.join(tmpdir(), 'koppel-inbox-'));
  const heard: string[] = [];
  let settle: () => void;
  const bothHeard = new Promise<void>((resolve) => (settle = resolve));
  const hear = (what: string) => {
    heard.push(what);
    if (heard.length === 2) settle();
  };
  await writeFile(path.join(inbox, 'blocklist.txt'), '# a list\n192.0.2.1\n192.0.2.3\n198.51.100.0/24\nbad.example\nnot an entry!\n');
  await writeFile(path.join(inbox, 'mystery.bin'), '\u0000\u0001\u0002 nothing any format reads');
  await writeFile(path.join(inbox, 'arriving.part'), '192.0.2.2\n');
  const watcher = watchInbox(inProcessContext(store, {}), inbox, { ingested: (file) => hear(`ingested ${file}`), failed: (file) => hear(`failed ${file}`) }, 20);
  try {
    await bothHeard;
    await watcher.stop();
    assert.deepEqual(heard.sort(), ['failed mystery.bin', 'ingested blocklist.txt']);
    assert.deepEqual(await readdir(inbox), ['arriving.part', 'failed', 'processed'], 'a file still arriving is left alone');
    const processed = await readdir(path.join(inbox, 'processed'));
    assert.deepEqual(processed.map((f) => f.replace(/^[\dT-]+Z-/, '')).sort(), ['blocklist.txt', 'blocklist.txt.report.json']);
    const report = JSON.parse(await readFile(path.join(inbox, 'processed', processed.find((f) => f.endsWith('.json'))!), 'utf8'));
    assert.deepEqual([report.file, report.format, report.rows, report.observations, report.rejected], ['blocklist.txt', 'list', 5, 4, 1]);
    const failed = await readdir(path.join(inbox, 'failed'));
    assert.deepEqual(failed.map((f) => f.replace(/^[\dT-]+Z-/, '')).sort(), ['mystery.bin', 'mystery.bin.error.txt']);
    assert.match(await readFile(path.join(inbox, 'failed', failed.find((f) => f.endsWith('.txt'))!), 'utf8'), /cannot tell its format/);
  } finally {
    await watcher.stop();
    await store.close();
    await testStore.dispose();
    await rm(inbox, { recursive: true, force: true });
  }
});

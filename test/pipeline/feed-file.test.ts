import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileInput, readHead } from '../../src/pipeline/feed-file.ts';

let dir: string;
before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'koppel-feed-file-'))));
after(() => rm(dir, { recursive: true, force: true }));

const openFiles = () => readdirSync('/proc/self/fd').length;

test('the head of a gzip file is its text, read without leaving the file open', async () => {
  const text = Array.from({ length: 100_000 }, (_, i) => `198.51.${(i >> 8) & 255}.${i & 255}`).join('\n');
  const file = path.join(dir, 'list.txt.gz');
  await writeFile(file, gzipSync(text));
  const before = openFiles();
  for (let i = 0; i < 10; i++) {
    const { head, gzip } = await readHead(file);
    assert.deepEqual([gzip, head], [true, text.slice(0, 64 * 1024)]);
  }
  assert.equal(openFiles(), before);
});

test('a gzip file that cannot be read fails whoever reads it, instead of the process', async () => {
  await assert.rejects(async () => {
    for await (const chunk of fileInput(path.join(dir, 'gone.csv.gz'), true)) assert.fail(`read ${chunk.length} bytes of a missing file`);
  }, /ENOENT/);
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { SETTINGS } from '../src/config.ts';

test('the README documents every setting Koppel reads', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const missing = SETTINGS.filter((s) => !readme.includes(`| \`${s.name}\` |`)).map((s) => s.name);
  assert.deepEqual(missing, []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeenKeys } from '../../src/collections/seen-keys.ts';

test('each key is new once; met again, it names the line it was first met on, across growth', () => {
  const seen = new SeenKeys();
  const key = (i: number) => `KVK-${i % 100_000}\tip\t10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  for (let i = 0; i < 300_000; i++) assert.equal(seen.firstLine(key(i), i + 2), undefined, key(i));
  for (const i of [0, 1, 99_999, 150_000, 299_999]) assert.equal(seen.firstLine(key(i), 400_000), i + 2);
  assert.equal(seen.firstLine('', 7), undefined);
  assert.equal(seen.firstLine('', 8), 7);
});

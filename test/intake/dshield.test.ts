import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dshield } from '../../src/intake/dshield.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { detected, run, runFile } from './feed-run.ts';

const BLOCK = [
  '#',
  '#   DShield.org Recommended Block List ',
  '#    updated: Thu Nov 26 15:33:38 2026 UTC',
  '#',
  'Start\tEnd\tNetblock\tAttacks\tName\tCountry\temail',
  '192.0.2.0\t192.0.2.255\t24\t788\tExample Net\tNL\tabuse@example.nl',
  '198.51.100.0\t198.51.99.255\t24\t10\t\t\t',
  '203.0.113.0\t203.0.113.95\t24\t5\t\t\t',
  '198.51.100[.]0\t198.51.100.255\t24\t3\t\t\t',
  'garbage',
  '#',
  '# END',
].join('\n');

test('DShield ranges become attack-source networks; a range that is no CIDR becomes several', async () => {
  const { observations, lines, errors } = await run(dshield, BLOCK, 'block.txt');
  assert.deepEqual(
    observations.map((o) => o.subject),
    [{ network: '192.0.2.0/24' }, { network: '203.0.113.0/26' }, { network: '203.0.113.64/27' }, { network: '198.51.100.0/24' }],
  );
  assert.deepEqual(lines, [6, 8, 8, 9]);
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.field]), [['block.txt', 7, 'start'], ['block.txt', 10, 'end']]);
  const first = observations[0];
  assert.equal(first.kind, 'attack-source');
  assert.equal(first.type, 'dshield-block');
  assert.equal(first.observedAt, '2026-11-26T15:33:38.000Z');
  assert.deepEqual(first.others, []);
  assert.equal(first.evidence.email, 'abuse@example.nl', 'the network contact is evidence, never a subject e-mail');
  assert.equal(first.subject.email, undefined);
  assert.equal(first.severity, 'medium');
});

test('DShield detection by banner', () => {
  assert.equal(detected('feed.txt', BLOCK), 'dshield-block');
});

test('corpus: the real DShield block list', async (t) => {
  const file = corpusFile('feeds/dshield-block.txt');
  if (!file) return t.skip(CORPUS_ABSENT);
  assert.equal(detected(file, readFileSync(file, 'utf8')), 'dshield-block');
  const { observations, errors } = await runFile(dshield, file);
  assert.equal(errors.length, 0);
  assert.deepEqual(observations.map((o) => o.subject), [{ network: '43.229.53.0/24' }, { network: '194.63.140.0/24' }]);
  assert.ok(observations.every((o) => o.others.length === 0 && o.observedAt === '2015-12-15T15:33:38.000Z'));
  assert.deepEqual(observations.map((o) => o.evidence.attacks), ['788', '585']);
});

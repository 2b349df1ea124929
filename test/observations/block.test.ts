import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLOCK_ROWS, BlockBuilder, blockRow, observationId, type Observation } from '../../src/observations/index.ts';

const observation: Observation = {
  source: 'shadowserver',
  observedAt: '2026-11-27T03:00:00.000Z',
  receivedAt: '2026-11-28T08:00:00.000Z',
  kind: 'exposed-service',
  type: 'open-rdp',
  severity: 'medium',
  reliability: 'A',
  tlp: 'AMBER',
  subject: { ip: '192.0.2.1', port: 3389, protocol: 'tcp' },
  others: [],
  evidence: { timestamp: '2026-11-27 03:00:00', ip: '192.0.2.1', port: '3389' },
  hostname: 'host.example.net',
};

const identity = (o: Observation) => {
  const { high, low } = blockRow(o);
  return `${high}:${low}`;
};

test('the stored record is the observation, read back whole, and its subject is the subject', () => {
  const tricky = 'a "quoted",\n\x1e text ,"subject":{} ,"others":[] ,"receivedAt":';
  const withEverything: Observation = { ...observation, type: tricky, malware: 'mirai', cve: ['CVE-2024-0001'], description: tricky, evidence: { note: tricky } };
  for (const o of [observation, withEverything]) {
    const row = blockRow(o);
    assert.deepEqual(JSON.parse(row.record), o);
    assert.deepEqual(JSON.parse(row.subject), o.subject);
    assert.doesNotMatch(row.record, /\n/);
  }
});

test('an observation time with an offset is kept as written and ordered in UTC', () => {
  const row = blockRow({ ...observation, observedAt: '2026-11-27T04:00:00+01:00' });
  assert.equal(row.observedAt, '2026-11-27T03:00:00.000Z');
});

test('a block numbers its rows into observation ids and spans their times', () => {
  const block = new BlockBuilder(7);
  const ids = ['2026-11-27T05:00:00.000Z', '2026-11-27T03:00:00.000Z', '2026-11-27T04:00:00.000Z'].map((observedAt) => block.add(blockRow({ ...observation, observedAt }), observation.subject));
  assert.deepEqual(ids, [observationId(7, 0), observationId(7, 1), observationId(7, 2)]);
  assert.equal(new Set(ids.map((id) => Math.floor(id / observationId(1, 0)))).size, 1);
  assert.deepEqual([block.from, block.until, block.size, block.full], ['2026-11-27T03:00:00.000Z', '2026-11-27T05:00:00.000Z', 3, false]);
  while (!block.full) block.add(blockRow(observation), observation.subject);
  assert.equal(block.size, BLOCK_ROWS);
});

test('one observation however often it is received: receipt, severity, reliability, TLP and free text leave the key alone', () => {
  const again = { ...observation, receivedAt: '2026-12-01T00:00:00.000Z', severity: 'high', reliability: 'C', tlp: 'RED', hostname: 'other.example.net', malware: 'x' } as const;
  assert.equal(identity(again), identity(observation));
});

test('another source, time, kind, type, subject, other party or evidence is another observation', () => {
  const variants: Observation[] = [
    { ...observation, source: 'other' },
    { ...observation, observedAt: '2026-11-27T03:00:01.000Z' },
    { ...observation, kind: 'vulnerable' },
    { ...observation, type: 'open-vnc' },
    { ...observation, subject: { ...observation.subject, port: 3390 } },
    { ...observation, others: [{ role: 'destination', indicators: { ip: '198.51.100.1' } }] },
    { ...observation, evidence: { ...observation.evidence, port: '3390' } },
    // Evidence may itself name a receipt time; the key still covers all of it.
    { ...observation, evidence: { ip: '192.0.2.1', receivedAt: '2026-11-28T08:00:00.000Z', port: '3389' } },
    { ...observation, evidence: { ip: '192.0.2.1', receivedAt: '2026-11-28T08:00:00.000Z', port: '3390' } },
  ];
  const keys = new Set([observation, ...variants].map(identity));
  assert.equal(keys.size, variants.length + 1);
});

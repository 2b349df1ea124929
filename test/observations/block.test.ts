import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { BLOCK_ROWS, BlockBuilder, BlockRowsBuilder, blockRow, observationId, packBlock, probesFor, type Observation } from '../../src/observations/index.ts';
import { subjectLine } from '../../src/observations/block.ts';
import { mayHold } from '../../src/observations/summary.ts';

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

const zip = <A, B>(as: readonly A[], bs: readonly B[]): Array<[A, B]> => as.map((a, i) => [a, bs[i]]);

/** The observations prepared for blocks, as a preparing thread makes them. */
function prepared(observations: Observation[]) {
  const rows = new BlockRowsBuilder(observations.length);
  for (const o of observations) rows.add(blockRow(o), o.subject);
  return rows.take();
}

test('a block numbers its rows into observation ids and spans their times', () => {
  const block = new BlockBuilder(7);
  const times = ['2026-11-27T05:00:00.000Z', '2026-11-27T03:00:00.000Z', '2026-11-27T04:00:00.000Z'];
  const rows = prepared(times.map((observedAt) => ({ ...observation, observedAt })));
  const ids = times.map((observedAt, i) => block.add(rows, i, observedAt));
  assert.deepEqual(ids, [observationId(7, 0), observationId(7, 1), observationId(7, 2)]);
  assert.equal(new Set(ids.map((id) => Math.floor(id / observationId(1, 0)))).size, 1);
  assert.deepEqual([block.from, block.until, block.size, block.full], ['2026-11-27T03:00:00.000Z', '2026-11-27T05:00:00.000Z', 3, false]);
  const many = prepared(Array.from({ length: BLOCK_ROWS }, () => observation));
  for (let i = 0; !block.full; i++) block.add(many, i, observation.observedAt);
  assert.equal(block.size, BLOCK_ROWS);
});

test('a block packed from several prepared sets, some rows left out, holds exactly the rows added, in order', async () => {
  const at = (ip: string, second: number): Observation => ({ ...observation, subject: { ip, port: 3389 }, observedAt: `2026-11-27T03:00:0${second}.000Z`, evidence: { ip, note: 'é ✓ "quoted"' } });
  const first = prepared([at('192.0.2.1', 1), at('192.0.2.2', 2), at('192.0.2.3', 3)]);
  const second = prepared([at('198.51.100.1', 4), at('198.51.100.2', 5)]);
  const block = new BlockBuilder(1);
  const kept = [at('192.0.2.1', 1), at('192.0.2.3', 3), at('198.51.100.1', 4), at('198.51.100.2', 5)];
  // Row 1 of the first set was stored before: the rows around it are added, it is not.
  for (const [[rows, i], o] of zip([[first, 0], [first, 2], [second, 0], [second, 1]] as const, kept)) block.add(rows, i, o.observedAt);
  const packed = await packBlock(block.segments);
  const lines = (bytes: Uint8Array) => inflateRawSync(bytes).toString('utf8').split('\n');
  assert.deepEqual(lines(packed.records).map((line) => JSON.parse(line)), kept);
  assert.deepEqual(lines(packed.subjects).map(subjectLine), kept.map((o) => ({ observedAt: o.observedAt, subject: o.subject })));
  const keys = new Int32Array(packed.keys.buffer, packed.keys.byteOffset, packed.keys.length / 4);
  assert.deepEqual([...keys], kept.flatMap((o) => [blockRow(o).high, blockRow(o).low]));
  const summaryOf = (ip: string) => mayHold(packed.summary, probesFor([{ network: `${ip}/32` }])!);
  assert.ok(['192.0.2.1', '192.0.2.3', '198.51.100.2'].every(summaryOf));
  assert.equal(summaryOf('203.0.113.9'), false);
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

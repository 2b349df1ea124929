import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedRow, type Observation } from '../../src/observations/index.ts';

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

test('the stored record is the observation, read back whole', () => {
  const withEverything: Observation = { ...observation, malware: 'mirai', cve: ['CVE-2024-0001'], description: 'a "quoted",\n\x1e text' };
  for (const o of [observation, withEverything]) assert.deepEqual(JSON.parse(storedRow(o).record), o);
});

test('one observation however often it is received: receipt, severity, reliability, TLP and free text leave the key alone', () => {
  const again = { ...observation, receivedAt: '2026-12-01T00:00:00.000Z', severity: 'high', reliability: 'C', tlp: 'RED', hostname: 'other.example.net', malware: 'x' } as const;
  assert.equal(storedRow(again).key, storedRow(observation).key);
  assert.match(storedRow(observation).key, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
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
  const keys = new Set([observation, ...variants].map((o) => storedRow(o).key));
  assert.equal(keys.size, variants.length + 1);
});

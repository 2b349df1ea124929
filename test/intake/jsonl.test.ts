import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonl } from '../../src/intake/jsonl.ts';
import { RECEIVED_AT, runText } from './intake-run.ts';

const base = {
  source: 'peer-cert',
  observedAt: '2026-11-26T12:00:00.000Z',
  kind: 'infected',
  type: 'emotet',
  severity: 'high',
  reliability: 'B',
  tlp: 'AMBER',
  subject: { ip: '2001:DB8::5' },
  others: [{ role: 'c2', indicators: { ip: '198.51.100.9', port: 443 } }],
  evidence: { note: 'shared' },
};

test('JSON lines of observations: validated, canonical, bad lines reported', async () => {
  const lines = [
    JSON.stringify(base),
    '',
    JSON.stringify({ ...base, receivedAt: '2026-11-26T13:00:00.000Z', subject: { network: '192.0.2.0/24' } }),
    '{"source": "x"',
    JSON.stringify({ ...base, kind: 'evil' }),
    JSON.stringify({ ...base, subject: { ip: 'no-ip' } }),
    JSON.stringify({ ...base, extra: 1 }),
    '[1,2]',
    JSON.stringify({ ...base, subject: { domain: 'Example.NL' } }),
  ].join('\n');
  const { observations, lines: at, errors } = await runText(jsonl, lines, 'peer.jsonl');
  assert.deepEqual(at, [1, 3, 9]);
  assert.deepEqual(observations[0].subject, { ip: '2001:db8::5' });
  assert.deepEqual(observations[0].others, base.others);
  assert.equal(observations[2].subject.domain, 'example.nl');
  assert.deepEqual(
    errors.map((e) => [e.line, e.field]),
    [
      [4, undefined],
      [5, 'kind'],
      [6, 'subject.ip'],
      [7, 'extra'],
      [8, undefined],
    ],
  );
});

test("a line's own source, reliability, receipt time and looser TLP give way to the source registered for the ingest", async () => {
  const claims = { ...base, source: 'shadowserver', reliability: 'A', tlp: 'CLEAR', receivedAt: '2099-01-01T00:00:00.000Z' };
  const lines = [JSON.stringify(claims), JSON.stringify({ ...base, tlp: 'RED' })].join('\n');
  const { observations } = await runText(jsonl, lines, 'peer.jsonl', {}, { name: 'partner', reliability: 'E', tlp: 'AMBER' });
  assert.deepEqual(
    observations.map((o) => [o.source, o.reliability, o.tlp, o.receivedAt]),
    [
      ['partner', 'E', 'AMBER', RECEIVED_AT],
      ['partner', 'E', 'RED', RECEIVED_AT],
    ],
  );
  assert.deepEqual(observations[0].evidence.sharedAs, { source: 'shadowserver', reliability: 'A', tlp: 'CLEAR' });
});

test('a subject network that is all of IPv4 written as IPv6 is as wide as it is: refused', async () => {
  const lines = [JSON.stringify({ ...base, subject: { network: '::ffff:0:0/96' } }), JSON.stringify({ ...base, subject: { network: '::ffff:192.0.2.0/120' } })].join('\n');
  const { observations, errors } = await runText(jsonl, lines, 'peer.jsonl');
  assert.deepEqual(observations.map((o) => o.subject.network), ['192.0.2.0/24']);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[1, 'subject.network']]);
  assert.match(errors[0].reason, /0\.0\.0\.0\/0 is wider than \/8/);
});

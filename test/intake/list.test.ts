import { test } from 'node:test';
import assert from 'node:assert/strict';
import { list } from '../../src/intake/list.ts';
import { FILE_TIME, runText } from './intake-run.ts';

const LIST = [
  '\uFEFF# Example blocklist',
  '; generated 2026-11-27',
  '// another comment style',
  '',
  '192.0.2.1',
  '198.51.100.0/24 ; SBL123',
  '2001:DB8::1 # trailing comment',
  'evil[.]example[.]com',
  'hxxp://phish.example.net/login?x=1#frag',
  'not_a_thing',
  '203.0.113.999',
  'Bücher.example',
  '   ',
  'malware.example.org/payload.exe',
].join('\n');

test('a plain list: each line’s kind, comments, blank lines and defanged forms', async () => {
  const { observations, lines, errors } = await runText(list, LIST, 'blocklist.txt');
  assert.deepEqual(
    observations.map((o) => o.subject),
    [
      { ip: '192.0.2.1' },
      { network: '198.51.100.0/24' },
      { ip: '2001:db8::1' },
      { domain: 'evil.example.com' },
      { url: 'http://phish.example.net/login?x=1#frag' },
      { domain: 'xn--bcher-kva.example' },
      { url: 'http://malware.example.org/payload.exe' },
    ],
  );
  assert.deepEqual(lines, [5, 6, 7, 8, 9, 12, 14]);
  assert.deepEqual(errors.map((e) => [e.file, e.line]), [['blocklist.txt', 10], ['blocklist.txt', 11]]);
  assert.match(errors[0].reason, /not_a_thing/);
  for (const o of observations) {
    assert.equal(o.kind, 'malicious-infrastructure');
    assert.equal(o.type, 'blocklist');
    assert.equal(o.observedAt, FILE_TIME, 'a list gives no times: its entries were observed when the file was written');
  }
  assert.equal(observations[1].evidence.line, '198.51.100.0/24 ; SBL123');
});

test('kind, type and severity from options; an unknown kind is refused', async () => {
  const { observations } = await runText(list, '192.0.2.1\n', 'scanners.txt', { kind: 'attack-source', type: 'ssh-scanner', severity: 'low' });
  assert.equal(observations[0].kind, 'attack-source');
  assert.equal(observations[0].type, 'ssh-scanner');
  assert.equal(observations[0].severity, 'low');
  await assert.rejects(runText(list, '192.0.2.1\n', 'x.txt', { kind: 'evil' }), /unknown kind "evil"/);
});

test('a bad line of a megabyte is reported by its line, its value cut short', async () => {
  const { observations, errors } = await runText(list, `192.0.2.1\n${'x'.repeat(1 << 20)}.\n192.0.2.2\n`, 'huge.txt');
  assert.equal(observations.length, 2);
  assert.equal(errors[0].line, 2);
  assert.ok(errors[0].reason.length <= 500, `${errors[0].reason.length} characters`);
  assert.ok(errors[0].reason.endsWith('…'));
});

test('a network reaching a whole part of the Internet is refused as a subject, by its line', async () => {
  const { observations, errors } = await runText(list, '0.0.0.0/0\n::/0\n10.0.0.0/8\n2001::/16\n128.0.0.0/1\n', 'wide.txt');
  assert.deepEqual(observations.map((o) => o.subject.network), ['10.0.0.0/8', '2001::/16']);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[1, 'subject.network'], [2, 'subject.network'], [5, 'subject.network']]);
  assert.match(errors[0].reason, /wider than \/8/);
});

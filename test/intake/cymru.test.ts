import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cymru } from '../../src/intake/cymru.ts';
import { detected, run } from './feed-run.ts';

const REPORT = `# Team Cymru report for AS64496
# ASN | IP | Timestamp (UTC) | Type/info | AS name
64496 | 192.0.2.50 | 2026-11-26 10:11:12 | bots: zeus | EXAMPLE-AS
64496 | 192.0.2.51 | 2026-11-26 10:12:00 | conficker: srcport 1234 mwtype Conficker-AB destaddr 203.0.113.80 | EXAMPLE-AS
AS64496 | 2001:DB8::52 | 2026-11-26 10:13:00 | scanner | EXAMPLE-AS
64496 | 192.0.2[.]53 | 2026-11-26T10:14:00Z | proxy: 8080 | EXAMPLE-AS
64496 | 192.0.2.999 | 2026-11-26 10:15:00 | bots: mirai | EXAMPLE-AS
NA | 192.0.2.54 | 2026-11-26 10:16:00 | phishing |
64496 | 192.0.2.55 | sometime | controller | EXAMPLE-AS
only | two
bots|192.0.2.60|64496|2026-11-26 10:17:00|zeus|EXAMPLE-AS
`;

test('Cymru report: the reported address is the subject, with its ASN; the kind follows the report type', async () => {
  const { observations, lines, errors } = await run(cymru, REPORT, 'cymru-report.txt');
  assert.deepEqual(lines, [3, 4, 5, 6, 8, 11]);
  assert.deepEqual(observations.map((o) => o.subject), [
    { ip: '192.0.2.50', asn: 64496 },
    { ip: '192.0.2.51', asn: 64496 },
    { ip: '2001:db8::52', asn: 64496 },
    { ip: '192.0.2.53', asn: 64496, port: 8080 },
    { ip: '192.0.2.54' },
    { ip: '192.0.2.60', asn: 64496 },
  ]);
  assert.deepEqual(
    observations.map((o) => [o.kind, o.type, o.malware ?? null]),
    [
      ['infected', 'bot', 'zeus'],
      ['infected', 'bot', 'conficker'],
      ['attack-source', 'scanner', null],
      ['exposed-service', 'open-proxy', null],
      ['phishing', 'phishing', null],
      ['infected', 'bot', 'zeus'],
    ],
  );
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.field ?? null]), [
    ['cymru-report.txt', 7, 'ip'],
    ['cymru-report.txt', 9, 'timestamp'],
    ['cymru-report.txt', 10, null],
  ]);
  assert.equal(observations[0].observedAt, '2026-11-26T10:11:12.000Z');
  assert.equal(observations[3].observedAt, '2026-11-26T10:14:00.000Z');
});

test('Cymru report: the destination a bot talked to is another party, never the subject', async () => {
  const { observations } = await run(cymru, REPORT, 'cymru-report.txt');
  assert.deepEqual(observations[1].others, [{ role: 'destination', indicators: { ip: '203.0.113.80' } }]);
  assert.ok(observations.filter((_, i) => i !== 1).every((o) => o.others.length === 0));
  assert.equal(observations[1].evidence.info, 'conficker: srcport 1234 mwtype Conficker-AB destaddr 203.0.113.80');
});

test("Cymru severities come from the report type; the source's applies to a type the report does not explain", async () => {
  const plain = await run(cymru, REPORT, 'r.txt');
  assert.deepEqual(plain.observations.map((o) => o.severity), ['high', 'high', 'medium', 'medium', 'high', 'high']);
  const set = await run(cymru, REPORT, 'r.txt', { severity: 'critical' });
  assert.deepEqual(set.observations.map((o) => o.severity), ['high', 'high', 'medium', 'medium', 'high', 'high'], "the feed's own severity stands");
  const odd = '64496 | 192.0.2.70 | 2026-11-26 10:18:00 | oddity | EXAMPLE-AS\n';
  assert.deepEqual((await run(cymru, odd, 'r.txt')).observations.map((o) => [o.type, o.severity]), [['cymru-report', 'low']]);
  assert.deepEqual((await run(cymru, odd, 'r.txt', { severity: 'critical' })).observations.map((o) => o.severity), ['critical']);
});

test('Cymru detection by its pipe-separated rows', () => {
  assert.equal(detected('report.txt', REPORT), 'cymru');
  assert.equal(detected('report.txt', 'a | b | c | d\n'), undefined);
});

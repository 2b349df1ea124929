import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spamhausAsnDrop, spamhausDrop } from '../../src/intake/spamhaus.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { FILE_TIME, RECEIVED_AT, detected, run, runFile } from './feed-run.ts';

const DROP_TEXT = `; Spamhaus DROP List 2026/11/26 - (c) 2026 The Spamhaus Project SLU
; https://www.spamhaus.org/drop/drop.txt
; Last-Modified: Thu, 26 Nov 2026 14:04:05 GMT
; Expires: Thu, 26 Nov 2026 15:04:05 GMT
192.0.2.0/24 ; SBL000001
not-a-network ; SBL000002

198.51.100[.]0/24 ; SBL000003
2001:DB8::/32 ; SBL000004
203.0.113.7/24 ; SBL000005
`;

const DROP_JSONL = `{"cidr":"192.0.2.0/24","sblid":"SBL000001","rir":"arin"}
{"cidr":"2001:db8:1::/48","sblid":"SBL000002","rir":"ripencc"}
{"cidr":"192.0.2.0/33","sblid":"SBL000003","rir":"arin"}
{"cidr": broken
{"cidr":"198.51.100.0/24","sblid":"SBL000004","rir":"arin"}
{"type":"metadata","timestamp":1795700000,"size":321,"records":4,"copyright":"(c) 2026 The Spamhaus Project SLU","terms":"https://www.spamhaus.org/drop/terms/"}
`;

const ASN_TEXT = `; Spamhaus ASN-DROP List 2026/11/26 - (c) 2026 The Spamhaus Project SLU
; Last-Modified: Thu, 26 Nov 2026 14:04:05 GMT
AS64496 ; NL | EXAMPLE-AS - Example Hosting B.V.
ASX12 ; | Broken
as64497 ; |
`;

const ASN_JSONL = `{"asn":64496,"rir":"ripencc","domain":"example.nl","cc":"NL","asname":"EXAMPLE-AS"}
{"asn":0,"rir":"arin","domain":"zero.example","cc":"US","asname":"ZERO"}
{"asn":64511,"rir":"arin","cc":"US","asname":"DOC-AS"}
{"type":"metadata","timestamp":1795700000,"size":3,"records":3}
`;

test('DROP text: networks are the subject, bad lines are reported and skipped, defanged and IPv6 forms are canonical', async () => {
  const { observations, lines, errors } = await run(spamhausDrop, DROP_TEXT, 'drop.txt');
  assert.deepEqual(
    observations.map((o) => o.subject),
    [{ network: '192.0.2.0/24' }, { network: '198.51.100.0/24' }, { network: '2001:db8::/32' }, { network: '203.0.113.0/24' }],
  );
  assert.deepEqual(lines, [5, 8, 9, 10]);
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.field]), [['drop.txt', 6, 'cidr']]);
  for (const o of observations) {
    assert.equal(o.kind, 'malicious-infrastructure');
    assert.equal(o.type, 'spamhaus-drop');
    assert.equal(o.observedAt, '2026-11-26T14:04:05.000Z', 'the Last-Modified banner dates the list');
    assert.deepEqual(o.others, []);
  }
  assert.deepEqual(observations[0].evidence, { cidr: '192.0.2.0/24', sblid: 'SBL000001' });
});

test('source defaults give reliability, TLP and severity; the list gives none of its own', async () => {
  const { observations } = await run(spamhausDrop, DROP_TEXT, 'drop.txt', { reliability: 'A', tlp: 'AMBER', severity: 'critical' });
  assert.deepEqual([observations[0].source, observations[0].reliability, observations[0].tlp, observations[0].severity], ['test-feed', 'A', 'AMBER', 'critical']);
  const { observations: plain } = await run(spamhausDrop, DROP_TEXT, 'drop.txt');
  assert.equal(plain[0].severity, 'high');
  assert.equal(plain[0].receivedAt, RECEIVED_AT);
});

test('EDROP is told apart by its banner', async () => {
  const { observations } = await run(spamhausDrop, DROP_TEXT.replace('Spamhaus DROP List', 'Spamhaus EDROP List'), 'list.txt');
  assert.ok(observations.every((o) => o.type === 'spamhaus-edrop'));
});

test('DROP JSON lines: records become observations, the metadata line does not, broken lines are errors', async () => {
  const { observations, errors } = await run(spamhausDrop, DROP_JSONL, 'drop_v4.json');
  assert.deepEqual(observations.map((o) => o.subject.network), ['192.0.2.0/24', '2001:db8:1::/48', '198.51.100.0/24']);
  assert.deepEqual(errors.map((e) => [e.line, e.field ?? null]), [[3, 'cidr'], [4, null]]);
  assert.equal(observations[0].observedAt, FILE_TIME, 'the metadata line comes last: the rows before it were observed when the file was written');
  assert.deepEqual(observations[1].evidence, { cidr: '2001:db8:1::/48', sblid: 'SBL000002', rir: 'ripencc' });
});

test('ASN-DROP text and JSON lines: the AS number is the only subject indicator', async () => {
  const text = await run(spamhausAsnDrop, ASN_TEXT, 'asndrop.txt');
  assert.deepEqual(text.observations.map((o) => o.subject), [{ asn: 64496 }, { asn: 64497 }]);
  assert.deepEqual(text.errors.map((e) => [e.line, e.field]), [[4, 'asn']]);
  assert.equal(text.observations[0].type, 'spamhaus-asndrop');
  assert.deepEqual(text.observations[0].evidence, { asn: 'AS64496', cc: 'NL', asname: 'EXAMPLE-AS - Example Hosting B.V.' });

  const jsonl = await run(spamhausAsnDrop, ASN_JSONL, 'asndrop.json');
  assert.deepEqual(jsonl.observations.map((o) => o.subject), [{ asn: 64496 }, { asn: 64511 }], 'the AS holder’s domain is evidence, not a subject');
  assert.deepEqual(jsonl.errors.map((e) => [e.line, e.field]), [[2, 'asn']]);
});

test('detection tells DROP from ASN-DROP by their lines, in both forms', () => {
  assert.equal(detected('x.txt', DROP_TEXT), 'spamhaus-drop');
  assert.equal(detected('x.txt', ASN_TEXT), 'spamhaus-asndrop');
  assert.equal(detected('x.json', DROP_JSONL), 'spamhaus-drop');
  assert.equal(detected('x.json', ASN_JSONL), 'spamhaus-asndrop');
  assert.equal(detected('notes.txt', 'hello\n'), undefined);
});

test('corpus: the real DROP and ASN-DROP files', async (t) => {
  const drop = corpusFile('feeds/spamhaus-drop.txt');
  const asn = corpusFile('feeds/spamhaus-asndrop.txt');
  if (!drop || !asn) return t.skip(CORPUS_ABSENT);
  assert.equal(detected(drop, readFileSync(drop, 'utf8')), 'spamhaus-drop');
  assert.equal(detected(asn, readFileSync(asn, 'utf8')), 'spamhaus-asndrop', 'ASN-DROP carries the DROP banner; its lines decide');

  const networks = await runFile(spamhausDrop, drop);
  assert.equal(networks.errors.length, 0);
  assert.deepEqual(networks.observations.map((o) => o.subject), [{ network: '1.4.0.0/17' }, { network: '2a06:e480::/29' }]);
  assert.ok(networks.observations.every((o) => o.others.length === 0 && o.observedAt === '2015-09-14T04:39:22.000Z'));

  const ases = await runFile(spamhausAsnDrop, asn);
  assert.equal(ases.errors.length, 0);
  assert.deepEqual(ases.observations.map((o) => o.subject), [{ asn: 260 }, { asn: 10516 }]);
  assert.deepEqual(ases.observations.map((o) => o.evidence.asname), ['XCONNECT24 - Xconnect24 Inc., US', 'Orb-bit Design Group']);
});

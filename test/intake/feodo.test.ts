import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { feodo } from '../../src/intake/feodo.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { context, detected, run, runFile } from './feed-run.ts';

const CSV = `################################################################
# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)          #
# Last updated: 2026-11-26 17:06:16 UTC                        #
#                                                              #
# Terms Of Use: https://feodotracker.abuse.ch/blocklist/       #
# For questions please contact feodotracker [at] abuse.ch      #
################################################################
#
# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
"2026-11-20 07:44:46","192.0.2.10","443","online","2026-11-26","QakBot"
"2026-11-21 08:00:00","2001:DB8::10","8080","offline","2026-11-22","Emotet"
"2026-11-21 08:00:00","192.0.2.300","443","online","2026-11-26","Dridex"
"2026-11-22 09:00:00","198.51.100.7","99999","online","2026-11-26","Pikabot"
"2026-11-22 09:00:00","198.51.100.8","447","online","not a date","Pikabot"
"2026-11-23 10:00:00","198.51.100[.]9","995","online","2026-11-26","unknown"
# END 6 entries
`;

const JSON_LIST = `[
  {
    "ip_address": "192.0.2.10",
    "port": 443,
    "status": "online",
    "hostname": "c2.example.net",
    "as_number": 64496,
    "as_name": "EXAMPLE-AS",
    "country": "NL",
    "first_seen": "2026-11-20 07:44:46",
    "last_online": "2026-11-26",
    "malware": "QakBot"
  },
  {
    "ip_address": "not-an-ip",
    "port": 443,
    "malware": "Emotet"
  },
  "junk",
  {
    "ip_address": "2001:db8::10",
    "port": 8080,
    "status": "offline",
    "hostname": null,
    "as_number": 64497,
    "first_seen": "2026-11-21 08:00:00",
    "malware": "Emotet"
  }
]
`;

test('Feodo CSV: the C2 address and port are the subject, the family goes to malware, bad rows are reported', async () => {
  const { observations, lines, errors } = await run(feodo, CSV, 'ipblocklist.csv');
  assert.deepEqual(
    observations.map((o) => o.subject),
    [
      { ip: '192.0.2.10', port: 443, protocol: 'tcp' },
      { ip: '2001:db8::10', port: 8080, protocol: 'tcp' },
      { ip: '198.51.100.9', port: 995, protocol: 'tcp' },
    ],
  );
  assert.deepEqual(lines, [10, 11, 15]);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[12, 'ip_address'], [13, 'port'], [14, 'last_online']]);
  assert.deepEqual(observations.map((o) => o.malware), ['qakbot', 'emotet', undefined], 'a placeholder family is no family');
  assert.ok(observations.every((o) => o.kind === 'malicious-infrastructure' && o.type === 'botnet-c2' && o.others.length === 0));
  assert.equal(observations[0].observedAt, '2026-11-26T00:00:00.000Z', 'last online is the latest sighting');
  assert.deepEqual([observations[0].severity, observations[1].severity], ['high', 'medium'], 'an offline C2 is less urgent');
  const { observations: withSource } = await run(feodo, CSV, 'ipblocklist.csv', { severity: 'low' });
  assert.deepEqual([withSource[0].severity, withSource[1].severity], ['high', 'medium'], "the source's severity is for rows that give none");
  assert.equal(observations[0].evidence.dst_ip, '192.0.2.10');
});

test('Feodo JSON: AS number joins the subject, the reverse-DNS name stays evidence', async () => {
  const { observations, lines, errors } = await run(feodo, JSON_LIST, 'ipblocklist.json');
  assert.deepEqual(observations.map((o) => o.subject), [
    { ip: '192.0.2.10', port: 443, protocol: 'tcp', asn: 64496 },
    { ip: '2001:db8::10', port: 8080, protocol: 'tcp', asn: 64497 },
  ]);
  assert.deepEqual(lines, [2, 20]);
  assert.deepEqual(errors.map((e) => [e.line, e.field ?? null]), [[14, 'ip_address'], [19, null]]);
  assert.equal(observations[0].hostname, 'c2.example.net');
  assert.equal(observations[0].subject.domain, undefined);
  assert.equal(observations[1].hostname, undefined);
  assert.equal(observations[1].observedAt, '2026-11-21T08:00:00.000Z', 'without last online, first seen dates it');
});

test('Feodo detection in both forms', () => {
  assert.equal(detected('ipblocklist.csv', CSV), 'feodo');
  assert.equal(detected('download', JSON_LIST), 'feodo');
});

test('corpus: the Feodo Tracker JSON blocklist (IntelMQ test data)', async (t) => {
  const file = corpusFile('feeds/abusech-feodotracker-ipblocklist.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  assert.equal(detected(file, readFileSync(file, 'utf8')), 'feodo');
  const { observations, errors } = await runFile(feodo, file);
  assert.equal(errors.length, 0);
  assert.deepEqual(observations.map((o) => o.subject), [
    { ip: '51.178.161.32', port: 4643, protocol: 'tcp', asn: 16276 },
    { ip: '142.44.247.57', port: 4043, protocol: 'tcp', asn: 16276 },
    { ip: '37.187.115.122', port: 6601, protocol: 'tcp', asn: 16276 },
    { ip: '1.234.21.73', port: 6601, protocol: 'tcp', asn: 9318 },
  ]);
  assert.ok(observations.every((o) => o.malware === 'dridex' && o.others.length === 0));
  assert.deepEqual(observations.map((o) => o.hostname), ['srv-web.ffconsulting.com', '57.ip-142-44-247.net', 'ns328855.ip-37-187-115.eu', undefined]);
  assert.deepEqual(observations.map((o) => o.observedAt.slice(0, 10)), ['2022-11-15', '2022-10-17', '2022-11-15', '2022-11-15']);
});

test('Feodo JSON streams: the first record comes out long before a large document ends', async () => {
  let produced = 0;
  const total = 50_000;
  async function* document(): AsyncIterable<string> {
    yield '[\n';
    for (; produced < total; produced++) {
      yield `${produced ? ',\n' : ''}{"ip_address": "192.0.${produced >> 8 & 255}.${produced & 255}", "port": 443, "malware": "QakBot"}`;
    }
    yield '\n]\n';
  }
  const rows = feodo.parse(Readable.from(document(), { objectMode: false }), context('big.json'));
  for await (const row of rows) {
    assert.ok('observation' in row);
    assert.equal(row.line, 2);
    assert.ok(produced < total / 10, `only ${produced} of ${total} records were read before the first came out`);
    break;
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { otx } from '../../src/intake/otx.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { RECEIVED_AT, detected, run, runFile } from './feed-run.ts';

const PULSES = `[
  {
    "id": "6560000000000000000000a1",
    "name": "Example   campaign",
    "author_name": "analyst",
    "TLP": "amber",
    "tags": ["example"],
    "references": [],
    "malware_families": [{"id": "Emotet", "display_name": "Emotet"}],
    "created": "2026-11-20T09:00:00.000000",
    "modified": "2026-11-21T10:00:00.000000",
    "indicators": [
      {"indicator": "192.0.2.70", "type": "IPv4", "created": "2026-11-20T09:00:01"},
      {"indicator": "2001:DB8::70", "type": "IPv6"},
      {"indicator": "198.51.100.0/24", "type": "CIDR"},
      {"indicator": "evil.example[.]com", "type": "domain"},
      {"indicator": "WWW.Evil.Example.com", "type": "hostname"},
      {"indicator": "hxxp://evil.example.com/gate.php", "type": "URL"},
      {"indicator": "/gate.php", "type": "URI"},
      {"indicator": "phisher[@]evil.example.com", "type": "email"},
      {"indicator": "0123456789abcdef0123456789abcdef", "type": "FileHash-MD5"},
      {"indicator": "CVE-2026-0001", "type": "CVE"},
      {"indicator": "192.0.2.300", "type": "IPv4"},
      {"type": "IPv4"},
      {"indicator": "203.0.113.70", "type": "IPv4", "role": "scanning_host"}
    ]
  },
  {
    "id": "6560000000000000000000a2",
    "name": "Second",
    "author_name": "analyst",
    "TLP": "white",
    "tags": [],
    "references": [],
    "modified": "2026-11-22T11:00:00",
    "indicators": [{"indicator": "192.0.2.71", "type": "IPv4"}]
  },
  {"name": "no indicators"}
]
`;

test('OTX pulses: each network indicator is an observation about itself; hashes and CVEs are skipped', async () => {
  const { observations, lines, errors } = await run(otx, PULSES, 'pulses.json');
  assert.deepEqual(observations.map((o) => o.subject), [
    { ip: '192.0.2.70' },
    { ip: '2001:db8::70' },
    { network: '198.51.100.0/24' },
    { domain: 'evil.example.com' },
    { domain: 'www.evil.example.com' },
    { url: 'http://evil.example.com/gate.php', domain: 'evil.example.com' },
    { email: 'phisher@evil.example.com' },
    { ip: '203.0.113.70' },
    { ip: '192.0.2.71' },
  ]);
  assert.deepEqual(lines, [2, 2, 2, 2, 2, 2, 2, 2, 28]);
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.field]), [
    ['pulses.json', 2, 'indicators[10].indicator'],
    ['pulses.json', 2, 'indicators[11]'],
    ['pulses.json', 38, 'indicators'],
  ]);
  assert.ok(observations.every((o) => o.others.length === 0));
});

test('OTX pulses: the pulse names the family, its TLP wins when stricter, the role sets the kind', async () => {
  const { observations } = await run(otx, PULSES, 'pulses.json');
  const [first, , , , , , , scanner, second] = observations;
  assert.equal(first.malware, 'emotet');
  assert.equal(first.tlp, 'AMBER', 'an AMBER pulse from a GREEN source stays AMBER');
  assert.equal(second.tlp, 'GREEN', 'a white pulse does not loosen the source’s GREEN');
  assert.equal(first.observedAt, '2026-11-20T09:00:01.000Z');
  assert.equal(observations[1].observedAt, '2026-11-21T10:00:00.000Z', 'an undated indicator takes the pulse time');
  assert.deepEqual([first.kind, first.type], ['malicious-infrastructure', 'otx-pulse']);
  assert.deepEqual([scanner.kind, scanner.type], ['attack-source', 'scanning-host']);
  assert.equal(first.description, 'OTX pulse: Example campaign');
  assert.equal((first.evidence.indicator as { indicator: string }).indicator, '192.0.2.70');
  assert.equal((first.evidence.pulse as { indicators?: unknown }).indicators, undefined, 'evidence holds the pulse without its other indicators');
});

test('OTX API answer: pulses under "results"', async () => {
  const answer = `{"count": 1, "next": null, "results": [{"id": "x", "name": "p", "author_name": "a", "modified": "2026-11-22T11:00:00",
    "indicators": [{"indicator": "evil.example.org", "type": "domain"}], "tags": [], "references": []}]}`;
  const { observations, errors } = await run(otx, answer, 'subscribed.json');
  assert.equal(errors.length, 0);
  assert.deepEqual(observations.map((o) => o.subject), [{ domain: 'evil.example.org' }]);
  assert.equal(observations[0].receivedAt, RECEIVED_AT);
});

test('OTX detection by pulse keys', () => {
  assert.equal(detected('export.json', PULSES), 'otx');
});

test('corpus: the OTX pulses of IntelMQ’s test data', async (t) => {
  const file = corpusFile('feeds/alienvault-otx-pulses.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  assert.equal(detected(file, readFileSync(file, 'utf8')), 'otx');
  const { observations, lines, errors } = await runFile(otx, file);
  assert.equal(errors.length, 0);
  // 95 indicators in 5 pulses; 60 are file hashes, a CVE and a path-only URI, which name no network.
  assert.equal(observations.length, 35);
  const count = (pulseLine: number) => lines.filter((l) => l === pulseLine).length;
  assert.deepEqual([1, 102, 185, 1111, 1278].map(count), [4, 2, 19, 8, 2]);
  const kinds = observations.map((o) => Object.keys(o.subject).sort().join('+'));
  assert.deepEqual(
    Object.fromEntries([...new Set(kinds)].map((k) => [k, kinds.filter((x) => x === k).length])),
    { 'ip+url': 2, ip: 9, 'domain+url': 4, domain: 19, email: 1 },
  );
  assert.ok(observations.some((o) => o.subject.domain === 'www.whitewall.top'));
  assert.ok(observations.some((o) => o.subject.email === '2732115454@qq.com'));
  assert.ok(observations.every((o) => o.others.length === 0 && o.kind === 'malicious-infrastructure'));
});

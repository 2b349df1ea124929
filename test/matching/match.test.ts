import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssetIndex, matchObservation, type ObservationMatch } from '../../src/matching/index.ts';
import type { Observation } from '../../src/observations/model.ts';

const VICTIM = 1;
const HOSTER = 2;
const BYSTANDER = 3;

const index = AssetIndex.build([
  { id: 10, organisationId: VICTIM, kind: 'ip', value: '192.0.2.10', verified: true },
  { id: 11, organisationId: HOSTER, kind: 'cidr', value: '192.0.2.0/24', verified: true },
  { id: 12, organisationId: VICTIM, kind: 'domain', value: 'victim.nl', verified: true },
  { id: 13, organisationId: VICTIM, kind: 'cidr', value: '2001:db8:10::/48', verified: false },
  { id: 14, organisationId: HOSTER, kind: 'asn', value: '64500', verified: true },
  { id: 15, organisationId: VICTIM, kind: 'domain', value: 'xn--mnchen-3ya.de', verified: true },
  // The bystander owns everything that appears only as another party or as a reverse-DNS name.
  { id: 20, organisationId: BYSTANDER, kind: 'ip', value: '198.51.100.1', verified: true },
  { id: 21, organisationId: BYSTANDER, kind: 'domain', value: 'sinkhole.example', verified: true },
  { id: 22, organisationId: BYSTANDER, kind: 'asn', value: '64501', verified: true },
  { id: 23, organisationId: BYSTANDER, kind: 'domain', value: 'bystander.nl', verified: true },
]);

function observation(subject: Observation['subject'], extra: Partial<Observation> = {}): Observation {
  return {
    source: 'test',
    observedAt: '2026-01-01T00:00:00Z',
    receivedAt: '2026-01-01T00:00:00Z',
    kind: 'infected',
    type: 'test',
    severity: 'high',
    reliability: 'A',
    tlp: 'AMBER',
    subject,
    others: [],
    evidence: {},
    ...extra,
  };
}

const summary = (matches: ObservationMatch[]) => matches.map((m) => `${m.assetId} ${m.indicatorKind} ${m.indicator}`).sort();

test("a subject's address reaches its own asset and its provider's range, naming the asset", () => {
  const matches = matchObservation(index, observation({ ip: '192.0.2.10', port: 3389 }));
  assert.deepEqual(summary(matches), ['10 ip 192.0.2.10', '11 ip 192.0.2.10']);
  const own = matches.find((m) => m.assetId === 10);
  assert.deepEqual(own && { ...own }, { assetId: 10, organisationId: VICTIM, kind: 'ip', value: '192.0.2.10', verified: true, indicator: '192.0.2.10', indicatorKind: 'ip' });
  assert.deepEqual(summary(matchObservation(index, observation({ ip: '2001:db8:10::99' }))), ['13 ip 2001:db8:10::99']);
});

test('a network in an observation matches ranges overlapping it both ways', () => {
  assert.deepEqual(summary(matchObservation(index, observation({ network: '192.0.2.0/25' }))), ['10 network 192.0.2.0/25', '11 network 192.0.2.0/25']);
  assert.deepEqual(summary(matchObservation(index, observation({ network: '192.0.0.0/16' }))), ['10 network 192.0.0.0/16', '11 network 192.0.0.0/16']);
  assert.deepEqual(summary(matchObservation(index, observation({ network: '2001:db8:10:5::/64' }))), ['13 network 2001:db8:10:5::/64']);
});

test('URLs match by host: domains and subdomains, IDN, defanged, with ports, and IP literals as addresses', () => {
  const url = (u: string) => summary(matchObservation(index, observation({ url: u })));
  assert.deepEqual(url('https://login.victim.nl/phish'), ['12 url https://login.victim.nl/phish']);
  assert.deepEqual(url('hxxps://login[.]victim[.]nl:8443/x'), ['12 url hxxps://login[.]victim[.]nl:8443/x']);
  assert.deepEqual(url('victim.nl/path?q=1'), ['12 url victim.nl/path?q=1']);
  assert.deepEqual(url('http://www.münchen.de/'), ['15 url http://www.münchen.de/']);
  assert.deepEqual(url('http://192.0.2.10:8080/bot.exe'), ['10 url http://192.0.2.10:8080/bot.exe', '11 url http://192.0.2.10:8080/bot.exe']);
  assert.deepEqual(url('http://[2001:db8:10::1]/'), ['13 url http://[2001:db8:10::1]/']);
  assert.deepEqual(url('http://victim.nl.evil.com/'), []);
});

test('domains (IDN included) and e-mail addresses match by name and parents; ASNs by number', () => {
  assert.deepEqual(summary(matchObservation(index, observation({ domain: 'www.xn--mnchen-3ya.de' }))), ['15 domain www.xn--mnchen-3ya.de']);
  assert.deepEqual(summary(matchObservation(index, observation({ domain: 'mail.victim.nl' }))), ['12 domain mail.victim.nl']);
  assert.deepEqual(summary(matchObservation(index, observation({ email: 'ceo@victim.nl' }))), ['12 email ceo@victim.nl']);
  assert.deepEqual(summary(matchObservation(index, observation({ email: 'ceo@Mail.Victim.NL' }))), ['12 email ceo@Mail.Victim.NL']);
  assert.deepEqual(summary(matchObservation(index, observation({ asn: 64500 }))), ['14 asn AS64500']);
});

test('an asset reached through several indicators appears once, named by the most specific', () => {
  const matches = matchObservation(index, observation({ ip: '192.0.2.10', url: 'http://192.0.2.10/x', domain: 'victim.nl', email: 'a@victim.nl', asn: 64500 }));
  assert.deepEqual(summary(matches), ['10 ip 192.0.2.10', '11 ip 192.0.2.10', '12 domain victim.nl', '14 asn AS64500']);
});

test("other parties' indicators and the reverse-DNS hostname never match", () => {
  const subject = { ip: '203.0.113.50' };
  const matches = matchObservation(
    index,
    observation(subject, {
      hostname: 'host.bystander.nl',
      others: [
        { role: 'sinkhole', indicators: { ip: '198.51.100.1', domain: 'sinkhole.example', asn: 64501 } },
        { role: 'c2', indicators: { url: 'http://bystander.nl/gate.php', email: 'x@bystander.nl' } },
      ],
    }),
  );
  assert.deepEqual(matches, []);
  // The same indicators as the subject do match: the proof above is not an empty index.
  assert.equal(matchObservation(index, observation({ ip: '198.51.100.1', domain: 'host.bystander.nl', asn: 64501 })).length, 3);
});

test('nothing matches a public suffix, whatever the indicator', () => {
  const suffixIndex = AssetIndex.build([{ id: 1, organisationId: BYSTANDER, kind: 'domain', value: 'nl', verified: true }]);
  assert.equal(suffixIndex.size, 0);
  for (const subject of [{ domain: 'nl' }, { domain: 'co.uk' }, { url: 'http://nl/' }, { email: 'a@co.uk' }, { domain: 'github.io' }]) {
    assert.deepEqual(matchObservation(index, observation(subject)), [], JSON.stringify(subject));
  }
});

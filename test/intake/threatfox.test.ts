import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threatfox } from '../../src/intake/threatfox.ts';
import { detected, run } from './feed-run.ts';

const CSV = `################################################################
# ThreatFox IOCs: Recent IOCs (last 48 hours)                  #
# Last updated: 2026-11-26 17:10:02 UTC                        #
#                                                              #
# Terms Of Use: https://threatfox.abuse.ch/faq/#tos            #
# For questions please contact threatfox [at] abuse.ch         #
################################################################
#
# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"
"2026-11-26 07:45:13", "1500001", "192.0.2.21:7000", "ip:port", "botnet_cc", "win.xworm", "XWorm", "XWorm", "", "100", "", "XWorm", "0", "abuse_ch"
"2026-11-26 07:46:00", "1500002", "bad-c2[.]Example[.]com", "domain", "botnet_cc", "win.cobalt_strike", "Agentemis", "Cobalt Strike", "", "75", "", "CobaltStrike", "0", "r"
"2026-11-26 07:47:00", "1500003", "0123456789abcdef0123456789abcdef", "md5_hash", "payload", "win.xworm", "", "XWorm", "", "50", "", "", "0", "r"
"2026-11-26 07:48:00", "1500004", "192.0.2.999:80", "ip:port", "botnet_cc", "", "", "Unknown malware", "", "50", "", "", "0", "r"
"2026-11-26 07:49:00", "1500005", "hxxp://payload.example.net/a.exe", "url", "payload_delivery", "win.emotet", "", "Emotet", "", "100", "", "", "0", "r"
"2026-11-26 07:50:00", "1500006", "[2001:db8::21]:443", "ip:port", "botnet_cc", "elf.mirai", "", "Mirai", "2026-11-26 09:00:00", "100", "", "", "0", "r"
"2026-11-26 07:51:00", "1500007", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256_hash", "payload", "", "", "", "", "100", "", "", "0", "r"
`;

const JSON_DUMP = `{
  "1500001": [
    {
      "ioc_value": "192.0.2.21:7000",
      "ioc_type": "ip:port",
      "threat_type": "botnet_cc",
      "malware": "win.xworm",
      "malware_alias": null,
      "malware_printable": "XWorm",
      "first_seen_utc": "2026-11-26 07:45:13",
      "last_seen_utc": null,
      "confidence_level": 100,
      "reference": null,
      "tags": "XWorm",
      "anonymous": "0",
      "reporter": "abuse_ch"
    }
  ],
  "1500003": [{"ioc_value": "0123456789abcdef0123456789abcdef", "ioc_type": "md5_hash", "threat_type": "payload", "first_seen_utc": "2026-11-26 07:47:00"}],
  "1500008": [{"ioc_value": "something", "ioc_type": "mutex", "threat_type": "payload", "first_seen_utc": "2026-11-26 07:52:00"}]
}
`;

const API = `{"query_status": "ok", "data": [{"id": "1500009", "ioc": "c2.example.org", "threat_type": "botnet_cc",
  "threat_type_desc": "Indicator that identifies a botnet command&control server (C&C)", "ioc_type": "domain",
  "malware": "win.qakbot", "malware_printable": "QakBot", "first_seen": "2026-11-26 07:45:13 UTC", "last_seen": null,
  "confidence_level": 100, "reporter": "r", "tags": ["qakbot"]}]}`;

test('ThreatFox CSV: network IOCs are subjects, hashes are not applicable and no error', async () => {
  const { observations, lines, errors } = await run(threatfox, CSV, 'recent.csv');
  assert.deepEqual(observations.map((o) => o.subject), [
    { ip: '192.0.2.21', port: 7000 },
    { domain: 'bad-c2.example.com' },
    { url: 'http://payload.example.net/a.exe', domain: 'payload.example.net' },
    { ip: '2001:db8::21', port: 443 },
  ]);
  assert.deepEqual(lines, [10, 11, 14, 15]);
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.field]), [['recent.csv', 13, 'ioc_value']]);
  assert.deepEqual(observations.map((o) => o.type), ['botnet-c2', 'botnet-c2', 'payload-delivery', 'botnet-c2']);
  assert.deepEqual(observations.map((o) => o.malware), ['xworm', 'cobalt strike', 'emotet', 'mirai']);
  assert.ok(observations.every((o) => o.kind === 'malicious-infrastructure' && o.others.length === 0));
  assert.equal(observations[3].observedAt, '2026-11-26T09:00:00.000Z', 'last seen is the latest sighting');
  assert.equal(observations[0].evidence.ioc_id, '1500001');
});

test('ThreatFox JSON export: keyed by IOC id; unknown IOC types are errors, hashes are skipped', async () => {
  const { observations, lines, errors } = await run(threatfox, JSON_DUMP, 'full.json');
  assert.deepEqual(observations.map((o) => o.subject), [{ ip: '192.0.2.21', port: 7000 }]);
  assert.deepEqual(lines, [3]);
  assert.equal(observations[0].evidence.id, '1500001');
  assert.equal(observations[0].observedAt, '2026-11-26T07:45:13.000Z');
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[20, 'ioc_type']]);
});

test('ThreatFox API answer: records under "data"', async () => {
  const { observations, errors } = await run(threatfox, API, 'query.json', { severity: 'critical' });
  assert.equal(errors.length, 0);
  assert.deepEqual(observations.map((o) => [o.subject, o.malware, o.severity]), [[{ domain: 'c2.example.org' }, 'qakbot', 'critical']]);
});

test('ThreatFox detection in every form', () => {
  assert.equal(detected('recent.csv', CSV), 'threatfox');
  assert.equal(detected('full.json', JSON_DUMP), 'threatfox');
  assert.equal(detected('query.json', API), 'threatfox');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlhaus } from '../../src/intake/urlhaus.ts';
import { detected, run } from './feed-run.ts';

const CSV = `################################################################
# abuse.ch URLhaus Database Dump (CSV - recent URLs)           #
# Last updated: 2026-11-26 17:05:08 (UTC)                      #
#                                                              #
# Terms Of Use: https://urlhaus.abuse.ch/api/                  #
# For questions please contact urlhaus [at] abuse.ch           #
################################################################
#
# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
"3400001","2026-11-26 17:04:08","http://192.0.2.44:35012/i","online","2026-11-26 17:04:08","malware_download","32-bit,elf,mips,Mozi","https://urlhaus.abuse.ch/url/3400001/","geenensp"
"3400002","2026-11-26 16:00:00","hxxps://Shop.Example[.]nl/wp-content/x.exe","offline","","malware_download","exe","https://urlhaus.abuse.ch/url/3400002/","reporter"
"3400003","2026-11-26 16:00:00","not a url","online","","malware_download","","https://urlhaus.abuse.ch/url/3400003/","r"
"3400004","2026-11-26 15:00:00","http://[2001:db8::44]/bins/x86","online","","malware_download","elf","https://urlhaus.abuse.ch/url/3400004/","r"
"3400005","yesterday","http://bad-date.example/","online","","malware_download","","https://urlhaus.abuse.ch/url/3400005/","r"
`;

const JSON_DUMP = `{
  "3400001": [
    {
      "dateadded": "2026-11-26 17:04:08 UTC",
      "url": "http://192.0.2.44:35012/i",
      "url_status": "online",
      "last_online": "2026-11-26 17:04:08 UTC",
      "threat": "malware_download",
      "tags": ["32-bit", "elf", "Mozi"],
      "urlhaus_link": "https://urlhaus.abuse.ch/url/3400001/",
      "reporter": "geenensp"
    }
  ],
  "3400002": [
    {
      "dateadded": "2026-11-26 16:00:00 UTC",
      "url": "http//missing-colon.example/x",
      "url_status": "online",
      "threat": "malware_download",
      "urlhaus_link": "https://urlhaus.abuse.ch/url/3400002/",
      "reporter": "r"
    }
  ],
  "3400003": [
    {
      "dateadded": "2026-11-26 15:00:00 UTC",
      "url": "https://www.bücher.example/payload.zip",
      "url_status": "offline",
      "threat": "malware_download",
      "urlhaus_link": "https://urlhaus.abuse.ch/url/3400003/",
      "reporter": "r"
    }
  ]
}
`;

const API = `{"query_status": "ok", "urls": [
 {"id": "3400001", "urlhaus_reference": "https://urlhaus.abuse.ch/url/3400001/", "url": "http://sub.example.org/a.sh", "url_status": "online",
  "host": "sub.example.org", "date_added": "2026-11-26 17:04:08 UTC", "threat": "malware_download", "reporter": "r", "tags": null}
]}`;

test('URLhaus CSV: the URL and its host are the subject; defanged, IPv6 and bad rows handled', async () => {
  const { observations, lines, errors } = await run(urlhaus, CSV, 'csv.txt');
  assert.deepEqual(observations.map((o) => o.subject), [
    { url: 'http://192.0.2.44:35012/i', ip: '192.0.2.44', port: 35012 },
    { url: 'https://Shop.Example.nl/wp-content/x.exe', domain: 'shop.example.nl' },
    { url: 'http://[2001:db8::44]/bins/x86', ip: '2001:db8::44' },
  ]);
  assert.deepEqual(lines, [10, 11, 13]);
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.field]), [['csv.txt', 12, 'url'], ['csv.txt', 14, 'dateadded']]);
  assert.ok(observations.every((o) => o.kind === 'malicious-infrastructure' && o.type === 'malware-download' && o.others.length === 0));
  assert.equal(observations[0].observedAt, '2026-11-26T17:04:08.000Z');
  assert.equal(observations[1].evidence.url, 'hxxps://Shop.Example[.]nl/wp-content/x.exe', 'evidence keeps the record as sent');
  assert.equal(observations[0].evidence.tags, '32-bit,elf,mips,Mozi');
});

test('URLhaus JSON dump: records keyed by id, IDN hosts in punycode, bad records reported with their line', async () => {
  const { observations, lines, errors } = await run(urlhaus, JSON_DUMP, 'json.txt');
  assert.deepEqual(observations.map((o) => o.subject.ip ?? o.subject.domain), ['192.0.2.44', 'www.xn--bcher-kva.example']);
  assert.deepEqual(lines, [3, 25]);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[15, 'url']]);
  assert.equal(observations[0].evidence.id, '3400001');
  assert.deepEqual(observations.map((o) => o.severity), ['high', 'medium']);
});

test('URLhaus API answer: records under "urls"', async () => {
  const { observations, errors } = await run(urlhaus, API, 'answer.json');
  assert.equal(errors.length, 0);
  assert.deepEqual(observations.map((o) => o.subject), [{ url: 'http://sub.example.org/a.sh', domain: 'sub.example.org' }]);
  assert.equal(observations[0].observedAt, '2026-11-26T17:04:08.000Z');
});

test('URLhaus detection in every form', () => {
  assert.equal(detected('csv.txt', CSV), 'urlhaus');
  assert.equal(detected('json.txt', JSON_DUMP), 'urlhaus');
  assert.equal(detected('answer.json', API), 'urlhaus');
});

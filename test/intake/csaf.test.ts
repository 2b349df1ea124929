import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { csaf } from '../../src/intake/csaf.ts';
import { detectAdvisoryFormat } from '../../src/advisories/index.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { parseFile, parseText } from '../advisories/run.ts';

const NCSC = readFileSync(new URL('../fixtures/advisories/ncsc-2026-0042.json', import.meta.url), 'utf8');

test('a Dutch NCSC document gives one advisory per vulnerability, in Dutch, with ranges as vers', async () => {
  const { advisories, errors } = await parseText(csaf, NCSC, 'ncsc-2026-0042.json');
  assert.deepEqual(errors, []);
  assert.deepEqual(advisories.map((a) => [a.id, a.document, a.aliases, a.severity]), [
    ['NCSC-2026-0042/CVE-2026-10001', 'NCSC-2026-0042', ['CVE-2026-10001'], 'critical'],
    ['NCSC-2026-0042/CVE-2026-10002', 'NCSC-2026-0042', ['CVE-2026-10002'], 'medium'],
  ]);
  const [first] = advisories;
  assert.equal(first.language, 'nl');
  assert.equal(first.publisher, 'Nationaal Cyber Security Centrum');
  assert.equal(first.tlp, 'CLEAR', 'TLP 1.0 WHITE is TLP 2.0 CLEAR');
  assert.equal(first.title, 'Kwetsbaarheden verholpen in Voorbeeldserver: CVE-2026-10001');
  assert.match(first.summary ?? '', /aanmeldmodule/);
  assert.equal(first.modified, '2026-11-20T10:00:00.000000Z');
  assert.deepEqual(
    first.affected.map((a) => [a.productId, a.status, a.range ?? a.versions, a.fixedIn, a.justification]),
    [
      ['CSAFPID-1', 'affected', 'vers:generic/<4.2', ['4.2'], undefined],
      ['CSAFPID-2', 'affected', 'vers:generic/>=1.0|<2.0', ['4.2'], undefined],
      ['CSAFPID-4', 'affected', 'vers:npm/>=2.0.0|<2.4.2', undefined, undefined],
      ['CSAFPID-3', 'fixed', ['4.2'], ['4.2'], undefined],
      ['CSAFPID-5', 'not_affected', 'vers:generic/*', undefined, 'vulnerable_code_not_present'],
    ],
  );
  assert.equal(first.affected[0].cpe, 'cpe:2.3:a:voorbeeld:voorbeeldserver:*:*:*:*:*:*:*:*');
  assert.deepEqual([first.affected[0].vendor, first.affected[0].product], ['Voorbeeld', 'Voorbeeldserver']);
  assert.equal(first.affected[2].purl, 'pkg:npm/%40voorbeeld/client');
  assert.deepEqual(first.remediations, [
    { category: 'vendor_fix', text: 'Installeer versie 4.2.', url: 'https://example.com/download/4.2', productIds: ['CSAFPID-1', 'CSAFPID-2'] },
    { category: 'workaround', text: 'Schakel de aanmeldmodule uit.', productIds: ['CSAFPID-4'] },
  ]);
  assert.deepEqual(first.scores, [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, productIds: ['CSAFPID-1', 'CSAFPID-2', 'CSAFPID-4'] }]);
  assert.deepEqual(advisories[1].affected.map((a) => a.status), ['affected', 'under_investigation']);
});

test('a stricter source label wins over the document label', async () => {
  const { advisories } = await parseText(csaf, NCSC, 'x.json', { tlp: 'AMBER' });
  assert.equal(advisories[0].tlp, 'AMBER');
});

test('an invalid document is rejected with each failed test and its JSON path', async () => {
  const doc = JSON.parse(NCSC);
  delete doc.vulnerabilities[1].notes;
  doc.vulnerabilities[0].product_status.known_affected.push('CSAFPID-99');
  const { advisories, errors } = await parseText(csaf, JSON.stringify(doc, null, 2), 'bad.json');
  assert.equal(advisories.length, 0);
  assert.deepEqual(
    errors.map((e) => [e.field, e.reason.replace(/:.*/, '')]).sort(),
    [
      ['/vulnerabilities/0/product_status/known_affected/3', 'CSAF mandatory test 6.1.1 failed'],
      ['/vulnerabilities/1', 'CSAF mandatory test 6.1.27.5 failed'],
    ],
  );
});

test('a document that breaks the strict schema names the schema test', async () => {
  const doc = JSON.parse(NCSC);
  doc.document.unexpected = true;
  const { errors } = await parseText(csaf, JSON.stringify(doc), 'bad.json');
  assert.ok(errors.some((e) => /csaf 2 0 strict failed/.test(e.reason) && e.field === '/document'), JSON.stringify(errors));
});

test('broken JSON is one error for the document', async () => {
  const { advisories, errors } = await parseText(csaf, '{\n  "document": {\n    "title": oops\n}', 'broken.json');
  assert.equal(advisories.length, 0);
  assert.deepEqual(errors.map((e) => [e.file, e.reason.slice(0, 13)]), [['broken.json', 'invalid JSON:']]);
});

test('detection tells CSAF from other JSON', () => {
  assert.equal(detectAdvisoryFormat('x.json', NCSC.slice(0, 4096))?.name, 'csaf');
});

test('corpus: the BSI advisory names five affected CVRF-CSAF-Converter versions fixed in 1.0.0-rc2', async (t) => {
  const file = corpusFile('csaf/bsi-2022-0001.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const { advisories, errors } = await parseFile(csaf, file);
  assert.deepEqual(errors, []);
  assert.equal(advisories.length, 1);
  const [a] = advisories;
  assert.deepEqual([a.id, a.aliases, a.language, a.tlp, a.severity, a.cwes], ['BSI-2022-0001', ['CVE-2022-27193', 'csaf-tools/CVRF-CSAF-Converter#78'], 'en', 'CLEAR', 'medium', ['CWE-611']]);
  assert.equal(a.scores[0].baseScore, 6.1);
  const affected = a.affected.filter((p) => p.status === 'affected');
  assert.deepEqual(affected.map((p) => p.versions?.[0]), ['1.0.0-alpha', '1.0.0-dev1', '1.0.0-dev2', '1.0.0-dev3', '1.0.0-rc1']);
  assert.ok(affected.every((p) => p.fixedIn?.join() === '1.0.0-rc2' && p.vendor === 'CSAF Tools' && p.product === 'CVRF-CSAF-Converter'));
  assert.equal(affected[0].cpe, 'cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha:*:*:*:*:*:*:*');
  assert.equal(a.remediations[0].url, 'https://github.com/csaf-tools/CVRF-CSAF-Converter/releases/tag/1.0.0-rc2');
});

test('corpus: the Red Hat advisory lists fixed telnet packages per RHEL 7.6 stream', async (t) => {
  const file = corpusFile('csaf/rhsa-2022_0011.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const { advisories, errors } = await parseFile(csaf, file);
  assert.deepEqual(errors, []);
  const [a] = advisories;
  assert.deepEqual([a.id, a.aliases, a.severity, a.scores.length], ['RHSA-2022:0011', ['CVE-2020-10188'], 'high', 0]);
  assert.equal(a.affected.length, 15);
  assert.ok(a.affected.every((p) => p.status === 'fixed' && p.fixedIn?.join() === '1:0.17-65.el7_6'));
  const server = a.affected.find((p) => p.productId === '7Server-7.6.E4S:telnet-server-1:0.17-65.el7_6.ppc64le');
  assert.deepEqual(server && [server.purl, server.product, server.platform], [
    'pkg:rpm/redhat/telnet-server?arch=ppc64le',
    'telnet-server',
    { name: 'Red Hat Enterprise Linux Server E4S (v. 7.6)', cpe: 'cpe:2.3:o:redhat:rhel_e4s:7.6:*:server:*:*:*:*:*' },
  ]);
  assert.equal(a.remediations[0].productIds?.length, 15);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kev } from '../../src/intake/kev.ts';
import { detectAdvisoryFormat } from '../../src/advisories/index.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { parseFile, parseText } from '../advisories/run.ts';

const CATALOGUE = `{
  "title": "CISA Catalog of Known Exploited Vulnerabilities",
  "catalogVersion": "2026.11.20",
  "count": 3,
  "vulnerabilities": [
    {
      "cveID": "CVE-2026-40001", "vendorProject": "Example", "product": "Gateway",
      "vulnerabilityName": "Example Gateway Code Injection", "dateAdded": "2026-11-18",
      "shortDescription": "Code injection.", "requiredAction": "Apply mitigations per vendor instructions.",
      "dueDate": "2026-12-09", "knownRansomwareCampaignUse": "Known", "notes": "https://example.com", "cwes": ["CWE-94"]
    },
    { "cveID": "CVE-2026-40002", "vendorProject": "Example", "product": "Agent", "vulnerabilityName": "x",
      "dateAdded": "2026-11-19", "requiredAction": "Apply updates.", "dueDate": "2026-12-10", "knownRansomwareCampaignUse": "Unknown" },
    { "cveID": "not-a-cve", "dateAdded": "2026-11-19", "dueDate": "2026-12-10" },
    { "cveID": "CVE-2026-40003", "dateAdded": "soon", "dueDate": "2026-12-10" }
  ]
}`;

test('KEV entries are enrichments by CVE with the required action and ransomware use; bad entries name their field and line', async () => {
  const { enrichments, advisories, errors } = await parseText(kev, CATALOGUE, 'kev.json');
  assert.equal(advisories.length, 0, 'KEV names no versions and creates no advisories of its own');
  assert.deepEqual(enrichments[0], {
    kind: 'kev',
    cve: 'CVE-2026-40001',
    kev: { dateAdded: '2026-11-18', dueDate: '2026-12-09', requiredAction: 'Apply mitigations per vendor instructions.', knownRansomware: true },
    vendor: 'Example',
    product: 'Gateway',
    name: 'Example Gateway Code Injection',
    description: 'Code injection.',
    notes: 'https://example.com',
    cwes: ['CWE-94'],
  });
  assert.equal(enrichments[1].kind === 'kev' && enrichments[1].kev.knownRansomware, false);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[14, 'cveID'], [15, 'dateAdded']]);
  assert.equal(detectAdvisoryFormat('kev.json', CATALOGUE)?.name, 'kev');
});

test('corpus: the KEV catalogue of 2025-08-25 holds 1404 entries, Log4Shell among them', async (t) => {
  const file = corpusFile('kev/known_exploited_vulnerabilities.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const { enrichments, errors } = await parseFile(kev, file);
  assert.deepEqual(errors, []);
  assert.equal(enrichments.length, 1404);
  assert.equal(new Set(enrichments.map((e) => e.cve)).size, 1404);
  const log4shell = enrichments.find((e) => e.cve === 'CVE-2021-44228');
  assert.ok(log4shell?.kind === 'kev');
  assert.deepEqual([log4shell.vendor, log4shell.product, log4shell.kev.dateAdded, log4shell.kev.dueDate, log4shell.kev.knownRansomware], ['Apache', 'Log4j2', '2021-12-10', '2021-12-24', true]);
  assert.equal(enrichments.filter((e) => e.kind === 'kev' && e.kev.knownRansomware).length, 293);
});

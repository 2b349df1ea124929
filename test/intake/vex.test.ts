import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vex } from '../../src/intake/vex.ts';
import { detectAdvisoryFormat } from '../../src/advisories/index.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { parseFile, parseText } from '../advisories/run.ts';

const BOM = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  metadata: { timestamp: '2026-11-01T00:00:00Z', manufacturer: { name: 'Voorbeeld BV' }, component: { 'bom-ref': 'app', name: 'Voorbeeldapp', version: '3.1' } },
  components: [
    { 'bom-ref': 'lib', type: 'library', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', components: [{ 'bom-ref': 'inner', name: 'inner', cpe: 'cpe:/a:voorbeeld:inner:1.0' }] },
  ],
  vulnerabilities: [
    {
      id: 'CVE-2026-50001',
      references: [{ id: 'GHSA-xxxx-yyyy-zzzz', source: { name: 'GitHub' } }],
      analysis: { state: 'not_affected', justification: 'code_not_reachable', detail: 'The vulnerable function is never called.', lastUpdated: '2026-11-02T00:00:00Z' },
      affects: [{ ref: 'lib' }, { ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#inner' }, { ref: 'missing' }],
    },
    { id: 'CVE-2026-50002', analysis: { state: 'false_positive' }, affects: [{ ref: 'app', versions: [{ range: 'vers:generic/>=3.0|<3.2' }] }] },
    { id: 'CVE-2026-50003', analysis: { state: 'resolved', response: ['update'] }, affects: [{ ref: 'pkg:npm/express@4.18.0' }] },
    { id: 'CVE-2026-50004', affects: [{ ref: 'lib' }] },
  ],
});

test('VEX not_affected with its justification per resolved component; other states read as statuses', async () => {
  const { statements, errors } = await parseText(vex, BOM, 'vendor.vex.json');
  assert.deepEqual(
    statements.map((s) => [s.vulnerability, s.product, s.versions ?? s.range, s.status, s.justification]),
    [
      ['CVE-2026-50001', { purl: 'pkg:npm/lodash', product: 'lodash' }, ['4.17.15'], 'not_affected', 'code_not_reachable'],
      ['CVE-2026-50001', { cpe: 'cpe:2.3:a:voorbeeld:inner:1.0:*:*:*:*:*:*:*', product: 'inner' }, undefined, 'not_affected', 'code_not_reachable'],
      ['CVE-2026-50002', { product: 'Voorbeeldapp' }, 'vers:generic/>=3.0|<3.2', 'not_affected', 'false_positive'],
      ['CVE-2026-50003', { purl: 'pkg:npm/express' }, ['4.18.0'], 'fixed', undefined],
    ],
  );
  const [first] = statements;
  assert.deepEqual([first.aliases, first.detail, first.publisher, first.timestamp], [['GHSA-xxxx-yyyy-zzzz'], 'The vulnerable function is never called.', 'Voorbeeld BV', '2026-11-02T00:00:00Z']);
  assert.deepEqual(statements[3].responses, ['update']);
  assert.deepEqual(errors.map((e) => e.field), ['/vulnerabilities/0/affects/2/ref', '/vulnerabilities/3/analysis/state']);
  assert.equal(detectAdvisoryFormat('vendor.vex.json', BOM)?.name, 'cyclonedx-vex');
});

test('corpus: the CISA case 2 VEX says product ABC 4.2 is not affected by 19 CVEs (code not reachable)', async (t) => {
  const file = corpusFile('sbom/cyclonedx-vex-cisa-case2.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const { statements, errors } = await parseFile(vex, file);
  assert.deepEqual(errors, []);
  assert.equal(statements.length, 19);
  assert.deepEqual(statements.map((s) => s.vulnerability).slice(0, 2), ['CVE-2020-11896', 'CVE-2020-11897']);
  assert.equal(statements[18].vulnerability, 'CVE-2020-11914');
  assert.ok(statements.every((s) => s.status === 'not_affected' && s.justification === 'code_not_reachable' && s.product.product === 'ABC' && s.versions?.join() === '4.2'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cve5 } from '../../src/intake/cve5.ts';
import { detectAdvisoryFormat } from '../../src/advisories/index.ts';
import { parseText } from '../advisories/run.ts';

const record = (cna: object, meta: object = {}): string =>
  JSON.stringify({
    dataType: 'CVE_RECORD',
    dataVersion: '5.1',
    cveMetadata: { cveId: 'CVE-2026-30001', state: 'PUBLISHED', assignerShortName: 'example', datePublished: '2026-03-01T00:00:00Z', dateUpdated: '2026-03-02T00:00:00Z', ...meta },
    containers: { cna: { providerMetadata: { shortName: 'ExampleCNA' }, ...cna } },
  });

const PUBLISHED = record({
  title: 'Remote code execution in Example Gateway',
  descriptions: [{ lang: 'de', value: 'Deutsch' }, { lang: 'en', value: 'An attacker can run code.' }],
  affected: [
    {
      vendor: 'Example',
      product: 'Gateway',
      cpes: ['cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*'],
      defaultStatus: 'unaffected',
      versions: [
        { version: '1.0', lessThan: '1.4.2', status: 'affected', versionType: 'semver' },
        { version: '2.0', lessThanOrEqual: '2.3', status: 'affected', versionType: 'semver' },
        { version: '2.5.0', status: 'affected' },
      ],
    },
    {
      vendor: 'Example',
      product: 'Agent',
      versions: [{ version: '3.0', lessThanOrEqual: '3.*', status: 'affected', changes: [{ at: '3.2.1', status: 'unaffected' }, { at: '3.5', status: 'affected' }], versionType: 'custom' }],
    },
    {
      collectionURL: 'https://registry.npmjs.org',
      packageName: 'example-lib',
      defaultStatus: 'affected',
      versions: [
        { version: '0', lessThan: '1.0.0', status: 'unaffected', versionType: 'semver' },
        { version: '1.2.4', lessThan: '1.3.0', status: 'unaffected', versionType: 'semver' },
      ],
    },
  ],
  metrics: [
    { cvssV4_0: { version: '4.0', vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', baseScore: 9.3 } },
    { cvssV3_1: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8 } },
  ],
  problemTypes: [{ descriptions: [{ lang: 'en', cweId: 'CWE-94', description: 'Code injection', type: 'CWE' }] }],
  references: [{ url: 'https://example.com/advisory' }],
});

test('CVE 5 versions become vers: lessThan, lessThanOrEqual, single versions, changes and defaultStatus', async () => {
  const { advisories, errors } = await parseText(cve5, PUBLISHED, 'CVE-2026-30001.json');
  assert.deepEqual(errors, []);
  const [a] = advisories;
  assert.deepEqual([a.id, a.title, a.summary, a.publisher, a.severity, a.cwes], ['CVE-2026-30001', 'Remote code execution in Example Gateway', 'An attacker can run code.', 'ExampleCNA', 'critical', ['CWE-94']]);
  assert.deepEqual(a.scores.map((s) => [s.version, s.baseScore]), [['4.0', 9.3], ['3.1', 9.8]]);
  assert.deepEqual(
    a.affected.map((p) => [p.vendor ?? p.purl, p.product, p.range, p.versions, p.fixedIn]),
    [
      ['Example', 'Gateway', 'vers:semver/>=1.0.0|<1.4.2|>=2.0.0|<=2.3.0', ['2.5.0'], undefined],
      ['Example', 'Agent', 'vers:generic/>=3.0|<3.2.1|>=3.5|<4', undefined, ['3.2.1']],
      ['pkg:npm/example-lib', undefined, 'vers:npm/>=1.0.0|<1.2.4|>=1.3.0', undefined, ['1.2.4']],
    ],
  );
  assert.equal(a.affected[0].cpe, 'cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*');
  assert.equal(detectAdvisoryFormat('CVE-2026-30001.json', PUBLISHED)?.name, 'cve5');
});

test('a REJECTED record is a withdrawn advisory with its reason and no products', async () => {
  const text = record({ rejectedReasons: [{ lang: 'en', value: 'Duplicate of CVE-2026-30000.' }] }, { state: 'REJECTED' });
  const { advisories } = await parseText(cve5, text);
  assert.deepEqual([advisories[0].withdrawn, advisories[0].withdrawnReason, advisories[0].affected], [true, 'Duplicate of CVE-2026-30000.', []]);
});

test('a record that is not CVE JSON 5 is an error', async () => {
  const { errors, advisories } = await parseText(cve5, '{"id": "x"}');
  assert.equal(advisories.length, 0);
  assert.deepEqual(errors.map((e) => e.field), ['/cveMetadata/cveId']);
});

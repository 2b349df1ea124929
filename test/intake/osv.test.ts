import { test } from 'node:test';
import assert from 'node:assert/strict';
import { osv } from '../../src/intake/osv.ts';
import { detectAdvisoryFormat } from '../../src/advisories/index.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { parseFile, parseText } from '../advisories/run.ts';

const RECORDS = JSON.stringify([
  {
    schema_version: '1.6.0',
    id: 'GHSA-aaaa-bbbb-cccc',
    modified: '2026-01-02T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    aliases: ['CVE-2026-20001', 'GHSA-aaaa-bbbb-cccc'],
    summary: 'Prototype pollution in lodash-like',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }],
    affected: [
      {
        package: { ecosystem: 'npm', name: '@scope/lib' },
        ranges: [
          { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] },
          { type: 'GIT', repo: 'https://example.com/repo', events: [{ introduced: '0' }, { fixed: 'abc123' }] },
        ],
      },
      {
        package: { ecosystem: 'PyPI', name: 'Some_Pkg' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.4.2' }, { introduced: '2.0' }, { last_affected: '2.3' }, { introduced: '3.0' }] }],
      },
      { package: { ecosystem: 'Maven', name: 'org.example:core' }, versions: ['1.0.0', '1.0.1'] },
      { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }] }] },
    ],
    database_specific: { severity: 'LOW', cwe_ids: ['CWE-1321'] },
  },
  { id: 'OSV-2026-7', modified: '2026-02-01T00:00:00Z', withdrawn: '2026-02-01T00:00:00Z', summary: 'duplicate', affected: [], database_specific: { severity: 'HIGH' } },
  { summary: 'no id' },
]);

test('OSV ranges become vers: introduced/fixed/last_affected events, explicit versions, purls from ecosystems', async () => {
  const { advisories, errors, notes } = await parseText(osv, RECORDS, 'osv.json');
  assert.deepEqual(errors.map((e) => [e.field, e.reason]), [['/2/id', 'not an OSV record: no id']]);
  assert.deepEqual(notes, ['/0/affected/0/ranges/1: GIT range left out (commits, not versions)']);
  const [a, withdrawn] = advisories;
  assert.deepEqual(a.aliases, ['CVE-2026-20001'], 'the id itself is not its own alias');
  assert.deepEqual(
    a.affected.map((p) => [p.purl, p.range ?? p.versions, p.fixedIn]),
    [
      ['pkg:npm/%40scope/lib', 'vers:npm/<4.17.21', ['4.17.21']],
      ['pkg:pypi/some-pkg', 'vers:pypi/>=1.0|<1.4.2|>=2.0|<=2.3|>=3.0', ['1.4.2']],
      ['pkg:maven/org.example/core', ['1.0.0', '1.0.1'], undefined],
      ['pkg:deb/debian/openssl?distro=debian-12', 'vers:deb/<3.0.11-1~deb12u1', ['3.0.11-1~deb12u1']],
    ],
  );
  assert.equal(a.severity, 'medium', 'the CVSS score (6.1) wins over the database word');
  assert.deepEqual(a.cwes, ['CWE-1321']);
  assert.deepEqual([withdrawn.withdrawn, withdrawn.withdrawnReason, withdrawn.severity, withdrawn.tlp], [true, 'withdrawn 2026-02-01T00:00:00Z', 'high', 'CLEAR']);
});

test('an API answer { vulns: [...] } holds records too; detection picks OSV', async () => {
  const { advisories } = await parseText(osv, JSON.stringify({ vulns: [{ id: 'PYSEC-1', modified: '2026-01-01T00:00:00Z' }] }));
  assert.deepEqual(advisories.map((a) => a.id), ['PYSEC-1']);
  assert.equal(detectAdvisoryFormat('x.json', RECORDS.slice(0, 4096))?.name, 'osv');
});

test('corpus: GHSA-9v2f-6vcg-3hgv lists two explicit Gradio versions and is critical', async (t) => {
  const file = corpusFile('osv/GHSA-9v2f-6vcg-3hgv.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const { advisories, errors } = await parseFile(osv, file);
  assert.deepEqual(errors, []);
  const [a] = advisories;
  assert.deepEqual([a.id, a.aliases, a.severity, a.scores[0].baseScore], ['GHSA-9v2f-6vcg-3hgv', ['CVE-2024-39236'], 'critical', 9.8]);
  assert.deepEqual(a.affected, [{ purl: 'pkg:pypi/gradio', product: 'Gradio', versions: ['4.36.1', '4.36.-1'], status: 'affected' }]);
});

test('corpus: PYSEC-2023-74 affects requests from 2.3.0 until 2.31.0; its GIT range is a note', async (t) => {
  const file = corpusFile('osv/PYSEC-2023-74.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const { advisories, errors, notes } = await parseFile(osv, file);
  assert.deepEqual(errors, []);
  assert.equal(notes.length, 1);
  const [a] = advisories;
  assert.deepEqual([a.id, a.aliases], ['PYSEC-2023-74', ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q']]);
  assert.equal(a.affected.length, 1);
  assert.deepEqual([a.affected[0].purl, a.affected[0].range, a.affected[0].fixedIn, a.affected[0].versions?.length], ['pkg:pypi/requests', 'vers:pypi/>=2.3.0|<2.31.0', ['2.31.0'], 66]);
  assert.equal(a.references.length, 4, 'a URL listed twice is kept once');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSbom } from '../../src/registry/sbom.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';

test('CycloneDX: components recursively, with purl, CPE (2.2 converted), version and supplier; bad ids named by path', () => {
  const sbom = parseSbom(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15', supplier: { name: 'OpenJS' }, components: [{ name: 'inner', cpe: 'cpe:/a:voorbeeld:inner:1.0' }] },
        { name: 'broken', purl: 'not a purl' },
        { version: '1.0' },
      ],
    }),
  );
  assert.ok('entries' in sbom);
  assert.deepEqual(sbom.entries, [
    { purl: 'pkg:npm/lodash@4.17.15', name: 'lodash', version: '4.17.15', supplier: 'OpenJS' },
    { cpe: 'cpe:2.3:a:voorbeeld:inner:1.0:*:*:*:*:*:*:*', name: 'inner' },
    { name: 'broken' },
  ]);
  assert.deepEqual(sbom.problems.map((p) => p.field), ['/components/1/purl', '/components/2/name']);
});

test('SPDX: packages with PACKAGE-MANAGER purl, SECURITY cpe23Type, versionInfo and supplier; NOASSERTION is no value', () => {
  const sbom = parseSbom({
    spdxVersion: 'SPDX-2.2',
    packages: [
      {
        name: 'openssl',
        versionInfo: '3.0.11',
        supplier: 'Organization: OpenSSL Project',
        externalRefs: [
          { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*' },
          { referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:generic/openssl@3.0.11' },
        ],
      },
      { name: 'thing', versionInfo: 'NOASSERTION', supplier: 'NOASSERTION', externalRefs: [{ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:x' }] },
    ],
  });
  assert.ok('entries' in sbom);
  assert.deepEqual(sbom.entries, [
    { purl: 'pkg:generic/openssl@3.0.11', cpe: 'cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*', name: 'openssl', version: '3.0.11', supplier: 'OpenSSL Project' },
    { name: 'thing' },
  ]);
  assert.deepEqual(sbom.problems.map((p) => p.field), ['/packages/1/externalRefs/0/referenceLocator']);
});

test('unsupported documents are refused with the field that says why', () => {
  const old = parseSbom({ bomFormat: 'CycloneDX', specVersion: '1.2' });
  assert.ok(!('entries' in old) && old.problems[0].field === '/specVersion');
  const other = parseSbom('{"hello": 1}');
  assert.ok(!('entries' in other) && other.problems[0].field === '/');
  assert.ok(!('entries' in parseSbom('not json')));
});

test('corpus: the SPDX 2.3 hello-server SBOM holds four packages, three of them crates', (t) => {
  const file = corpusFile('sbom/spdx-2.3-hello-server.spdx.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const sbom = parseSbom(readFileSync(file));
  assert.ok('entries' in sbom);
  assert.deepEqual(sbom.problems, []);
  assert.deepEqual(sbom.entries.map((e) => [e.name, e.version, e.purl]), [
    ['hello-server-src', '0.1.0', 'pkg:deb/debian/libselinux1-dev@3.1-3?arch=s390x'],
    ['hyper', '0.14', 'pkg:cargo/hyper@0.14'],
    ['tokio', '1.19.2', 'pkg:cargo/tokio@1.19.2'],
    ['pretty_env_logger', '0.4.0', 'pkg:cargo/pretty_env_logger@0.4.0'],
  ]);
});

test('corpus: the CISA case 2 VEX is a CycloneDX 1.4 document with no components of its own', (t) => {
  const file = corpusFile('sbom/cyclonedx-vex-cisa-case2.json');
  if (!file) return t.skip(CORPUS_ABSENT);
  const sbom = parseSbom(readFileSync(file));
  assert.ok('entries' in sbom);
  assert.deepEqual([sbom.format, sbom.specVersion, sbom.entries.length], ['cyclonedx', '1.4', 0]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Advisory, AffectedProduct } from '../../src/advisories/index.ts';
import { matchEntry, nameKey, SoftwareIndex, SoftwareNames, type SoftwareAsset } from '../../src/matching/software-index.ts';

const product = (p: Partial<AffectedProduct>): AffectedProduct => ({ status: 'affected', ...p });
const advisory = (id: string, affected: AffectedProduct[]): Pick<Advisory, 'id' | 'affected'> => ({ id, affected });
const asset = (id: number, organisationId: number, value: string): SoftwareAsset => ({ id, organisationId, value, verified: true });

test('fan-out is a lookup per product identity, not a scan over the organisations', () => {
  const assets: SoftwareAsset[] = [];
  for (let org = 1; org <= 20_000; org++) {
    assets.push(asset(org * 3, org, `pkg:npm/pkg-${org % 500}@1.${org % 7}.0`));
    assets.push(asset(org * 3 + 1, org, `cpe:2.3:a:vendor${org % 300}:product${org % 11}:2.${org % 5}:*:*:*:*:*:*:*`));
    assets.push(asset(org * 3 + 2, org, `Vendor${org % 50} Tool ${org % 9}.0`));
  }
  const index = SoftwareIndex.build(assets);
  const hits = index.affectedBy(advisory('GHSA-fan0-0000-0001', [product({ purl: 'pkg:npm/pkg-42', range: 'vers:npm/<1.3.0' }), product({ cpe: 'cpe:2.3:a:vendor7:product7:*:*:*:*:*:*:*:*', range: 'vers:generic/<2.3' })]));
  // Two products: one purl key, and a CPE key plus its name identity and phrases.
  assert.ok(index.lookups <= 6, `lookups: ${index.lookups}`);
  const expectedPurl = assets.filter((a) => /^pkg:npm\/pkg-42@1\.[012]\.0$/.test(a.value)).length;
  const expectedCpe = assets.filter((a) => /^cpe:2\.3:a:vendor7:product7:2\.[012]:/.test(a.value)).length;
  assert.ok(expectedPurl > 0 && expectedCpe > 0);
  assert.equal(hits.length, expectedPurl + expectedCpe);
  assert.ok(hits.every((h) => h.confidence === 'confirmed'));
});

test('plain names: unmapped ones match by name only; once the dictionary knows the product they map to it', () => {
  const index = SoftwareIndex.build([asset(1, 1, 'Contoso Mail Server 2019 CU14'), asset(2, 2, 'Contoso Mail 1.0')]);
  const mail = advisory('CVE-2026-40001', [product({ vendor: 'Contoso', product: 'Mail Server' })]);
  assert.deepEqual(index.affectedBy(mail).map((h) => [h.entry.value, h.confidence]), [['Contoso Mail Server 2019 CU14', 'possible']]);
  index.learn('contoso mail server', nameKey('Contoso', 'Mail Server')!);
  const [hit] = index.affectedBy(mail);
  assert.deepEqual([hit.entry.value, hit.entry.by === 'name' && hit.entry.identity, hit.version], ['Contoso Mail Server 2019 CU14', 'name:contoso|mail server', '2019 CU14']);
  assert.match(hit.explanation, /names for every version/);
});

test('a phrase that two vendors use maps to neither', () => {
  const names = new SoftwareNames();
  names.learn('gateway', 'name:example|gateway');
  assert.equal(names.map(['Gateway', '1.0'])?.identity, 'name:example|gateway');
  names.learn('gateway', 'name:other|gateway');
  assert.equal(names.map(['Gateway', '1.0']), undefined);
  assert.equal(names.map(['Other', 'Gateway', '1.0']), undefined, 'the vendor phrase was never learnt');
});

test('the strongest route decides: a purl on both sides is not matched again by name; wildcard CPEs are not indexed', () => {
  const index = SoftwareIndex.build([asset(1, 1, 'pkg:deb/debian/openssl@3.0.11-1?distro=debian-12'), asset(2, 1, 'cpe:2.3:a:*:log4j:2.14:*:*:*:*:*:*:*')]);
  const entry = index.entry(1)!;
  const other = matchEntry(entry, product({ purl: 'pkg:deb/debian/openssl?distro=debian-11', range: 'vers:deb/<3.0.12' }), 'DSA-1');
  assert.deepEqual([other.matched, other.explanation], [false, 'your pkg:deb/debian/openssl@3.0.11-1?distro=debian-12 is built for debian-12, the advisory of DSA-1 concerns debian-11']);
  const log4j = index.affectedBy(advisory('CVE-2021-44228', [product({ cpe: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', range: 'vers:maven/>=2.0|<2.15.0' })]));
  assert.deepEqual(log4j, [], 'a wildcard vendor never matches');
  const version = matchEntry(entry, product({ purl: 'pkg:deb/debian/openssl?distro=debian-12', range: 'vers:deb/<3.0.11-1' }), 'DSA-2');
  assert.equal(version.matched, false);
});

test('removing an asset takes it out of every key it was filed under', () => {
  const index = SoftwareIndex.build([asset(1, 1, 'pkg:npm/left-pad@1.0.0'), asset(2, 2, 'pkg:npm/left-pad@1.0.0')]);
  index.remove(1);
  assert.deepEqual(index.affectedBy(advisory('GHSA-lp', [product({ purl: 'pkg:npm/left-pad' })])).map((h) => [h.entry.organisationId, h.confidence]), [[2, 'likely']]);
  assert.equal(index.size, 1);
});

test('an advisory range that cannot be read leaves a plain name without version a possible match, shown as written', () => {
  const index = SoftwareIndex.build([asset(1, 1, 'Contoso Mail Server'), asset(2, 2, 'Contoso Mail Server 7.1')]);
  const hits = index.affectedBy(advisory('CVE-2026-40002', [product({ vendor: 'Contoso', product: 'Mail Server', range: 'before 2.0' })]));
  assert.deepEqual(hits.map((h) => [h.entry.value, h.confidence]), [['Contoso Mail Server', 'possible']]);
  assert.match(hits[0].explanation, /its version is not known to compare with before 2\.0 of/);
});

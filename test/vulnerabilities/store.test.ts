import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Store } from '../../src/store/index.ts';
import { listAdvisories } from '../../src/advisories/store.ts';
import { inProcessBus } from '../../src/bus/index.ts';
import { organisationAssetsChanged, reevaluateOrganisation } from '../../src/pipeline/advisories.ts';
import { addAssets, listAssets, listInventories, removeAsset } from '../../src/registry/index.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';
import { ANALYST, CRITICAL, MEDIUM, cveRecord, cyclonedx, enrol, importSbom, ingestText, kevCatalogue, osv, spdx, vexNotAffected, vulnerabilityFindings } from './helpers.ts';

onEachStore('inventories and advisories', (kind) => {
  let testStore: TestStore;
  let store: Store;
  before(async () => {
    testStore = await freshStore(kind);
    store = await testStore.open();
  });
  after(async () => {
    await store.close();
    await testStore.dispose();
  });

  test('an SBOM becomes verified software assets; re-importing it replaces its entries and only those', async () => {
    const { db } = store;
    await enrol(db, 'INV-1');
    const first = await importSbom(db, 'INV-1', 'web.cdx.json', cyclonedx([
      { name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
      { name: 'left-pad', version: '1.0.0', purl: 'pkg:npm/left-pad@1.0.0' },
      { name: 'Voorbeeldserver', version: '3.1' },
    ], 'urn:uuid:11111111-1111-1111-1111-111111111111'));
    assert.equal(first.added, 3);
    await importSbom(db, 'INV-1', 'erp.spdx.json', spdx([{ name: 'requests', versionInfo: '2.28.0', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/requests@2.28.0' }] }]));
    const again = await importSbom(db, 'INV-1', 'renamed.cdx.json', cyclonedx([
      { name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' },
      { name: 'left-pad', version: '1.0.0', purl: 'pkg:npm/left-pad@1.0.0' },
    ], 'urn:uuid:11111111-1111-1111-1111-111111111111'));
    assert.deepEqual([again.added, again.removed, again.inventory.id], [1, 2, first.inventory.id]);
    const assets = await listAssets(db, { org: 'INV-1' });
    assert.deepEqual(assets.map((a) => [a.value, a.verification, a.verifiedBy]), [
      ['pkg:npm/left-pad@1.0.0', 'analyst', 'analyst@centre'],
      ['pkg:npm/lodash@4.17.21', 'analyst', 'analyst@centre'],
      ['pkg:pypi/requests@2.28.0', 'analyst', 'analyst@centre'],
    ]);
    const inventories = await listInventories(db, { org: 'INV-1' });
    assert.deepEqual(inventories.map((i) => [i.file, i.format, i.entries]), [['erp.spdx.json', 'spdx', 1], ['renamed.cdx.json', 'cyclonedx', 2]]);
  });

  test('purl, CPE and plain-name entries match with their confidence and a checkable explanation', async () => {
    const { db } = store;
    await enrol(db, 'M-1', 'M-2');
    await importSbom(db, 'M-1', 'm1.cdx.json', cyclonedx([
      { name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
      { name: 'gateway', version: '1.3.0', cpe: 'cpe:2.3:a:example:gateway:1.3.0:*:*:*:*:*:*:*' },
      { name: 'Example Gateway', version: '1.4.0' },
      { name: 'Gateway', version: '1.2' },
    ]));
    await importSbom(db, 'M-2', 'm2.cdx.json', cyclonedx([
      { name: 'lodash', version: '4.17.21', purl: 'pkg:npm/lodash@4.17.21' },
      { name: 'gateway', cpe: 'cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*' },
      { name: 'Example Gateway', version: '1.5.0' },
    ]));
    const report = await ingestText(db, 'lodash.json', osv({ id: 'GHSA-lod1-aaaa-bbbb', aliases: ['CVE-2026-30001'], vector: CRITICAL, affected: [{ ecosystem: 'npm', name: 'lodash', fixed: '4.17.21' }] }), 'osv');
    assert.equal(report.findingsNew, 1, 'only the lodash below 4.17.21');
    // Another vendor's Gateway makes the bare name "Gateway" ambiguous: it is matched by name only.
    await ingestText(db, 'other.json', cveRecord('CVE-2026-30003', [{ vendor: 'Other', product: 'Gateway', lessThan: '0.1' }]), 'cve5');
    await ingestText(db, 'gateway.json', cveRecord('CVE-2026-30002', [{ vendor: 'Example', product: 'Gateway', cpes: ['cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*'], lessThan: '1.4.2' }]), 'cve5');
    const found = (await vulnerabilityFindings(db)).filter((f) => ['CVE-2026-30001', 'CVE-2026-30002'].includes(f.type));
    assert.deepEqual(found.map((f) => [f.org, f.type, f.asset, f.confidence, f.version, f.fixedIn]), [
      ['M-1', 'CVE-2026-30001', 'pkg:npm/lodash@4.17.15', 'confirmed', '4.17.15', '4.17.21'],
      ['M-1', 'CVE-2026-30002', 'cpe:2.3:a:example:gateway:1.3.0:*:*:*:*:*:*:*', 'confirmed', '1.3.0', '1.4.2'],
      ['M-1', 'CVE-2026-30002', 'Example Gateway 1.4.0', 'likely', '1.4.0', '1.4.2'],
      ['M-1', 'CVE-2026-30002', 'Gateway 1.2', 'possible', '1.2', '1.4.2'],
      ['M-2', 'CVE-2026-30002', 'cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*', 'likely', null, null],
    ]);
    const explanation = (asset: string) => found.find((f) => f.asset === asset)!.explanation;
    assert.equal(explanation('pkg:npm/lodash@4.17.15'), 'your pkg:npm/lodash@4.17.15 is in vers:npm/<4.17.21 of GHSA-lod1-aaaa-bbbb, fixed in 4.17.21');
    assert.match(explanation('Example Gateway 1.4.0'), /by its vendor and product name, version 1\.4\.0 in vers:semver\/<1\.4\.2 of CVE-2026-30002/);
    assert.match(explanation('Gateway 1.2'), /by name only, version 1\.2 in/);
    assert.match(explanation('cpe:2.3:a:example:gateway:*:*:*:*:*:*:*:*'), /your version is not known/);
    assert.deepEqual([found[0].severity, found[0].cve, found[0].aliases], ['critical', 'CVE-2026-30001', ['GHSA-lod1-aaaa-bbbb']]);
  });

  test('advisories sharing an alias make one finding, also when the CVE arrives later', async () => {
    const { db } = store;
    await enrol(db, 'A-1');
    await importSbom(db, 'A-1', 'a1.cdx.json', cyclonedx([{ name: 'urllib9', version: '1.0.0', purl: 'pkg:pypi/urllib9@1.0.0' }]));
    await ingestText(db, 'ghsa.json', osv({ id: 'GHSA-urll-0000-0001', affected: [{ ecosystem: 'PyPI', name: 'urllib9', fixed: '1.0.5' }] }), 'osv');
    assert.deepEqual((await vulnerabilityFindings(db)).filter((f) => f.org === 'A-1').map((f) => f.type), ['GHSA-urll-0000-0001']);
    await ingestText(db, 'pysec.json', osv({ id: 'PYSEC-2026-1', aliases: ['CVE-2026-31001', 'GHSA-urll-0000-0001'], affected: [{ ecosystem: 'PyPI', name: 'urllib9', fixed: '1.0.4' }] }), 'osv');
    await ingestText(db, 'cve.json', osv({ id: 'OSV-2026-9', aliases: ['CVE-2026-31001'], affected: [{ ecosystem: 'PyPI', name: 'urllib9', fixed: '1.0.4' }] }), 'osv');
    const found = (await vulnerabilityFindings(db)).filter((f) => f.org === 'A-1');
    assert.deepEqual(found.map((f) => [f.type, f.cve, f.aliases, f.status]), [['CVE-2026-31001', 'CVE-2026-31001', ['GHSA-urll-0000-0001', 'OSV-2026-9', 'PYSEC-2026-1'], 'new']]);
  });

  test('KEV raises severity and keeps the required action; it creates no findings; EPSS enriches too', async () => {
    const { db } = store;
    await enrol(db, 'K-1');
    await importSbom(db, 'K-1', 'k1.cdx.json', cyclonedx([{ name: 'minihttp', version: '0.9.0', purl: 'pkg:npm/minihttp@0.9.0' }, { name: 'Contoso Mail Server', version: '2019 CU14' }]));
    await ingestText(db, 'mini.json', osv({ id: 'GHSA-mini-0000-0001', aliases: ['CVE-2026-32001'], vector: MEDIUM, affected: [{ ecosystem: 'npm', name: 'minihttp', fixed: '1.0.0' }] }), 'osv');
    const before = (await vulnerabilityFindings(db)).filter((f) => f.org === 'K-1');
    assert.deepEqual(before.map((f) => [f.type, f.severity, f.kev]), [['CVE-2026-32001', 'medium', null]]);
    const kev = await ingestText(db, 'known_exploited_vulnerabilities.json', kevCatalogue([{ cve: 'CVE-2026-32001', vendor: 'minihttp', product: 'minihttp' }, { cve: 'CVE-2026-32999', vendor: 'Contoso', product: 'Mail Server' }]), 'kev');
    assert.deepEqual([kev.enrichments, kev.findingsNew], [2, 0]);
    const after = (await vulnerabilityFindings(db)).filter((f) => f.org === 'K-1');
    assert.deepEqual(after.map((f) => [f.type, f.severity, f.kev?.requiredAction.startsWith('Apply mitigations'), f.kev?.dueDate]), [['CVE-2026-32001', 'high', true, '2026-12-11']]);
    // KEV's names go into the dictionary: the plain "Contoso Mail Server 2019 CU14" now has an identity.
    await ingestText(db, 'mail.json', cveRecord('CVE-2026-32999', [{ vendor: 'Contoso', product: 'Mail Server', lessThan: '2020' }]), 'cve5');
    const mail = (await vulnerabilityFindings(db)).filter((f) => f.type === 'CVE-2026-32999');
    assert.deepEqual(mail.map((f) => [f.asset, f.confidence, f.severity]), [['Contoso Mail Server 2019 CU14', 'likely', 'critical']]);
    const epss = await ingestText(db, 'epss_scores.csv', '#model_version:v2025.03.14,score_date:2026-11-27T00:00:00+0000\ncve,epss,percentile\nCVE-2026-31001,0.61,0.97\n', 'epss');
    assert.equal(epss.findingsNew, 0);
    assert.deepEqual((await vulnerabilityFindings(db)).filter((f) => f.org === 'A-1').map((f) => [f.severity, f.epss?.score]), [['high', 0.61]]);
  });

  test('a revised advisory re-evaluates its findings; a withdrawn one resolves them', async () => {
    const { db } = store;
    await enrol(db, 'W-1');
    await importSbom(db, 'W-1', 'w1.cdx.json', cyclonedx([{ name: 'tinyparse', version: '2.0.0', purl: 'pkg:cargo/tinyparse@2.0.0' }, { name: 'tinyfmt', version: '1.0.0', purl: 'pkg:cargo/tinyfmt@1.0.0' }]));
    const first = { id: 'RUSTSEC-2026-0001', aliases: ['CVE-2026-33001'], vector: CRITICAL, affected: [{ ecosystem: 'crates.io', name: 'tinyparse', fixed: '2.1.0' }, { ecosystem: 'crates.io', name: 'tinyfmt', fixed: '1.1.0' }] };
    await ingestText(db, 'r1.json', osv(first), 'osv');
    const unchanged = await ingestText(db, 'r1.json', osv(first), 'osv');
    assert.deepEqual([unchanged.advisoriesUnchanged, unchanged.findingsNew], [1, 0]);
    await ingestText(db, 'r2.json', osv({ ...first, modified: '2026-02-01T00:00:00Z', vector: MEDIUM, affected: [{ ecosystem: 'crates.io', name: 'tinyparse', fixed: '2.1.0' }, { ecosystem: 'crates.io', name: 'tinyfmt', introduced: '1.0.5', fixed: '1.1.0' }] }), 'osv');
    const revised = (await vulnerabilityFindings(db)).filter((f) => f.org === 'W-1');
    assert.deepEqual(revised.map((f) => [f.asset, f.severity, f.status, f.statusReason]), [
      ['pkg:cargo/tinyfmt@1.0.0', 'critical', 'resolved', 'no longer affected according to the current advisories and inventory'],
      ['pkg:cargo/tinyparse@2.0.0', 'medium', 'new', null],
    ]);
    await ingestText(db, 'r3.json', osv({ ...first, modified: '2026-03-01T00:00:00Z', withdrawn: '2026-03-01T00:00:00Z' }), 'osv');
    const withdrawn = (await vulnerabilityFindings(db)).filter((f) => f.org === 'W-1');
    assert.deepEqual(withdrawn.map((f) => [f.asset, f.status]), [['pkg:cargo/tinyfmt@1.0.0', 'resolved'], ['pkg:cargo/tinyparse@2.0.0', 'resolved']]);
    assert.equal(withdrawn[1].statusReason, 'advisory withdrawn');
  });

  test('VEX not_affected suppresses for one organisation with --org, for every holder without', async () => {
    const { db } = store;
    await enrol(db, 'V-1', 'V-2', 'V-3');
    for (const org of ['V-1', 'V-2', 'V-3']) await importSbom(db, org, `${org}.cdx.json`, cyclonedx([{ name: 'vexlib', version: '3.0.0', purl: 'pkg:npm/vexlib@3.0.0' }]));
    await importSbom(db, 'V-3', 'V-3b.cdx.json', cyclonedx([{ name: 'vexlib-other', version: '1.0.0', purl: 'pkg:npm/vexlib-other@1.0.0' }]));
    await ingestText(db, 'vex-adv.json', osv({ id: 'GHSA-vexl-0000-0001', aliases: ['CVE-2026-34001'], affected: [{ ecosystem: 'npm', name: 'vexlib', fixed: '3.1.0' }, { ecosystem: 'npm', name: 'vexlib-other', fixed: '1.1.0' }] }), 'osv');
    const one = await ingestText(db, 'v1.vex.json', vexNotAffected('CVE-2026-34001', 'pkg:npm/vexlib@3.0.0'), 'cyclonedx-vex', { org: 'V-1' });
    assert.equal(one.findingsSuppressed, 1);
    const status = async () => (await vulnerabilityFindings(db)).filter((f) => f.type === 'CVE-2026-34001').map((f) => [f.org, f.asset, f.status, f.statusReason]);
    assert.deepEqual(await status(), [
      ['V-1', 'pkg:npm/vexlib@3.0.0', 'suppressed', 'VEX: not affected (code_not_reachable)'],
      ['V-2', 'pkg:npm/vexlib@3.0.0', 'new', null],
      ['V-3', 'pkg:npm/vexlib-other@1.0.0', 'new', null],
      ['V-3', 'pkg:npm/vexlib@3.0.0', 'new', null],
    ]);
    await ingestText(db, 'vendor.vex.json', vexNotAffected('CVE-2026-34001', 'pkg:npm/vexlib@3.0.0', 'vulnerable_code_not_present'), 'cyclonedx-vex');
    assert.deepEqual(await status(), [
      ['V-1', 'pkg:npm/vexlib@3.0.0', 'suppressed', 'VEX: not affected (code_not_reachable)'],
      ['V-2', 'pkg:npm/vexlib@3.0.0', 'suppressed', 'VEX: not affected (vulnerable_code_not_present)'],
      ['V-3', 'pkg:npm/vexlib-other@1.0.0', 'new', null],
      ['V-3', 'pkg:npm/vexlib@3.0.0', 'suppressed', 'VEX: not affected (vulnerable_code_not_present)'],
    ]);
  });

  test('a changed inventory re-evaluates that organisation only', async () => {
    const { db } = store;
    await enrol(db, 'C-1', 'C-2');
    await importSbom(db, 'C-2', 'c2.cdx.json', cyclonedx([{ name: 'chg', version: '1.0.0', purl: 'pkg:npm/chg@1.0.0' }]));
    await ingestText(db, 'chg.json', osv({ id: 'GHSA-chg0-0000-0001', affected: [{ ecosystem: 'npm', name: 'chg', fixed: '1.2.0' }] }), 'osv');
    await importSbom(db, 'C-1', 'c1.cdx.json', cyclonedx([{ name: 'chg', version: '1.1.0', purl: 'pkg:npm/chg@1.1.0' }]));
    assert.equal((await reevaluateOrganisation(db, 'C-1')).findingsNew, 1);
    await importSbom(db, 'C-1', 'c1.cdx.json', cyclonedx([{ name: 'chg', version: '1.2.0', purl: 'pkg:npm/chg@1.2.0' }]));
    const counts = await reevaluateOrganisation(db, 'C-1');
    assert.deepEqual([counts.findingsNew, counts.findingsResolved], [0, 1]);
    const found = (await vulnerabilityFindings(db)).filter((f) => f.type === 'GHSA-chg0-0000-0001');
    assert.deepEqual(found.map((f) => [f.org, f.status, f.lastSeen === found[0].lastSeen]), [['C-1', 'resolved', true], ['C-2', 'new', false]]);
    assert.ok((await listAdvisories(db)).some((a) => a.id === 'GHSA-chg0-0000-0001' && a.affected === 1));
  });

  test('software typed in or removed re-evaluates that organisation only; other assets leave its findings alone', async () => {
    const { db } = store;
    const bus = inProcessBus();
    const heard: number[] = [];
    bus.subscribe('registry.assets', (changes) => void heard.push(changes.added.length + changes.removed.length));
    await enrol(db, 'T-1', 'T-2');
    await importSbom(db, 'T-2', 't2.cdx.json', cyclonedx([{ name: 'typed', version: '1.0.0', purl: 'pkg:npm/typed@1.0.0' }]));
    await ingestText(db, 'typed.json', osv({ id: 'GHSA-typd-0000-0001', affected: [{ ecosystem: 'npm', name: 'typed', fixed: '1.1.0' }] }), 'osv');
    const before = (await vulnerabilityFindings(db)).find((f) => f.org === 'T-2')!;

    const added = await organisationAssetsChanged(db, bus, 'T-1', (await addAssets(db, 'T-1', ['pkg:npm/typed@1.0.0', '192.0.2.0/24'], ANALYST)).changes);
    assert.deepEqual([added.findingsNew, added.findingsResolved], [1, 0]);
    const typed = () => vulnerabilityFindings(db).then((all) => all.filter((f) => f.type === 'GHSA-typd-0000-0001').map((f) => [f.org, f.indicator, f.status, f.statusReason]));
    assert.deepEqual(await typed(), [['T-1', 'pkg:npm/typed@1.0.0', 'new', null], ['T-2', 'pkg:npm/typed@1.0.0', 'new', null]]);
    assert.equal((await vulnerabilityFindings(db)).find((f) => f.org === 'T-2')!.lastSeen, before.lastSeen, 'another organisation is not evaluated again');

    const address = await organisationAssetsChanged(db, bus, 'T-1', await removeAsset(db, 'T-1', '192.0.2.0/24'));
    assert.deepEqual(address, { findingsNew: 0, findingsUpdated: 0, findingsResolved: 0, findingsSuppressed: 0 }, 'removing an address evaluates nothing');
    const removed = await organisationAssetsChanged(db, bus, 'T-1', await removeAsset(db, 'T-1', 'pkg:npm/typed@1.0.0'));
    assert.deepEqual([removed.findingsNew, removed.findingsResolved], [0, 1]);
    assert.deepEqual(await typed(), [
      ['T-1', 'pkg:npm/typed@1.0.0', 'resolved', 'no longer affected according to the current advisories and inventory'],
      ['T-2', 'pkg:npm/typed@1.0.0', 'new', null],
    ]);
    assert.deepEqual(heard, [2, 1, 1], 'the running stages hear of every change');
  });
});

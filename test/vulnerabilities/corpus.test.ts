import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { advisoryFormatByName } from '../../src/advisories/index.ts';
import { ingestAdvisoryFile, loadSoftwareIndex } from '../../src/pipeline/advisories.ts';
import type { Store } from '../../src/store/index.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';
import { cyclonedx, enrol, importSbom, ingestText, osv, vulnerabilityFindings } from './helpers.ts';

/**
 * The real files of ../shared/corpus against fixture organisations of our own:
 * - PY-1 runs requests 2.28.0 and gradio 4.36.1: PYSEC-2023-74 (requests >=2.3.0, <2.31.0) and
 *   GHSA-9v2f-6vcg-3hgv (gradio 4.36.1 listed explicitly) both affect it, confirmed by purl;
 * - PY-2 runs requests 2.31.0, the fixed version: nothing;
 * - CSAF-1 runs CVRF-CSAF-Converter 1.0.0-rc1 (by CPE): BSI-2022-0001 lists that version as affected;
 *   CSAF-2 runs 1.0.0-rc2, which it lists as fixed: nothing;
 * - RH-1 runs telnet from RHEL 7: RHSA-2022:0011 names only fixed packages, so it affects nobody;
 * - RUST-1 imports the SPDX hello-server SBOM (tokio 1.19.2) and is hit by our own tokio record;
 * - the KEV catalogue creates no findings, and teaches the dictionary "Microsoft Exchange Server".
 */
const FILES = {
  pysec: 'osv/PYSEC-2023-74.json',
  gradio: 'osv/GHSA-9v2f-6vcg-3hgv.json',
  bsi: 'csaf/bsi-2022-0001.json',
  rhsa: 'csaf/rhsa-2022_0011.json',
  kev: 'kev/known_exploited_vulnerabilities.json',
  spdx: 'sbom/spdx-2.3-hello-server.spdx.json',
};

onEachStore('corpus advisories against fixture organisations', (kind) => {
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

  test('each real advisory file affects the fixture organisations it should, and says why', async (t) => {
    const paths = Object.fromEntries(Object.entries(FILES).map(([k, v]) => [k, corpusFile(v)]));
    if (Object.values(paths).some((p) => p === undefined)) return t.skip(CORPUS_ABSENT);
    const { db } = store;
    await enrol(db, 'PY-1', 'PY-2', 'CSAF-1', 'CSAF-2', 'RH-1', 'RUST-1');
    await importSbom(db, 'PY-1', 'py1.cdx.json', cyclonedx([{ name: 'requests', purl: 'pkg:pypi/requests@2.28.0' }, { name: 'gradio', purl: 'pkg:pypi/gradio@4.36.1' }]));
    await importSbom(db, 'PY-2', 'py2.cdx.json', cyclonedx([{ name: 'requests', purl: 'pkg:pypi/requests@2.31.0' }]));
    await importSbom(db, 'CSAF-1', 'c1.cdx.json', cyclonedx([{ name: 'CVRF-CSAF-Converter', cpe: 'cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-rc1:*:*:*:*:*:*:*' }]));
    await importSbom(db, 'CSAF-2', 'c2.cdx.json', cyclonedx([{ name: 'CVRF-CSAF-Converter', cpe: 'cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2:*:*:*:*:*:*:*' }]));
    await importSbom(db, 'RH-1', 'rh1.cdx.json', cyclonedx([{ name: 'telnet', purl: 'pkg:rpm/redhat/telnet@0.17-64.el7?arch=x86_64&epoch=1' }, { name: 'Microsoft Exchange Server', version: '2019 CU14' }]));
    const sbom = await importSbom(db, 'RUST-1', 'hello-server.spdx.json', await readFile(paths.spdx!, 'utf8'));
    assert.equal(sbom.inventory.sbomKey, 'https://spdx.org/spdxdocs/k8s-releng-bom-7c6a33ab-bd76-4b06-b291-a850e0815b07');

    for (const [key, format] of [['pysec', 'osv'], ['gradio', 'osv'], ['bsi', 'csaf'], ['rhsa', 'csaf']] as const) {
      const report = await ingestAdvisoryFile(db, await loadSoftwareIndex(db), { file: paths[key]!, format: advisoryFormatByName(format)! });
      assert.deepEqual([report.rejected, report.advisoriesNew], [0, 1], key);
    }
    const kev = await ingestAdvisoryFile(db, await loadSoftwareIndex(db), { file: paths.kev!, format: advisoryFormatByName('kev')! });
    assert.ok(kev.enrichments > 1000);
    assert.equal(kev.findingsNew, 0, 'KEV names no versions and creates no findings');
    await ingestText(db, 'tokio.json', osv({ id: 'KOPPEL-TEST-TOKIO', affected: [{ ecosystem: 'crates.io', name: 'tokio', introduced: '1.19.0', fixed: '1.20.4' }] }), 'osv');

    const found = await vulnerabilityFindings(db);
    assert.deepEqual(found.map((f) => [f.org, f.type, f.asset, f.confidence, f.fixedIn ?? null]), [
      ['CSAF-1', 'CVE-2022-27193', 'cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-rc1:*:*:*:*:*:*:*', 'confirmed', '1.0.0-rc2'],
      ['PY-1', 'CVE-2023-32681', 'pkg:pypi/requests@2.28.0', 'confirmed', '2.31.0'],
      ['PY-1', 'CVE-2024-39236', 'pkg:pypi/gradio@4.36.1', 'confirmed', null],
      ['RUST-1', 'KOPPEL-TEST-TOKIO', 'pkg:cargo/tokio@1.19.2', 'confirmed', '1.20.4'],
    ]);
    const requests = found.find((f) => f.type === 'CVE-2023-32681')!;
    assert.deepEqual([requests.advisory, requests.aliases], ['PYSEC-2023-74', ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74']]);
    assert.equal(requests.explanation, 'your pkg:pypi/requests@2.28.0 is in vers:pypi/>=2.3.0|<2.31.0 of PYSEC-2023-74, fixed in 2.31.0');
    assert.match(found[0].remediation!, /At least version 1\.0\.0-rc2 https:\/\/github\.com\/csaf-tools/);
    const index = await loadSoftwareIndex(db);
    const exchange = index.keys().includes('name:microsoft|exchange server');
    assert.ok(exchange, 'the plain "Microsoft Exchange Server 2019 CU14" maps to the identity KEV names');
  });

  test('the same vulnerability from the national CERT (CSAF) and from OSV is one finding', async () => {
    const { db } = store;
    await enrol(db, 'TWO-1');
    await importSbom(db, 'TWO-1', 'two.cdx.json', cyclonedx([{ name: 'client', purl: 'pkg:npm/%40voorbeeld/client@2.1.0' }]));
    const csaf = await readFile(new URL('../fixtures/advisories/ncsc-2026-0042.json', import.meta.url), 'utf8');
    await ingestText(db, 'ncsc-2026-0042.json', csaf, 'csaf');
    await ingestText(db, 'ghsa.json', osv({ id: 'GHSA-voor-beel-d001', aliases: ['CVE-2026-10001'], affected: [{ ecosystem: 'npm', name: '@voorbeeld/client', introduced: '2.0.0', fixed: '2.4.2' }] }), 'osv');
    const found = (await vulnerabilityFindings(db)).filter((f) => f.org === 'TWO-1');
    assert.deepEqual(found.map((f) => [f.type, f.asset, f.aliases, f.severity]), [
      ['CVE-2026-10001', 'pkg:npm/%40voorbeeld/client@2.1.0', ['GHSA-voor-beel-d001', 'NCSC-2026-0042/CVE-2026-10001'], 'critical'],
    ]);
  });
});

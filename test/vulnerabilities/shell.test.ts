import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApi, createToken } from '../../src/api/index.ts';
import { inProcessContext, type Context } from '../../src/context.ts';
import { planNotices } from '../../src/notices/plan.ts';
import type { Store } from '../../src/store/index.ts';
import { inProcessKoppel } from '../cli/koppel.ts';
import { freshStore, type TestStore } from '../stores.ts';
import { CRITICAL, cveRecord, cyclonedx, osv, tempFile } from './helpers.ts';

let testStore: TestStore;
let store: Store;
let context: Context;
let app: FastifyInstance;
let analyst: string;

before(async () => {
  testStore = await freshStore('embedded');
  store = await testStore.open();
  context = inProcessContext(store, {});
  app = await buildApi(context);
  analyst = await createToken(store.db, { analyst: true }, 'test analyst');
});
after(async () => {
  await app.close();
  await store.close();
  await testStore.dispose();
});

/** Runs one `koppel` command line in this process, on the shared store. */
const koppel = inProcessKoppel(() => context);

test('command line: inventory import and list, ingest detects an OSV file, findings and advisories show the vulnerability', async () => {
  assert.equal((await koppel('org', 'add', '--ref', 'CLI-1', '--name', 'Bakkerij', '--email', 'it@bakkerij.example')).code, 0);
  const sbom = await tempFile('bakkerij.cdx.json', cyclonedx([{ name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' }, { name: 'express', version: '4.18.0', purl: 'pkg:npm/express@4.18.0' }]));
  const imported = await koppel('inventory', 'import', '--org', 'CLI-1', sbom);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /2 entries: 2 added, 0 removed/);
  const inventories = JSON.parse((await koppel('inventory', 'list', '--json')).out);
  assert.deepEqual(inventories.map((i: { org: string; file: string; entries: number }) => [i.org, i.file, i.entries]), [['CLI-1', 'bakkerij.cdx.json', 2]]);

  const advisory = await tempFile('GHSA-cli0-0000-0001.json', osv({ id: 'GHSA-cli0-0000-0001', aliases: ['CVE-2026-35001'], vector: CRITICAL, affected: [{ ecosystem: 'npm', name: 'lodash', fixed: '4.17.21' }] }));
  const ingested = await koppel('ingest', advisory);
  assert.equal(ingested.code, 0, ingested.err);
  assert.match(ingested.out, /osv from osv: 1 records, advisories 1 new.*findings: 1 new/);

  const findings = JSON.parse((await koppel('findings', '--json')).out);
  assert.deepEqual(
    findings.map((f: Record<string, unknown>) => [f.org, f.asset, f.kind, f.type, f.severity, f.cve, f.advisory, f.aliases, f.product, f.version, f.fixedIn, f.confidence]),
    [['CLI-1', 'pkg:npm/lodash@4.17.15', 'vulnerable', 'CVE-2026-35001', 'critical', 'CVE-2026-35001', 'GHSA-cli0-0000-0001', ['GHSA-cli0-0000-0001'], 'pkg:npm/lodash', '4.17.15', '4.17.21', 'confirmed']],
  );
  const table = (await koppel('findings')).out;
  assert.match(table.split('\n')[0], /confidence/);
  const advisories = JSON.parse((await koppel('advisories', '--json')).out);
  assert.deepEqual(advisories.map((a: { id: string; severity: string; affected: number }) => [a.id, a.severity, a.affected]), [['GHSA-cli0-0000-0001', 'critical', 1]]);
});

test('a vulnerability notice names the CVE, the product and the version to install', async () => {
  const report = await planNotices(store.db, { now: new Date(), org: 'CLI-1', dryRun: true, verificationBase: 'https://koppel.example', flushDigests: true });
  const notice = report.notices.find((n) => n.contact === 'it@bakkerij.example');
  assert.ok(notice, JSON.stringify(report.decisions));
  assert.match(notice.composed.text, /CVE-2026-35001/);
  assert.match(notice.composed.text, /4\.17\.21/);
});

test('API: SBOM upload, ingest of an advisory file, findings with vulnerability fields, advisories', async () => {
  const auth = { authorization: `Bearer ${analyst}` };
  await app.inject({ method: 'POST', url: '/api/v1/organisations', headers: auth, payload: { ref: 'API-1', name: 'Garage' } });
  const sbom = cyclonedx([{ name: 'requests', version: '2.30.0', purl: 'pkg:pypi/requests@2.30.0' }], 'urn:uuid:22222222-2222-2222-2222-222222222222');
  const upload = await app.inject({ method: 'POST', url: '/api/v1/inventories/API-1?filename=garage.cdx.json', headers: { ...auth, 'content-type': 'application/json' }, payload: sbom });
  assert.equal(upload.statusCode, 201, upload.body);
  assert.deepEqual([upload.json().added, upload.json().inventory.sbomKey], [1, 'urn:uuid:22222222-2222-2222-2222-222222222222']);

  const body = osv({ id: 'PYSEC-2026-90', aliases: ['CVE-2026-35002'], affected: [{ ecosystem: 'PyPI', name: 'requests', introduced: '2.3.0', fixed: '2.31.0' }] });
  const ingest = await app.inject({ method: 'POST', url: '/api/v1/ingest?filename=PYSEC-2026-90.json', headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: body });
  assert.equal(ingest.statusCode, 200, ingest.body);
  assert.deepEqual([ingest.json().format, ingest.json().advisoriesNew, ingest.json().findingsNew], ['osv', 1, 1]);

  const findings = await app.inject({ method: 'GET', url: '/api/v1/findings?org=API-1', headers: auth });
  assert.deepEqual(
    findings.json().map((f: Record<string, unknown>) => [f.asset, f.type, f.cve, f.advisory, f.version, f.fixedIn, f.confidence]),
    [['pkg:pypi/requests@2.30.0', 'CVE-2026-35002', 'CVE-2026-35002', 'PYSEC-2026-90', '2.30.0', '2.31.0', 'confirmed']],
  );
  const advisories = await app.inject({ method: 'GET', url: '/api/v1/advisories', headers: auth });
  assert.ok(advisories.json().some((a: { id: string }) => a.id === 'PYSEC-2026-90'));

  const organisation = await createToken(store.db, { org: 'API-1' });
  const foreign = await app.inject({ method: 'POST', url: '/api/v1/inventories/CLI-1?filename=x.json', headers: { authorization: `Bearer ${organisation}`, 'content-type': 'application/json' }, payload: sbom });
  assert.equal(foreign.statusCode, 403);
});

test('command line: software typed in as a CPE 2.3 name, a CPE 2.2 URI or plain words is matched against the stored advisories at once; removed, its findings resolve', async () => {
  assert.equal((await koppel('org', 'add', '--ref', 'CLI-2', '--name', 'Drukkerij', '--email', 'it@drukkerij.example')).code, 0);
  const record = await tempFile('CVE-2026-37001.json', cveRecord('CVE-2026-37001', [{ vendor: 'Acme', product: 'Widget Server', cpes: ['cpe:2.3:a:acme:widget_server:*:*:*:*:*:*:*:*'], lessThan: '5.2.0' }]));
  assert.equal((await koppel('ingest', '--format', 'cve5', record)).code, 0);
  const findings = async () =>
    (JSON.parse((await koppel('findings', '--org', 'CLI-2', '--json')).out) as Array<Record<string, string>>).map((f) => [f.indicator, f.type, f.status, f.confidence]).sort();

  const cpe = await koppel('asset', 'add', '--org', 'CLI-2', 'cpe:2.3:a:acme:widget_server:5.1.0:*:*:*:*:*:*:*', 'drukkerij.example');
  assert.equal(cpe.code, 0, cpe.err);
  assert.match(cpe.out, /vulnerability findings: 1 new, 0 resolved/);
  const words = await koppel('asset', 'add', '--org', 'CLI-2', 'Acme Widget Server 5.0.1');
  assert.match(words.out, /vulnerability findings: 1 new, 0 resolved/);
  const uri = await koppel('asset', 'add', '--org', 'CLI-2', 'cpe:/a:acme:widget_server:4.0');
  assert.match(uri.out, /vulnerability findings: 1 new, 0 resolved/);
  assert.deepEqual(await findings(), [
    ['Acme Widget Server 5.0.1', 'CVE-2026-37001', 'new', 'likely'],
    ['cpe:/a:acme:widget_server:4.0', 'CVE-2026-37001', 'new', 'confirmed'],
    ['cpe:2.3:a:acme:widget_server:5.1.0:*:*:*:*:*:*:*', 'CVE-2026-37001', 'new', 'confirmed'],
  ]);

  const domain = await koppel('asset', 'remove', '--org', 'CLI-2', 'drukkerij.example');
  assert.doesNotMatch(domain.out, /vulnerability findings/);
  const removed = await koppel('asset', 'remove', '--org', 'CLI-2', 'cpe:2.3:a:acme:widget_server:5.1.0:*:*:*:*:*:*:*');
  assert.equal(removed.code, 0, removed.err);
  assert.match(removed.out, /vulnerability findings: 0 new, 1 resolved/);
  assert.deepEqual((await findings()).map(([indicator, , status]) => [indicator, status]), [
    ['Acme Widget Server 5.0.1', 'new'],
    ['cpe:/a:acme:widget_server:4.0', 'new'],
    ['cpe:2.3:a:acme:widget_server:5.1.0:*:*:*:*:*:*:*', 'resolved'],
  ]);
});

test('API: software registered after an advisory is matched at once, before one by the running index; removed, its finding resolves', async () => {
  const auth = { authorization: `Bearer ${analyst}` };
  await app.inject({ method: 'POST', url: '/api/v1/organisations', headers: auth, payload: { ref: 'API-2', name: 'Werkplaats' } });
  const assets = (values: string[]) => app.inject({ method: 'POST', url: '/api/v1/organisations/API-2/assets', headers: auth, payload: { values } });

  const early = await assets(['pkg:pypi/flask@2.0.0']);
  assert.equal(early.statusCode, 201, early.body);
  assert.deepEqual([early.json().findingsNew, early.json().findingsResolved], [0, 0]);
  const body = osv({ id: 'PYSEC-2026-91', aliases: ['CVE-2026-37002'], affected: [{ ecosystem: 'PyPI', name: 'flask', fixed: '2.3.0' }, { ecosystem: 'PyPI', name: 'jinja2', fixed: '3.1.0' }] });
  const ingest = await app.inject({ method: 'POST', url: '/api/v1/ingest?filename=PYSEC-2026-91.json', headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: body });
  assert.equal(ingest.json().findingsNew, 1, 'the running index heard of the asset registered before the advisory');

  const late = await assets(['pkg:pypi/jinja2@3.0.0']);
  assert.deepEqual([late.json().findingsNew, late.json().findingsResolved], [1, 0]);
  const removed = await app.inject({ method: 'DELETE', url: `/api/v1/organisations/API-2/assets?value=${encodeURIComponent('pkg:pypi/flask@2.0.0')}`, headers: auth });
  assert.equal(removed.statusCode, 204);
  const findings = await app.inject({ method: 'GET', url: '/api/v1/findings?org=API-2', headers: auth });
  assert.deepEqual(findings.json().map((f: Record<string, unknown>) => [f.indicator, f.status]).sort(), [
    ['pkg:pypi/flask@2.0.0', 'resolved'],
    ['pkg:pypi/jinja2@3.0.0', 'new'],
  ]);
});

test('command line: a registry import that brings software matches it against the stored advisories, for those organisations only', async () => {
  const record = await tempFile('CVE-2026-37002.json', cveRecord('CVE-2026-37002', [{ vendor: 'Acme', product: 'Gate Keeper', cpes: ['cpe:2.3:a:acme:gate_keeper:*:*:*:*:*:*:*:*'], lessThan: '3.0.0' }]));
  assert.equal((await koppel('ingest', '--format', 'cve5', record)).code, 0);
  const registry = await tempFile(
    'registry.csv',
    [
      'org_ref,org_name,contact_email,asset',
      'IMP-1,Smederij,it@smederij.example,cpe:2.3:a:acme:gate_keeper:2.4.1:*:*:*:*:*:*:*',
      'IMP-1,Smederij,,smederij.example',
      'IMP-2,Bakkerij Noord,it@noord.example,noord.example',
      'IMP-3,Haven BV,it@haven.example,cpe:2.3:a:acme:gate_keeper:3.1.0:*:*:*:*:*:*:*',
    ].join('\n'),
  );
  const imported = await koppel('registry', 'import', registry);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /vulnerability findings: 1 new, 0 resolved/);
  const findings = JSON.parse((await koppel('findings', '--json')).out) as Array<Record<string, string>>;
  assert.deepEqual(
    findings.filter((f) => f.org.startsWith('IMP-')).map((f) => [f.org, f.indicator, f.type, f.fixedIn]),
    [['IMP-1', 'cpe:2.3:a:acme:gate_keeper:2.4.1:*:*:*:*:*:*:*', 'CVE-2026-37002', '3.0.0']],
  );
  const again = await koppel('registry', 'import', registry);
  assert.doesNotMatch(again.out, /vulnerability findings/, 're-importing the same file changes nothing');
});

import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { KoppelError } from '../../src/errors.ts';
import {
  addAssets,
  addOrganisation,
  exportRegistry,
  getOrganisation,
  importRegistry,
  listAssets,
  listOrganisations,
  removeAsset,
  removeOrganisation,
  type Actor,
} from '../../src/registry/index.ts';
import type { Store } from '../../src/store/index.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';

const analyst: Actor = { role: 'analyst', name: 'tester', via: 'cli' };

async function exported(store: Store, format: 'csv' | 'json'): Promise<string> {
  const parts: string[] = [];
  await exportRegistry(store.db, (t) => void parts.push(t), format);
  return parts.join('');
}

async function rejection(promise: Promise<unknown>): Promise<KoppelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KoppelError, `expected a KoppelError, got ${error}`);
    return error;
  }
  assert.fail('expected the call to be refused');
}

onEachStore('registry', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let dir: string;
  before(async () => {
    testStore = await freshStore(kind);
    store = await testStore.open();
    dir = await mkdtemp(path.join(tmpdir(), 'koppel-registry-'));
  });
  after(async () => {
    await store.close();
    await testStore.dispose();
  });

  test('an organisation with a contact and assets, canonicalised and verified by the analyst', async () => {
    await addOrganisation(store.db, { ref: 'KVK-1', name: 'Bakkerij de Vries', language: 'nl' }, { email: 'it@bakkerij.example' });
    const { changes, warnings } = await addAssets(store.db, 'KVK-1', ['10.0.0.1/24', '2001:DB8:0:0::/32', 'münchen.de', 'AS64500', '192.0.2.7'], analyst);
    assert.deepEqual(changes.added.map((a) => a.value).sort(), ['10.0.0.0/24', '192.0.2.7', '2001:db8::/32', '64500', 'xn--mnchen-3ya.de']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /10\.0\.0\.0\/24/);
    const assets = await listAssets(store.db, { org: 'KVK-1' });
    assert.equal(assets.length, 5);
    assert.ok(assets.every((a) => a.verification === 'analyst' && a.verifiedBy === 'tester' && a.org === 'KVK-1'));
    const org = await getOrganisation(store.db, 'KVK-1');
    assert.deepEqual(org.contacts.map((c) => c.email), ['it@bakkerij.example']);
  });

  test('refusals name the value: public suffixes, bad prefixes, reserved AS numbers, duplicates', async () => {
    const error = await rejection(addAssets(store.db, 'KVK-1', ['co.uk', '10.0.0.0/33', 'AS0', 'good.example'], analyst));
    assert.equal(error.code, 'invalid');
    assert.deepEqual(error.problems.map((p) => p.value), ['co.uk', '10.0.0.0/33', 'AS0']);
    assert.equal((await listAssets(store.db, { org: 'KVK-1' })).length, 5, 'nothing of a refused request is added');
    const duplicate = await rejection(addAssets(store.db, 'KVK-1', ['10.0.0.0/24'], analyst));
    assert.equal(duplicate.code, 'conflict');
    assert.match(duplicate.message, /already registered/);
    const again = await rejection(addOrganisation(store.db, { ref: 'KVK-1', name: 'Other' }));
    assert.equal(again.code, 'conflict');
    const unknown = await rejection(addAssets(store.db, 'NOPE', ['example.nl'], analyst));
    assert.equal(unknown.code, 'not-found');
  });

  test('the same asset may belong to two organisations (a provider and its customer)', async () => {
    await addOrganisation(store.db, { ref: 'HOST-1', name: 'Hosting BV' });
    await addAssets(store.db, 'HOST-1', ['10.0.0.0/16'], analyst);
    await addAssets(store.db, 'HOST-1', ['10.0.0.0/24'], analyst);
    const holders = (await listAssets(store.db)).filter((a) => a.value === '10.0.0.0/24').map((a) => a.org);
    assert.deepEqual(holders.sort(), ['HOST-1', 'KVK-1']);
  });

  test('an asset is removed by its value as typed', async () => {
    const changes = await removeAsset(store.db, 'HOST-1', '10.0.0.5/24');
    assert.equal(changes.removed.length, 1);
    assert.deepEqual((await listAssets(store.db, { org: 'HOST-1' })).map((a) => a.value), ['10.0.0.0/16']);
    assert.equal((await rejection(removeAsset(store.db, 'HOST-1', '10.0.0.0/24'))).code, 'not-found');
  });

  test('import reports every bad row with line and field, and imports nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(
      file,
      'org_ref,org_name,contact_email,asset\n' +
        'NEW-1,Nieuw BV,info@nieuw.example,192.0.2.0/24\n' +
        'NEW-1,Nieuw BV,,nl\n' +
        'NEW-2,,info@twee.example,twee.example\n' +
        'NEW-3,Drie BV,not-an-address,AS65000\n' +
        'NEW-1,Nieuw BV,,192.0.2.0/24\n',
    );
    const before = await exported(store, 'json');
    const error = await rejection(importRegistry(store.db, file, { actor: analyst }));
    assert.match(error.message, /4 of 5 rows are invalid; nothing was imported/);
    const where = error.problems.map((p) => `${p.line}:${p.field}`);
    assert.deepEqual(where, ['3:asset', '4:org_name', '5:contact_email', '5:asset', '6:asset']);
    assert.ok(error.problems.every((p) => p.file === file));
    assert.match(error.problems[4].reason, /already given for NEW-1 on line 2/);
    assert.equal(await exported(store, 'json'), before, 'a failed import leaves the store as it was');

    const report = await importRegistry(store.db, file, { actor: analyst, skipInvalid: true });
    assert.equal(report.rejected, 4);
    assert.equal(report.organisationsCreated, 1);
    assert.equal(report.assetsAdded, 1);
    assert.deepEqual((await listAssets(store.db, { org: 'NEW-1' })).map((a) => a.value), ['192.0.2.0/24']);
  });

  test('a CSV without the required columns is refused at line 1', async () => {
    const file = path.join(dir, 'header.csv');
    await writeFile(file, 'ref,name\nA,B\n');
    const error = await rejection(importRegistry(store.db, file, { actor: analyst }));
    assert.equal(error.problems[0].line, 1);
    assert.match(error.problems[0].reason, /org_ref, org_name, contact_email, asset/);
  });

  test('export → import round-trips on CSV and JSON, and re-importing changes nothing', async () => {
    for (const format of ['csv', 'json'] as const) {
      const text = await exported(store, format);
      const file = path.join(dir, `registry.${format}`);
      await writeFile(file, text);
      const report = await importRegistry(store.db, file, { actor: analyst });
      assert.equal(report.rejected, 0, JSON.stringify(report.problems));
      assert.deepEqual([report.organisationsCreated, report.organisationsUpdated, report.contactsAdded, report.assetsAdded], [0, 0, 0, 0], format);

      const target = await freshStore(kind);
      const copy = await target.open();
      try {
        const first = await importRegistry(copy.db, file, { actor: analyst });
        assert.equal(first.organisationsCreated, (await listOrganisations(store.db)).length);
        const strip = (s: string) => s.replace(/"createdAt":"[^"]+"/g, '');
        assert.equal(strip(await exported(copy, format)), strip(text), `${format} export of the copy equals the original`);
      } finally {
        await copy.close();
        await target.dispose();
      }
    }
  });

  test('a contact named again by an import keeps its language', async () => {
    await addOrganisation(store.db, { ref: 'LANG-1', name: 'Taal BV', language: 'en' });
    const file = path.join(dir, 'contacts.csv');
    await writeFile(file, 'org_ref,org_name,contact_email,asset,contact_language\nLANG-1,Taal BV,a@taal.example,,en\n');
    await importRegistry(store.db, file, { actor: analyst });
    await writeFile(file, 'org_ref,org_name,contact_email,asset\nLANG-1,Taal BV,A@Taal.example,\n');
    const report = await importRegistry(store.db, file, { actor: analyst });
    assert.equal(report.contactsAdded, 0);
    const org = await getOrganisation(store.db, 'LANG-1');
    assert.deepEqual(org.contacts.map((c) => [c.email, c.language]), [['a@taal.example', 'en']]);
    assert.equal(org.language, 'en', 'an import without org_language keeps the language');
  });

  test('removing an organisation removes its assets and reports them', async () => {
    const removed = await removeOrganisation(store.db, 'HOST-1');
    assert.equal(removed.length, 1);
    assert.equal((await listOrganisations(store.db)).some((o) => o.ref === 'HOST-1'), false);
  });
});

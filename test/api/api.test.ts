import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApi, createToken } from '../../src/api/index.ts';
import { inProcessContext } from '../../src/context.ts';
import type { AssetChanges } from '../../src/registry/index.ts';
import type { Store } from '../../src/store/index.ts';
import { freshStore, type TestStore } from '../stores.ts';

let testStore: TestStore;
let store: Store;
let app: FastifyInstance;
let analyst: string;
const published: AssetChanges[] = [];

before(async () => {
  testStore = await freshStore('embedded');
  store = await testStore.open();
  const context = inProcessContext(store, {});
  context.bus.subscribe('registry.assets', (c) => void published.push(c));
  app = await buildApi(context);
  analyst = await createToken(store.db, { analyst: true }, 'test analyst');
});
after(async () => {
  await app.close();
  await store.close();
  await testStore.dispose();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

test('health, the OpenAPI 3.1 description and the browsable reference need no token', async () => {
  const health = await app.inject({ url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok', store: 'embedded' });
  const spec = (await app.inject({ url: '/openapi.json' })).json();
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.paths['/api/v1/organisations'].post, 'the registry routes are described');
  assert.ok(spec.paths['/api/v1/organisations/{ref}/assets'].post.requestBody);
  const docs = await app.inject({ url: '/docs/' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.headers['content-type'] as string, /html/);
});

test('the registry needs a valid token', async () => {
  const none = await app.inject({ url: '/api/v1/organisations' });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().error, 'unauthorised');
  const bad = await app.inject({ url: '/api/v1/organisations', headers: as('kpl_wrong') });
  assert.equal(bad.statusCode, 401);
});

test('an analyst enrols an organisation and registers its assets', async () => {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/organisations',
    headers: as(analyst),
    payload: { ref: 'KVK-9', name: 'Garage Jansen', language: 'en', contact: { email: 'Info@Garage.example' } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const assets = await app.inject({ method: 'POST', url: '/api/v1/organisations/KVK-9/assets', headers: as(analyst), payload: { values: ['198.51.100.0/24', 'garage.example'] } });
  assert.equal(assets.statusCode, 201, assets.body);
  assert.deepEqual(assets.json().assets.map((a: { kind: string; verification: string }) => [a.kind, a.verification]), [['cidr', 'analyst'], ['domain', 'analyst']]);
  assert.equal(published.at(-1)?.added.length, 2, 'the matching index hears of new assets at once');
  const detail = (await app.inject({ url: '/api/v1/organisations/KVK-9', headers: as(analyst) })).json();
  assert.deepEqual(detail.contacts.map((c: { email: string }) => c.email), ['info@garage.example']);
  const list = (await app.inject({ url: '/api/v1/assets?org=KVK-9', headers: as(analyst) })).json();
  assert.deepEqual(list.map((a: { org: string; value: string }) => `${a.org} ${a.value}`), ['KVK-9 198.51.100.0/24', 'KVK-9 garage.example']);
});

test('errors are structured and name the field and value', async () => {
  const refused = await app.inject({ method: 'POST', url: '/api/v1/organisations/KVK-9/assets', headers: as(analyst), payload: { values: ['co.uk'] } });
  assert.equal(refused.statusCode, 400);
  assert.deepEqual(refused.json().problems.map((p: { field: string; value: string }) => [p.field, p.value]), [['value[0]', 'co.uk']]);
  const schema = await app.inject({ method: 'POST', url: '/api/v1/organisations', headers: as(analyst), payload: { name: 'no ref' } });
  assert.equal(schema.statusCode, 400);
  assert.equal(schema.json().error, 'invalid');
  assert.match(JSON.stringify(schema.json().problems), /ref/);
  const missing = await app.inject({ url: '/api/v1/organisations/NOPE', headers: as(analyst) });
  assert.equal(missing.statusCode, 404);
  const duplicate = await app.inject({ method: 'POST', url: '/api/v1/organisations', headers: as(analyst), payload: { ref: 'KVK-9', name: 'again' } });
  assert.equal(duplicate.statusCode, 409);
});

test("an organisation's token reaches its own data only, and adds unverified assets", async () => {
  await app.inject({ method: 'POST', url: '/api/v1/organisations', headers: as(analyst), payload: { ref: 'OTHER', name: 'Ander BV' } });
  const own = await createToken(store.db, { org: 'KVK-9' });
  assert.equal((await app.inject({ url: '/api/v1/organisations/KVK-9/assets', headers: as(own) })).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/v1/organisations/OTHER/assets', headers: as(own) })).statusCode, 403);
  assert.equal((await app.inject({ url: '/api/v1/organisations', headers: as(own) })).statusCode, 403);
  const added = await app.inject({ method: 'POST', url: '/api/v1/organisations/KVK-9/assets', headers: as(own), payload: { values: ['AS64501'] } });
  assert.equal(added.statusCode, 201, added.body);
  assert.equal(added.json().assets[0].verification, 'unverified');
});

test('import takes the file as the body; export gives back what import reads', async () => {
  const csv = 'org_ref,org_name,contact_email,asset\nUP-1,Upload BV,a@upload.example,203.0.113.9\nUP-1,Upload BV,,upload.example\n';
  const imported = await app.inject({ method: 'POST', url: '/api/v1/registry/import', headers: { ...as(analyst), 'content-type': 'text/csv' }, payload: csv });
  assert.equal(imported.statusCode, 200, imported.body);
  assert.equal(imported.json().assetsAdded, 2);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/registry/import', headers: { ...as(analyst), 'content-type': 'text/csv' }, payload: 'org_ref,org_name,contact_email,asset\nX,,,nl\n' });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().problems.map((p: { line: number; field: string }) => `${p.line}:${p.field}`), ['2:org_name', '2:asset']);
  const exported = await app.inject({ url: '/api/v1/registry/export?format=json', headers: as(analyst) });
  assert.equal(exported.statusCode, 200);
  const doc = exported.json();
  assert.equal(doc.format, 'koppel-registry');
  assert.deepEqual(doc.organisations.find((o: { ref: string }) => o.ref === 'UP-1').assets.map((a: { value: string }) => a.value).sort(), ['203.0.113.9', 'upload.example']);
});

test('a feed file uploaded to ingest: its batch, observations and findings; the same list uploaded again with its time adds nothing', async () => {
  await app.inject({ method: 'POST', url: '/api/v1/organisations', headers: as(analyst), payload: { ref: 'FEED-1', name: 'Drukkerij' } });
  await app.inject({ method: 'POST', url: '/api/v1/organisations/FEED-1/assets', headers: as(analyst), payload: { values: ['203.0.113.0/25'] } });
  const upload = () =>
    app.inject({
      method: 'POST',
      url: '/api/v1/ingest?filename=blocklist.txt&format=list&modified=2026-11-27T06:00:00Z',
      headers: { ...as(analyst), 'content-type': 'text/plain' },
      payload: '# hostile entries\n203.0.113.77\nnot-an-entry!\n',
    });
  const first = await upload();
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual([first.json().file, first.json().observations, first.json().rejected, first.json().findingsNew], ['blocklist.txt', 1, 1, 1]);
  assert.equal(first.json().errors[0].line, 3);
  const again = (await upload()).json();
  assert.deepEqual([again.observations, again.duplicates, again.findingsNew], [0, 1, 0]);

  const batches = (await app.inject({ url: '/api/v1/batches', headers: as(analyst) })).json();
  assert.deepEqual(batches.slice(0, 2).map((b: { rows: number; rejected: number; status: string }) => [b.rows, b.rejected, b.status]), [[2, 1, 'done'], [2, 1, 'done']]);
  assert.deepEqual([batches[0].file, batches[0].errors[0].file, batches[0].errors[0].line], ['blocklist.txt', 'blocklist.txt', 3], 'the batch is named by the uploaded file, not where it was kept');
  const observations = (await app.inject({ url: '/api/v1/observations?indicator=203.0.113.0/24', headers: as(analyst) })).json();
  assert.deepEqual(observations.map((o: { subject: { ip: string }; observedAt: string }) => [o.subject.ip, o.observedAt]), [['203.0.113.77', '2026-11-27T06:00:00.000Z']]);
  const [finding] = (await app.inject({ url: '/api/v1/findings?org=FEED-1', headers: as(analyst) })).json();
  assert.deepEqual(
    [finding.org, finding.asset, finding.indicator, finding.kind, finding.type, finding.status, finding.count, finding.firstSeen],
    ['FEED-1', '203.0.113.0/25', '203.0.113.77', 'malicious-infrastructure', 'blocklist', 'new', 1, '2026-11-27T06:00:00.000Z'],
  );
  assert.ok(['severity', 'source', 'lastSeen'].every((field) => field in finding));

  const detail = (await app.inject({ url: `/api/v1/findings/${finding.id}`, headers: as(analyst) })).json();
  assert.deepEqual(detail.observations.map((o: { subject: { ip: string }; evidence: { line: string } }) => [o.subject.ip, o.evidence.line]), [['203.0.113.77', '203.0.113.77']]);
  const decided = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${finding.id}`, headers: as(analyst), payload: { status: 'false-positive', reason: 'our own scanner' } });
  assert.equal(decided.statusCode, 200, decided.body);
  assert.deepEqual([decided.json().status, decided.json().statusReason], ['false-positive', 'our own scanner']);
  const notified = await app.inject({ method: 'PATCH', url: `/api/v1/findings/${finding.id}`, headers: as(analyst), payload: { status: 'notified' } });
  assert.equal(notified.statusCode, 400, 'notified is for delivery to set');
  assert.equal((await app.inject({ method: 'PATCH', url: '/api/v1/findings/999999', headers: as(analyst), payload: { status: 'acknowledged' } })).statusCode, 404);
});

test('an upload dated in the future counts as written when it came in: nothing is observed after it is received', async () => {
  const before = new Date().toISOString();
  const upload = await app.inject({
    method: 'POST',
    url: '/api/v1/ingest?filename=later.txt&format=list&modified=2099-01-01T00:00:00Z',
    headers: { ...as(analyst), 'content-type': 'text/plain' },
    payload: '198.51.100.240\n',
  });
  assert.equal(upload.statusCode, 200, upload.body);
  const [observation] = (await app.inject({ url: '/api/v1/observations?indicator=198.51.100.240', headers: as(analyst) })).json();
  assert.ok(observation.observedAt >= before && observation.observedAt <= new Date().toISOString(), observation.observedAt);
  assert.equal(observation.observedAt, observation.receivedAt);
});

test('an upload in the format its registered source was registered with, when none is given; an unknown source is refused', async () => {
  const registered = await app.inject({ method: 'POST', url: '/api/v1/sources', headers: as(analyst), payload: { name: 'partner-list', format: 'list', reliability: 'C', tlp: 'GREEN' } });
  assert.equal(registered.statusCode, 201, registered.body);
  const upload = (source: string) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/ingest?filename=export.dat&source=${source}`,
      headers: { ...as(analyst), 'content-type': 'text/plain' },
      payload: 'from our partner\n198.51.100.23\n',
    });
  const read = await upload('partner-list');
  assert.equal(read.statusCode, 200, read.body);
  assert.deepEqual([read.json().format, read.json().source, read.json().observations, read.json().rejected], ['list', 'partner-list', 1, 1]);
  const unknown = await upload('nobody');
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.json().message, /no source named "nobody"/);
});

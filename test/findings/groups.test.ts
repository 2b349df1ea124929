import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FindingGroups, OBSERVATIONS_KEPT, type Sighting } from '../../src/findings/index.ts';

const sighting = (observationId: number, s: Partial<Sighting> = {}): Sighting => ({
  observationId,
  sourceId: 1,
  kind: 'exposed-service',
  type: 'open-rdp',
  indicator: '192.0.2.1',
  severity: 'medium',
  tlp: 'GREEN',
  observedAt: `2026-11-27T03:00:${String(observationId % 60).padStart(2, '0')}.000Z`,
  receivedAt: '2026-11-28T00:00:00.000Z',
  port: 3389,
  malware: undefined,
  ...s,
});

test('one group per organisation and threat, naming every asset that reached it, each observation counted once', () => {
  const groups = new FindingGroups();
  // The provider's range and the customer's range and AS: two organisations, the customer through two assets.
  groups.add(sighting(1), [{ organisationId: 10, assetId: 100 }, { organisationId: 20, assetId: 200 }, { organisationId: 20, assetId: 201 }]);
  groups.add(sighting(2), [{ organisationId: 20, assetId: 201 }]);
  groups.add(sighting(2), [{ organisationId: 20, assetId: 201 }]);
  groups.add(sighting(3, { indicator: '192.0.2.2' }), [{ organisationId: 20, assetId: 200 }]);
  assert.equal(groups.size, 3);
  const list = groups.take();
  assert.deepEqual(
    list.map((g) => [g.organisationId, g.indicator, g.assets, g.count, g.observations]),
    [
      [10, '192.0.2.1', [100], 1, [1]],
      [20, '192.0.2.1', [200, 201], 2, [1, 2]],
      [20, '192.0.2.2', [200], 1, [3]],
    ],
  );
  assert.equal(groups.size, 0);
  assert.deepEqual(groups.take(), []);
});

test('the most serious severity, the strictest TLP, the time span, and the port and malware of the latest', () => {
  const groups = new FindingGroups();
  const reached = [{ organisationId: 1, assetId: 1 }];
  groups.add(sighting(5, { severity: 'low', tlp: 'AMBER', port: 80, malware: 'old' }), reached);
  groups.add(sighting(9, { severity: 'high', tlp: 'CLEAR', port: 443, malware: 'mirai' }), reached);
  groups.add(sighting(7, { severity: 'medium', tlp: 'GREEN', port: 8080, malware: 'older' }), reached);
  const [g] = groups.take();
  assert.deepEqual([g.severity, g.tlp, g.earliest, g.last, g.port, g.malware, g.count], ['high', 'AMBER', sighting(5).observedAt, sighting(9).observedAt, 443, 'mirai', 3]);
});

test('a group keeps its latest observations, not all, and still counts every one', () => {
  const groups = new FindingGroups();
  for (let id = 1; id <= OBSERVATIONS_KEPT + 5; id++) groups.add(sighting(id), [{ organisationId: 1, assetId: 1 }]);
  const [g] = groups.take();
  assert.equal(g.count, OBSERVATIONS_KEPT + 5);
  assert.deepEqual(g.observations, Array.from({ length: OBSERVATIONS_KEPT }, (_, i) => i + 6));
});

test('an observation only sent again counts as received, not as seen once more', () => {
  const groups = new FindingGroups();
  const reached = [{ organisationId: 10, assetId: 100 }];
  groups.add(sighting(1), reached);
  groups.add({ ...sighting(1), observationId: undefined, receivedAt: '2026-11-29T00:00:00.000Z' }, reached);
  groups.add({ ...sighting(1, { indicator: '192.0.2.9' }), observationId: undefined }, reached);
  assert.deepEqual(
    groups.take().map((g) => [g.indicator, g.count, g.observations, g.received]),
    [
      ['192.0.2.1', 1, [1], '2026-11-29T00:00:00.000Z'],
      ['192.0.2.9', 0, [], '2026-11-28T00:00:00.000Z'],
    ],
  );
});

/**
 * The NATS bus between processes, on a real NATS server: skipped with a message when none is
 * reachable, except when KOPPEL_REQUIRE_NATS=1 (as CI sets it): then it fails.
 */
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { test } from 'node:test';
import { natsBus } from '../../src/bus/nats.ts';
import type { AssetChanges } from '../../src/registry/index.ts';

const NATS_URL = process.env.KOPPEL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const reachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(NATS_URL);
  const socket = createConnection({ host: hostname, port: Number(port || 4222) });
  socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
  socket.once('connect', () => (socket.end(), resolve(true)));
  socket.once('error', () => resolve(false));
});
if (!reachable && process.env.KOPPEL_REQUIRE_NATS === '1') throw new Error(`NATS is required (KOPPEL_REQUIRE_NATS=1) but ${NATS_URL} is unreachable`);
const skip = reachable ? false : `no NATS server at ${NATS_URL}`;

test('a registry change published in one process reaches the handlers of another, and its own once', { skip }, async () => {
  const cli = await natsBus(NATS_URL);
  const serve = await natsBus(NATS_URL);
  try {
    const heardByServe: AssetChanges[] = [];
    const heardByCli: AssetChanges[] = [];
    const arrived = new Promise<void>((resolve) =>
      serve.subscribe('registry.assets', (changes) => {
        heardByServe.push(changes);
        resolve();
      }),
    );
    cli.subscribe('registry.assets', (changes) => void heardByCli.push(changes));
    const changes: AssetChanges = {
      added: [{ id: 7, organisationId: 3, org: 'KVK-3', kind: 'cidr', value: '198.51.100.0/24', addedVia: 'cli', addedBy: 'analyst', addedAt: '2026-12-07T18:00:00.000Z', verification: 'analyst', verifiedBy: null, verifiedAt: null }],
      removed: [5],
    };
    await cli.publish('registry.assets', changes);
    assert.deepEqual(heardByCli, [changes], 'its own handlers have run when publish returns');
    await arrived;
    assert.deepEqual(heardByServe, [changes]);
    // Time for an echo from the server to arrive, were there one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(heardByCli, [changes], 'the server does not send it back to the process that published it');
  } finally {
    await cli.close();
    await serve.close();
  }
});

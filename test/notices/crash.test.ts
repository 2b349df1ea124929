/**
 * Crash safety of delivery: a real child process delivering notices to a real SMTP server is killed
 * with SIGKILL at random moments, again and again. After restarts every notice has arrived; a notice
 * that arrived twice carries the same Message-ID both times, and only a kill can have caused it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { newTicket } from '../../src/notices/ticket.ts';
import { startSmtpServer, type TestSmtpServer } from '../delivery/smtp-server.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';
import { prng } from '../../bench/registry-file.ts';

const CHILD = fileURLToPath(new URL('./deliver-child.ts', import.meta.url));
const NOTICES = 40;
const KILLS = Number(process.env.KOPPEL_CRASH_KILLS ?? 4);

onEachStore('delivery survives SIGKILL', (kind) => {
  let testStore: TestStore;
  let smtp: TestSmtpServer;
  const tickets: string[] = [];

  before(async () => {
    testStore = await freshStore(kind);
    smtp = await startSmtpServer();
    const store = await testStore.open();
    const org = await store.db.insertInto('organisations').values({ ref: 'CRASH', name: 'Crash BV', language: 'en' }).returning('id').executeTakeFirstOrThrow();
    for (let i = 0; i < NOTICES; i++) {
      const ticket = newTicket();
      tickets.push(ticket);
      await store.db
        .insertInto('notices')
        .values({ ticket, organisation_id: org.id, channel: 'email', address: `person${i}@crash.example`, language: 'en', tlp: 'AMBER', subject: `[${ticket}] test`, text: `notice ${i}`, html: null, status: 'queued' })
        .execute();
    }
    await store.close();
  });
  after(async () => {
    await smtp.close();
    await testStore.dispose();
  });

  const run = (killAfterMs?: number) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(testStore.location), smtp.url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d: Buffer) => {
        if (killAfterMs !== undefined && d.toString().includes('ready')) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      });
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    });

  test(`every notice arrives after ${KILLS} kills; duplicates share their Message-ID`, { timeout: 300_000 }, async () => {
    const random = prng(Number(process.env.KOPPEL_CRASH_SEED ?? Date.now() % 100_000));
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      const outcome = await run(Math.floor(random() * 60));
      if (outcome.signal === 'SIGKILL') kills++;
      else assert.equal(outcome.code, 0, outcome.stderr);
    }
    // The last sender starts once the leases of a killed one have run out (one second, see the child):
    // a sender leaves notices leased by another alone until then.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const last = await run();
    assert.equal(last.code, 0, last.stderr);

    const ids = await Promise.all(smtp.received.map(async (r) => (await simpleParser(r.raw)).messageId));
    const arrived = new Map<string, number>();
    for (const id of ids) arrived.set(id!, (arrived.get(id!) ?? 0) + 1);
    const expected = tickets.map((t) => `<${t}@centre.example>`);
    assert.deepEqual(expected.filter((id) => !arrived.has(id)), [], 'every notice has arrived');
    assert.deepEqual([...arrived.keys()].filter((id) => !expected.includes(id)), [], 'nothing else arrived');
    const duplicates = [...arrived.values()].reduce((n, count) => n + count - 1, 0);
    // A kill can duplicate at most the notices in flight at that moment: one batch of three.
    assert.ok(duplicates <= kills * 3, `${duplicates} duplicates after ${kills} kills`);
    const store = await testStore.open();
    try {
      const states = await store.db.selectFrom('notices').select(['status']).execute();
      assert.ok(states.every((s) => s.status === 'sent'), 'the store knows every notice was sent');
    } finally {
      await store.close();
    }
    process.stdout.write(`# crash test (${kind}): ${kills} kills, ${smtp.received.length} messages for ${NOTICES} notices, ${duplicates} duplicates\n`);
  });
});

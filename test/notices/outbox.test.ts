import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { buildApi } from '../../src/api/index.ts';
import { inProcessContext, type Context } from '../../src/context.ts';
import { createSmtpChannel } from '../../src/delivery/index.ts';
import { deliverDue, type Channels } from '../../src/delivery/outbox-worker.ts';
import { listFindings } from '../../src/findings/index.ts';
import type { Observation } from '../../src/observations/index.ts';
import { listNotices, reviewNotice } from '../../src/notices/outbox.ts';
import { planNotices } from '../../src/notices/plan.ts';
import { setSystemOverrides } from '../../src/notices/policy-store.ts';
import { ingestFile } from '../../src/pipeline/index.ts';
import { addAssets, addContact, addOrganisation, type Actor } from '../../src/registry/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../delivery/smtp-server.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';

const analyst: Actor = { role: 'analyst', name: 'tester', via: 'cli' };
const HOUR = 3_600_000;

function observation(o: Partial<Observation> & Pick<Observation, 'subject'>): Observation {
  return {
    source: 'testfeed',
    observedAt: new Date(Date.now() - HOUR).toISOString(),
    receivedAt: new Date().toISOString(),
    kind: 'compromised',
    type: 'webshell',
    severity: 'high',
    reliability: 'B',
    tlp: 'AMBER',
    others: [],
    evidence: {},
    ...o,
  };
}

onEachStore('notices', (kind) => {
  let testStore: TestStore;
  let context: Context;
  let smtp: TestSmtpServer;
  let channels: Channels;
  let dir: string;
  const db = () => context.store.db;
  const plan = (options: { now?: Date; flushDigests?: boolean; dryRun?: boolean } = {}) =>
    planNotices(db(), { now: options.now ?? new Date(), verificationBase: 'https://koppel.example', flushDigests: options.flushDigests, dryRun: options.dryRun });
  const ingest = async (observations: Observation[]) => {
    const file = path.join(dir, `feed-${Math.random().toString(36).slice(2)}.jsonl`);
    await writeFile(file, observations.map((o) => JSON.stringify(o)).join('\n'));
    return ingestFile(db(), await context.matcher.index(), { file, format: 'jsonl', source: 'testfeed' });
  };
  const deliver = () => deliverDue(db(), channels, { maxAttempts: 3, leaseSeconds: 60, batch: 10, backoff: { baseSeconds: 60, jitter: false } });

  before(async () => {
    testStore = await freshStore(kind);
    const store = await testStore.open();
    context = inProcessContext(store, {});
    dir = await mkdtemp(path.join(tmpdir(), 'koppel-notices-'));
    smtp = await startSmtpServer({ rejectRecipient: (to) => (to.startsWith('bounce@') ? { code: 550, message: 'no such user' } : to.startsWith('busy@') ? { code: 451, message: 'try later' } : undefined) });
    channels = { email: createSmtpChannel({ url: smtp.url, from: 'Koppel <waarschuwing@centre.example>' }) };
    await store.db.insertInto('sources').values({ name: 'testfeed', format: 'jsonl', reliability: 'B', tlp: 'AMBER', severity: null, reports_daily: false }).execute();
    await addOrganisation(store.db, { ref: 'NL-1', name: 'Bakkerij Jansen', language: 'nl' }, { email: 'it@bakkerij.example' });
    await addContact(store.db, (await store.db.selectFrom('organisations').select('id').where('ref', '=', 'NL-1').executeTakeFirstOrThrow()).id, { email: 'helpdesk@leverancier.example', role: 'supplier', language: 'en' });
    await addOrganisation(store.db, { ref: 'EN-1', name: 'Harbour Ltd', language: 'en' }, { email: 'security@harbour.example' });
    for (const [ref, values] of [['NL-1', ['192.0.2.0/24']], ['EN-1', ['198.51.100.0/24']]] as const) {
      const { changes } = await addAssets(store.db, ref, [...values], analyst);
      await context.bus.publish('registry.assets', changes);
    }
  });
  after(async () => {
    await channels.email?.close();
    await smtp.close();
    await context.store.close();
    await testStore.dispose();
  });

  test('serious findings become notices in each contact’s language; the rest is recorded with a reason', async () => {
    await ingest([
      observation({ subject: { ip: '192.0.2.10' }, severity: 'high' }),
      observation({ subject: { ip: '192.0.2.11' }, severity: 'medium', type: 'open-smb', kind: 'exposed-service' }),
      observation({ subject: { ip: '192.0.2.12' }, severity: 'low', type: 'open-ntp', kind: 'exposed-service' }),
      observation({ subject: { ip: '192.0.2.13' }, severity: 'critical', tlp: 'RED', type: 'espionage' }),
      observation({ subject: { ip: '192.0.2.14' }, severity: 'high', tlp: 'AMBER+STRICT', type: 'stolen-session' }),
      observation({ subject: { ip: '198.51.100.5' }, severity: 'critical', kind: 'infected', type: 'qakbot' }),
    ]);
    const report = await plan();
    const summary = report.notices.map((n) => `${n.org} ${n.contact} ${n.language} ${n.findings.length}`).sort();
    assert.deepEqual(summary, ['EN-1 security@harbour.example en 1', 'NL-1 helpdesk@leverancier.example en 1', 'NL-1 it@bakkerij.example nl 2']);
    const reasons = report.decisions.filter((d) => d.action !== 'send-now').map((d) => d.reason).join('\n');
    assert.match(reasons, /below threshold: low/);
    assert.match(reasons, /TLP:RED/);
    assert.match(reasons, /daily digest/);
    assert.match(reasons, /not to helpdesk@leverancier\.example: TLP:AMBER\+STRICT/);
    const dutch = report.notices.find((n) => n.contact === 'it@bakkerij.example')!;
    assert.match(dutch.composed.subject, /KP-/);
    assert.match(dutch.composed.text, /192\.0\.2\[\.\]10/);
    assert.equal(dutch.composed.tlp, 'TLP:AMBER+STRICT', 'a notice carries the strictest label of its contents');
    const stored = await listNotices(db());
    assert.equal(stored.length, 3);
    assert.ok(stored.every((n) => n.status === 'queued'));
  });

  test('without a mail server notices are held, and go out once one is configured', async () => {
    assert.deepEqual(await deliverDue(db(), {}), { sent: 0, retrying: 0, dead: 0 });
    assert.equal((await listNotices(db(), { status: 'queued' })).length, 3);
    const delivered = await deliver();
    assert.equal(delivered.sent, 3);
    assert.equal(smtp.received.length, 3);
    const mail = await simpleParser(smtp.received.find((r) => r.to.includes('it@bakkerij.example'))!.raw);
    const ticket = (await listNotices(db(), { org: 'NL-1' })).find((n) => n.contact === 'it@bakkerij.example')!.ticket;
    assert.equal(mail.messageId, `<${ticket}@centre.example>`);
    assert.match(mail.subject ?? '', new RegExp(ticket));
    assert.equal(mail.attachments.length, 0);
    const findings = await listFindings(db(), { org: 'NL-1' });
    assert.equal(findings.find((f) => f.indicator === '192.0.2.10')?.status, 'notified');
    assert.equal(findings.find((f) => f.indicator === '192.0.2.12')?.status, 'new', 'a finding below the threshold stays visible, unsent');
  });

  test('the public verification page confirms a sent ticket and its domain, nothing more', async () => {
    const app = await buildApi(context);
    try {
      const ticket = (await listNotices(db(), { org: 'EN-1' }))[0].ticket;
      const genuine = await app.inject({ url: `/verify/${ticket.toLowerCase().replace(/-/g, ' ')}` });
      assert.equal(genuine.statusCode, 200);
      assert.deepEqual(Object.keys(genuine.json()).sort(), ['domain', 'genuine', 'sentAt', 'ticket']);
      assert.equal(genuine.json().domain, 'harbour.example');
      const forged = await app.inject({ url: '/verify/KP-AAAA-AAAA-A' });
      assert.equal(forged.statusCode, 404);
      assert.equal(forged.json().genuine, false);
    } finally {
      await app.close();
    }
  });

  test('a finding seen again within its repeat interval is not notified again, and says until when', async () => {
    await ingest([observation({ subject: { ip: '192.0.2.10' }, severity: 'high', observedAt: new Date().toISOString() })]);
    const report = await plan();
    assert.equal(report.notices.length, 0);
    assert.match(report.decisions.map((d) => d.reason).join('\n'), /repeat interval not elapsed: .* every 7 days, not before/);
  });

  test('a resolved finding that is seen again is a new threat: notified at once, whatever its repeat interval', async () => {
    await db().updateTable('findings').set({ status: 'resolved', status_reason: 'fixed, said the organisation', status_changed_at: new Date(Date.now() - 1000) }).where('indicator', '=', '192.0.2.10').execute();
    await ingest([observation({ subject: { ip: '192.0.2.10' }, severity: 'high', observedAt: new Date().toISOString() })]);
    const report = await plan();
    assert.deepEqual(
      report.notices.map((n) => n.contact).sort(),
      ['helpdesk@leverancier.example', 'it@bakkerij.example'],
    );
    const sent = smtp.received.length;
    assert.equal((await deliver()).sent, 2);
    assert.equal(smtp.received.length, sent + 2);
  });

  test('digests wait for their hour, or go now with flushDigests', async () => {
    const waiting = await plan();
    assert.equal(waiting.notices.length, 0);
    const flushed = await plan({ flushDigests: true });
    assert.deepEqual(flushed.notices.map((n) => [n.contact, n.digest, n.findings.length]).sort(), [['helpdesk@leverancier.example', true, 1], ['it@bakkerij.example', true, 1]]);
    const tomorrow = await plan({ now: new Date(Date.now() + 26 * HOUR) });
    assert.equal(tomorrow.notices.length, 0, 'a finding on its way is not planned twice');
    assert.equal((await deliver()).sent, 2);
  });

  test('review mode holds notices until an analyst approves or rejects them', async () => {
    await setSystemOverrides(db(), { review: { mode: 'all' } });
    await ingest([observation({ subject: { ip: '198.51.100.6' }, severity: 'high', type: 'defacement' }), observation({ subject: { ip: '198.51.100.7' }, severity: 'high', type: 'phishing-kit', kind: 'phishing' })]);
    const report = await plan();
    assert.equal(report.notices.length, 1);
    assert.equal(report.notices[0].status, 'held');
    assert.equal((await deliver()).sent, 0, 'held notices do not leave');
    await reviewNotice(db(), report.notices[0].ticket, { approve: false, analyst: 'tester', reason: 'sinkhole artefact' });
    assert.equal((await plan()).notices.length, 0, 'a rejected notice is not planned again until its findings are seen again');
    await ingest([observation({ subject: { ip: '198.51.100.6' }, severity: 'high', type: 'defacement', observedAt: new Date().toISOString() })]);
    const again = await plan();
    assert.equal(again.notices.length, 1);
    await reviewNotice(db(), again.notices[0].ticket, { approve: true, analyst: 'tester' });
    assert.equal((await deliver()).sent, 1);
    await setSystemOverrides(db(), {});
  });

  test('transient failures are retried with back-off; permanent ones are dead-lettered', async () => {
    const orgId = (await db().selectFrom('organisations').select('id').where('ref', '=', 'EN-1').executeTakeFirstOrThrow()).id;
    await addContact(db(), orgId, { email: 'bounce@harbour.example' });
    await addContact(db(), orgId, { email: 'busy@harbour.example' });
    await ingest([observation({ subject: { ip: '198.51.100.8' }, severity: 'critical', type: 'ransomware-precursor' })]);
    await plan();
    const first = await deliver();
    assert.deepEqual([first.sent, first.retrying, first.dead], [1, 1, 1]);
    const notices = await listNotices(db(), { org: 'EN-1' });
    const dead = notices.find((n) => n.contact === 'bounce@harbour.example')!;
    assert.equal(dead.status, 'dead');
    assert.match(dead.lastResponse ?? '', /550/);
    const busy = notices.find((n) => n.contact === 'busy@harbour.example')!;
    assert.equal(busy.status, 'queued');
    assert.match(busy.statusReason ?? '', /retrying at/);
    assert.deepEqual(await deliver(), { sent: 0, retrying: 0, dead: 0 }, 'not before its next attempt');
  });
});

/**
 * The notice commands as an analyst uses them (in this process, on one embedded store, with a real
 * SMTP server): policy, notify with and without --dry-run, review, notices and notice show.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessContext, type Context } from '../../src/context.ts';
import { startSmtpServer, type TestSmtpServer } from '../delivery/smtp-server.ts';
import { freshStore, type TestStore } from '../stores.ts';
import { inProcessKoppel } from './koppel.ts';

let testStore: TestStore;
let context: Context;
let smtp: TestSmtpServer;
let dir: string;

before(async () => {
  testStore = await freshStore('embedded');
  smtp = await startSmtpServer();
  const store = await testStore.open();
  const env = { KOPPEL_SMTP_URL: smtp.url, KOPPEL_SMTP_FROM: 'Koppel <waarschuwing@centre.example>', KOPPEL_PUBLIC_URL: 'https://koppel.example' };
  context = inProcessContext(store, env);
  dir = await mkdtemp(path.join(tmpdir(), 'koppel-cli-notices-'));
});
after(async () => {
  await smtp.close();
  await context.store.close();
  await testStore.dispose();
  await rm(dir, { recursive: true, force: true });
});

const koppel = inProcessKoppel(() => context, tmpdir());

test('policy, notify, review, notices and notice show from the command line', async () => {
  const bad = await koppel('policy', '--send', 'urgent=now', '--repeat', 'compromised=soon');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /"urgent" is not a severity/);
  assert.match(bad.err, /"soon" is not a number of days/);
  assert.equal((await koppel('policy', '--review', 'all')).code, 0);

  assert.equal((await koppel('org', 'add', '--ref', 'NL-7', '--name', 'Smederij Visser', '--email', 'it@visser.example', '--lang', 'nl')).code, 0);
  assert.equal((await koppel('asset', 'add', '--org', 'NL-7', '192.0.2.0/24')).code, 0);
  const optOut = await koppel('org', 'policy', 'NL-7', '--opt-out', 'exposed-service', '--json');
  assert.deepEqual(JSON.parse(optOut.out).optedOutKinds, ['exposed-service']);
  const feed = path.join(dir, 'feed.jsonl');
  const observation = (ip: string, kind: string, type: string) =>
    JSON.stringify({ source: 'cli-feed', observedAt: new Date().toISOString(), receivedAt: new Date().toISOString(), kind, type, severity: 'high', reliability: 'B', tlp: 'AMBER', subject: { ip }, others: [], evidence: {} });
  await writeFile(feed, [observation('192.0.2.7', 'compromised', 'webshell'), observation('192.0.2.8', 'exposed-service', 'open-rdp')].join('\n'));
  assert.equal((await koppel('ingest', '--format', 'jsonl', feed)).code, 0);

  const dry = await koppel('notify', '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /to it@visser\.example \(email, nl, TLP:AMBER, held for review\)/);
  assert.match(dry.out, /192\.0\.2\[\.\]7/);
  assert.doesNotMatch(dry.out, /192\.0\.2\[\.\]8/, 'the opted-out kind is not in it');
  assert.equal(JSON.parse((await koppel('notices', '--json')).out).length, 0, 'a dry run makes nothing');

  const made = await koppel('notify');
  assert.match(made.out, /1 notice\(s\) made \(1 held for review\)/);
  assert.equal(smtp.received.length, 0, 'held notices do not leave');
  const held = JSON.parse((await koppel('review', 'list', '--json')).out) as Array<{ ticket: string }>;
  assert.equal(held.length, 1);
  const ticket = held[0].ticket;
  assert.equal((await koppel('review', 'approve', ticket)).code, 0);
  assert.match((await koppel('notify')).out, /delivered: 1 sent/);
  assert.equal(smtp.received.length, 1);
  assert.deepEqual(smtp.received[0].to, ['it@visser.example']);

  const listed = JSON.parse((await koppel('notices', '--json')).out) as Array<Record<string, unknown>>;
  assert.deepEqual(
    listed.map((n) => [n.ticket, n.org, n.contact, n.channel, n.language, n.tlp, n.status, (n.findings as unknown[]).length]),
    [[ticket, 'NL-7', 'it@visser.example', 'email', 'nl', 'TLP:AMBER', 'sent', 1]],
  );
  const shown = await koppel('notice', 'show', ticket);
  assert.match(shown.out, new RegExp(`ticket ${ticket}  sent`));
  assert.match(shown.out, /Subject: .*KP-/);

  await writeFile(feed, observation('192.0.2.9', 'infected', 'mirai'));
  await koppel('ingest', '--format', 'jsonl', feed);
  await koppel('notify');
  const [second] = JSON.parse((await koppel('review', 'list', '--json')).out) as Array<{ ticket: string }>;
  const missingReason = await koppel('review', 'reject', second.ticket);
  assert.notEqual(missingReason.code, 0, 'a rejection needs its reason');
  assert.equal((await koppel('review', 'reject', second.ticket, '--reason', 'known to the organisation')).code, 0);
  await koppel('notify');
  assert.equal(smtp.received.length, 1, 'a rejected notice never leaves');
  assert.match((await koppel('notice', 'show', second.ticket)).out, /rejected/);
});

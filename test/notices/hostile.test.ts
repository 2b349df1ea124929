/**
 * Hostile feed content end to end: from a feed file through ingest, matching and composition to
 * what a real SMTP server receives. Script, markup, header injection, spreadsheet formulas and very
 * long values must arrive as inert text, and the only link is the notice's own verification page.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { inProcessContext, type Context } from '../../src/context.ts';
import { createSmtpChannel } from '../../src/delivery/index.ts';
import { deliverDue } from '../../src/delivery/outbox-worker.ts';
import { planNotices } from '../../src/notices/plan.ts';
import { ingestFile } from '../../src/pipeline/index.ts';
import { addAssets, addOrganisation } from '../../src/registry/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../delivery/smtp-server.ts';
import { freshStore, type TestStore } from '../stores.ts';

const BASE = 'https://koppel.example';
let testStore: TestStore;
let context: Context;
let smtp: TestSmtpServer;
let dir: string;

before(async () => {
  testStore = await freshStore('embedded');
  const store = await testStore.open();
  context = inProcessContext(store, {});
  smtp = await startSmtpServer();
  dir = await mkdtemp(path.join(tmpdir(), 'koppel-hostile-'));
  await addOrganisation(store.db, { ref: 'NL-66', name: 'Bakkerij Brood', language: 'en' }, { email: 'it@bakkerij.example' });
  const { changes } = await addAssets(store.db, 'NL-66', ['192.0.2.0/24', 'bakkerij.example'], { role: 'analyst', name: 'tester', via: 'cli' });
  await context.bus.publish('registry.assets', changes);
});
after(async () => {
  await smtp.close();
  await context.store.close();
  await testStore.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('hostile feed content reaches the mailbox as inert text', async () => {
  const now = new Date().toISOString();
  const script = '<script>alert(document.cookie)</script>';
  const urlhaus = [
    '# URLhaus Database Dump (CSV)',
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
    `"1","${now.slice(0, 19).replace('T', ' ')}","http://shop.bakkerij.example/${script}""><img src=x onerror=alert(1)>","online","","=HYPERLINK(""http://evil.example"",""x"")","exe","https://urlhaus.abuse.ch/url/1/","x"`,
  ].join('\n');
  const jsonl = JSON.stringify({
    source: 'hostile-feed',
    observedAt: now,
    receivedAt: now,
    kind: 'infected',
    type: '=HYPERLINK("http://evil.example/steal","Click")',
    severity: 'critical',
    reliability: 'C',
    tlp: 'AMBER',
    subject: { ip: '192.0.2.66', port: 8080 },
    others: [],
    hostname: 'evil.example\r\nBcc: everyone@victims.example',
    malware: `<img src=x onerror=alert(1)>${'A'.repeat(5000)}`,
    evidence: { note: 'javascript:alert(1)' },
  });
  const index = await context.matcher.index();
  for (const [name, text, format] of [['urlhaus.csv', urlhaus, 'urlhaus'], ['hostile.jsonl', jsonl, 'jsonl']]) {
    const file = path.join(dir, name);
    await writeFile(file, text);
    const report = await ingestFile(context.store.db, index, { file, format });
    assert.equal(report.findingsNew, 1, `${name}: ${JSON.stringify(report.errors)}`);
  }

  const plan = await planNotices(context.store.db, { now: new Date(), verificationBase: BASE });
  assert.equal(plan.notices.length, 1);
  const channel = createSmtpChannel({ url: smtp.url, from: 'Koppel <waarschuwing@centre.example>' });
  try {
    assert.equal((await deliverDue(context.store.db, { email: channel })).sent, 1);
  } finally {
    await channel.close();
  }
  assert.equal(smtp.received.length, 1);
  assert.deepEqual(smtp.received[0].to, ['it@bakkerij.example'], 'no injected recipient');
  const mail: ParsedMail = await simpleParser(smtp.received[0].raw);
  const ticket = plan.notices[0].ticket;
  assert.equal(mail.bcc, undefined);
  assert.deepEqual([...mail.headers.keys()].filter((h) => h === 'bcc'), []);
  assert.doesNotMatch(mail.subject ?? '', /[\r\n]/);

  const html = String(mail.html);
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>/i);
  assert.deepEqual([...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]), [`${BASE}/verify/${ticket}`], 'the only link is the verification page');

  const text = mail.text ?? '';
  assert.match(text, /hxxp:\/\/shop\[\.\]bakkerij\[\.\]example\/<script>/, 'the URL shown defanged, its markup as text');
  assert.doesNotMatch(text.replaceAll(`${BASE}/verify/${ticket}`, ''), /\b(?:https?|javascript):/i, 'no live URL in the text');
  assert.match(text, /'=HYPERLINK/, 'a formula is quoted so that a spreadsheet shows it as text');
  assert.doesNotMatch(text, /(^|[\s:])=HYPERLINK/m);
  assert.doesNotMatch(text, /A{400}/, 'a very long value is cut');
  assert.match(text, /A+…/);
  assert.doesNotMatch(text, /everyone@victims/i, 'a reverse-DNS name is evidence, never shown as the subject');
});

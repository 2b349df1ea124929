import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createSmtpChannel } from '../../src/delivery/index.ts';
import { deliverDue, type Channels } from '../../src/delivery/outbox-worker.ts';
import { listNotices, reviewNotice } from '../../src/notices/outbox.ts';
import { planNotices } from '../../src/notices/plan.ts';
import { setOrganisationOverrides, setSystemOverrides } from '../../src/notices/policy-store.ts';
import { addContact, addOrganisation } from '../../src/registry/index.ts';
import type { Store } from '../../src/store/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../delivery/smtp-server.ts';
import { freshStore, onEachStore, type TestStore } from '../stores.ts';
import { CRITICAL, cyclonedx, importSbom, ingestText, osv, vulnerabilityFindings, type OsvInput } from '../vulnerabilities/helpers.ts';

const widget: OsvInput = { id: 'GHSA-wdgt-0000-0001', aliases: ['CVE-2026-36001'], vector: CRITICAL, affected: [{ ecosystem: 'npm', name: 'widget', fixed: '1.1.0' }] };
const gadget: OsvInput = { id: 'GHSA-gdgt-0000-0001', aliases: ['CVE-2026-36002'], vector: CRITICAL, affected: [{ ecosystem: 'npm', name: 'gadget', fixed: '2.1.0' }] };
const sprocket: OsvInput = { id: 'GHSA-sprk-0000-0001', aliases: ['CVE-2026-36003'], vector: CRITICAL, affected: [{ ecosystem: 'npm', name: 'sprocket', fixed: '3.1.0' }] };
const withdrawn = (o: OsvInput): OsvInput => ({ ...o, modified: '2026-04-01T00:00:00Z', withdrawn: '2026-04-01T00:00:00Z' });

onEachStore('all-clear after a withdrawn advisory', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let smtp: TestSmtpServer;
  let channels: Channels;
  const plan = () => planNotices(store.db, { now: new Date(), verificationBase: 'https://koppel.example', sender: 'CSIRT Test' });
  const deliver = () => deliverDue(store.db, channels, { maxAttempts: 3, leaseSeconds: 60, batch: 20, backoff: { baseSeconds: 60, jitter: false } });
  const mailTo = (address: string): Promise<ParsedMail[]> => Promise.all(smtp.received.filter((r) => r.to.includes(address)).map((r) => simpleParser(r.raw)));
  /** The mail's text with its lines joined, as a reader takes it in. */
  const flat = (mail: ParsedMail) => (mail.text ?? '').replace(/\s+/g, ' ');
  const ticketsTo = async (address: string) => (await listNotices(store.db)).filter((n) => n.contact === address && n.status === 'sent').map((n) => n.ticket);

  before(async () => {
    testStore = await freshStore(kind);
    store = await testStore.open();
    smtp = await startSmtpServer();
    channels = { email: createSmtpChannel({ url: smtp.url, from: 'CSIRT Test <waarschuwing@centre.example>' }) };
    const { db } = store;
    await addOrganisation(db, { ref: 'AC-NL', name: 'Drukkerij Visser', language: 'nl' }, { email: 'it@drukkerij.example' });
    const nl = await db.selectFrom('organisations').select('id').where('ref', '=', 'AC-NL').executeTakeFirstOrThrow();
    await addContact(db, nl.id, { email: 'helpdesk@leverancier.example', role: 'supplier', language: 'en' });
    await addOrganisation(db, { ref: 'AC-EN', name: 'Harbour Works', language: 'en' }, { email: 'security@harbour.example' });
    await addOrganisation(db, { ref: 'AC-QUIET', name: 'Stille Vennoot', language: 'nl' }, { email: 'info@stil.example' });
    await setOrganisationOverrides(db, 'AC-QUIET', { optedOutKinds: ['vulnerable'] });
    await importSbom(db, 'AC-NL', 'nl.cdx.json', cyclonedx([
      { name: 'widget', version: '1.0.0', purl: 'pkg:npm/widget@1.0.0' },
      { name: 'gadget', version: '2.0.0', purl: 'pkg:npm/gadget@2.0.0' },
      { name: 'sprocket', version: '3.0.0', purl: 'pkg:npm/sprocket@3.0.0' },
    ]));
    await importSbom(db, 'AC-EN', 'en.cdx.json', cyclonedx([{ name: 'widget', version: '1.0.0', purl: 'pkg:npm/widget@1.0.0' }]));
    await importSbom(db, 'AC-QUIET', 'quiet.cdx.json', cyclonedx([{ name: 'widget', version: '1.0.0', purl: 'pkg:npm/widget@1.0.0' }]));
  });
  after(async () => {
    await channels.email?.close();
    await smtp.close();
    await store.close();
    await testStore.dispose();
  });

  test('everyone warned of a withdrawn advisory gets an all-clear in their language naming the earlier ticket; nobody else, and only once', async () => {
    await ingestText(store.db, 'widget.json', osv(widget), 'osv');
    await ingestText(store.db, 'gadget.json', osv(gadget), 'osv');
    const warned = await plan();
    assert.deepEqual(warned.notices.map((n) => [n.contact, n.allClear]).sort(), [
      ['helpdesk@leverancier.example', false],
      ['it@drukkerij.example', false],
      ['security@harbour.example', false],
    ]);
    assert.equal((await deliver()).sent, 3);
    const earlier = { nl: (await ticketsTo('it@drukkerij.example'))[0], supplier: (await ticketsTo('helpdesk@leverancier.example'))[0], en: (await ticketsTo('security@harbour.example'))[0] };

    const ingested = await ingestText(store.db, 'widget-withdrawn.json', osv(withdrawn(widget)), 'osv');
    assert.equal(ingested.findingsResolved, 3);
    const cleared = await plan();
    assert.deepEqual(cleared.notices.map((n) => [n.org, n.contact, n.language, n.allClear, n.status, n.findings.length]).sort(), [
      ['AC-EN', 'security@harbour.example', 'en', true, 'queued', 1],
      ['AC-NL', 'helpdesk@leverancier.example', 'en', true, 'queued', 1],
      ['AC-NL', 'it@drukkerij.example', 'nl', true, 'queued', 1],
    ]);
    assert.equal((await deliver()).sent, 3);

    const [, dutch] = await mailTo('it@drukkerij.example');
    const dutchTicket = cleared.notices.find((n) => n.contact === 'it@drukkerij.example')!.ticket;
    assert.equal(dutch.messageId, `<${dutchTicket}@centre.example>`);
    assert.match(dutch.subject ?? '', new RegExp(`^\\[TLP:CLEAR\\] \\[${dutchTicket}\\] Alles in orde voor melding ${earlier.nl}: advies ingetrokken`));
    assert.match(flat(dutch), /u hoeft niets te doen/);
    assert.match(dutch.text ?? '', /GHSA-wdgt-0000-0001/);
    assert.match(dutch.text ?? '', /pkg:npm\/widget@1\.0\.0/);
    assert.doesNotMatch(dutch.text ?? '', /gadget/, 'the vulnerability still standing is not cleared');
    const [, english] = await mailTo('security@harbour.example');
    assert.match(english.subject ?? '', new RegExp(`All clear for notice ${earlier.en}: advisory withdrawn – Harbour Works`));
    assert.match(flat(english), /you do not need to do anything/);
    const [, supplier] = await mailTo('helpdesk@leverancier.example');
    assert.match(flat(supplier), new RegExp(`Earlier notice: ${earlier.supplier}`));

    assert.equal((await mailTo('info@stil.example')).length, 0, 'an organisation never warned hears nothing');
    assert.deepEqual((await plan()).notices, [], 'an all-clear is sent once');
    const findings = (await vulnerabilityFindings(store.db)).filter((f) => f.org === 'AC-NL');
    assert.deepEqual(findings.map((f) => [f.type, f.status]), [['CVE-2026-36001', 'resolved'], ['CVE-2026-36002', 'notified']]);
  });

  test('a warning still held for review when the advisory is withdrawn is cleared once it has gone out; review holds the all-clear too', async () => {
    await setSystemOverrides(store.db, { review: { mode: 'all' } });
    try {
      await ingestText(store.db, 'sprocket.json', osv(sprocket), 'osv');
      const held = await plan();
      assert.deepEqual(held.notices.map((n) => [n.contact, n.status]).sort(), [['helpdesk@leverancier.example', 'held'], ['it@drukkerij.example', 'held']]);
      await ingestText(store.db, 'sprocket-withdrawn.json', osv(withdrawn(sprocket)), 'osv');
      assert.deepEqual((await plan()).notices, [], 'no all-clear for a warning that has not gone out');
      for (const n of held.notices) await reviewNotice(store.db, n.ticket, { approve: true, analyst: 'tester' });
      assert.equal((await deliver()).sent, 2);

      const cleared = await plan();
      assert.deepEqual(cleared.notices.map((n) => [n.contact, n.allClear, n.status]).sort(), [['helpdesk@leverancier.example', true, 'held'], ['it@drukkerij.example', true, 'held']]);
      assert.match(cleared.decisions.map((d) => d.reason).join('\n'), /review mode: every notice waits for an analyst/);
      assert.equal((await deliver()).sent, 0, 'a held all-clear does not leave');
      const own = cleared.notices.find((n) => n.contact === 'it@drukkerij.example')!;
      const delegate = cleared.notices.find((n) => n.contact === 'helpdesk@leverancier.example')!;
      await reviewNotice(store.db, own.ticket, { approve: true, analyst: 'tester' });
      await reviewNotice(store.db, delegate.ticket, { approve: false, analyst: 'tester', reason: 'the supplier was told by phone' });
      assert.equal((await deliver()).sent, 1);
      const [latest] = (await mailTo('it@drukkerij.example')).filter((m) => m.subject?.includes(own.ticket));
      assert.match(latest.text ?? '', /GHSA-sprk-0000-0001/);
      assert.deepEqual((await plan()).notices, [], 'neither the sent nor the rejected all-clear is made again');
    } finally {
      await setSystemOverrides(store.db, {});
    }
  });
});

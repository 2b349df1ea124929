import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { createSmtpChannel, smtpConfigFromEnv, type OutgoingNotice } from '../../src/delivery/index.ts';
import { KoppelError } from '../../src/errors.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp-server.ts';

const FROM = '"CERT Voorbeeld" <meldingen@cert.example>';

function notice(overrides: Partial<OutgoingNotice> = {}): OutgoingNotice {
  return {
    ticket: 'KPL-7K3M-9QX2',
    to: { address: 'security@bakkerij.example', name: 'Bakkerij de Vries' },
    subject: '[KPL-7K3M-9QX2] Ernstig: een server van u is gehackt',
    text: 'Wij zagen op 2 juni dat 192.0.2.10 malware verspreidt.\nWat nu te doen: laat een IT-specialist de machine onderzoeken.',
    html: '<p>Wij zagen op 2 juni dat <code>192.0.2.10</code> malware verspreidt.</p>',
    language: 'nl',
    tlp: 'TLP:AMBER',
    organisationRef: '12345678',
    ...overrides,
  };
}

describe('SMTP channel against a real SMTP server', () => {
  let server: TestSmtpServer;
  before(async () => {
    server = await startSmtpServer({
      rejectRecipient: (address) => {
        if (address.startsWith('gone@')) return { code: 550, message: '5.1.1 Mailbox does not exist' };
        if (address.startsWith('greylisted@')) return { code: 451, message: '4.7.1 Greylisted, try again later' };
        return undefined;
      },
      rejectMessage: (raw) => (raw.includes('X-Koppel-Ticket: KPL-SPAM') ? { code: 554, message: '5.7.1 Message refused as spam' } : undefined),
    });
  });
  after(() => server.close());

  async function sendAndParse(n: OutgoingNotice) {
    const channel = createSmtpChannel({ url: server.url, from: FROM });
    const before = server.received.length;
    const result = await channel.send(n);
    await channel.close();
    assert.equal(result.accepted, true, result.response);
    assert.equal(server.received.length, before + 1);
    const arrived = server.received[server.received.length - 1];
    return { result, arrived, mail: await simpleParser(arrived.raw) };
  }

  it('delivers plain text with an HTML alternative, no attachments, to the one recipient', async () => {
    const { result, arrived, mail } = await sendAndParse(notice());
    assert.match(result.response, /^250/);
    assert.equal(result.permanent, false);
    assert.deepEqual(arrived.to, ['security@bakkerij.example']);
    assert.equal(arrived.from, 'meldingen@cert.example');
    assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].name : undefined, 'Bakkerij de Vries');
    assert.equal(mail.from?.value[0].address, 'meldingen@cert.example');
    assert.equal(mail.subject, notice().subject);
    assert.equal(mail.text?.trim(), notice().text);
    assert.equal(mail.html && mail.html.trim(), notice().html);
    assert.match(String(mail.headers.get('content-type') && (mail.headers.get('content-type') as { value: string }).value), /^multipart\/alternative$/);
    assert.equal(mail.attachments.length, 0);
  });

  it('sends plain text alone when there is no HTML', async () => {
    const { mail } = await sendAndParse(notice({ html: undefined }));
    assert.equal((mail.headers.get('content-type') as { value: string }).value, 'text/plain');
    assert.equal(mail.html, false);
    assert.equal(mail.attachments.length, 0);
  });

  it('makes the Message-ID from the ticket and the sender domain, and labels ticket, TLP and language', async () => {
    const { mail } = await sendAndParse(notice({ ticket: 'KPL-4TWE-88AB', language: 'en', tlp: 'TLP:AMBER+STRICT' }));
    assert.equal(mail.messageId, '<KPL-4TWE-88AB@cert.example>');
    assert.equal(mail.headers.get('x-koppel-ticket'), 'KPL-4TWE-88AB');
    assert.equal(mail.headers.get('x-koppel-tlp'), 'TLP:AMBER+STRICT');
    assert.equal(mail.headers.get('content-language'), 'en');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
  });

  it('gives a notice sent again (after a restart) the same Message-ID', async () => {
    const first = await sendAndParse(notice({ ticket: 'KPL-AGAIN-1' }));
    const second = await sendAndParse(notice({ ticket: 'KPL-AGAIN-1' }));
    assert.equal(first.mail.messageId, second.mail.messageId);
    assert.equal(first.mail.messageId, '<KPL-AGAIN-1@cert.example>');
  });

  it('keeps a line break in the subject from adding a header or a recipient', async () => {
    const { arrived, mail } = await sendAndParse(notice({ subject: 'Alert\r\nBcc: attacker@evil.example\r\nX-Injected: yes' }));
    assert.deepEqual(arrived.to, ['security@bakkerij.example']);
    assert.equal(mail.headers.has('bcc'), false);
    assert.equal(mail.headers.has('x-injected'), false);
  });

  it('refuses TLP:RED and malformed tickets before anything is sent', async () => {
    const channel = createSmtpChannel({ url: server.url, from: FROM });
    const before = server.received.length;
    const red = await channel.send(notice({ tlp: 'TLP:RED' }));
    const badTicket = await channel.send(notice({ ticket: 'KPL-1>\r\nBcc: x@evil.example' }));
    await channel.close();
    assert.deepEqual([red.accepted, red.permanent], [false, true]);
    assert.match(red.response, /TLP:RED/);
    assert.deepEqual([badTicket.accepted, badTicket.permanent], [false, true]);
    assert.match(badTicket.response, /ticket/);
    assert.equal(server.received.length, before);
  });

  it('classifies a 550 for the recipient as permanent and a 451 as transient', async () => {
    const channel = createSmtpChannel({ url: server.url, from: FROM });
    const gone = await channel.send(notice({ to: { address: 'gone@bakkerij.example' } }));
    const grey = await channel.send(notice({ to: { address: 'greylisted@bakkerij.example' } }));
    await channel.close();
    assert.deepEqual([gone.accepted, gone.permanent], [false, true]);
    assert.match(gone.response, /550/);
    assert.deepEqual([grey.accepted, grey.permanent], [false, false]);
    assert.match(grey.response, /451/);
  });

  it('classifies a 554 for the message after its data as permanent', async () => {
    const channel = createSmtpChannel({ url: server.url, from: FROM });
    const result = await channel.send(notice({ ticket: 'KPL-SPAM' }));
    await channel.close();
    assert.deepEqual([result.accepted, result.permanent], [false, true]);
    assert.match(result.response, /554/);
  });

  it('sends 500 messages over a few pooled connections', async (t) => {
    const channel = createSmtpChannel({ url: server.url, from: FROM, maxConnections: 5 });
    const before = { received: server.received.length, connections: server.connections.total };
    const start = performance.now();
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => channel.send(notice({ ticket: `KPL-POOL-${i}`, html: undefined }))));
    const seconds = (performance.now() - start) / 1000;
    await channel.close();
    t.diagnostic(`500 messages in ${seconds.toFixed(2)} s: ${Math.round(500 / seconds)} messages/s`);
    assert.equal(results.filter((r) => r.accepted).length, 500);
    assert.equal(server.received.length - before.received, 500);
    assert.ok(server.connections.total - before.connections <= 5, `${server.connections.total - before.connections} connections`);
    const ids = new Set(server.received.slice(before.received).map((m) => /^Message-ID: (.*)$/im.exec(m.raw.toString())?.[1]));
    assert.equal(ids.size, 500);
  });
});

describe('SMTP channel when the server is away or wants a login', () => {
  it('reports a server that is down as transient', async () => {
    const gone = await startSmtpServer();
    await gone.close();
    const channel = createSmtpChannel({ url: gone.url, from: FROM, connectTimeoutMs: 2000 });
    const result = await channel.send(notice());
    await channel.close();
    assert.deepEqual([result.accepted, result.permanent], [false, false]);
    assert.match(result.response, /ECONNREFUSED|connect/i);
  });

  it('logs in with the credentials in the URL, and treats a refused login as transient', async () => {
    const server = await startSmtpServer({ login: { user: 'koppel', pass: 's3cret' } });
    try {
      const good = createSmtpChannel({ url: `smtp://koppel:s3cret@127.0.0.1:${server.port}`, from: FROM });
      const sent = await good.send(notice());
      await good.close();
      assert.equal(sent.accepted, true, sent.response);
      const bad = createSmtpChannel({ url: `smtp://koppel:wrong@127.0.0.1:${server.port}`, from: FROM });
      const refused = await bad.send(notice());
      await bad.close();
      assert.deepEqual([refused.accepted, refused.permanent], [false, false]);
      assert.match(refused.response, /535/);
      assert.equal(server.received.length, 1);
    } finally {
      await server.close();
    }
  });

  it('signs with DKIM when configured', async () => {
    const server = await startSmtpServer();
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const channel = createSmtpChannel({
        url: server.url,
        from: FROM,
        dkim: { domainName: 'cert.example', keySelector: 'koppel2025', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      });
      const result = await channel.send(notice());
      await channel.close();
      assert.equal(result.accepted, true, result.response);
      const header = /^DKIM-Signature:([\s\S]*?)\r\n(?=\S)/m.exec(server.received[0].raw.toString())?.[1];
      assert.ok(header, 'no DKIM-Signature header');
      const tags = new Map(header.replace(/\s+/g, '').split(';').map((tag) => tag.split('=', 2) as [string, string]));
      assert.equal(tags.get('d'), 'cert.example');
      assert.equal(tags.get('s'), 'koppel2025');
      assert.equal(tags.get('a'), 'rsa-sha256');
    } finally {
      await server.close();
    }
  });
});

describe('smtpConfigFromEnv', () => {
  it('is undefined without KOPPEL_SMTP_URL, so that notices are held', () => {
    assert.equal(smtpConfigFromEnv({}), undefined);
    assert.equal(smtpConfigFromEnv({ KOPPEL_SMTP_URL: '', KOPPEL_SMTP_FROM: 'a@b.example' }), undefined);
  });

  it('reads the URL, the sender and the DKIM key file', () => {
    const read: string[] = [];
    const config = smtpConfigFromEnv(
      {
        KOPPEL_SMTP_URL: 'smtps://koppel:pw@mail.cert.example:465',
        KOPPEL_SMTP_FROM: FROM,
        KOPPEL_DKIM_DOMAIN: 'cert.example',
        KOPPEL_DKIM_SELECTOR: 's1',
        KOPPEL_DKIM_KEY_FILE: '/etc/koppel/dkim.pem',
      },
      (file) => {
        read.push(file);
        return 'PEM';
      },
    );
    assert.deepEqual(config, {
      url: 'smtps://koppel:pw@mail.cert.example:465',
      from: FROM,
      dkim: { domainName: 'cert.example', keySelector: 's1', privateKey: 'PEM' },
    });
    assert.deepEqual(read, ['/etc/koppel/dkim.pem']);
  });

  it('names what is missing: the sender, or part of the DKIM settings', () => {
    assert.throws(() => smtpConfigFromEnv({ KOPPEL_SMTP_URL: 'smtp://127.0.0.1:25' }), (e: unknown) => e instanceof KoppelError && /KOPPEL_SMTP_FROM/.test(e.message));
    assert.throws(
      () => smtpConfigFromEnv({ KOPPEL_SMTP_URL: 'smtp://127.0.0.1:25', KOPPEL_SMTP_FROM: FROM, KOPPEL_DKIM_DOMAIN: 'cert.example' }),
      (e: unknown) => e instanceof KoppelError && /KOPPEL_DKIM_SELECTOR/.test(e.message) && /KOPPEL_DKIM_KEY_FILE/.test(e.message),
    );
    assert.throws(
      () => smtpConfigFromEnv({ KOPPEL_SMTP_URL: 'smtp://127.0.0.1:25', KOPPEL_SMTP_FROM: FROM, KOPPEL_DKIM_DOMAIN: 'd', KOPPEL_DKIM_SELECTOR: 's', KOPPEL_DKIM_KEY_FILE: '/nonexistent/key.pem' }),
      (e: unknown) => e instanceof KoppelError && /DKIM private key/.test(e.message),
    );
  });

  it('refuses a sender that is no address and a URL that is not SMTP', () => {
    assert.throws(() => createSmtpChannel({ url: 'smtp://127.0.0.1:25', from: 'CERT' }), /sender/);
    assert.throws(() => createSmtpChannel({ url: 'http://127.0.0.1:25', from: FROM }), /scheme/);
  });
});

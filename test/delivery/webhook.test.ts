import assert from 'node:assert/strict';
import crypto, { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  checkWebhookDestination,
  createWebhookChannel,
  nonGlobalReason,
  signWebhook,
  verifyWebhookSignature,
  webhookConfigFromEnv,
  type OutgoingNotice,
  type WebhookOptions,
} from '../../src/delivery/index.ts';

const SECRET = 'whsec_bakkerij_2025';

/**
 * Every outgoing connection of this process is recorded, and any to a non-loopback IP address is
 * stopped before it leaves: the machine's network is closed, and a refusal must come before any
 * connection anyway.
 */
const connections: string[] = [];
const originalConnect = net.Socket.prototype.connect;
before(() => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : typeof first === 'object' ? first : { host: args[1] }) as { host?: string };
    const host = options.host ?? 'localhost';
    connections.push(host);
    if (net.isIP(host) && !/^127\.|^::1$|^::ffff:127\./.test(host)) throw new Error(`test guard: connection to ${host} blocked`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
});
after(() => {
  net.Socket.prototype.connect = originalConnect;
});

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function startReceiver(host: string) {
  const hits: Hit[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      hits.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const statuses: Record<string, number> = { '/gone': 410, '/busy': 503, '/slow-down': 429, '/bad': 400, '/timeout-answer': 408 };
      if (path === '/hang') return;
      if (path === '/redirect') {
        response.writeHead(302, { Location: '/moved' }).end();
        return;
      }
      response.writeHead(statuses[path] ?? 200, { 'Content-Type': 'text/plain' }).end(statuses[path] ? 'no thanks' : 'received');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

function notice(url: string, overrides: Partial<OutgoingNotice> = {}): OutgoingNotice {
  return {
    ticket: 'KPL-7K3M-9QX2',
    to: { address: url },
    subject: '[KPL-7K3M-9QX2] Critical: a server of yours is compromised',
    text: 'We saw 192.0.2.10 spreading malware on 2 June.',
    language: 'en',
    tlp: 'TLP:AMBER',
    organisationRef: '12345678',
    ...overrides,
  };
}

const channel = (options: Partial<WebhookOptions> = {}) =>
  createWebhookChannel({ secretFor: (ref) => (ref === '12345678' ? SECRET : undefined), allowPrivateDestinations: true, ...options });

describe('webhook channel, sending to a local receiver (private destinations allowed)', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver('127.0.0.1');
  });
  after(() => receiver.close());
  const url = (path: string) => `http://127.0.0.1:${receiver.port}${path}`;

  it('posts the JSON body with a signature the receiver can verify and the ticket as idempotency key', async () => {
    const body = { ticket: 'KPL-7K3M-9QX2', findings: [{ kind: 'infected', ip: '192.0.2.10' }], note: 'héllo ✓' };
    const result = await channel().send(notice(url('/hook?org=12345678'), { body }));
    assert.equal(result.accepted, true, result.response);
    assert.equal(result.permanent, false);
    assert.match(result.response, /^200 OK: received$/);
    const hit = receiver.hits.at(-1)!;
    assert.equal(hit.path, '/hook?org=12345678');
    assert.deepEqual(JSON.parse(hit.body), body);
    assert.match(String(hit.headers['content-type']), /^application\/json/);
    assert.equal(hit.headers['idempotency-key'], 'KPL-7K3M-9QX2');
    const signature = String(hit.headers['koppel-signature']);
    assert.deepEqual(verifyWebhookSignature(signature, hit.body, SECRET).ok, true);
    assert.equal(verifyWebhookSignature(signature, hit.body, 'another-secret').ok, false);
  });

  it('follows the documented recipe: v1 is HMAC-SHA256 of "<t>.<raw body>" in hex', async () => {
    const fixedNow = new Date('2025-06-02T08:00:00Z');
    await channel({ now: () => fixedNow }).send(notice(url('/hook')));
    const hit = receiver.hits.at(-1)!;
    const t = fixedNow.getTime() / 1000;
    const expected = createHmac('sha256', SECRET).update(`${t}.${hit.body}`).digest('hex');
    assert.equal(hit.headers['koppel-signature'], `t=${t},v1=${expected}`);
    // Without a body of its own, the notice's fields are sent.
    assert.deepEqual(JSON.parse(hit.body), {
      ticket: 'KPL-7K3M-9QX2',
      organisation: '12345678',
      language: 'en',
      tlp: 'TLP:AMBER',
      subject: notice('').subject,
      text: notice('').text,
    });
  });

  it('is verified by the receiver code the README gives', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const recipe = /In Node\.js:\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(recipe, 'the README has the verification code');
    const verify = new Function('crypto', 'header', 'rawBody', 'secret', `${recipe}; return Boolean(genuine);`) as (c: typeof crypto, h: string, b: string, s: string) => boolean;
    await channel().send(notice(url('/hook')));
    const hit = receiver.hits.at(-1)!;
    const header = String(hit.headers['koppel-signature']);
    assert.equal(verify(crypto, header, hit.body, SECRET), true);
    assert.equal(verify(crypto, header, hit.body.replace('AMBER', 'CLEAR'), SECRET), false, 'a changed body');
    assert.equal(verify(crypto, header, hit.body, 'another-secret'), false, 'another secret');
    assert.equal(verify(crypto, header.replace(/t=\d+/, 't=1000000000'), hit.body, SECRET), false, 'an old timestamp');
  });

  it('classifies 410 and 400 as permanent; 503, 429 and 408 as transient', async () => {
    const results = Object.fromEntries(
      await Promise.all(['/gone', '/bad', '/busy', '/slow-down', '/timeout-answer'].map(async (path) => [path, await channel().send(notice(url(path)))] as const)),
    );
    for (const path of ['/gone', '/bad']) assert.deepEqual([results[path].accepted, results[path].permanent], [false, true], path);
    for (const path of ['/busy', '/slow-down', '/timeout-answer']) assert.deepEqual([results[path].accepted, results[path].permanent], [false, false], path);
    assert.match(results['/gone'].response, /^410 Gone/);
    assert.match(results['/busy'].response, /^503 Service Unavailable/);
  });

  it('does not follow a redirect', async () => {
    const result = await channel().send(notice(url('/redirect')));
    assert.equal(result.accepted, false);
    assert.match(result.response, /^302 .*redirect to \/moved not followed/);
    assert.equal(receiver.hits.filter((h) => h.path === '/moved').length, 0);
  });

  it('gives up after the timeout, as a transient failure', async () => {
    const start = performance.now();
    const result = await channel({ timeoutMs: 300 }).send(notice(url('/hang')));
    assert.ok(performance.now() - start < 2000);
    assert.deepEqual([result.accepted, result.permanent], [false, false]);
    assert.match(result.response, /no answer within 300 ms/);
  });

  it('reports a refused connection as transient', async () => {
    const closed = await startReceiver('127.0.0.1');
    await closed.close();
    const result = await channel().send(notice(`http://127.0.0.1:${closed.port}/hook`));
    assert.deepEqual([result.accepted, result.permanent], [false, false]);
    assert.match(result.response, /ECONNREFUSED/);
  });

  it('resolves a name once and connects to the address it checked, sending the name as Host', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    const asked: string[] = [];
    const resolve = async (hostname: string) => {
      asked.push(hostname);
      return [{ address: answers[asked.length - 1] ?? '127.0.0.3', family: 4 as const }];
    };
    const result = await channel({ resolve }).send(notice(`http://hooks.bakkerij.example:${receiver.port}/hook`));
    assert.equal(result.accepted, true, result.response);
    assert.deepEqual(asked, ['hooks.bakkerij.example']);
    assert.equal(receiver.hits.at(-1)!.headers.host, `hooks.bakkerij.example:${receiver.port}`);
  });

  it('refuses, without a request, a notice without secret, with TLP:RED, or to a URL that is not http(s) or carries a password', async () => {
    const before = { hits: receiver.hits.length, connections: connections.length };
    const cases = [
      await channel().send(notice(url('/hook'), { organisationRef: 'unknown-org' })),
      await channel().send(notice(url('/hook'), { tlp: 'TLP:RED' })),
      await channel().send(notice(`ftp://127.0.0.1:${receiver.port}/hook`)),
      await channel().send(notice(`http://user:pw@127.0.0.1:${receiver.port}/hook`)),
      await channel().send(notice('not a url')),
    ];
    for (const result of cases) assert.deepEqual([result.accepted, result.permanent], [false, true], result.response);
    assert.match(cases[0].response, /no webhook secret/);
    assert.match(cases[1].response, /TLP:RED/);
    assert.match(cases[2].response, /only http and https/);
    assert.match(cases[3].response, /password/);
    assert.deepEqual({ hits: receiver.hits.length, connections: connections.length }, before);
  });
});

describe('webhook channel with private destinations refused (the default)', () => {
  let receiver: Receiver;
  let receiver6: Receiver;
  before(async () => {
    receiver = await startReceiver('127.0.0.1');
    receiver6 = await startReceiver('::1');
  });
  after(async () => {
    await receiver.close();
    await receiver6.close();
  });
  const strict = () => channel({ allowPrivateDestinations: false });

  const refusals: Array<[string, () => string, RegExp]> = [
    ['127.0.0.1', () => `http://127.0.0.1:${receiver.port}/hook`, /127\.0\.0\.1 is a loopback address/],
    ['10.x', () => 'http://10.20.30.40/hook', /10\.20\.30\.40 is a private address \(RFC 1918\)/],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is the cloud metadata service/],
    ['[::1]', () => `http://[::1]:${receiver6.port}/hook`, /::1 is a loopback address/],
    ['localhost', () => `http://localhost:${receiver.port}/hook`, /localhost resolves to .* loopback address/],
    ['an IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${receiver.port}/hook`, /127\.0\.0\.1 is a loopback address/],
    ['a decimal-encoded loopback', () => `http://2130706433:${receiver.port}/hook`, /127\.0\.0\.1 is a loopback address/],
  ];
  for (const [what, url, reason] of refusals) {
    it(`refuses ${what} with a clear reason, before any connection`, async () => {
      const before = { hits: receiver.hits.length + receiver6.hits.length, connections: connections.length };
      const result = await strict().send(notice(url()));
      assert.deepEqual([result.accepted, result.permanent], [false, true]);
      assert.match(result.response, /^refused: /);
      assert.match(result.response, reason);
      assert.match(result.response, /KOPPEL_WEBHOOK_ALLOW_PRIVATE=1/);
      assert.deepEqual({ hits: receiver.hits.length + receiver6.hits.length, connections: connections.length }, before);
    });
  }

  it('refuses a name when any of its addresses is private', async () => {
    const before = connections.length;
    const resolve = async () => [
      { address: '93.184.215.14', family: 4 as const },
      { address: '192.168.1.20', family: 4 as const },
    ];
    const result = await channel({ allowPrivateDestinations: false, resolve }).send(notice('https://hooks.bakkerij.example/koppel'));
    assert.deepEqual([result.accepted, result.permanent], [false, true]);
    assert.match(result.response, /hooks\.bakkerij\.example resolves to 192\.168\.1\.20/);
    assert.equal(connections.length, before);
  });

  it('sends to [::1] once the operator allows private destinations', async () => {
    const before = connections.length;
    const result = await channel({ allowPrivateDestinations: true }).send(notice(`http://[::1]:${receiver6.port}/hook`));
    assert.equal(result.accepted, true, result.response);
    assert.equal(receiver6.hits.length, 1);
    // The connection guard sees real connections, so its silence in the refusals above means something.
    assert.deepEqual(connections.slice(before), ['::1']);
  });
});

/** A self-signed certificate for one name, made with openssl; undefined where openssl is missing. */
function selfSignedCertificate(name: string): { cert: string; key: string } | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'koppel-webhook-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
      '-addext', `subjectAltName=DNS:${name}`, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'), key: readFileSync(path.join(dir, 'key.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('webhook channel over HTTPS to a pinned address', () => {
  const name = 'hooks.bakkerij.example';
  const tls = selfSignedCertificate(name);
  const servernames: Array<string | false | null> = [];
  let server: https.Server | undefined;
  let port = 0;
  before(async () => {
    if (!tls) return;
    server = https.createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
      servernames.push((request.socket as TLSSocket).servername);
      request.resume().on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
  const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];

  it('verifies the certificate against the name in the URL, not the address it connects to', async (t) => {
    if (!tls) return t.skip('openssl is not available');
    const trusted = channel({ resolve, extraCa: [tls.cert] });
    const result = await trusted.send(notice(`https://${name}:${port}/hook`));
    assert.equal(result.accepted, true, result.response);
    assert.deepEqual(servernames, [name]);
    const otherName = await trusted.send(notice(`https://other.bakkerij.example:${port}/hook`));
    assert.deepEqual([otherName.accepted, otherName.permanent], [false, false]);
    assert.match(otherName.response, /altnames|certificate/i);
    const untrusted = await channel({ resolve }).send(notice(`https://${name}:${port}/hook`));
    assert.equal(untrusted.accepted, false);
    assert.match(untrusted.response, /self[- ]signed/i);
    assert.equal(servernames.length, 1);
  });
});

describe('destination classification', () => {
  it('lets only globally routable unicast addresses through', () => {
    const refused = [
      '127.0.0.1', '127.255.0.9', '0.0.0.0', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.0.1', '169.254.169.254', '169.254.1.1',
      '100.64.0.1', '100.127.255.254', '224.0.0.1', '239.255.255.250', '255.255.255.255', '192.0.2.1', '198.51.100.7', '203.0.113.9', '240.0.0.1',
      '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '2001:db8::1',
    ];
    for (const address of refused) assert.ok(nonGlobalReason(address), `${address} should be refused`);
    for (const address of ['93.184.215.14', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2a00:1450:4001::1', '::ffff:93.184.215.14', '64:ff9b::5db8:d70e']) {
      assert.equal(nonGlobalReason(address), undefined, address);
    }
  });

  it('checks a public destination without connecting to it', async () => {
    const before = connections.length;
    const check = await checkWebhookDestination('https://hooks.bakkerij.example/k', { resolve: async () => [{ address: '93.184.215.14', family: 4 }] });
    assert.ok(check.ok);
    assert.deepEqual(check.addresses, [{ address: '93.184.215.14', family: 4 }]);
    assert.equal(connections.length, before);
  });

  it('treats a name that does not resolve as transient', async () => {
    const check = await checkWebhookDestination('https://nowhere.example/', {
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
      },
    });
    assert.deepEqual(check, { ok: false, reason: 'cannot resolve nowhere.example: getaddrinfo ENOTFOUND nowhere.example', permanent: false });
  });

  it('reads KOPPEL_WEBHOOK_ALLOW_PRIVATE', () => {
    assert.deepEqual(webhookConfigFromEnv({}), { allowPrivateDestinations: false });
    assert.deepEqual(webhookConfigFromEnv({ KOPPEL_WEBHOOK_ALLOW_PRIVATE: '1' }), { allowPrivateDestinations: true });
    assert.deepEqual(webhookConfigFromEnv({ KOPPEL_WEBHOOK_ALLOW_PRIVATE: '0' }), { allowPrivateDestinations: false });
  });
});

describe('webhook signatures', () => {
  const body = '{"ticket":"KPL-7K3M-9QX2"}';
  const now = new Date('2025-06-02T08:00:00Z');
  const t = now.getTime() / 1000;

  it('verify within the tolerance window and fail outside it', () => {
    const header = signWebhook(body, SECRET, t);
    assert.deepEqual(verifyWebhookSignature(header, body, SECRET, { now }), { ok: true, timestamp: t });
    assert.deepEqual(verifyWebhookSignature(header, Buffer.from(body), SECRET, { now: new Date(now.getTime() + 299_000) }).ok, true);
    const late = verifyWebhookSignature(header, body, SECRET, { now: new Date(now.getTime() + 301_000) });
    assert.equal(late.ok, false);
    assert.match(late.ok ? '' : late.reason, /301 s away/);
    assert.equal(verifyWebhookSignature(header, body, SECRET, { now: new Date(now.getTime() + 3600_000), toleranceSeconds: 7200 }).ok, true);
  });

  it('fail for a changed body, a changed timestamp, a missing or malformed header', () => {
    const header = signWebhook(body, SECRET, t);
    assert.equal(verifyWebhookSignature(header, body.replace('7K3M', '7K3N'), SECRET, { now }).ok, false);
    assert.equal(verifyWebhookSignature(header.replace(`t=${t}`, `t=${t + 1}`), body, SECRET, { now }).ok, false);
    assert.equal(verifyWebhookSignature(undefined, body, SECRET, { now }).ok, false);
    assert.equal(verifyWebhookSignature('v1=abc', body, SECRET, { now }).ok, false);
    assert.equal(verifyWebhookSignature(`t=${t}`, body, SECRET, { now }).ok, false);
  });

  it('accept any of several v1 signatures, as while a secret is replaced', () => {
    const fromOld = signWebhook(body, 'old-secret', t);
    const fromNew = signWebhook(body, SECRET, t);
    const both = `${fromOld},${fromNew.split(',')[1]}`;
    assert.equal(verifyWebhookSignature(both, body, SECRET, { now }).ok, true);
    assert.equal(verifyWebhookSignature(both, body, 'old-secret', { now }).ok, true);
    assert.equal(verifyWebhookSignature(both, body, 'third-secret', { now }).ok, false);
  });
});

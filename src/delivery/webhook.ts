/**
 * The webhook channel: one signed JSON POST per notice to the organisation's URL.
 *
 * Signature recipe (the same scheme as Stripe's, so existing receiver code fits):
 *
 *   Koppel-Signature: t=1735689600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 *   t  = the sending time in Unix seconds
 *   v1 = hex( HMAC-SHA256( key = the organisation's webhook secret, message = t + "." + raw body ) )
 *
 * A receiver takes the raw request body as bytes (before any JSON parsing), recomputes v1 with its
 * secret, compares it in constant time with each v1 in the header (more than one may appear while
 * a secret is being replaced), and rejects a t more than five minutes away from its own clock,
 * which stops an intercepted request from being replayed later. `verifyWebhookSignature` does all
 * of that. `Idempotency-Key` carries the ticket: a notice sent again after a crash or a timeout
 * has the same key, so the receiver can drop the repeat.
 *
 * Redirects are not followed (a 3xx is reported, not obeyed), and requests only go to addresses
 * that `checkWebhookDestination` allowed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Environment } from '../config.ts';
import { checkWebhookDestination, type ResolvedAddress, type Resolver } from './destination.ts';
import { refusalReason, refused, type Channel, type DeliveryResult, type OutgoingNotice } from './message.ts';

export const SIGNATURE_HEADER = 'Koppel-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** The `Koppel-Signature` header value for a body sent at `timestamp` (Unix seconds). */
export function signWebhook(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Verifies a `Koppel-Signature` header against the raw body, as a receiver should. */
export function verifyWebhookSignature(
  header: string | undefined,
  body: string | Buffer,
  secret: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: 'no signature header' };
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value);
  const signatures = parts.filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')).map(([, value]) => value);
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0] ?? '')) return { ok: false, reason: 'no valid timestamp (t=) in the signature header' };
  if (signatures.length === 0) return { ok: false, reason: 'no v1 signature in the signature header' };
  const timestamp = Number(timestamps[0]);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) return { ok: false, reason: `timestamp is ${now - timestamp} s away from now, more than the ${tolerance} s allowed` };
  const expected = Buffer.from(hmac(secret, timestamp, Buffer.isBuffer(body) ? body.toString('utf8') : body), 'hex');
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'signature does not match' };
}

export interface WebhookOptions {
  /** The organisation's webhook secret; undefined refuses the notice. */
  secretFor(organisationRef: string): string | undefined | Promise<string | undefined>;
  /** Allow loopback, private, link-local and other non-global destinations (default: refused). */
  allowPrivateDestinations?: boolean;
  /** Whole request: resolution, connection, answer (default 10 s). */
  timeoutMs?: number;
  resolve?: Resolver;
  /** Certificate authorities to trust besides the usual public ones (PEM), for receivers inside an operator's network. */
  extraCa?: string[];
  /** The clock the signature's timestamp is taken from. */
  now?: () => Date;
}

export type WebhookChannel = Channel & { readonly name: 'webhook' };

export function webhookConfigFromEnv(env: Environment): Pick<WebhookOptions, 'allowPrivateDestinations'> {
  const allow = env.KOPPEL_WEBHOOK_ALLOW_PRIVATE;
  return { allowPrivateDestinations: allow === '1' || allow === 'true' };
}

/** The JSON sent when the notice carries no webhook body of its own. */
function defaultBody(notice: OutgoingNotice): unknown {
  return {
    ticket: notice.ticket,
    organisation: notice.organisationRef,
    language: notice.language,
    tlp: notice.tlp,
    subject: notice.subject,
    text: notice.text,
  };
}

/** A `lookup` that answers with the addresses already checked, whatever DNS would say now. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, addresses);
      return;
    }
    const pick = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0];
    callback(null, pick.address, pick.family);
  };
}

/** 2xx accepted; 408, 429 and 5xx worth retrying; any other 4xx, and redirects, are not. */
export function classifyStatus(status: number): Pick<DeliveryResult, 'accepted' | 'permanent'> {
  if (status >= 200 && status < 300) return { accepted: true, permanent: false };
  if (status === 408 || status === 429 || status >= 500) return { accepted: false, permanent: false };
  return { accepted: false, permanent: true };
}

const RESPONSE_SNIPPET = 500;

export function createWebhookChannel(options: WebhookOptions): WebhookChannel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  // Giving `ca` replaces Node's trusted roots, so the public ones are named again.
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined;

  async function post(notice: OutgoingNotice, signal: AbortSignal): Promise<DeliveryResult> {
    const secret = await options.secretFor(notice.organisationRef);
    if (!secret) return refused(`organisation ${notice.organisationRef} has no webhook secret`);
    const destination = await checkWebhookDestination(notice.to.address, options);
    if (!destination.ok) return { accepted: false, response: `refused: ${destination.reason}`, permanent: destination.permanent };
    signal.throwIfAborted();

    const body = JSON.stringify(notice.body ?? defaultBody(notice));
    const timestamp = Math.floor(now().getTime() / 1000);
    const { url, hostname, addresses } = destination;
    const request = (url.protocol === 'https:' ? https : http).request({
      method: 'POST',
      protocol: url.protocol,
      hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        [SIGNATURE_HEADER]: signWebhook(body, secret, timestamp),
        'Idempotency-Key': notice.ticket,
        'User-Agent': 'Koppel-Webhook/1',
      },
      // A fresh connection per request: a pooled socket could carry the request to an address
      // checked under other settings.
      agent: false,
      lookup: pinnedLookup(addresses),
      ...(ca ? { ca } : {}),
      signal,
    });

    return new Promise<DeliveryResult>((resolve, reject) => {
      request.on('error', reject);
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let length = 0;
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_SNIPPET).trim();
          const location = status >= 300 && status < 400 && response.headers.location ? ` (redirect to ${response.headers.location} not followed)` : '';
          resolve({ ...classifyStatus(status), response: `${status} ${response.statusMessage ?? ''}${location}${text ? `: ${text}` : ''}`.trim() });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          length += chunk.length;
          if (length >= RESPONSE_SNIPPET) finish();
        });
        response.on('end', finish);
        response.on('error', reject);
      });
      request.end(body);
    });
  }

  return {
    name: 'webhook',
    async send(notice) {
      const reason = refusalReason(notice);
      if (reason) return refused(reason);
      const signal = AbortSignal.timeout(timeoutMs);
      // The race also bounds what the request's own signal cannot stop: the secret and DNS lookups.
      const timedOut = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      try {
        return await Promise.race([post(notice, signal), timedOut]);
      } catch (error) {
        const message = signal.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message;
        return { accepted: false, response: message, permanent: false };
      }
    },
    async close() {},
  };
}

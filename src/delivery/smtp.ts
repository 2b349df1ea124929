/**
 * The e-mail channel: nodemailer over pooled SMTP connections.
 *
 * The notice's ticket is the Message-ID (`<TICKET@sender-domain>`), so a notice sent twice (a
 * process killed between the server's acceptance and the outbox's record of it) arrives twice
 * with the same Message-ID, which mail clients and the crash test can recognise as one message.
 *
 * DKIM (optional): `KOPPEL_DKIM_DOMAIN` (the signing domain, `d=`), `KOPPEL_DKIM_SELECTOR` (`s=`,
 * the DNS record `<selector>._domainkey.<domain>` holds the public key) and `KOPPEL_DKIM_KEY_FILE`
 * (the PEM private key). All three or none.
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { Environment } from '../config.ts';
import { invalid } from '../errors.ts';
import { refusalReason, refused, type Channel, type DeliveryResult } from './message.ts';

export interface DkimConfig {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface SmtpConfig {
  /** `smtp://host:port` (STARTTLS when offered) or `smtps://user:pass@host:465` (TLS from the start). */
  url: string;
  /** The sender, `cert@example.nl` or `"CERT Example" <cert@example.nl>`; its domain ends every Message-ID. */
  from: string;
  dkim?: DkimConfig;
  /** Connections kept open at once (default 5). */
  maxConnections?: number;
  /** Messages sent over one connection before it is replaced (default 1000). */
  maxMessages?: number;
  /** Milliseconds to wait for a connection and for the greeting (default 10 s each). */
  connectTimeoutMs?: number;
}

export type SmtpChannel = Channel & { readonly name: 'email' };

/** The SMTP settings in the environment, or undefined when no mail server is configured (notices are then held). */
export function smtpConfigFromEnv(env: Environment, readKey: (file: string) => string = (file) => readFileSync(file, 'utf8')): SmtpConfig | undefined {
  const url = env.KOPPEL_SMTP_URL;
  if (!url) return undefined;
  const from = env.KOPPEL_SMTP_FROM;
  if (!from) throw invalid({ field: 'KOPPEL_SMTP_FROM', reason: 'KOPPEL_SMTP_URL is set but KOPPEL_SMTP_FROM, the sender address, is not' });
  const dkimSettings = { KOPPEL_DKIM_DOMAIN: env.KOPPEL_DKIM_DOMAIN, KOPPEL_DKIM_SELECTOR: env.KOPPEL_DKIM_SELECTOR, KOPPEL_DKIM_KEY_FILE: env.KOPPEL_DKIM_KEY_FILE };
  const missing = Object.entries(dkimSettings).filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0 && missing.length < 3) {
    throw invalid({ field: missing.join(', '), reason: `DKIM needs KOPPEL_DKIM_DOMAIN, KOPPEL_DKIM_SELECTOR and KOPPEL_DKIM_KEY_FILE together; missing ${missing.join(', ')}` });
  }
  const config: SmtpConfig = { url, from };
  if (missing.length === 0) {
    const keyFile = dkimSettings.KOPPEL_DKIM_KEY_FILE as string;
    let privateKey: string;
    try {
      privateKey = readKey(keyFile);
    } catch (error) {
      throw invalid({ field: 'KOPPEL_DKIM_KEY_FILE', value: keyFile, reason: `cannot read the DKIM private key: ${(error as Error).message}` });
    }
    config.dkim = { domainName: dkimSettings.KOPPEL_DKIM_DOMAIN as string, keySelector: dkimSettings.KOPPEL_DKIM_SELECTOR as string, privateKey };
  }
  return config;
}

function senderDomain(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const address = first && 'address' in first ? first.address : '';
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) throw invalid({ field: 'KOPPEL_SMTP_FROM', value: from, reason: 'the sender is not an e-mail address' });
  return address.slice(at + 1).toLowerCase();
}

function checkUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw invalid({ field: 'KOPPEL_SMTP_URL', reason: 'not a URL (expected smtp://host:port or smtps://user:pass@host:465)' });
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw invalid({ field: 'KOPPEL_SMTP_URL', reason: `unsupported scheme "${protocol}" (expected smtp: or smtps:)` });
  }
}

export function messageIdFor(ticket: string, domain: string): string {
  return `<${ticket}@${domain}>`;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * A 5xx answer about the message or its recipient is permanent; 4xx answers and broken
 * connections are transient. A rejected login (even though it is 5xx) is transient: the fault is
 * in the operator's settings, not in the notice, which must wait for them to be fixed.
 */
export function classifySmtpError(error: unknown): DeliveryResult {
  const e = (error ?? {}) as SmtpError;
  const response = e.response ?? e.message ?? String(error);
  const login = e.code === 'EAUTH' || e.code === 'ENOAUTH';
  const permanent = !login && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
  return { accepted: false, response, permanent };
}

export function createSmtpChannel(config: SmtpConfig): SmtpChannel {
  checkUrl(config.url);
  const domain = senderDomain(config.from);
  const connectTimeout = config.connectTimeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: config.url,
    pool: true,
    maxConnections: config.maxConnections ?? 5,
    maxMessages: config.maxMessages ?? 1000,
    connectionTimeout: connectTimeout,
    greetingTimeout: connectTimeout,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(config.dkim ? { dkim: config.dkim } : {}),
  });

  return {
    name: 'email',
    async send(notice) {
      const reason = refusalReason(notice);
      if (reason) return refused(reason);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: notice.to.name ? { name: notice.to.name, address: notice.to.address } : notice.to.address,
          subject: notice.subject,
          text: notice.text,
          ...(notice.html !== undefined ? { html: notice.html } : {}),
          messageId: messageIdFor(notice.ticket, domain),
          headers: {
            'X-Koppel-Ticket': notice.ticket,
            'X-Koppel-TLP': notice.tlp,
            'Content-Language': notice.language,
            // RFC 3834: an automated message, so that vacation responders do not answer it.
            'Auto-Submitted': 'auto-generated',
          },
        });
        const accepted = info.accepted.length > 0 && info.rejected.length === 0;
        return { accepted, response: info.response, permanent: false };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

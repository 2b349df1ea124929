/**
 * Drains the notices outbox through the configured channels: claims due notices under a lease,
 * sends them (in parallel, over the channels' pooled connections), and records each outcome.
 */
import type { Kysely } from 'kysely';
import { wholeNumber, type Environment } from '../config.ts';
import { claimDue, markFailed, markSent, type NoticeRow } from '../notices/outbox.ts';
import type { Database } from '../store/index.ts';
import { nextAttemptAt, isDeadLetter, type BackoffOptions } from './backoff.ts';
import type { Channel } from './message.ts';
import { createSmtpChannel, smtpConfigFromEnv } from './smtp.ts';
import { createWebhookChannel, webhookConfigFromEnv } from './webhook.ts';

export type Channels = Partial<Record<'email' | 'webhook', Channel>>;

export interface DeliveryOptions {
  maxAttempts: number;
  /** How long a sender holds a notice; a sender that died gives it back when this passes. */
  leaseSeconds: number;
  /** Notices claimed (and sent in parallel) at a time. */
  batch: number;
  backoff?: BackoffOptions;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { maxAttempts: 8, leaseSeconds: 120, batch: 50 };

export interface DeliveryReport {
  sent: number;
  retrying: number;
  dead: number;
}

/** The channels the environment configures: e-mail when KOPPEL_SMTP_URL is set, webhooks always. */
export function channelsFromEnv(db: Kysely<Database>, env: Environment): Channels {
  const smtp = smtpConfigFromEnv(env);
  const webhook = webhookConfigFromEnv(env);
  return {
    ...(smtp ? { email: createSmtpChannel(smtp) } : {}),
    webhook: createWebhookChannel({
      ...webhook,
      secretFor: async (ref) => (await db.selectFrom('organisations').select('webhook_secret').where('ref', '=', ref).executeTakeFirst())?.webhook_secret ?? undefined,
    }),
  };
}

export function deliveryOptionsFromEnv(env: Environment): DeliveryOptions {
  return { ...DEFAULT_DELIVERY, maxAttempts: wholeNumber(env, 'KOPPEL_DELIVERY_MAX_ATTEMPTS') };
}

async function deliverOne(db: Kysely<Database>, channel: Channel, row: NoticeRow & { org: string }, options: DeliveryOptions, now: () => Date) {
  const result = await channel.send({
    ticket: row.ticket,
    to: { address: row.address },
    subject: row.subject,
    text: row.text,
    ...(row.html ? { html: row.html } : {}),
    language: row.language,
    tlp: `TLP:${row.tlp}`,
    organisationRef: row.org,
  });
  if (result.accepted) {
    await markSent(db, row.id, result.response, now());
    return 'sent' as const;
  }
  const attempts = row.attempts + 1;
  const retry = !result.permanent && !isDeadLetter(attempts, options.maxAttempts);
  await markFailed(db, row.id, result.response, retry ? nextAttemptAt(attempts, now(), options.backoff) : undefined);
  return retry ? ('retrying' as const) : ('dead' as const);
}

/** Sends what is due now, batch after batch, until nothing due is left. */
export async function deliverDue(db: Kysely<Database>, channels: Channels, options: DeliveryOptions = DEFAULT_DELIVERY, now: () => Date = () => new Date()): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, dead: 0 };
  const names = (Object.keys(channels) as Array<'email' | 'webhook'>).filter((n) => channels[n]);
  for (;;) {
    const due = await claimDue(db, names, now(), options.batch, options.leaseSeconds);
    if (due.length === 0) return report;
    const refs = new Map((await db.selectFrom('organisations').select(['id', 'ref']).where('id', 'in', [...new Set(due.map((d) => d.organisation_id))]).execute()).map((o) => [o.id, o.ref]));
    const outcomes = await Promise.all(due.map((row) => deliverOne(db, channels[row.channel]!, { ...row, org: refs.get(row.organisation_id)! }, options, now)));
    for (const outcome of outcomes) report[outcome]++;
  }
}

export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.all(Object.values(channels).map((c) => c?.close()));
}

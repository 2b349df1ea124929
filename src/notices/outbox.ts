/**
 * Notices and their outbox. A notice row is written in the same transaction as the findings it
 * carries are marked notified; its delivery state lives on the row: queued → sending (under a lease)
 * → sent, back to queued with back-off after a transient failure, dead after a permanent one or
 * too many attempts. A sender that dies mid-send leaves its lease to expire, and the notice goes
 * out again under the same ticket, which is also its Message-ID and idempotency key.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { KoppelError } from '../errors.ts';
import type { Database, NoticeStatus, NoticeTable } from '../store/index.ts';
import { normaliseTicket } from './ticket.ts';

type Db = Kysely<Database>;

export interface Notice {
  ticket: string;
  org: string;
  contact: string;
  channel: 'email' | 'webhook';
  language: 'nl' | 'en';
  tlp: string;
  status: NoticeStatus;
  statusReason: string | null;
  digest: boolean;
  subject: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastResponse: string | null;
  /** The ids of the findings it carries. */
  findings: number[];
}

export type NoticeRow = Selectable<NoticeTable>;

function toNotice(r: NoticeRow & { org: string; findings: number[] }): Notice {
  return {
    ticket: r.ticket,
    org: r.org,
    contact: r.address,
    channel: r.channel,
    language: r.language,
    tlp: `TLP:${r.tlp}`,
    status: r.status,
    statusReason: r.status_reason,
    digest: r.digest,
    subject: r.subject,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
    attempts: r.attempts,
    lastResponse: r.last_response,
    findings: r.findings,
  };
}

const noticesQuery = (db: Db) =>
  db
    .selectFrom('notices as n')
    .innerJoin('organisations as o', 'o.id', 'n.organisation_id')
    .selectAll('n')
    .select('o.ref as org')
    .select(sql<number[]>`ARRAY(SELECT nf.finding_id FROM notice_findings nf WHERE nf.notice_id = n.id ORDER BY nf.finding_id)`.as('findings'));

export async function listNotices(db: Db, filter: { org?: string; status?: NoticeStatus; limit?: number } = {}): Promise<Notice[]> {
  let query = noticesQuery(db).orderBy('n.created_at', 'desc').orderBy('n.id', 'desc');
  if (filter.org !== undefined) query = query.where('o.ref', '=', filter.org);
  if (filter.status !== undefined) query = query.where('n.status', '=', filter.status);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toNotice);
}

/** One notice with its full text, by ticket as a person may type it (lower case, spaces, no dashes). */
export async function getNotice(db: Db, ticketText: string): Promise<Notice & { text: string; html: string | null }> {
  const ticket = normaliseTicket(ticketText);
  if (!ticket) throw new KoppelError('invalid', `"${ticketText}" is not a valid ticket number (check the letters and the last character)`, [{ field: 'ticket', value: ticketText, reason: 'invalid ticket' }]);
  const row = await noticesQuery(db).where('n.ticket', '=', ticket).executeTakeFirst();
  if (!row) throw new KoppelError('not-found', `no notice with ticket ${ticket}`);
  return { ...toNotice(row), text: row.text, html: row.html };
}

/**
 * What the public verification page may say of a ticket: that it was sent, when, and to which
 * domain. Nothing of its content.
 */
export async function verifyTicket(db: Db, ticketText: string): Promise<{ ticket: string; sentAt: string; domain: string } | undefined> {
  const ticket = normaliseTicket(ticketText);
  if (!ticket) return undefined;
  const row = await db.selectFrom('notices').select(['ticket', 'sent_at', 'address', 'channel']).where('ticket', '=', ticket).where('status', '=', 'sent').executeTakeFirst();
  if (!row?.sent_at) return undefined;
  const domain = row.channel === 'email' ? row.address.slice(row.address.lastIndexOf('@') + 1) : new URL(row.address).hostname;
  return { ticket: row.ticket, sentAt: row.sent_at.toISOString(), domain };
}

/**
 * Takes up to `limit` due notices for sending under a lease, oldest first, skipping those another
 * sender holds. Only channels that are configured are taken: without a mail server, e-mail notices
 * stay queued, visible, and go out once one is configured.
 */
export async function claimDue(db: Db, channels: ReadonlyArray<'email' | 'webhook'>, now: Date, limit: number, leaseSeconds: number): Promise<NoticeRow[]> {
  if (channels.length === 0) return [];
  const result = await sql<NoticeRow>`
    UPDATE notices SET status = 'sending', lease_until = ${new Date(now.getTime() + leaseSeconds * 1000)}
    WHERE id IN (
      SELECT id FROM notices
      WHERE channel = ANY(${[...channels]}::text[])
        AND ((status = 'queued' AND next_attempt_at <= ${now}) OR (status = 'sending' AND lease_until < ${now}))
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return result.rows;
}

/** The notice went out: it and its findings say so, in one transaction. */
export async function markSent(db: Db, id: number, response: string, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('notices')
      .set((eb) => ({ status: 'sent', sent_at: now, lease_until: null, last_response: response, attempts: eb('attempts', '+', 1), status_reason: null }))
      .where('id', '=', id)
      .execute();
    await sql`
      UPDATE findings SET last_notified_at = ${now},
        status = CASE WHEN status = 'new' THEN 'notified' ELSE status END,
        status_changed_at = CASE WHEN status = 'new' THEN ${now} ELSE status_changed_at END
      WHERE id IN (SELECT finding_id FROM notice_findings WHERE notice_id = ${id})`.execute(tx);
  });
}

/** A failed attempt: back to the queue at `retryAt`, or dead-lettered when there is no point in retrying. */
export async function markFailed(db: Db, id: number, response: string, retryAt: Date | undefined): Promise<void> {
  await db
    .updateTable('notices')
    .set((eb) => ({
      status: retryAt ? 'queued' : 'dead',
      status_reason: retryAt ? `attempt failed; retrying at ${retryAt.toISOString()}` : 'not deliverable: dead-lettered',
      next_attempt_at: retryAt ?? eb.ref('next_attempt_at'),
      lease_until: null,
      last_response: response,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
}

/** An analyst lets a held notice go, or stops it with a reason; its findings wait for the next plan. */
export async function reviewNotice(db: Db, ticketText: string, verdict: { approve: true; analyst: string } | { approve: false; analyst: string; reason: string }): Promise<Notice> {
  const notice = await getNotice(db, ticketText);
  if (notice.status !== 'held') throw new KoppelError('conflict', `notice ${notice.ticket} is ${notice.status}, not waiting for review`);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('notices')
      .set({
        status: verdict.approve ? 'queued' : 'rejected',
        status_reason: verdict.approve ? `approved by ${verdict.analyst}` : `rejected by ${verdict.analyst}: ${verdict.reason}`,
        reviewed_by: verdict.analyst,
        reviewed_at: new Date(),
        next_attempt_at: new Date(),
      })
      .where('ticket', '=', notice.ticket)
      .execute();
    if (!verdict.approve) {
      await sql`
        UPDATE finding_decisions SET action = 'skip', reason = ${`notice ${notice.ticket} rejected by ${verdict.analyst}: ${verdict.reason}`}, decided_at = now()
        WHERE finding_id IN (SELECT finding_id FROM notice_findings WHERE notice_id = (SELECT id FROM notices WHERE ticket = ${notice.ticket}))`.execute(tx);
    }
  });
  return getNotice(db, notice.ticket);
}

/**
 * Gives back every notice a sender held. Only for the embedded store at start-up, where this
 * process is the only sender: a notice still "sending" is one whose sender died.
 */
export async function releaseAllLeases(db: Db): Promise<number> {
  const result = await db.updateTable('notices').set({ status: 'queued', lease_until: null }).where('status', '=', 'sending').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

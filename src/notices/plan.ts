/**
 * `koppel notify`: which findings become notices now, for whom, in which language. Every finding
 * considered gets its decision recorded with a reason, so that a notice not sent can be explained.
 * A notice is written (with its findings and its place in the outbox) in one transaction.
 */
import { randomFillSync } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import type { Kind, Reliability, Severity, Tlp } from '../observations/model.ts';
import { composeNotice } from './compose.ts';
import type { ComposedNotice, Language, NoticeFinding, VulnerabilityDetails } from './model.ts';
import { decide, policyFor, type Decision, type PolicyOverrides } from './policy.ts';
import { systemPolicy } from './policy-store.ts';
import { newTicket } from './ticket.ts';
import { strictestTlp, tlpRefusal } from './tlp.ts';

type Db = Kysely<Database>;

export interface PlanOptions {
  now: Date;
  /** Only this organisation. */
  org?: string;
  /** Send the digests now instead of waiting for their hour. */
  flushDigests?: boolean;
  /** Compose, but write nothing. */
  dryRun?: boolean;
  /** Our public base URL, for the verification link. */
  verificationBase: string;
  sender?: string;
}

export interface PlannedNotice {
  ticket: string;
  org: string;
  contact: string;
  channel: 'email' | 'webhook';
  language: Language;
  status: 'held' | 'queued';
  digest: boolean;
  findings: number[];
  composed: ComposedNotice;
}

export interface PlanReport {
  notices: PlannedNotice[];
  decisions: Array<{ findingId: number; org: string; action: Decision['action']; reason: string }>;
}

/** Contacts with these roles act for the organisation (its IT supplier, a managed-security provider). */
const DELEGATE_ROLES = new Set(['supplier', 'it-supplier', 'delegate', 'msp']);

interface Candidate {
  id: number;
  organisation_id: number;
  org_ref: string;
  org_name: string;
  org_language: Language;
  org_policy: PolicyOverrides;
  kind: Kind;
  type: string;
  indicator: string;
  severity: Severity;
  tlp: Tlp;
  source: string;
  reliability: Reliability;
  first_seen: Date;
  last_seen: Date;
  count: number;
  last_notified_at: Date | null;
  asset: string | null;
  asset_added_at: Date | null;
  unverified_asset: string | null;
  decided_action: Decision['action'] | null;
  decided_due_at: Date | null;
  port: number | null;
  malware: string | null;
  /** Vulnerability findings: the advisory's details (null for other kinds). */
  vulnerability: { cve: string | null; advisory: string; product: string; version: string | null; fixed_in: string | null; remediation: string | null; kev: { requiredAction: string; dueDate: string } | null } | null;
}

/**
 * Findings that may need a notice: new, or notified and seen again since, with no notice of theirs
 * still on its way, and not stopped by a reviewer since they were last reported.
 */
async function candidates(db: Db, org?: string): Promise<Candidate[]> {
  const result = await sql<Candidate>`
    SELECT f.id, f.organisation_id, o.ref AS org_ref, o.name AS org_name, o.language AS org_language, o.policy AS org_policy,
      f.kind, f.type, f.indicator, f.severity, f.tlp, s.name AS source, s.reliability, f.first_seen, f.last_seen, f.count, f.last_notified_at,
      v.value AS asset, v.added_at AS asset_added_at,
      (SELECT min(a.value) FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id WHERE fa.finding_id = f.id) AS unverified_asset,
      d.action AS decided_action, d.due_at AS decided_due_at,
      (latest.record -> 'subject' ->> 'port')::int AS port, latest.record ->> 'malware' AS malware,
      CASE WHEN vf.finding_id IS NULL THEN NULL ELSE json_build_object('cve', vf.cve, 'advisory', vf.advisory, 'product', vf.product, 'version', vf.version,
        'fixed_in', vf.fixed_in, 'remediation', vf.remediation, 'kev', vf.kev) END AS vulnerability
    FROM findings f
    LEFT JOIN vulnerability_findings vf ON vf.finding_id = f.id
    JOIN organisations o ON o.id = f.organisation_id
    JOIN sources s ON s.id = f.source_id
    LEFT JOIN LATERAL (
      SELECT a.value, a.added_at FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id
      WHERE fa.finding_id = f.id AND a.verification <> 'unverified' ORDER BY a.added_at LIMIT 1) v ON true
    LEFT JOIN finding_decisions d ON d.finding_id = f.id
    LEFT JOIN LATERAL (
      SELECT ob.record FROM finding_observations fo JOIN observations ob ON ob.id = fo.observation_id
      WHERE fo.finding_id = f.id ORDER BY ob.observed_at DESC LIMIT 1) latest ON true
    WHERE f.status IN ('new', 'notified')
      AND (f.last_notified_at IS NULL OR f.last_received > f.last_notified_at)
      AND NOT EXISTS (SELECT 1 FROM notice_findings nf JOIN notices n ON n.id = nf.notice_id
        WHERE nf.finding_id = f.id AND (n.status IN ('held', 'queued', 'sending') OR (n.status = 'rejected' AND n.reviewed_at > f.last_received)))
      ${org !== undefined ? sql`AND o.ref = ${org}` : sql``}
    ORDER BY f.organisation_id, f.id`.execute(db);
  return result.rows;
}

interface Recipient {
  channel: 'email' | 'webhook';
  address: string;
  name?: string;
  language: Language;
  own: boolean;
}

async function recipients(db: Db, organisationIds: number[]): Promise<Map<number, Recipient[]>> {
  const map = new Map<number, Recipient[]>();
  if (organisationIds.length === 0) return map;
  const orgs = await db.selectFrom('organisations').select(['id', 'language', 'webhook_url']).where('id', 'in', organisationIds).execute();
  const contacts = await db.selectFrom('contacts').selectAll().where('organisation_id', 'in', organisationIds).orderBy('email').execute();
  for (const o of orgs) {
    const list: Recipient[] = contacts
      .filter((c) => c.organisation_id === o.id)
      .map((c) => ({ channel: 'email' as const, address: c.email, name: c.name ?? undefined, language: c.language ?? o.language, own: !DELEGATE_ROLES.has((c.role ?? '').toLowerCase()) }));
    if (o.webhook_url) list.push({ channel: 'webhook', address: o.webhook_url, language: o.language, own: true });
    map.set(o.id, list);
  }
  return map;
}

function noticeFinding(c: Candidate): NoticeFinding {
  return {
    kind: c.kind,
    type: c.type,
    severity: c.severity,
    tlp: c.tlp,
    indicator: c.indicator,
    ...(c.port !== null ? { port: c.port } : {}),
    ...(c.malware ? { malware: c.malware } : {}),
    asset: { value: c.asset ?? '', registeredAt: (c.asset_added_at ?? c.first_seen).toISOString() },
    firstSeen: c.first_seen.toISOString(),
    lastSeen: c.last_seen.toISOString(),
    count: c.count,
    source: { name: c.source, reliability: c.reliability },
    ...(c.vulnerability ? { vulnerability: vulnerabilityOf(c.vulnerability) } : {}),
  };
}

function vulnerabilityOf(v: NonNullable<Candidate['vulnerability']>): VulnerabilityDetails {
  return {
    ...(v.cve ? { cve: v.cve } : {}),
    advisory: v.advisory,
    product: v.product,
    ...(v.version ? { version: v.version } : {}),
    ...(v.fixed_in ? { fixedIn: v.fixed_in } : {}),
    ...(v.remediation ? { remediation: v.remediation } : {}),
    ...(v.kev ? { kev: { requiredAction: v.kev.requiredAction, dueDate: v.kev.dueDate } } : {}),
  };
}

export async function planNotices(db: Db, options: PlanOptions): Promise<PlanReport> {
  const { now } = options;
  const system = await systemPolicy(db);
  const found = await candidates(db, options.org);
  const report: PlanReport = { notices: [], decisions: [] };
  const decisions = new Map<number, { action: Decision['action']; reason: string; dueAt?: Date }>();
  const note = (c: Candidate, d: { action: Decision['action']; reason: string; dueAt?: Date }) => {
    decisions.set(c.id, d);
    report.decisions.push({ findingId: c.id, org: c.org_ref, action: d.action, reason: d.reason });
  };

  const byOrganisation = new Map<number, { immediate: Candidate[]; digest: Candidate[] }>();
  for (const c of found) {
    if (!c.asset) {
      note(c, { action: 'skip', reason: `waiting for ownership of ${c.unverified_asset ?? 'the matched asset'} to be verified: only verified assets produce notices` });
      continue;
    }
    const decision = decide({ kind: c.kind, severity: c.severity, tlp: c.tlp, source: c.source }, policyFor(c.org_policy, system), now, c.last_notified_at ?? undefined);
    if (decision.action === 'skip') {
      note(c, decision);
      continue;
    }
    const digestDue = c.decided_action === 'digest' && c.decided_due_at !== null && c.decided_due_at <= now;
    if (decision.action === 'digest' && !digestDue && !options.flushDigests) {
      // Keep the digest moment first decided, so that a finding is not pushed back day after day.
      note(c, { ...decision, dueAt: c.decided_action === 'digest' && c.decided_due_at ? c.decided_due_at : decision.dueAt });
      continue;
    }
    note(c, decision);
    const group = byOrganisation.get(c.organisation_id) ?? { immediate: [], digest: [] };
    byOrganisation.set(c.organisation_id, group);
    (decision.action === 'digest' ? group.digest : group.immediate).push(c);
  }

  const to = await recipients(db, [...byOrganisation.keys()]);
  const writes: Array<{ notice: PlannedNotice; organisationId: number }> = [];
  for (const [organisationId, group] of byOrganisation) {
    const people = to.get(organisationId) ?? [];
    for (const [findings, digest] of [[group.immediate, false], [group.digest, true]] as const) {
      if (findings.length === 0) continue;
      if (people.length === 0) {
        for (const c of findings) note(c, { action: 'skip', reason: `${c.org_ref} has no contact or webhook to send to` });
        continue;
      }
      for (const person of people) {
        const allowed = findings.filter((c) => {
          const refusal = tlpRefusal(c.tlp, { ownContact: person.own });
          if (refusal) report.decisions.push({ findingId: c.id, org: c.org_ref, action: 'skip', reason: `not to ${person.address}: ${refusal}` });
          return !refusal;
        });
        if (allowed.length === 0) continue;
        const ticket = newTicket(randomFillSync);
        const held = allowed.some((c) => decisions.get(c.id)?.action === 'hold-for-review');
        const composed = composeNotice({
          ticket,
          organisation: { name: allowed[0].org_name, ref: allowed[0].org_ref },
          contact: { name: person.name, language: person.language },
          findings: allowed.map(noticeFinding),
          verificationBase: options.verificationBase,
          sender: options.sender,
        });
        const notice: PlannedNotice = {
          ticket,
          org: allowed[0].org_ref,
          contact: person.address,
          channel: person.channel,
          language: person.language,
          status: held ? 'held' : 'queued',
          digest,
          findings: allowed.map((c) => c.id),
          composed,
        };
        report.notices.push(notice);
        writes.push({ notice, organisationId });
      }
    }
  }
  if (options.dryRun) return report;

  await db.transaction().execute(async (tx) => {
    for (const { notice, organisationId } of writes) {
      const tlp = strictestTlp(found.filter((c) => notice.findings.includes(c.id)).map((c) => c.tlp));
      const row = await tx
        .insertInto('notices')
        .values({
          ticket: notice.ticket,
          organisation_id: organisationId,
          channel: notice.channel,
          address: notice.contact,
          language: notice.language,
          tlp,
          subject: notice.composed.subject,
          text: notice.composed.text,
          html: notice.composed.html,
          digest: notice.digest,
          status: notice.status,
          status_reason: notice.status === 'held' ? 'waiting for an analyst (review mode)' : null,
          next_attempt_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('notice_findings').values(notice.findings.map((finding_id) => ({ notice_id: row.id, finding_id }))).execute();
    }
    const latest = [...decisions.entries()];
    if (latest.length) {
      await sql`
        INSERT INTO finding_decisions (finding_id, action, reason, due_at, decided_at)
        SELECT *, ${now}::timestamptz FROM unnest(${latest.map(([id]) => id)}::bigint[], ${latest.map(([, d]) => d.action)}::text[],
          ${latest.map(([, d]) => d.reason)}::text[], ${latest.map(([, d]) => d.dueAt ?? null)}::timestamptz[])
        ON CONFLICT (finding_id) DO UPDATE SET action = excluded.action, reason = excluded.reason, due_at = excluded.due_at, decided_at = excluded.decided_at`.execute(tx);
    }
  });
  return report;
}

/**
 * `koppel notify`: which findings become notices now, for whom, in which language. Every finding
 * considered gets its decision recorded with a reason, so that a notice not sent can be explained.
 * A notice is written (with its findings and its place in the outbox) in one transaction.
 */
import { randomFillSync } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { RESOLVED_WITHDRAWN } from '../findings/vulnerabilities.ts';
import type { Database } from '../store/index.ts';
import type { Kind, Reliability, Severity, Tlp } from '../observations/model.ts';
import { composeAllClear, composeNotice } from './compose.ts';
import type { ComposedNotice, Language, NoticeFinding, VulnerabilityDetails, WithdrawnFinding } from './model.ts';
import { decide, decideAllClear, policyFor, type Decision, type Policy, type PolicyOverrides } from './policy.ts';
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
  /** It tells those warned of a vulnerability that its advisory was withdrawn. */
  allClear: boolean;
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
  status: 'new' | 'notified';
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

/** No notice of the finding is on its way, and no reviewer stopped one since it was last reported. */
const noNoticeUnderway = sql`NOT EXISTS (SELECT 1 FROM notice_findings nf JOIN notices n ON n.id = nf.notice_id
  WHERE nf.finding_id = f.id AND (n.status IN ('held', 'queued', 'sending') OR (n.status = 'rejected' AND n.reviewed_at > f.last_received)))`;

/** Findings that may need a notice: new, or notified and seen again since, with no notice underway. */
async function candidates(db: Db, org?: string): Promise<Candidate[]> {
  const result = await sql<Candidate>`
    SELECT f.id, f.organisation_id, o.ref AS org_ref, o.name AS org_name, o.language AS org_language, o.policy AS org_policy,
      f.kind, f.type, f.indicator, f.severity, f.tlp, s.name AS source, s.reliability, f.first_seen, f.last_seen, f.count, f.status, f.last_notified_at,
      v.value AS asset, v.added_at AS asset_added_at,
      (SELECT min(a.value) FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id WHERE fa.finding_id = f.id) AS unverified_asset,
      d.action AS decided_action, d.due_at AS decided_due_at,
      f.port, f.malware,
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
    WHERE f.status IN ('new', 'notified')
      AND (f.last_notified_at IS NULL OR f.last_received > f.last_notified_at)
      AND ${noNoticeUnderway}
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

/** A vulnerability finding whose advisory was withdrawn after a contact was warned of it: one row per contact warned. */
interface Withdrawn {
  id: number;
  organisation_id: number;
  org_ref: string;
  org_name: string;
  org_policy: PolicyOverrides;
  kind: Kind;
  severity: Severity;
  tlp: Tlp;
  source: string;
  /** The inventory entry as registered. */
  indicator: string;
  cve: string | null;
  advisory: string;
  product: string;
  version: string | null;
  channel: 'email' | 'webhook';
  address: string;
  /** The last warning sent to this address that carried the finding. */
  earlier_ticket: string;
}

/**
 * Findings resolved because their advisory was withdrawn, with each address that was warned of them
 * and has had no all-clear since (one that was rejected in review or could not be delivered counts:
 * it is not made again). While any notice of the finding is still underway it waits.
 */
async function withdrawnSinceNotified(db: Db, org?: string): Promise<Withdrawn[]> {
  const result = await sql<Withdrawn>`
    SELECT f.id, f.organisation_id, o.ref AS org_ref, o.name AS org_name, o.policy AS org_policy, f.kind, f.severity, f.tlp, s.name AS source,
      f.indicator, vf.cve, vf.advisory, vf.product, vf.version, told.channel, told.address, told.ticket AS earlier_ticket
    FROM findings f
    JOIN vulnerability_findings vf ON vf.finding_id = f.id
    JOIN organisations o ON o.id = f.organisation_id
    JOIN sources s ON s.id = f.source_id
    JOIN LATERAL (
      SELECT DISTINCT ON (n.channel, n.address) n.id, n.channel, n.address, n.ticket FROM notice_findings nf JOIN notices n ON n.id = nf.notice_id
      WHERE nf.finding_id = f.id AND n.status = 'sent' AND NOT n.all_clear ORDER BY n.channel, n.address, n.id DESC) told ON true
    WHERE f.status = 'resolved' AND f.status_reason = ${sql.lit(RESOLVED_WITHDRAWN)} AND f.last_notified_at IS NOT NULL
      AND ${noNoticeUnderway}
      AND NOT EXISTS (SELECT 1 FROM notice_findings nf JOIN notices n ON n.id = nf.notice_id
        WHERE nf.finding_id = f.id AND n.all_clear AND n.channel = told.channel AND n.address = told.address AND n.id > told.id)
      ${org !== undefined ? sql`AND o.ref = ${org}` : sql``}
    ORDER BY f.organisation_id, f.id, told.channel, told.address`.execute(db);
  return result.rows;
}

/** A notice to one recipient of an organisation. */
const plannedFor = (person: Recipient, org: string, notice: Omit<PlannedNotice, 'org' | 'contact' | 'channel' | 'language'>): PlannedNotice => ({
  ...notice,
  org,
  contact: person.address,
  channel: person.channel,
  language: person.language,
});

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
  const note = (c: { id: number; org_ref: string }, d: { action: Decision['action']; reason: string; dueAt?: Date }) => {
    decisions.set(c.id, d);
    report.decisions.push({ findingId: c.id, org: c.org_ref, action: d.action, reason: d.reason });
  };

  const byOrganisation = new Map<number, { immediate: Candidate[]; digest: Candidate[] }>();
  for (const c of found) {
    if (!c.asset) {
      note(c, { action: 'skip', reason: `waiting for ownership of ${c.unverified_asset ?? 'the matched asset'} to be verified: only verified assets produce notices` });
      continue;
    }
    // A finding still `new` although notified before was resolved and has come back: a threat of today,
    // not one still being seen, so the repeat interval does not hold it back.
    const repeatsFrom = c.status === 'new' ? undefined : (c.last_notified_at ?? undefined);
    const decision = decide({ kind: c.kind, severity: c.severity, tlp: c.tlp, source: c.source }, policyFor(c.org_policy, system), now, repeatsFrom);
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
  const writes: Array<{ notice: PlannedNotice; organisationId: number; tlp: Tlp }> = [];
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
        const notice = plannedFor(person, allowed[0].org_ref, { ticket, status: held ? 'held' : 'queued', digest, allClear: false, findings: allowed.map((c) => c.id), composed });
        report.notices.push(notice);
        writes.push({ notice, organisationId, tlp: strictestTlp(allowed.map((c) => c.tlp)) });
      }
    }
  }

  for (const { notice, organisationId, tlp } of await planAllClears(db, options, system, note, report)) {
    report.notices.push(notice);
    writes.push({ notice, organisationId, tlp });
  }
  if (options.dryRun) return report;

  await db.transaction().execute(async (tx) => {
    for (const { notice, organisationId, tlp } of writes) {
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
          all_clear: notice.allClear,
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

const withdrawnFinding = (w: Withdrawn): WithdrawnFinding => ({
  tlp: w.tlp,
  asset: w.indicator,
  vulnerability: { ...(w.cve ? { cve: w.cve } : {}), advisory: w.advisory, product: w.product, ...(w.version ? { version: w.version } : {}) },
  earlierTicket: w.earlier_ticket,
});

/**
 * The all-clears due: each contact that was warned of a vulnerability whose advisory has since been
 * withdrawn hears so, in one notice naming the earlier tickets, if it is still a contact and TLP
 * allows. Policy decides as for any notice, except that severity and timing do not hold it back.
 */
async function planAllClears(
  db: Db,
  options: PlanOptions,
  system: Policy,
  note: (w: Withdrawn, d: Decision) => void,
  report: PlanReport,
): Promise<Array<{ notice: PlannedNotice; organisationId: number; tlp: Tlp }>> {
  const withdrawn = await withdrawnSinceNotified(db, options.org);
  const to = await recipients(db, [...new Set(withdrawn.map((w) => w.organisation_id))]);
  const decided = new Map<number, { finding: Withdrawn; decision: Decision; refusals: string[] }>();
  const byRecipient = new Map<string, { organisationId: number; person: Recipient; rows: Withdrawn[] }>();
  for (const w of withdrawn) {
    let entry = decided.get(w.id);
    if (!entry) {
      entry = { finding: w, decision: decideAllClear({ kind: w.kind, severity: w.severity, tlp: w.tlp, source: w.source }, policyFor(w.org_policy, system), options.now), refusals: [] };
      decided.set(w.id, entry);
    }
    if (entry.decision.action === 'skip') continue;
    const person = to.get(w.organisation_id)?.find((p) => p.channel === w.channel && p.address === w.address);
    const refusal = person ? tlpRefusal(w.tlp, { ownContact: person.own }) : `no longer a contact of ${w.org_ref}`;
    if (!person || refusal) {
      entry.refusals.push(`not to ${w.address}: ${refusal}`);
      continue;
    }
    const key = `${person.channel}\t${person.address}`;
    const group = byRecipient.get(key) ?? { organisationId: w.organisation_id, person, rows: [] };
    byRecipient.set(key, group);
    group.rows.push(w);
  }
  const reached = new Set([...byRecipient.values()].flatMap((g) => g.rows.map((w) => w.id)));
  for (const { finding, decision, refusals } of decided.values()) {
    const unreached = decision.action !== 'skip' && !reached.has(finding.id);
    note(finding, unreached ? { action: 'skip', reason: `advisory withdrawn, but the all-clear can reach none of those warned: ${refusals.join('; ')}` } : decision);
    if (!unreached) for (const reason of refusals) report.decisions.push({ findingId: finding.id, org: finding.org_ref, action: 'skip', reason });
  }

  return [...byRecipient.values()].map(({ organisationId, person, rows }) => {
    const ticket = newTicket(randomFillSync);
    const composed = composeAllClear({
      ticket,
      organisation: { name: rows[0].org_name, ref: rows[0].org_ref },
      contact: { name: person.name, language: person.language },
      withdrawn: rows.map(withdrawnFinding),
      verificationBase: options.verificationBase,
      sender: options.sender,
    });
    const held = rows.some((w) => decided.get(w.id)!.decision.action === 'hold-for-review');
    const notice = plannedFor(person, rows[0].org_ref, { ticket, status: held ? 'held' : 'queued', digest: false, allClear: true, findings: rows.map((w) => w.id), composed });
    return { notice, organisationId, tlp: strictestTlp(rows.map((w) => w.tlp)) };
  });
}

/** Findings in the store: one per organisation and threat, updated when seen again. */
import { sql, type Kysely } from 'kysely';
import { KoppelError } from '../errors.ts';
import { SEVERITIES, TLP_LABELS, type Severity, type Tlp } from '../observations/model.ts';
import { sqlArray } from '../observations/store.ts';
import type { Database } from '../store/index.ts';
import type { Finding, FindingStatus, Match } from './model.ts';

type Db = Kysely<Database>;

const findingKey = (m: Match) => `${m.organisationId}\t${m.kind}\t${m.type}\t${m.indicator}`;

/** What the matches of one finding add up to: the most serious severity, the strictest TLP, the times, the observations and assets. */
interface Group {
  first: Match;
  severity: Severity;
  tlp: Tlp;
  last: string;
  earliest: string;
  received: string;
  observations: Set<number>;
  assets: Set<number>;
}

/** Lower index = more severe, so `min` picks the most serious; TLP likewise picks the strictest. */
const SEVERITY_ORDER = sql.raw(`ARRAY[${SEVERITIES.map((s) => `'${s}'`).join(',')}]`);
const TLP_ORDER = sql.raw(`ARRAY[${[...TLP_LABELS].reverse().map((t) => `'${t}'`).join(',')}]`);

/**
 * Turns matches into findings: new ones are created, existing ones get their last sighting and
 * count updated, and a resolved finding seen again reopens. Returns how many were new and how
 * many seen again.
 */
export async function recordMatches(db: Db, matches: Match[]): Promise<{ created: number; seenAgain: number }> {
  if (matches.length === 0) return { created: 0, seenAgain: 0 };
  const groups = new Map<string, Group>();
  for (const m of matches) {
    const key = findingKey(m);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: m, severity: m.severity, tlp: m.tlp, last: m.observedAt, earliest: m.observedAt, received: m.receivedAt, observations: new Set<number>().add(m.observationId), assets: new Set<number>().add(m.assetId) });
      continue;
    }
    g.observations.add(m.observationId);
    g.assets.add(m.assetId);
    if (m.observedAt > g.last) g.last = m.observedAt;
    if (m.observedAt < g.earliest) g.earliest = m.observedAt;
    if (m.receivedAt > g.received) g.received = m.receivedAt;
    if (SEVERITIES.indexOf(m.severity) < SEVERITIES.indexOf(g.severity)) g.severity = m.severity;
    if (TLP_LABELS.indexOf(m.tlp) > TLP_LABELS.indexOf(g.tlp)) g.tlp = m.tlp;
  }
  // In key order: concurrent upserts then lock their findings in one order and never deadlock.
  const list = [...groups.keys()].sort().map((key) => groups.get(key)!);
  const assetLinks: [number[], number[]] = [[], []];
  const observationLinks: [number[], number[]] = [[], []];
  list.forEach((g, i) => {
    for (const a of g.assets) assetLinks[0].push(i + 1), assetLinks[1].push(a);
    for (const o of g.observations) observationLinks[0].push(i + 1), observationLinks[1].push(o);
  });
  // One statement: the findings, then their links through the finding ids the upsert returns
  // (joined back on the finding's identity); only the counts come back.
  const result = await sql<{ created: number; total: number }>`
    WITH g AS MATERIALIZED (
      SELECT * FROM unnest(
        ${sqlArray(list.map((g) => g.first.organisationId), 'bigint')}, ${sqlArray(list.map((g) => g.first.kind), 'text')}, ${list.map((g) => g.first.type)}::text[],
        ${list.map((g) => g.first.indicator)}::text[], ${sqlArray(list.map((g) => g.severity), 'text')}, ${sqlArray(list.map((g) => g.tlp), 'text')},
        ${sqlArray(list.map((g) => g.first.sourceId), 'bigint')}, ${sqlArray(list.map((g) => g.earliest), 'timestamptz')}, ${sqlArray(list.map((g) => g.last), 'timestamptz')},
        ${sqlArray(list.map((g) => g.received), 'timestamptz')}, ${sqlArray(list.map((g) => g.observations.size), 'int')}
      ) WITH ORDINALITY AS g(organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count, n)
    ), upserted AS (
      INSERT INTO findings AS f (organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count)
      SELECT organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count FROM g ORDER BY n
      ON CONFLICT (organisation_id, kind, type, indicator) DO UPDATE SET
        last_seen = greatest(f.last_seen, excluded.last_seen),
        last_received = greatest(f.last_received, excluded.last_received),
        first_seen = least(f.first_seen, excluded.first_seen),
        count = f.count + excluded.count,
        source_id = excluded.source_id,
        severity = (${SEVERITY_ORDER})[least(array_position(${SEVERITY_ORDER}, f.severity), array_position(${SEVERITY_ORDER}, excluded.severity))],
        tlp = (${TLP_ORDER})[least(array_position(${TLP_ORDER}, f.tlp), array_position(${TLP_ORDER}, excluded.tlp))],
        status = CASE WHEN f.status = 'resolved' AND excluded.last_received > f.status_changed_at THEN 'new' ELSE f.status END,
        status_reason = CASE WHEN f.status = 'resolved' AND excluded.last_received > f.status_changed_at THEN 'seen again after it was resolved' ELSE f.status_reason END,
        status_changed_at = CASE WHEN f.status = 'resolved' AND excluded.last_received > f.status_changed_at THEN now() ELSE f.status_changed_at END
      RETURNING id, (xmax = 0) AS created, organisation_id, kind, type, indicator
    ), ids AS MATERIALIZED (
      SELECT g.n, u.id, u.created FROM upserted u
      JOIN g ON g.organisation_id = u.organisation_id AND g.kind = u.kind AND g.type = u.type AND g.indicator = u.indicator
    ), asset_links AS (
      INSERT INTO finding_assets (finding_id, asset_id)
      SELECT ids.id, l.asset_id FROM unnest(${sqlArray(assetLinks[0], 'bigint')}, ${sqlArray(assetLinks[1], 'bigint')}) AS l(n, asset_id) JOIN ids USING (n)
      ON CONFLICT DO NOTHING
    ), observation_links AS (
      INSERT INTO finding_observations (finding_id, observation_id)
      SELECT ids.id, l.observation_id FROM unnest(${sqlArray(observationLinks[0], 'bigint')}, ${sqlArray(observationLinks[1], 'bigint')}) AS l(n, observation_id) JOIN ids USING (n)
      ON CONFLICT DO NOTHING
    )
    SELECT (count(*) FILTER (WHERE created))::int AS created, count(*)::int AS total FROM ids`.execute(db);
  const { created, total } = result.rows[0];
  return { created, seenAgain: total - created };
}

export interface FindingFilter {
  org?: string;
  status?: FindingStatus;
  limit?: number;
}

export async function listFindings(db: Db, filter: FindingFilter = {}): Promise<Finding[]> {
  let query = db
    .selectFrom('findings as f')
    .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
    .innerJoin('sources as s', 's.id', 'f.source_id')
    .selectAll('f')
    .select(['o.ref as org', 's.name as source'])
    .select(sql<string[]>`ARRAY(SELECT a.value FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id WHERE fa.finding_id = f.id ORDER BY a.value)`.as('assets'))
    .orderBy('f.last_seen', 'desc')
    .orderBy('f.id');
  if (filter.org !== undefined) query = query.where('o.ref', '=', filter.org);
  if (filter.status !== undefined) query = query.where('f.status', '=', filter.status);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    org: r.org,
    asset: r.assets[0] ?? '',
    assets: r.assets,
    indicator: r.indicator,
    kind: r.kind,
    type: r.type,
    severity: r.severity,
    tlp: r.tlp,
    source: r.source,
    status: r.status,
    statusReason: r.status_reason,
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    count: r.count,
  }));
}

/**
 * Findings from sources that report every day, not reported for `days`, are taken as fixed (counted
 * from when the source last sent it, not from its observation time: a list may carry old dates). A finding an
 * analyst or organisation has already closed (false positive, suppressed) keeps its status.
 */
export async function resolveUnseen(db: Db, now: Date, days: number): Promise<number> {
  const result = await sql`
    UPDATE findings f SET status = 'resolved', status_changed_at = ${now}, status_reason = ${`not seen for ${days} days by a source that reports daily`}
    FROM sources s
    WHERE s.id = f.source_id AND s.reports_daily AND f.status IN ('new', 'notified', 'acknowledged')
      AND f.last_received < ${new Date(now.getTime() - days * 86_400_000)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function setFindingStatus(db: Db, id: number, status: FindingStatus, reason?: string): Promise<void> {
  const result = await db
    .updateTable('findings')
    .set({ status, status_reason: reason ?? null, status_changed_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new KoppelError('not-found', `no finding ${id}`);
}

/** Findings in the store: one per organisation and threat, updated when seen again. */
import { sql, type Kysely } from 'kysely';
import { KoppelError } from '../errors.ts';
import { SEVERITIES, TLP_LABELS } from '../observations/model.ts';
import { sqlArray, type Database } from '../store/index.ts';
import { OBSERVATIONS_KEPT, type FindingGroup } from './groups.ts';
import type { Finding, FindingStatus, SettableStatus } from './model.ts';

type Db = Kysely<Database>;

/** Lower index = more severe, so `min` picks the most serious; TLP likewise picks the strictest. */
const SEVERITY_ORDER = sql.raw(`ARRAY[${SEVERITIES.map((s) => `'${s}'`).join(',')}]`);
const TLP_ORDER = sql.raw(`ARRAY[${[...TLP_LABELS].reverse().map((t) => `'${t}'`).join(',')}]`);

/**
 * Whether the observations written come after every one the finding names, as they do from an
 * ingest (ids grow): then none is named twice, and the lists are simply joined.
 */
const onlyNewer = sql`excluded.observations[1] > coalesce(f.observations[cardinality(f.observations)], 0)`;

/** Groups a statement: PGlite's memory grows with a statement's parameters. */
const GROUPS_A_STATEMENT = 50_000;

/**
 * Writes the groups as findings: new ones are created, existing ones get their last sighting,
 * count and latest observations updated, and a resolved finding seen again reopens. An observation
 * a finding already names (retro-matching through a second asset) is not counted twice. A group of
 * observations only sent again (count 0) updates when its finding was last received, and so reopens
 * it too, but creates none. Returns how many were new and how many seen again.
 */
export async function writeFindings(db: Db, groups: FindingGroup[]): Promise<{ created: number; seenAgain: number }> {
  if (groups.length === 0) return { created: 0, seenAgain: 0 };
  if (!db.isTransaction) return db.transaction().execute((tx) => writeFindings(tx, groups));
  // The sorts and joins of a statement of many thousand findings then stay in memory. Its estimated
  // cost sets PostgreSQL compiling it (50-60 ms of 1.3 s a statement of 50,000) for no gain in running it.
  await sql`SET LOCAL work_mem = '64MB'`.execute(db);
  await sql`SET LOCAL jit = off`.execute(db);
  let created = 0;
  let total = 0;
  for (let from = 0; from < groups.length; from += GROUPS_A_STATEMENT) {
    const written = await writeFindingsStatement(db, groups.slice(from, from + GROUPS_A_STATEMENT));
    created += written.created;
    total += written.total;
  }
  return { created, seenAgain: total - created };
}

async function writeFindingsStatement(db: Db, list: FindingGroup[]): Promise<{ created: number; total: number }> {
  const assetLinks: [number[], number[]] = [[], []];
  list.forEach((g, i) => {
    for (const a of g.assets) assetLinks[0].push(i + 1), assetLinks[1].push(a);
  });
  // One statement: the findings, then their asset links through the finding ids the upsert returns
  // (joined back on the finding's identity); only the counts come back, of findings made and of
  // findings seen again (not of those only sent again).
  const result = await sql<{ created: number; total: number }>`
    WITH g AS MATERIALIZED (
      SELECT * FROM unnest(
        ${sqlArray(list.map((g) => g.organisationId), 'bigint')}, ${sqlArray(list.map((g) => g.kind), 'text')}, ${list.map((g) => g.type)}::text[],
        ${list.map((g) => g.indicator)}::text[], ${sqlArray(list.map((g) => g.severity), 'text')}, ${sqlArray(list.map((g) => g.tlp), 'text')},
        ${sqlArray(list.map((g) => g.sourceId), 'bigint')}, ${sqlArray(list.map((g) => g.earliest), 'timestamptz')}, ${sqlArray(list.map((g) => g.last), 'timestamptz')},
        ${sqlArray(list.map((g) => g.received), 'timestamptz')}, ${sqlArray(list.map((g) => g.count), 'int')},
        ${sqlArray(list.map((g) => g.observations.join(',')), 'text')}, ${sqlArray(list.map((g) => g.port), 'int')}, ${list.map((g) => g.malware ?? null)}::text[]
      ) WITH ORDINALITY AS g(organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count, observations, port, malware, n)
    ), upserted AS (
      INSERT INTO findings AS f (organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count, observations, port, malware)
      SELECT organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count, coalesce(string_to_array(observations, ','), '{}')::bigint[], port, malware
      FROM g
      -- What a source only sent again updates the finding it made; it makes none.
      WHERE g.count > 0 OR EXISTS (SELECT 1 FROM findings e WHERE (e.organisation_id, e.kind, e.type, e.indicator) = (g.organisation_id, g.kind, g.type, g.indicator))
      ORDER BY n
      ON CONFLICT (organisation_id, kind, type, indicator) DO UPDATE SET
        last_seen = greatest(f.last_seen, excluded.last_seen),
        last_received = greatest(f.last_received, excluded.last_received),
        first_seen = least(f.first_seen, excluded.first_seen),
        count = f.count + excluded.count - CASE WHEN ${onlyNewer} THEN 0
          ELSE cardinality(ARRAY(SELECT unnest(excluded.observations) INTERSECT SELECT unnest(f.observations))) END,
        observations = CASE WHEN ${onlyNewer}
          THEN (f.observations || excluded.observations)[greatest(1, cardinality(f.observations) + cardinality(excluded.observations) - ${OBSERVATIONS_KEPT - 1}):]
          ELSE ARRAY(SELECT o FROM (SELECT DISTINCT o FROM unnest(f.observations || excluded.observations) AS o ORDER BY o DESC LIMIT ${OBSERVATIONS_KEPT}) AS latest ORDER BY o) END,
        port = CASE WHEN excluded.last_seen >= f.last_seen THEN excluded.port ELSE f.port END,
        malware = CASE WHEN excluded.last_seen >= f.last_seen THEN excluded.malware ELSE f.malware END,
        source_id = excluded.source_id,
        severity = (${SEVERITY_ORDER})[least(array_position(${SEVERITY_ORDER}, f.severity), array_position(${SEVERITY_ORDER}, excluded.severity))],
        tlp = (${TLP_ORDER})[least(array_position(${TLP_ORDER}, f.tlp), array_position(${TLP_ORDER}, excluded.tlp))],
        status = CASE WHEN f.status = 'resolved' AND excluded.last_received > f.status_changed_at THEN 'new' ELSE f.status END,
        status_reason = CASE WHEN f.status = 'resolved' AND excluded.last_received > f.status_changed_at THEN 'seen again after it was resolved' ELSE f.status_reason END,
        status_changed_at = CASE WHEN f.status = 'resolved' AND excluded.last_received > f.status_changed_at THEN now() ELSE f.status_changed_at END
      RETURNING id, (xmax = 0) AS created, organisation_id, kind, type, indicator
    ), ids AS MATERIALIZED (
      SELECT g.n, g.count, u.id, u.created FROM upserted u
      JOIN g ON g.organisation_id = u.organisation_id AND g.kind = u.kind AND g.type = u.type AND g.indicator = u.indicator
    ), asset_links AS (
      INSERT INTO finding_assets (finding_id, asset_id)
      SELECT ids.id, l.asset_id FROM unnest(${sqlArray(assetLinks[0], 'bigint')}, ${sqlArray(assetLinks[1], 'bigint')}) AS l(n, asset_id) JOIN ids USING (n)
      ON CONFLICT DO NOTHING
    )
    SELECT (count(*) FILTER (WHERE created))::int AS created, (count(*) FILTER (WHERE count > 0))::int AS total FROM ids`.execute(db);
  return result.rows[0];
}

export interface FindingFilter {
  id?: number;
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
  if (filter.id !== undefined) query = query.where('f.id', '=', filter.id);
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
    observations: r.observations.map(Number),
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

/** Sets the status a person decided (acknowledged, a false positive …), with their reason. */
export async function setFindingStatus(db: Db, id: number, status: SettableStatus, reason?: string): Promise<void> {
  const result = await db
    .updateTable('findings')
    .set({ status, status_reason: reason ?? null, status_changed_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new KoppelError('not-found', `no finding ${id}`);
}

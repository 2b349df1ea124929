/**
 * Advisories in the store, with what enriches them (KEV, EPSS), the VEX statements made about them,
 * the product identities each names (for lookups from a changed inventory) and the vendor/product
 * names dictionary built from all of them.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import type { Advisory, Enrichment, Epss, Kev, VexStatement } from './model.ts';

type Db = Kysely<Database>;

/** JSON with object keys sorted: the store (jsonb) does not keep key order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

export type StoreOutcome = 'new' | 'revised' | 'unchanged';

/** The ids of a vulnerability record: its own and its aliases. */
export const idsOf = (a: { id: string; aliases: readonly string[] }): string[] => [a.id, ...a.aliases];

/** Advisories written per statement: a file of ten thousand OSV records takes ten round trips, not forty thousand. */
const ADVISORY_CHUNK = 1000;

/**
 * Stores advisories unless the store holds the same or a later revision of each, in order: a later
 * revision in the same list sees the earlier one as stored. `keys` are the product identities each
 * names; they replace the previous revision's. Outcomes come back in the order given.
 */
export async function storeAdvisories(db: Db, items: ReadonlyArray<{ advisory: Advisory; keys: readonly string[] }>, sourceId: number): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = [];
  for (let i = 0; i < items.length; i += ADVISORY_CHUNK) outcomes.push(...(await storeChunk(db, items.slice(i, i + ADVISORY_CHUNK), sourceId)));
  return outcomes;
}

async function storeChunk(db: Db, items: ReadonlyArray<{ advisory: Advisory; keys: readonly string[] }>, sourceId: number): Promise<StoreOutcome[]> {
  const ids = [...new Set(items.map((i) => i.advisory.id))];
  const rows = await db.selectFrom('advisories').select(['id', 'record', 'modified']).where('id', '=', sql<string>`ANY(${ids}::text[])`).execute();
  const stored = new Map(rows.map((r) => [r.id, { json: canonicalJson(r.record), modified: r.modified }]));
  const written = new Map<string, { advisory: Advisory; keys: readonly string[]; modified: Date | null }>();
  const outcomes = items.map(({ advisory, keys }): StoreOutcome => {
    const before = stored.get(advisory.id);
    const modified = advisory.modified ? new Date(advisory.modified) : null;
    const json = canonicalJson(advisory);
    if (before && (before.json === json || (before.modified && modified && modified < before.modified))) return 'unchanged';
    stored.set(advisory.id, { json, modified });
    written.set(advisory.id, { advisory, keys, modified });
    return before ? 'revised' : 'new';
  });
  if (written.size === 0) return outcomes;
  // Rows in key order, so that concurrent writers take their locks in the same order.
  const changed = [...written.values()].sort((a, b) => (a.advisory.id < b.advisory.id ? -1 : 1));
  const records = changed.map(({ advisory, modified }) => ({ record: advisory, aliases: advisory.aliases, withdrawn: advisory.withdrawn, modified: modified?.toISOString() ?? null }));
  await sql`
    INSERT INTO advisories (id, aliases, record, withdrawn, modified, source_id, received_at)
    SELECT r -> 'record' ->> 'id', ARRAY(SELECT jsonb_array_elements_text(r -> 'aliases')), r -> 'record', (r ->> 'withdrawn')::boolean, (r ->> 'modified')::timestamptz, ${sourceId}, ${new Date()}::timestamptz
    FROM jsonb_array_elements(${JSON.stringify(records)}::jsonb) AS r
    ON CONFLICT (id) DO UPDATE SET aliases = excluded.aliases, record = excluded.record, withdrawn = excluded.withdrawn, modified = excluded.modified,
      source_id = excluded.source_id, received_at = excluded.received_at`.execute(db);
  const changedIds = changed.map((c) => c.advisory.id);
  await sql`DELETE FROM advisory_products WHERE advisory_id = ANY(${changedIds}::text[])`.execute(db);
  const pairs = changed.flatMap(({ advisory, keys }) => [...new Set(keys)].map((key) => [key, advisory.id] as const));
  if (pairs.length) {
    await sql`INSERT INTO advisory_products (key, advisory_id) SELECT * FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[])`.execute(db);
  }
  return outcomes;
}

/** Advisories of a document (a CSAF tracking id) other than those kept: a revision that drops one drops it here too. */
export async function dropFromDocument(db: Db, document: string, keep: readonly string[]): Promise<Advisory[]> {
  const rows = await db
    .deleteFrom('advisories')
    .where(sql<boolean>`record ->> 'document' = ${document}`)
    .where('id', 'not in', keep.length ? [...keep] : [''])
    .returning('record')
    .execute();
  return rows.map((r) => r.record);
}

/** How far aliases are followed: GHSA → CVE → a CSAF advisory naming that CVE → … */
const GROUP_ROUNDS = 5;

export type StoredAdvisory = { advisory: Advisory; sourceId: number };

/**
 * For each seed, every stored advisory of the same vulnerability: sharing an id or alias with it, or
 * with one that does (GHSA → CVE → a CSAF advisory naming that CVE). The advisories of all seeds
 * are read together, a round of aliases at a time; each seed's group is then followed in memory.
 */
export async function advisoryGroups(db: Db, seeds: ReadonlyArray<readonly string[]>): Promise<StoredAdvisory[][]> {
  const fetched = new Map<string, StoredAdvisory>();
  /** Every id and alias → the advisories that carry it. */
  const carriers = new Map<string, string[]>();
  const asked = new Set<string>();
  let frontier = [...new Set(seeds.flat())];
  for (let round = 0; round < GROUP_ROUNDS && frontier.length > 0; round++) {
    for (const id of frontier) asked.add(id);
    // One alias lookup per id: `aliases && <thousand ids>` is planned as a scan comparing every row with every id.
    const { rows } = await sql<{ record: Advisory; source_id: number }>`
      SELECT record, source_id FROM advisories WHERE id = ANY(${frontier}::text[])
      UNION ALL
      SELECT a.record, a.source_id FROM unnest(${frontier}::text[]) AS q(id) JOIN advisories a ON a.aliases @> ARRAY[q.id]`.execute(db);
    const next = new Set<string>();
    for (const { record, source_id } of rows) {
      if (fetched.has(record.id)) continue;
      fetched.set(record.id, { advisory: record, sourceId: source_id });
      for (const id of idsOf(record)) {
        carriers.set(id, [...(carriers.get(id) ?? []), record.id]);
        if (!asked.has(id)) next.add(id);
      }
    }
    frontier = [...next];
  }
  return seeds.map((seed) => {
    const ids = new Set(seed);
    const found = new Set<string>();
    for (let round = 0; round < GROUP_ROUNDS; round++) {
      for (const id of ids) for (const advisoryId of carriers.get(id) ?? []) found.add(advisoryId);
      const before = ids.size;
      for (const advisoryId of found) for (const id of idsOf(fetched.get(advisoryId)!.advisory)) ids.add(id);
      if (ids.size === before) break;
    }
    return [...found].sort().map((id) => fetched.get(id)!);
  });
}

/** Ids of the advisories naming any of these product identities. */
export async function advisoriesNaming(db: Db, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await sql<{ advisory_id: string }>`SELECT DISTINCT advisory_id FROM advisory_products WHERE key = ANY(${[...keys]}::text[])`.execute(db);
  return rows.rows.map((r) => r.advisory_id);
}

/** Ids of the advisories whose id or aliases hold one of these CVEs. */
export async function advisoriesOfCves(db: Db, cves: readonly string[]): Promise<string[]> {
  if (cves.length === 0) return [];
  const rows = await db
    .selectFrom('advisories')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', sql<string>`ANY(${[...cves]}::text[])`), sql<boolean>`aliases && ${[...cves]}::text[]`]))
    .execute();
  return rows.map((r) => r.id);
}

const ENRICHMENT_CHUNK = 5000;

export async function storeEnrichments(db: Db, enrichments: readonly Enrichment[]): Promise<void> {
  for (let i = 0; i < enrichments.length; i += ENRICHMENT_CHUNK) {
    const chunk = enrichments.slice(i, i + ENRICHMENT_CHUNK);
    await sql`
      INSERT INTO vulnerability_enrichments (cve, kind, record)
      SELECT * FROM unnest(${chunk.map((e) => e.cve)}::text[], ${chunk.map((e) => e.kind)}::text[], ${chunk.map((e) => JSON.stringify(e.kind === 'kev' ? e.kev : e.epss))}::jsonb[])
      ON CONFLICT (cve, kind) DO UPDATE SET record = excluded.record`.execute(db);
  }
}

export type EnrichmentRow = { cve: string; kind: 'kev' | 'epss'; record: Kev | Epss };

/** The KEV entries and EPSS scores stored for these CVEs, by CVE. */
export async function enrichmentRows(db: Db, cves: readonly string[]): Promise<EnrichmentRow[]> {
  if (cves.length === 0) return [];
  return db.selectFrom('vulnerability_enrichments').selectAll().where('cve', '=', sql<string>`ANY(${[...new Set(cves)]}::text[])`).orderBy('cve').execute();
}

/** The KEV entry and highest EPSS score among the rows of one vulnerability's ids. */
export function enrichmentOf(rows: readonly EnrichmentRow[]): { kev?: Kev; epss?: Epss } {
  const kev = rows.find((r) => r.kind === 'kev')?.record as Kev | undefined;
  const epss = rows.filter((r) => r.kind === 'epss').map((r) => r.record as Epss).sort((a, b) => b.score - a.score)[0];
  return { ...(kev ? { kev } : {}), ...(epss ? { epss } : {}) };
}

export async function storeNames(db: Db, names: ReadonlyArray<{ phrase: string; identity: string }>): Promise<void> {
  if (names.length === 0) return;
  await sql`
    INSERT INTO software_names (phrase, identity)
    SELECT DISTINCT * FROM unnest(${names.map((n) => n.phrase)}::text[], ${names.map((n) => n.identity)}::text[])
    ON CONFLICT DO NOTHING`.execute(db);
}

export const loadNames = (db: Db): Promise<Array<{ phrase: string; identity: string }>> => db.selectFrom('software_names').selectAll().execute();

/** Keeps VEX statements, for one organisation or (null) for every holder of the product. */
export async function storeVexStatements(db: Db, statements: readonly VexStatement[], organisationId: number | null): Promise<void> {
  if (statements.length === 0) return;
  await db
    .insertInto('vex_statements')
    .values(statements.map((s) => ({ vulnerability: s.vulnerability, ids: [s.vulnerability, ...s.aliases], organisation_id: organisationId, record: JSON.stringify(s) as unknown as VexStatement })))
    .execute();
}

export type StoredStatement = { ids: string[]; organisationId: number | null; statement: VexStatement };

/** The VEX statements about any of these ids, in the order they were received. */
export async function vexStatementsOf(db: Db, ids: readonly string[]): Promise<StoredStatement[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('vex_statements').select(['ids', 'organisation_id', 'record']).where(sql<boolean>`ids && ${[...new Set(ids)]}::text[]`).orderBy('id').execute();
  return rows.map((r) => ({ ids: r.ids, organisationId: r.organisation_id, statement: r.record }));
}

export interface AdvisorySummary {
  id: string;
  aliases: string[];
  title: string;
  format: string;
  publisher: string | null;
  severity: Advisory['severity'];
  withdrawn: boolean;
  modified: string | null;
  affected: number;
  kev: boolean;
  source: string;
}

export async function listAdvisories(db: Db, options: { limit?: number } = {}): Promise<AdvisorySummary[]> {
  let query = db
    .selectFrom('advisories as a')
    .innerJoin('sources as s', 's.id', 'a.source_id')
    .select(['a.id', 'a.aliases', 'a.record', 'a.withdrawn', 'a.modified', 's.name as source'])
    .select(sql<boolean>`EXISTS (SELECT 1 FROM vulnerability_enrichments e WHERE e.kind = 'kev' AND (e.cve = a.id OR e.cve = ANY(a.aliases)))`.as('kev_known'))
    .orderBy('a.modified', 'desc')
    .orderBy('a.id');
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    aliases: r.aliases,
    title: r.record.title,
    format: r.record.format,
    publisher: r.record.publisher ?? null,
    severity: r.record.severity,
    withdrawn: r.withdrawn,
    modified: r.modified ? r.modified.toISOString() : null,
    affected: r.record.affected.filter((p) => p.status === 'affected').length,
    kev: Boolean(r.record.kev) || r.kev_known,
    source: r.source,
  }));
}

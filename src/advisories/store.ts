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

/**
 * Stores an advisory unless the store holds the same or a later revision of it. `keys` are the
 * product identities it names; they replace the previous revision's.
 */
export async function storeAdvisory(db: Db, advisory: Advisory, sourceId: number, keys: readonly string[]): Promise<StoreOutcome> {
  const stored = await db.selectFrom('advisories').select(['record', 'modified']).where('id', '=', advisory.id).executeTakeFirst();
  const modified = advisory.modified ? new Date(advisory.modified) : null;
  if (stored) {
    const same = canonicalJson(stored.record) === canonicalJson(advisory);
    const older = stored.modified && modified && modified < stored.modified;
    if (same || older) return 'unchanged';
  }
  const row = { aliases: advisory.aliases, record: JSON.stringify(advisory) as unknown as Advisory, withdrawn: advisory.withdrawn, modified, source_id: sourceId, received_at: new Date() };
  await db
    .insertInto('advisories')
    .values({ id: advisory.id, ...row })
    .onConflict((c) => c.column('id').doUpdateSet(row))
    .execute();
  await db.deleteFrom('advisory_products').where('advisory_id', '=', advisory.id).execute();
  if (keys.length) {
    await sql`INSERT INTO advisory_products (key, advisory_id) SELECT DISTINCT k, ${advisory.id} FROM unnest(${[...keys]}::text[]) AS k`.execute(db);
  }
  return stored ? 'revised' : 'new';
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

/**
 * Every stored advisory of the same vulnerability as the given ids: sharing an id or alias with
 * them, or with one that does (GHSA → CVE → a CSAF advisory naming that CVE).
 */
export async function advisoryGroup(db: Db, seed: readonly string[]): Promise<Array<{ advisory: Advisory; sourceId: number }>> {
  const ids = new Set(seed);
  const found = new Map<string, { advisory: Advisory; sourceId: number }>();
  for (let round = 0; round < 5; round++) {
    const rows = await db
      .selectFrom('advisories')
      .select(['record', 'source_id'])
      .where((eb) => eb.or([eb('id', '=', sql<string>`ANY(${[...ids]}::text[])`), sql<boolean>`aliases && ${[...ids]}::text[]`]))
      .execute();
    const before = ids.size;
    for (const { record, source_id } of rows) {
      found.set(record.id, { advisory: record, sourceId: source_id });
      for (const id of idsOf(record)) ids.add(id);
    }
    if (ids.size === before) break;
  }
  return [...found.values()].sort((a, b) => (a.advisory.id < b.advisory.id ? -1 : a.advisory.id > b.advisory.id ? 1 : 0));
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

/** The KEV entry and EPSS score of any of these ids, when known. */
export async function enrichmentsOf(db: Db, ids: readonly string[]): Promise<{ kev?: Kev; epss?: Epss }> {
  if (ids.length === 0) return {};
  const rows = await db.selectFrom('vulnerability_enrichments').selectAll().where('cve', 'in', [...ids]).orderBy('cve').execute();
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

export async function vexStatementsOf(db: Db, ids: readonly string[]): Promise<Array<{ organisationId: number | null; statement: VexStatement }>> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('vex_statements').select(['organisation_id', 'record']).where(sql<boolean>`ids && ${[...ids]}::text[]`).orderBy('id').execute();
  return rows.map((r) => ({ organisationId: r.organisation_id, statement: r.record }));
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

/**
 * Vulnerability findings: one per organisation × vulnerability × product (the inventory entry as
 * registered), kind `vulnerable`, type the vulnerability's key (its CVE, else its first advisory id).
 * The advisory's details live beside the finding, keyed by its id. Unlike observation findings they
 * are re-evaluated whole: a revision may lower the severity, and what is no longer affected resolves.
 */
import { sql, type Kysely } from 'kysely';
import type { Epss, Kev } from '../advisories/model.ts';
import { SEVERITIES, type Severity, type Tlp } from '../observations/model.ts';
import { KoppelError } from '../errors.ts';
import type { Database } from '../store/index.ts';
import type { Confidence } from '../versions/index.ts';
import { listFindings } from './store.ts';

type Db = Kysely<Database>;

export interface VulnerableProduct {
  organisationId: number;
  assetId: number;
  /** The inventory entry as registered. */
  indicator: string;
  sourceId: number;
  advisory: string;
  /** The affected product as the advisory names it. */
  product: string;
  version?: string;
  fixedIn?: string;
  confidence: Confidence;
  explanation: string;
  remediation?: string;
  /** A VEX `not_affected` statement covers it: the justification. */
  suppressed?: string;
}

/** One vulnerability as assessed against the inventories: what every finding of it should now say. */
export interface AssessedVulnerability {
  key: string;
  /** Every id and alias of the advisories that are this vulnerability. */
  ids: string[];
  cve?: string;
  /** No advisory of it is left that is not withdrawn. */
  withdrawn: boolean;
  severity: Severity;
  tlp: Tlp;
  kev?: Kev;
  epss?: Epss;
  products: VulnerableProduct[];
}

export const RESOLVED_WITHDRAWN = 'advisory withdrawn';
export const RESOLVED_NOT_AFFECTED = 'no longer affected according to the current advisories and inventory';

export interface VulnerabilityDetails {
  cve: string | null;
  advisory: string;
  aliases: string[];
  product: string;
  version: string | null;
  fixedIn: string | null;
  confidence: Confidence;
  explanation: string;
  remediation: string | null;
  kev: Kev | null;
  epss: Epss | null;
}

const SEVERITY_ORDER = sql.raw(`ARRAY[${SEVERITIES.map((s) => `'${s}'`).join(',')}]`);
const OUR_RESOLUTIONS = [RESOLVED_WITHDRAWN, RESOLVED_NOT_AFFECTED];

type Counts = { findingsNew: number; findingsUpdated: number; findingsResolved: number; findingsSuppressed: number };

/**
 * Brings the findings of vulnerabilities in line with their assessments (for one organisation, or
 * all), a few statements for all of them: findings filed under an alias move to the key, affected
 * products get their finding created or updated, covered ones are suppressed, and the rest resolve.
 * The vulnerabilities share no id, so their findings never meet.
 */
export async function reconcileVulnerabilities(db: Db, vulnerabilities: readonly AssessedVulnerability[], organisation?: number): Promise<Counts> {
  if (vulnerabilities.length === 0) return { findingsNew: 0, findingsUpdated: 0, findingsResolved: 0, findingsSuppressed: 0 };
  const inScope = organisation !== undefined ? sql`AND f.organisation_id = ${organisation}` : sql``;
  const moves = new Map<string, string>();
  for (const v of vulnerabilities) for (const id of v.ids) if (id !== v.key && !moves.has(id)) moves.set(id, v.key);
  // Findings filed under an alias are few and found through the index; the moves touch those alone.
  const filed = moves.size
    ? await sql<{ finding_id: number }>`SELECT vf.finding_id FROM unnest(${[...moves.keys()]}::text[]) AS m(other) JOIN vulnerability_findings vf ON vf.vulnerability = m.other`.execute(db)
    : { rows: [] };
  if (filed.rows.length) {
    const moved = sql`unnest(${[...moves.keys()]}::text[], ${[...moves.values()]}::text[]) AS m(other, key)`;
    const onlyFiled = sql`AND vf.finding_id = ANY(${filed.rows.map((r) => r.finding_id)}::bigint[])`;
    await sql`
      UPDATE findings f SET type = m.key FROM vulnerability_findings vf, ${moved}
      WHERE vf.finding_id = f.id AND vf.vulnerability = m.other ${onlyFiled} ${inScope}
        AND NOT EXISTS (SELECT 1 FROM findings g WHERE g.organisation_id = f.organisation_id AND g.kind = f.kind AND g.type = m.key AND g.indicator = f.indicator)`.execute(db);
    await sql`DELETE FROM findings f USING vulnerability_findings vf, ${moved} WHERE vf.finding_id = f.id AND vf.vulnerability = m.other AND f.type <> m.key ${onlyFiled} ${inScope}`.execute(db);
    await sql`UPDATE vulnerability_findings vf SET vulnerability = m.key FROM findings f, ${moved} WHERE f.id = vf.finding_id AND vf.vulnerability = m.other ${onlyFiled} ${inScope}`.execute(db);
  }
  const existing = await sql<{ id: number; vulnerability: string }>`
    SELECT f.id, vf.vulnerability FROM findings f JOIN vulnerability_findings vf ON vf.finding_id = f.id
    WHERE vf.vulnerability = ANY(${vulnerabilities.map((v) => v.key)}::text[]) ${inScope}`.execute(db);

  // Rows in key order, so that concurrent writers take their locks in the same order.
  const rows = vulnerabilities
    .flatMap((v) => (v.withdrawn ? [] : v.products).map((p) => ({ v, p })))
    .sort((a, b) => a.p.organisationId - b.p.organisationId || compareText(a.v.key, b.v.key) || compareText(a.p.indicator, b.p.indicator));
  const now = new Date();
  const kept = new Set<number>();
  let findingsNew = 0;
  let findingsSuppressed = 0;
  if (rows.length) {
    const upserted = await sql<{ id: number; created: boolean; suppressed_now: boolean; org: number; type: string; indicator: string }>`
      INSERT INTO findings AS f (organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count, status, status_reason)
      SELECT o, 'vulnerable', k, i, sv, tl, s, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz, 1,
        CASE WHEN r IS NULL THEN 'new' ELSE 'suppressed' END, r
      FROM unnest(${rows.map((r) => r.p.organisationId)}::bigint[], ${rows.map((r) => r.v.key)}::text[], ${rows.map((r) => r.p.indicator)}::text[],
        ${rows.map((r) => r.v.severity)}::text[], ${rows.map((r) => r.v.tlp)}::text[], ${rows.map((r) => r.p.sourceId)}::bigint[],
        ${rows.map((r) => r.p.suppressed ?? null)}::text[]) AS t(o, k, i, sv, tl, s, r)
      ON CONFLICT (organisation_id, kind, type, indicator) DO UPDATE SET
        severity = excluded.severity,
        tlp = excluded.tlp,
        source_id = excluded.source_id,
        last_seen = excluded.last_seen,
        last_received = CASE
          WHEN f.status = 'resolved' AND f.status_reason = ANY(${OUR_RESOLUTIONS}::text[]) THEN excluded.last_received
          WHEN array_position(${SEVERITY_ORDER}, excluded.severity) < array_position(${SEVERITY_ORDER}, f.severity) THEN excluded.last_received
          ELSE f.last_received END,
        status = CASE
          WHEN excluded.status = 'suppressed' AND f.status NOT IN ('suppressed', 'false-positive') THEN 'suppressed'
          WHEN f.status = 'resolved' AND f.status_reason = ANY(${OUR_RESOLUTIONS}::text[]) THEN 'new'
          ELSE f.status END,
        status_reason = CASE
          WHEN excluded.status = 'suppressed' AND f.status NOT IN ('suppressed', 'false-positive') THEN excluded.status_reason
          WHEN f.status = 'resolved' AND f.status_reason = ANY(${OUR_RESOLUTIONS}::text[]) THEN 'affected again'
          ELSE f.status_reason END,
        status_changed_at = CASE
          WHEN excluded.status = 'suppressed' AND f.status NOT IN ('suppressed', 'false-positive') THEN now()
          WHEN f.status = 'resolved' AND f.status_reason = ANY(${OUR_RESOLUTIONS}::text[]) THEN now()
          ELSE f.status_changed_at END
      RETURNING id, (xmax = 0) AS created, (status = 'suppressed' AND status_changed_at = now()) AS suppressed_now, organisation_id AS org, type, indicator`.execute(db);
    const idOf = new Map(upserted.rows.map((r) => [`${r.org}\t${r.type}\t${r.indicator}`, r.id]));
    findingsNew = upserted.rows.filter((r) => r.created).length;
    findingsSuppressed = upserted.rows.filter((r) => r.suppressed_now).length;
    const ids = rows.map((r) => idOf.get(`${r.p.organisationId}\t${r.v.key}\t${r.p.indicator}`)!);
    for (const id of ids) kept.add(id);
    await sql`INSERT INTO finding_assets (finding_id, asset_id) SELECT * FROM unnest(${ids}::bigint[], ${rows.map((r) => r.p.assetId)}::bigint[]) ON CONFLICT DO NOTHING`.execute(db);
    const aliases = new Map(vulnerabilities.map((v) => [v, JSON.stringify(v.ids.filter((id) => id !== v.key).sort())]));
    await sql`
      INSERT INTO vulnerability_findings (finding_id, vulnerability, cve, advisory, aliases, product, version, fixed_in, confidence, explanation, remediation, kev, epss)
      SELECT f, k, cv, a, ARRAY(SELECT jsonb_array_elements_text(al)), p, ver, fx, c, e, r, kv, ep
      FROM unnest(${ids}::bigint[], ${rows.map((r) => r.v.key)}::text[], ${rows.map((r) => r.v.cve ?? null)}::text[], ${rows.map((r) => r.p.advisory)}::text[],
        ${rows.map((r) => aliases.get(r.v)!)}::jsonb[], ${rows.map((r) => r.p.product)}::text[], ${rows.map((r) => r.p.version ?? null)}::text[],
        ${rows.map((r) => r.p.fixedIn ?? null)}::text[], ${rows.map((r) => r.p.confidence)}::text[], ${rows.map((r) => r.p.explanation)}::text[],
        ${rows.map((r) => r.p.remediation ?? null)}::text[], ${rows.map((r) => (r.v.kev ? JSON.stringify(r.v.kev) : null))}::jsonb[],
        ${rows.map((r) => (r.v.epss ? JSON.stringify(r.v.epss) : null))}::jsonb[]) AS t(f, k, cv, a, al, p, ver, fx, c, e, r, kv, ep)
      ON CONFLICT (finding_id) DO UPDATE SET vulnerability = excluded.vulnerability, cve = excluded.cve, advisory = excluded.advisory, aliases = excluded.aliases,
        product = excluded.product, version = excluded.version, fixed_in = excluded.fixed_in, confidence = excluded.confidence, explanation = excluded.explanation,
        remediation = excluded.remediation, kev = excluded.kev, epss = excluded.epss`.execute(db);
  }
  const withdrawn = new Set(vulnerabilities.filter((v) => v.withdrawn).map((v) => v.key));
  const stale = existing.rows.filter((r) => !kept.has(r.id));
  let findingsResolved = 0;
  if (stale.length) {
    const result = await sql`
      UPDATE findings f SET status = 'resolved', status_reason = s.reason, status_changed_at = ${now}, last_received = ${now}
      FROM unnest(${stale.map((r) => r.id)}::bigint[], ${stale.map((r) => (withdrawn.has(r.vulnerability) ? RESOLVED_WITHDRAWN : RESOLVED_NOT_AFFECTED))}::text[]) AS s(id, reason)
      WHERE f.id = s.id AND f.status IN ('new', 'notified', 'acknowledged', 'suppressed')`.execute(db);
    findingsResolved = Number(result.numAffectedRows ?? 0);
  }
  return { findingsNew, findingsUpdated: kept.size - findingsNew, findingsResolved, findingsSuppressed };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The vulnerability details of these findings, by finding id; findings of other kinds have none. */
export async function vulnerabilityDetails(db: Db, findingIds: readonly number[]): Promise<Map<number, VulnerabilityDetails>> {
  const map = new Map<number, VulnerabilityDetails>();
  if (findingIds.length === 0) return map;
  const rows = await db.selectFrom('vulnerability_findings').selectAll().where('finding_id', 'in', [...findingIds]).execute();
  for (const r of rows) {
    map.set(r.finding_id, {
      cve: r.cve,
      advisory: r.advisory,
      aliases: r.aliases,
      product: r.product,
      version: r.version,
      fixedIn: r.fixed_in,
      confidence: r.confidence,
      explanation: r.explanation,
      remediation: r.remediation,
      kev: r.kev,
      epss: r.epss,
    });
  }
  return map;
}

/** What `koppel findings` and `GET /findings` add to a vulnerability finding; other findings get none of it. */
export interface VulnerabilityFields {
  cve?: string;
  advisory?: string;
  aliases?: string[];
  product?: string;
  version?: string;
  fixedIn?: string;
  confidence?: Confidence;
  explanation?: string;
  remediation?: string;
  kev?: Kev;
  epss?: Epss;
}

const present = <T>(value: T | null): value is T => value !== null;

/** The findings with their vulnerability details merged in. */
export async function withVulnerabilityDetails<F extends { id: number }>(db: Db, findings: readonly F[]): Promise<Array<F & VulnerabilityFields>> {
  const details = await vulnerabilityDetails(db, findings.map((f) => f.id));
  return findings.map((f) => {
    const d = details.get(f.id);
    if (!d) return f;
    const fields = Object.fromEntries(Object.entries(d).filter(([, v]) => present(v))) as VulnerabilityFields;
    return { ...f, ...fields };
  });
}

/** The finding with the id, with its vulnerability's details when it has one; not-found when there is none. */
export async function findingById(db: Db, id: number) {
  const [finding] = await withVulnerabilityDetails(db, await listFindings(db, { id }));
  if (!finding) throw new KoppelError('not-found', `no finding ${id}`);
  return finding;
}

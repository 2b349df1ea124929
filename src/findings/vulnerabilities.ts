/**
 * Vulnerability findings: one per organisation × vulnerability × product (the inventory entry as
 * registered), kind `vulnerable`, type the vulnerability's key (its CVE, else its first advisory id).
 * The advisory's details live beside the finding, keyed by its id. Unlike observation findings they
 * are re-evaluated whole: a revision may lower the severity, and what is no longer affected resolves.
 */
import { sql, type Kysely } from 'kysely';
import type { Epss, Kev } from '../advisories/model.ts';
import { SEVERITIES, type Severity, type Tlp } from '../observations/model.ts';
import type { Database } from '../store/index.ts';
import type { Confidence } from '../versions/index.ts';

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

/**
 * Brings the findings of one vulnerability in line with its assessment (for one organisation, or
 * all): findings filed under an alias move to the key, affected products get their finding created
 * or updated, covered ones are suppressed, and the rest resolve.
 */
export async function reconcileVulnerability(
  db: Db,
  v: AssessedVulnerability,
  organisation?: number,
): Promise<{ findingsNew: number; findingsUpdated: number; findingsResolved: number; findingsSuppressed: number }> {
  const inScope = organisation !== undefined ? sql`AND f.organisation_id = ${organisation}` : sql``;
  const others = v.ids.filter((id) => id !== v.key);
  if (others.length) {
    await sql`
      UPDATE findings f SET type = ${v.key} FROM vulnerability_findings vf
      WHERE vf.finding_id = f.id AND vf.vulnerability = ANY(${others}::text[]) ${inScope}
        AND NOT EXISTS (SELECT 1 FROM findings g WHERE g.organisation_id = f.organisation_id AND g.kind = f.kind AND g.type = ${v.key} AND g.indicator = f.indicator)`.execute(db);
    await sql`DELETE FROM findings f USING vulnerability_findings vf WHERE vf.finding_id = f.id AND vf.vulnerability = ANY(${others}::text[]) AND f.type <> ${v.key} ${inScope}`.execute(db);
    await sql`UPDATE vulnerability_findings vf SET vulnerability = ${v.key} FROM findings f WHERE f.id = vf.finding_id AND vf.vulnerability = ANY(${others}::text[]) ${inScope}`.execute(db);
  }
  const existing = await sql<{ id: number }>`
    SELECT f.id FROM findings f JOIN vulnerability_findings vf ON vf.finding_id = f.id WHERE vf.vulnerability = ${v.key} ${inScope}`.execute(db);

  const products = v.withdrawn ? [] : v.products;
  const now = new Date();
  const kept = new Set<number>();
  let findingsNew = 0;
  let findingsSuppressed = 0;
  if (products.length) {
    const upserted = await sql<{ id: number; created: boolean; suppressed_now: boolean; org: number; indicator: string }>`
      INSERT INTO findings AS f (organisation_id, kind, type, indicator, severity, tlp, source_id, first_seen, last_seen, last_received, count, status, status_reason)
      SELECT o, 'vulnerable', ${v.key}, i, ${v.severity}, ${v.tlp}, s, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz, 1,
        CASE WHEN r IS NULL THEN 'new' ELSE 'suppressed' END, r
      FROM unnest(${products.map((p) => p.organisationId)}::bigint[], ${products.map((p) => p.indicator)}::text[], ${products.map((p) => p.sourceId)}::bigint[],
        ${products.map((p) => p.suppressed ?? null)}::text[]) AS t(o, i, s, r)
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
      RETURNING id, (xmax = 0) AS created, (status = 'suppressed' AND status_changed_at = now()) AS suppressed_now, organisation_id AS org, indicator`.execute(db);
    const idOf = new Map(upserted.rows.map((r) => [`${r.org}\t${r.indicator}`, r.id]));
    findingsNew = upserted.rows.filter((r) => r.created).length;
    findingsSuppressed = upserted.rows.filter((r) => r.suppressed_now).length;
    const ids = products.map((p) => idOf.get(`${p.organisationId}\t${p.indicator}`)!);
    for (const id of ids) kept.add(id);
    await sql`INSERT INTO finding_assets (finding_id, asset_id) SELECT * FROM unnest(${ids}::bigint[], ${products.map((p) => p.assetId)}::bigint[]) ON CONFLICT DO NOTHING`.execute(db);
    const aliases = v.ids.filter((id) => id !== v.key).sort();
    await sql`
      INSERT INTO vulnerability_findings (finding_id, vulnerability, cve, advisory, aliases, product, version, fixed_in, confidence, explanation, remediation, kev, epss)
      SELECT f, ${v.key}, ${v.cve ?? null}, a, ${aliases}::text[], p, ver, fx, c, e, r, ${v.kev ? JSON.stringify(v.kev) : null}::jsonb, ${v.epss ? JSON.stringify(v.epss) : null}::jsonb
      FROM unnest(${ids}::bigint[], ${products.map((p) => p.advisory)}::text[], ${products.map((p) => p.product)}::text[], ${products.map((p) => p.version ?? null)}::text[],
        ${products.map((p) => p.fixedIn ?? null)}::text[], ${products.map((p) => p.confidence)}::text[], ${products.map((p) => p.explanation)}::text[],
        ${products.map((p) => p.remediation ?? null)}::text[]) AS t(f, a, p, ver, fx, c, e, r)
      ON CONFLICT (finding_id) DO UPDATE SET vulnerability = excluded.vulnerability, cve = excluded.cve, advisory = excluded.advisory, aliases = excluded.aliases,
        product = excluded.product, version = excluded.version, fixed_in = excluded.fixed_in, confidence = excluded.confidence, explanation = excluded.explanation,
        remediation = excluded.remediation, kev = excluded.kev, epss = excluded.epss`.execute(db);
  }
  const stale = existing.rows.map((r) => r.id).filter((id) => !kept.has(id));
  let findingsResolved = 0;
  if (stale.length) {
    const reason = v.withdrawn ? RESOLVED_WITHDRAWN : RESOLVED_NOT_AFFECTED;
    const result = await sql`
      UPDATE findings SET status = 'resolved', status_reason = ${reason}, status_changed_at = ${now}, last_received = ${now}
      WHERE id = ANY(${stale}::bigint[]) AND status IN ('new', 'notified', 'acknowledged', 'suppressed')`.execute(db);
    findingsResolved = Number(result.numAffectedRows ?? 0);
  }
  return { findingsNew, findingsUpdated: kept.size - findingsNew, findingsResolved, findingsSuppressed };
}

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

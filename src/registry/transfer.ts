/**
 * `koppel registry import` and `export`. Import checks every row and writes the good ones in
 * batches inside one transaction; when any row is bad (and bad rows are not to be skipped) it
 * reports them all and rolls back, so a failed import leaves the store as it was.
 */
import { open, stat } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { sql, type Kysely } from 'kysely';
import { KoppelError, type Problem } from '../errors.ts';
import type { Database } from '../store/index.ts';
import { ASSET_KINDS, parseAssetValue, type AssetKind, type AssetValue } from './asset-value.ts';
import { VERIFICATIONS, type Actor, type ContactInput, type OrganisationInput, type Verification } from './model.ts';
import { CSV_COLUMNS, JSON_FORMAT, isJsonFile, readRecords, type JsonOrganisation, type RegistryRecord } from './transfer-format.ts';
import { SeenKeys } from '../collections/seen-keys.ts';
import { checkContact, checkOrganisation } from './validate.ts';

type Db = Kysely<Database>;

export interface ImportOptions {
  skipInvalid?: boolean;
  actor: Actor;
  /** Called as the file is read: bytes read so far, file size. */
  progress?: (phase: 'importing', bytes: number, total: number) => void;
}

export interface ImportReport {
  rows: number;
  rejected: number;
  problems: Problem[];
  organisationsCreated: number;
  organisationsUpdated: number;
  contactsAdded: number;
  assetsAdded: number;
  /** Organisations that got software they did not have: their vulnerabilities are to be evaluated again. */
  softwareAddedTo: string[];
  warnings: string[];
}

interface CheckedRow {
  organisation: OrganisationInput;
  contact?: ContactInput;
  asset?: AssetValue & { verification?: Verification; verifiedBy?: string };
}

/** At most this many problems are kept in the report; all are counted. */
const PROBLEMS_KEPT = 1000;
const BATCH = 5000;

function checkRow(record: RegistryRecord, file: string): { row: CheckedRow; warning?: string } | { problems: Problem[] } {
  const where = { file, line: record.position.line };
  const prefix = record.position.path ? `${record.position.path}.` : '';
  const problems: Problem[] = [];
  const org = checkOrganisation({ ref: record.org_ref, name: record.org_name, country: record.org_country, sector: record.org_sector, language: record.org_language });
  if (!org.ok) problems.push(...org.problems.map((p) => ({ ...p, ...where, field: `${prefix}org_${p.field}` })));
  let contact: ContactInput | undefined;
  if (record.contact_email || record.contact_name || record.contact_phone) {
    const checked = checkContact({ email: record.contact_email, name: record.contact_name, phone: record.contact_phone, role: record.contact_role, language: record.contact_language }, 'contact_');
    if (checked.ok) contact = checked.value;
    else problems.push(...checked.problems.map((p) => ({ ...p, ...where, field: `${prefix}${p.field}` })));
  }
  let asset: CheckedRow['asset'];
  let warning: string | undefined;
  if (record.asset) {
    const kind = record.asset_kind as AssetKind | undefined;
    if (kind && !ASSET_KINDS.includes(kind)) problems.push({ ...where, field: `${prefix}asset_kind`, value: kind, reason: `asset kind "${kind}" is not one of ${ASSET_KINDS.join(', ')}` });
    const verification = record.verification as Verification | undefined;
    if (verification && !VERIFICATIONS.includes(verification)) {
      problems.push({ ...where, field: `${prefix}verification`, value: verification, reason: `verification "${verification}" is not one of ${VERIFICATIONS.join(', ')}` });
    }
    const parsed = parseAssetValue(record.asset, kind && ASSET_KINDS.includes(kind) ? kind : undefined);
    if (parsed.ok) {
      asset = { ...parsed.value, verification, verifiedBy: record.verified_by };
      if (parsed.warning) warning = `${file}, line ${record.position.line}: ${parsed.warning}`;
    } else problems.push({ ...where, field: `${prefix}asset`, value: record.asset, reason: parsed.reason });
  } else if (record.asset_kind) {
    problems.push({ ...where, field: `${prefix}asset`, reason: 'asset_kind is given without an asset' });
  }
  if (problems.length || !org.ok) return { problems };
  return { row: { organisation: org.value, contact, asset }, warning };
}

/**
 * Reads and checks the whole file in one pass, writing the good rows in batches as it goes. The
 * next batch is read and checked while the database writes the previous one. Once a bad row is
 * found (and bad rows are not to be skipped) nothing more is written; the caller rolls back.
 */
async function scan(
  file: string,
  options: ImportOptions,
  write: (rows: CheckedRow[]) => Promise<void>,
): Promise<Pick<ImportReport, 'rows' | 'rejected' | 'problems' | 'warnings'>> {
  const total = (await stat(file)).size;
  const handle = await open(file);
  const head = (await handle.read(Buffer.alloc(512), 0, 512, 0)).buffer.toString('utf8');
  await handle.close();
  let bytes = 0;
  const report = { rows: 0, rejected: 0, problems: [] as Problem[], warnings: [] as string[] };
  const reject = (problem: Problem) => {
    if (report.problems.length < PROBLEMS_KEPT) report.problems.push(problem);
  };
  const seen = new SeenKeys();
  let batch: CheckedRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  const writeBatch = async () => {
    const rows = batch;
    batch = [];
    await writing;
    writing = write(rows);
    // Keep an unobserved failure from crashing the process; it is awaited (and thrown) below.
    writing.catch(() => undefined);
  };
  for await (const item of readRecords(file, isJsonFile(file, head), (n) => {
    bytes += n;
    options.progress?.('importing', bytes, total);
  })) {
    report.rows++;
    if ('problem' in item) {
      report.rejected++;
      reject(item.problem);
      continue;
    }
    const checked = checkRow(item.record, file);
    if ('problems' in checked) {
      report.rejected++;
      checked.problems.forEach(reject);
      continue;
    }
    const { asset, organisation } = checked.row;
    if (asset) {
      const first = seen.firstLine(`${organisation.ref}\t${asset.kind}\t${asset.value}`, item.record.position.line);
      if (first !== undefined) {
        report.rejected++;
        reject({ file, line: item.record.position.line, field: 'asset', value: asset.value, reason: `${asset.value} is already given for ${organisation.ref} on line ${first}` });
        continue;
      }
    }
    if (checked.warning && report.warnings.length < PROBLEMS_KEPT) report.warnings.push(checked.warning);
    if (report.rejected > 0 && !options.skipInvalid) continue;
    batch.push(checked.row);
    if (batch.length >= BATCH) await writeBatch();
  }
  if (batch.length && (report.rejected === 0 || options.skipInvalid)) await writeBatch();
  await writing;
  return report;
}

/**
 * Imports the file in one transaction. With any bad row (unless `skipInvalid`), every bad row is
 * reported and the transaction rolled back: the store is left as it was.
 */
export async function importRegistry(db: Db, file: string, options: ImportOptions): Promise<ImportReport> {
  const counts = { organisationsCreated: 0, organisationsUpdated: 0, contactsAdded: 0, assetsAdded: 0 };
  const softwareAdded = new Set<number>();
  return db.transaction().execute(async (tx) => {
    const ids = new Map<string, number>();
    const checked = await scan(file, options, async (rows) => {
      await writeOrganisations(tx, rows, ids, counts);
      counts.contactsAdded += await writeContacts(tx, rows, ids);
      const assets = await writeAssets(tx, rows, ids, options.actor);
      counts.assetsAdded += assets.added;
      for (const id of assets.softwareAddedTo) softwareAdded.add(id);
    });
    if (checked.rejected > 0 && !options.skipInvalid) {
      throw new KoppelError('invalid', `${file}: ${checked.rejected} of ${checked.rows} rows are invalid; nothing was imported (use --skip-invalid to import the valid rows)`, checked.problems);
    }
    const softwareAddedTo = [...ids].filter(([, id]) => softwareAdded.has(id)).map(([ref]) => ref);
    return { ...checked, ...counts, softwareAddedTo };
  });
}

async function writeOrganisations(db: Db, rows: CheckedRow[], ids: Map<string, number>, counts: { organisationsCreated: number; organisationsUpdated: number }) {
  const byRef = new Map<string, OrganisationInput>();
  for (const { organisation } of rows) if (!byRef.has(organisation.ref) && !ids.has(organisation.ref)) byRef.set(organisation.ref, organisation);
  const orgs = [...byRef.values()];
  const column = <K extends keyof OrganisationInput>(k: K) => orgs.map((o) => o[k] ?? null);
  const created = await sql<{ id: number; ref: string }>`
    INSERT INTO organisations (ref, name, country, sector, language)
    SELECT u.ref, u.name, u.country, u.sector, coalesce(u.language, 'nl')
    FROM unnest(${column('ref')}::text[], ${column('name')}::text[], ${column('country')}::text[], ${column('sector')}::text[], ${column('language')}::text[])
      AS u(ref, name, country, sector, language)
    ON CONFLICT (ref) DO NOTHING
    RETURNING id, ref`.execute(db);
  counts.organisationsCreated += created.rows.length;
  for (const r of created.rows) ids.set(r.ref, r.id);
  const existing = orgs.filter((o) => !ids.has(o.ref));
  const updated = await sql<{ id: number; ref: string; changed: boolean }>`
    WITH u AS (
      SELECT * FROM unnest(${existing.map((o) => o.ref)}::text[], ${existing.map((o) => o.name)}::text[], ${existing.map((o) => o.country ?? null)}::text[],
        ${existing.map((o) => o.sector ?? null)}::text[], ${existing.map((o) => o.language ?? null)}::text[]) AS u(ref, name, country, sector, language)
    ), changed AS (
      UPDATE organisations o
      SET name = u.name, country = coalesce(u.country, o.country), sector = coalesce(u.sector, o.sector),
          language = coalesce(u.language, o.language), updated_at = now()
      FROM u
      WHERE o.ref = u.ref
        AND (o.name, o.country, o.sector, o.language) IS DISTINCT FROM (u.name, coalesce(u.country, o.country), coalesce(u.sector, o.sector), coalesce(u.language, o.language))
      RETURNING o.id
    )
    SELECT o.id, o.ref, o.id IN (SELECT id FROM changed) AS changed FROM organisations o JOIN u ON u.ref = o.ref`.execute(db);
  for (const r of updated.rows) {
    ids.set(r.ref, r.id);
    if (r.changed) counts.organisationsUpdated++;
  }
}

async function writeContacts(db: Db, rows: CheckedRow[], ids: Map<string, number>): Promise<number> {
  const contacts = rows.filter((r) => r.contact).map((r) => ({ id: ids.get(r.organisation.ref)!, ...r.contact! }));
  if (contacts.length === 0) return 0;
  const result = await sql`
    INSERT INTO contacts (organisation_id, email, name, phone, role, language)
    SELECT * FROM unnest(${contacts.map((c) => c.id)}::bigint[], ${contacts.map((c) => c.email)}::text[], ${contacts.map((c) => c.name ?? null)}::text[],
      ${contacts.map((c) => c.phone ?? null)}::text[], ${contacts.map((c) => c.role ?? null)}::text[], ${contacts.map((c) => c.language ?? null)}::text[])
    ON CONFLICT (organisation_id, email) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Adds the rows' assets that are new; returns how many, and the organisations among them that got software. */
async function writeAssets(db: Db, rows: CheckedRow[], ids: Map<string, number>, actor: Actor): Promise<{ added: number; softwareAddedTo: number[] }> {
  const assets = rows.filter((r) => r.asset).map((r) => ({ id: ids.get(r.organisation.ref)!, ...r.asset! }));
  if (assets.length === 0) return { added: 0, softwareAddedTo: [] };
  // An import is an analyst's act: what it does not mark otherwise counts as verified by that analyst.
  const verification = assets.map((a) => a.verification ?? (actor.role === 'analyst' ? 'analyst' : 'unverified'));
  const verifiedBy = assets.map((a, i) => (verification[i] === 'unverified' ? null : (a.verifiedBy ?? actor.name)));
  const result = await sql<{ added: number; software: number[] | null }>`
    WITH added AS (
      INSERT INTO assets (organisation_id, kind, value, network, asn, added_via, added_by, verification, verified_by, verified_at)
      SELECT u.org, u.kind, u.value, u.network, u.asn, ${actor.via}, ${actor.name}, u.verification, u.verified_by,
        CASE WHEN u.verification = 'unverified' THEN NULL ELSE now() END
      FROM unnest(${assets.map((a) => a.id)}::bigint[], ${assets.map((a) => a.kind)}::text[], ${assets.map((a) => a.value)}::text[],
        ${assets.map((a) => a.network ?? null)}::cidr[], ${assets.map((a) => a.asn ?? null)}::bigint[], ${verification}::text[], ${verifiedBy}::text[])
        AS u(org, kind, value, network, asn, verification, verified_by)
      ON CONFLICT (organisation_id, kind, value) DO NOTHING
      RETURNING organisation_id, kind
    )
    SELECT count(*)::int AS added, array_agg(DISTINCT organisation_id::int) FILTER (WHERE kind = 'software') AS software FROM added`.execute(db);
  return { added: result.rows[0].added, softwareAddedTo: result.rows[0].software ?? [] };
}

const PAGE = 2000;

/**
 * Writes the whole registry, organisation by organisation, in the form import reads. `write` may
 * return a promise to hold the export back until the reader has caught up.
 */
export async function exportRegistry(db: Db, write: (text: string) => Promise<void> | void, format: 'csv' | 'json'): Promise<void> {
  if (format === 'csv') await write(stringify([CSV_COLUMNS as unknown as string[]]));
  else await write(`{"format":"${JSON_FORMAT}","version":1,"organisations":[`);
  let after = 0;
  let first = true;
  for (;;) {
    const orgs = await db.selectFrom('organisations').selectAll().where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (orgs.length === 0) break;
    after = orgs[orgs.length - 1].id;
    const orgIds = orgs.map((o) => o.id);
    const contacts = await db.selectFrom('contacts').selectAll().where('organisation_id', 'in', orgIds).orderBy('organisation_id').orderBy('email').execute();
    const assets = await db.selectFrom('assets').selectAll().where('organisation_id', 'in', orgIds).orderBy('organisation_id').orderBy('kind').orderBy('value').execute();
    const contactsOf = groupBy(contacts, (c) => c.organisation_id);
    const assetsOf = groupBy(assets, (a) => a.organisation_id);
    const chunk: string[] = [];
    for (const o of orgs) {
      const doc: JsonOrganisation = {
        ref: o.ref,
        name: o.name,
        country: o.country,
        sector: o.sector,
        language: o.language,
        contacts: (contactsOf.get(o.id) ?? []).map((c) => ({ email: c.email, name: c.name, phone: c.phone, role: c.role, language: c.language })),
        assets: (assetsOf.get(o.id) ?? []).map((a) => ({ kind: a.kind, value: a.value, verification: a.verification, verifiedBy: a.verified_by })),
      };
      if (format === 'json') {
        chunk.push(`${first ? '' : ','}\n${JSON.stringify(doc)}`);
        first = false;
      } else {
        chunk.push(stringify(csvRows(doc)));
      }
    }
    await write(chunk.join(''));
  }
  if (format === 'json') await write('\n]}\n');
}

/** One row per asset, contacts alongside; an organisation with neither still has its row. */
function csvRows(o: JsonOrganisation): string[][] {
  const contacts = o.contacts ?? [];
  const assets = o.assets ?? [];
  const rows: string[][] = [];
  for (let i = 0; i < Math.max(1, contacts.length, assets.length); i++) {
    const c = contacts[i];
    const a = assets[i];
    const row: Record<(typeof CSV_COLUMNS)[number], string | null | undefined> = {
      org_ref: o.ref,
      org_name: o.name,
      contact_email: c?.email,
      asset: a?.value,
      asset_kind: a?.kind,
      verification: a?.verification,
      verified_by: a?.verifiedBy,
      org_country: o.country,
      org_sector: o.sector,
      org_language: o.language,
      contact_name: c?.name,
      contact_phone: c?.phone,
      contact_role: c?.role,
      contact_language: c?.language,
    };
    rows.push(CSV_COLUMNS.map((k) => row[k] ?? ''));
  }
  return rows;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

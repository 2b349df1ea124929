/**
 * Software inventories: an SBOM imported for one organisation, each entry a software asset linked
 * to its inventory. Re-importing the same SBOM (same serial number or document namespace, or the
 * same file name) replaces that SBOM's entries and only those.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import { KoppelError } from '../errors.ts';
import type { Database } from '../store/index.ts';
import { parseAssetValue } from './asset-value.ts';
import { toAsset } from './assets.ts';
import type { Actor, AssetChanges } from './model.ts';
import { organisationId } from './organisations.ts';
import { parseSbom, type SoftwareEntry } from './sbom.ts';

type Db = Kysely<Database>;

export interface Inventory {
  id: number;
  org: string;
  file: string;
  /** Serial number (CycloneDX) or document namespace (SPDX); the file name when the SBOM has neither. */
  sbomKey: string;
  format: 'cyclonedx' | 'spdx';
  specVersion: string;
  entries: number;
  importedBy: string | null;
  importedAt: string;
}

export interface InventoryImport {
  inventory: Inventory;
  /** Entries new to this SBOM. */
  added: number;
  /** Entries of the previous import of this SBOM that are gone. */
  removed: number;
  /** Entries the organisation already had, entered by hand or from another SBOM: left as they are. */
  alreadyRegistered: string[];
  /** Entries kept by name because their purl or CPE could not be read, and entries skipped. */
  problems: Array<{ field?: string; value?: string; reason: string }>;
  changes: AssetChanges;
}

/** The asset value of an SBOM entry: its purl, else its CPE, else its name and version. */
export const entryValue = (e: SoftwareEntry): string => e.purl ?? e.cpe ?? [e.name, e.version].filter(Boolean).join(' ');

function sbomKeyOf(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const key = typeof d.serialNumber === 'string' ? d.serialNumber : typeof d.documentNamespace === 'string' ? d.documentNamespace : undefined;
  return key?.trim() || undefined;
}

export async function importInventory(db: Db, orgRef: string, fileName: string, content: Buffer | string, actor: Actor): Promise<InventoryImport> {
  const file = path.basename(fileName);
  let doc: unknown;
  try {
    doc = JSON.parse(String(content).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new KoppelError('invalid', `${file}: not JSON: ${(error as Error).message}`, [{ file, reason: `not JSON: ${(error as Error).message}` }]);
  }
  const sbom = parseSbom(doc);
  if (!('entries' in sbom)) throw new KoppelError('invalid', `${file}: not a CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON SBOM`, sbom.problems.map((p) => ({ ...p, file })));
  const problems: InventoryImport['problems'] = [...sbom.problems];
  const values = new Set<string>();
  for (const entry of sbom.entries) {
    const parsed = parseAssetValue(entryValue(entry), 'software');
    if (parsed.ok) values.add(parsed.value.value);
    else problems.push({ value: entryValue(entry), reason: parsed.reason });
  }
  const sbomKey = sbomKeyOf(doc) ?? file;

  return db.transaction().execute(async (tx) => {
    const orgId = await organisationId(tx, orgRef);
    const previous = await tx
      .selectFrom('inventories')
      .select('id')
      .where('organisation_id', '=', orgId)
      .where((eb) => eb.or([eb('sbom_key', '=', sbomKey), eb('file', '=', file)]))
      .orderBy('id')
      .executeTakeFirst();
    const fields = { sbom_key: sbomKey, file, format: sbom.format, spec_version: sbom.specVersion, entries: values.size, imported_by: actor.name, imported_at: new Date() };
    const inventoryId = previous
      ? (await tx.updateTable('inventories').set(fields).where('id', '=', previous.id).returning('id').executeTakeFirstOrThrow()).id
      : (await tx.insertInto('inventories').values({ organisation_id: orgId, ...fields }).returning('id').executeTakeFirstOrThrow()).id;

    const registered = await tx.selectFrom('assets').select(['id', 'value', 'inventory_id']).where('organisation_id', '=', orgId).where('kind', '=', 'software').execute();
    const ours = registered.filter((a) => a.inventory_id === inventoryId);
    const elsewhere = new Set(registered.filter((a) => a.inventory_id !== inventoryId).map((a) => a.value));
    const gone = ours.filter((a) => !values.has(a.value)).map((a) => a.id);
    const have = new Set(ours.map((a) => a.value));
    const alreadyRegistered = [...values].filter((v) => elsewhere.has(v));
    const fresh = [...values].filter((v) => !have.has(v) && !elsewhere.has(v));

    if (gone.length) await tx.deleteFrom('assets').where('id', 'in', gone).execute();
    const verified = actor.role === 'analyst';
    const rows = fresh.length
      ? await tx
          .insertInto('assets')
          .values(
            fresh.map((value) => ({
              organisation_id: orgId,
              kind: 'software' as const,
              value,
              network: null,
              asn: null,
              added_via: actor.via === 'cli' ? ('import' as const) : actor.via,
              added_by: actor.name,
              verification: verified ? ('analyst' as const) : ('unverified' as const),
              verified_by: verified ? actor.name : null,
              verified_at: verified ? new Date() : null,
              inventory_id: inventoryId,
            })),
          )
          .returningAll()
          .execute()
      : [];
    const [inventory] = await listInventories(tx, { inventoryId });
    return {
      inventory,
      added: rows.length,
      removed: gone.length,
      alreadyRegistered,
      problems,
      changes: { added: rows.map((r) => ({ ...toAsset(r, orgRef), organisationId: orgId })), removed: gone },
    };
  });
}

export async function listInventories(db: Db, filter: { org?: string; inventoryId?: number } = {}): Promise<Inventory[]> {
  let query = db.selectFrom('inventories as i').innerJoin('organisations as o', 'o.id', 'i.organisation_id').selectAll('i').select('o.ref as org').orderBy('o.ref').orderBy('i.file');
  if (filter.org !== undefined) {
    await organisationId(db, filter.org);
    query = query.where('o.ref', '=', filter.org);
  }
  if (filter.inventoryId !== undefined) query = query.where('i.id', '=', filter.inventoryId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    org: r.org,
    file: r.file,
    sbomKey: r.sbom_key,
    format: r.format,
    specVersion: r.spec_version,
    entries: r.entries,
    importedBy: r.imported_by,
    importedAt: r.imported_at.toISOString(),
  }));
}

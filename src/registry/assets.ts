/** Assets in the store. */
import type { Kysely } from 'kysely';
import { KoppelError, type Problem } from '../errors.ts';
import type { Database } from '../store/index.ts';
import { parseAssetValue, type AssetKind, type AssetValue } from './asset-value.ts';
import type { Actor, Asset, AssetChanges } from './model.ts';
import { organisationId } from './organisations.ts';

type Db = Kysely<Database>;

/**
 * Adds assets to one organisation, all or none: any value that is refused refuses the request,
 * with every refused value named. Assets an analyst adds count as verified by that analyst.
 */
export async function addAssets(
  db: Db,
  orgRef: string,
  values: string[],
  actor: Actor,
  kind?: AssetKind,
): Promise<{ changes: AssetChanges; warnings: string[] }> {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const parsed: AssetValue[] = [];
  const seen = new Set<string>();
  values.forEach((text, i) => {
    const result = parseAssetValue(text, kind);
    if (!result.ok) {
      problems.push({ field: `value[${i}]`, value: text, reason: result.reason });
      return;
    }
    if (result.warning) warnings.push(result.warning);
    const key = `${result.value.kind}:${result.value.value}`;
    if (seen.has(key)) problems.push({ field: `value[${i}]`, value: text, reason: `${result.value.value} is given twice` });
    seen.add(key);
    parsed.push(result.value);
  });
  if (values.length === 0) problems.push({ field: 'value', reason: 'no asset value given' });
  if (problems.length) {
    const message = problems.length === 1 ? problems[0].reason : `${problems.length} of ${values.length} values refused; nothing was added`;
    throw new KoppelError('invalid', message, problems);
  }

  return db.transaction().execute(async (tx) => {
    const orgId = await organisationId(tx, orgRef);
    const existing = await tx
      .selectFrom('assets')
      .select(['kind', 'value'])
      .where('organisation_id', '=', orgId)
      .where('value', 'in', parsed.map((p) => p.value))
      .execute();
    const duplicates = existing.filter((e) => parsed.some((p) => p.kind === e.kind && p.value === e.value));
    if (duplicates.length) {
      const dup = duplicates.map((d) => ({ field: 'value', value: d.value, reason: `${d.kind} ${d.value} is already registered for ${orgRef}` }));
      throw new KoppelError('conflict', dup.map((d) => d.reason).join('; '), dup);
    }
    const verified = actor.role === 'analyst';
    const rows = await tx
      .insertInto('assets')
      .values(
        parsed.map((p) => ({
          organisation_id: orgId,
          kind: p.kind,
          value: p.value,
          network: p.network ?? null,
          asn: p.asn ?? null,
          added_via: actor.via,
          added_by: actor.name,
          verification: verified ? ('analyst' as const) : ('unverified' as const),
          verified_by: verified ? actor.name : null,
          verified_at: verified ? new Date() : null,
        })),
      )
      .returningAll()
      .execute();
    return { changes: { added: rows.map((r) => ({ ...toAsset(r, orgRef), organisationId: orgId })), removed: [] }, warnings };
  });
}

export async function listAssets(db: Db, filter: { org?: string } = {}): Promise<Asset[]> {
  let query = db
    .selectFrom('assets as a')
    .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
    .selectAll('a')
    .select('o.ref as org_ref')
    .orderBy('o.ref')
    .orderBy('a.kind')
    .orderBy('a.value');
  if (filter.org !== undefined) {
    await organisationId(db, filter.org);
    query = query.where('o.ref', '=', filter.org);
  }
  const rows = await query.execute();
  return rows.map((r) => toAsset(r, r.org_ref));
}

/** Removes one asset, named by its value as typed (it is canonicalised first). */
export async function removeAsset(db: Db, orgRef: string, text: string, kind?: AssetKind): Promise<AssetChanges> {
  const parsed = parseAssetValue(text, kind);
  const value = parsed.ok ? parsed.value.value : text.trim();
  const orgId = await organisationId(db, orgRef);
  let query = db.deleteFrom('assets').where('organisation_id', '=', orgId).where('value', '=', value);
  if (parsed.ok) query = query.where('kind', '=', parsed.value.kind);
  const rows = await query.returning('id').execute();
  if (rows.length === 0) {
    throw new KoppelError('not-found', `${orgRef} has no asset ${value}`, [{ field: 'value', value: text, reason: 'not registered for this organisation' }]);
  }
  return { added: [], removed: rows.map((r) => r.id) };
}

interface AssetRow {
  id: number;
  kind: AssetKind;
  value: string;
  added_via: Asset['addedVia'];
  added_by: string | null;
  added_at: Date;
  verification: Asset['verification'];
  verified_by: string | null;
  verified_at: Date | null;
}

export function toAsset(r: AssetRow, org: string): Asset {
  return {
    id: r.id,
    org,
    kind: r.kind,
    value: r.value,
    addedVia: r.added_via,
    addedBy: r.added_by,
    addedAt: r.added_at.toISOString(),
    verification: r.verification,
    verifiedBy: r.verified_by,
    verifiedAt: r.verified_at ? r.verified_at.toISOString() : null,
  };
}

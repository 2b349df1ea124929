/** Organisations and their contacts in the store. */
import { sql, type Kysely } from 'kysely';
import { KoppelError } from '../errors.ts';
import type { Database } from '../store/index.ts';
import type { Contact, ContactInput, Organisation, OrganisationInput } from './model.ts';

type Db = Kysely<Database>;

export interface OrganisationSummary extends Organisation {
  contacts: number;
  assets: number;
}

export async function organisationId(db: Db, ref: string): Promise<number> {
  const row = await db.selectFrom('organisations').select('id').where('ref', '=', ref).executeTakeFirst();
  if (!row) throw new KoppelError('not-found', `no organisation with ref "${ref}"`, [{ field: 'ref', value: ref, reason: 'unknown organisation' }]);
  return row.id;
}

export async function addOrganisation(db: Db, input: OrganisationInput, contact?: ContactInput): Promise<Organisation> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('organisations')
      .values({ ref: input.ref, name: input.name, country: input.country ?? null, sector: input.sector ?? null, language: input.language ?? 'nl' })
      .onConflict((c) => c.column('ref').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new KoppelError('conflict', `an organisation with ref "${input.ref}" already exists`, [{ field: 'ref', value: input.ref, reason: 'already exists' }]);
    if (contact) await addContact(tx, row.id, contact);
    return toOrganisation(row);
  });
}

/** Adds a contact; one that is already there (same address) is left as it is, language included. */
export async function addContact(db: Db, organisationId: number, contact: ContactInput): Promise<void> {
  await db
    .insertInto('contacts')
    .values({
      organisation_id: organisationId,
      email: contact.email,
      name: contact.name ?? null,
      phone: contact.phone ?? null,
      role: contact.role ?? null,
      language: contact.language ?? null,
    })
    .onConflict((c) => c.columns(['organisation_id', 'email']).doNothing())
    .execute();
}

export async function listOrganisations(db: Db): Promise<OrganisationSummary[]> {
  const rows = await db
    .selectFrom('organisations as o')
    .selectAll('o')
    .select([
      sql<number>`(SELECT count(*) FROM contacts c WHERE c.organisation_id = o.id)::int`.as('contact_count'),
      sql<number>`(SELECT count(*) FROM assets a WHERE a.organisation_id = o.id)::int`.as('asset_count'),
    ])
    .orderBy('o.ref')
    .execute();
  return rows.map((r) => ({ ...toOrganisation(r), contacts: r.contact_count, assets: r.asset_count }));
}

export async function getOrganisation(db: Db, ref: string): Promise<Organisation & { contacts: Contact[] }> {
  const row = await db.selectFrom('organisations').selectAll().where('ref', '=', ref).executeTakeFirst();
  if (!row) throw new KoppelError('not-found', `no organisation with ref "${ref}"`, [{ field: 'ref', value: ref, reason: 'unknown organisation' }]);
  const contacts = await db
    .selectFrom('contacts')
    .select(['email', 'name', 'phone', 'role', 'language'])
    .where('organisation_id', '=', row.id)
    .orderBy('email')
    .execute();
  return { ...toOrganisation(row), contacts };
}

/** Removes the organisation with its contacts and assets; returns the ids of the assets that went. */
export async function removeOrganisation(db: Db, ref: string): Promise<number[]> {
  return db.transaction().execute(async (tx) => {
    const id = await organisationId(tx, ref);
    const assets = await tx.selectFrom('assets').select('id').where('organisation_id', '=', id).execute();
    await tx.deleteFrom('organisations').where('id', '=', id).execute();
    return assets.map((a) => a.id);
  });
}

export function toOrganisation(row: { ref: string; name: string; country: string | null; sector: string | null; language: 'nl' | 'en'; created_at: Date }): Organisation {
  return { ref: row.ref, name: row.name, country: row.country, sector: row.sector, language: row.language, createdAt: row.created_at.toISOString() };
}

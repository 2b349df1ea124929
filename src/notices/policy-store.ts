/** Notice policies in the store: the system-wide one in settings, each organisation's overrides on its row. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { organisationId } from '../registry/index.ts';
import type { Database } from '../store/index.ts';
import { DEFAULT_POLICY, policyFor, type Policy, type PolicyOverrides } from './policy.ts';

type Db = Kysely<Database>;

export async function systemOverrides(db: Db): Promise<PolicyOverrides> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'policy').executeTakeFirst();
  return (row?.value as PolicyOverrides | undefined) ?? {};
}

export async function systemPolicy(db: Db): Promise<Policy> {
  return policyFor(await systemOverrides(db), DEFAULT_POLICY);
}

export async function setSystemOverrides(db: Db, overrides: PolicyOverrides): Promise<Policy> {
  await db
    .insertInto('settings')
    .values({ key: 'policy', value: JSON.stringify(overrides) })
    .onConflict((c) => c.column('key').doUpdateSet({ value: JSON.stringify(overrides) }))
    .execute();
  return systemPolicy(db);
}

export async function organisationOverrides(db: Db, ref: string): Promise<PolicyOverrides> {
  const id = await organisationId(db, ref);
  const row = await db.selectFrom('organisations').select('policy').where('id', '=', id).executeTakeFirstOrThrow();
  return row.policy;
}

/** Stores an organisation's overrides; returns its policy as it now stands. */
export async function setOrganisationOverrides(db: Db, ref: string, overrides: PolicyOverrides): Promise<Policy> {
  const id = await organisationId(db, ref);
  await db.updateTable('organisations').set({ policy: JSON.stringify(overrides) as unknown as PolicyOverrides, updated_at: new Date() }).where('id', '=', id).execute();
  return policyFor(overrides, await systemPolicy(db));
}

/** Sets the organisation's webhook; returns the new signing secret (shown once). */
export async function setWebhook(db: Db, ref: string, url: string | null): Promise<string | undefined> {
  const id = await organisationId(db, ref);
  const secret = url ? randomBytes(32).toString('base64url') : null;
  await db.updateTable('organisations').set({ webhook_url: url, webhook_secret: secret, updated_at: new Date() }).where('id', '=', id).execute();
  return secret ?? undefined;
}

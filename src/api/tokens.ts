/** API tokens: shown once, stored as a SHA-256 hash, scoped to the analysts or to one organisation. */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { organisationId } from '../registry/index.ts';

export type Principal = { role: 'analyst'; name: string } | { role: 'organisation'; organisationId: number; name: string };

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createToken(db: Kysely<Database>, scope: { analyst: true } | { org: string }, label?: string): Promise<string> {
  const token = `kpl_${randomBytes(24).toString('base64url')}`;
  const orgId = 'org' in scope ? await organisationId(db, scope.org) : null;
  await db
    .insertInto('api_tokens')
    .values({ token_hash: hash(token), role: orgId === null ? 'analyst' : 'organisation', organisation_id: orgId, label: label ?? null })
    .execute();
  return token;
}

export async function principalForToken(db: Kysely<Database>, token: string): Promise<Principal | undefined> {
  const row = await db
    .updateTable('api_tokens')
    .set({ last_used_at: new Date() })
    .where('token_hash', '=', hash(token))
    .where('revoked_at', 'is', null)
    .returning(['id', 'role', 'organisation_id', 'label'])
    .executeTakeFirst();
  if (!row) return undefined;
  const name = row.label ?? `token-${row.id}`;
  return row.role === 'analyst' ? { role: 'analyst', name } : { role: 'organisation', organisationId: row.organisation_id!, name };
}

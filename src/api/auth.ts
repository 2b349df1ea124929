/**
 * Bearer tokens. Analysts see everything; an organisation's token sees only that organisation's
 * own routes (`/organisations/{its ref}/…`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { KoppelError } from '../errors.ts';
import type { Database } from '../store/index.ts';
import { principalForToken, type Principal } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function authenticate(db: Kysely<Database>) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await principalForToken(db, match[1]) : undefined;
    if (!principal) throw new KoppelError('unauthorised', 'the bearer token is not valid (create one with `koppel token create --analyst`)');
    request.principal = principal;
  };
}

const mustBeSignedIn = (request: FastifyRequest): Principal => {
  if (!request.principal) throw new KoppelError('unauthorised', 'this needs an API token: send `Authorization: Bearer <token>` (create one with `koppel token create --analyst`)');
  return request.principal;
};

export async function requireAnalyst(request: FastifyRequest, _reply: FastifyReply) {
  if (mustBeSignedIn(request).role !== 'analyst') throw new KoppelError('forbidden', 'only analysts of the centre may do this');
}

/** Analysts, or the organisation named by the route's `ref` with its own token. */
export async function requireOrganisation(request: FastifyRequest, _reply: FastifyReply) {
  const principal = mustBeSignedIn(request);
  if (principal.role === 'analyst') return;
  const ref = (request.params as { ref?: string }).ref;
  const db = request.server.koppelDb;
  const own = ref !== undefined && (await db.selectFrom('organisations').select('id').where('ref', '=', ref).executeTakeFirst())?.id === principal.organisationId;
  if (!own) throw new KoppelError('forbidden', 'an organisation token gives access to that organisation only');
}

declare module 'fastify' {
  interface FastifyInstance {
    koppelDb: Kysely<Database>;
  }
}

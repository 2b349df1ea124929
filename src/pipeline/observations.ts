/** The stored observations an analyst asks for. */
import type { Kysely } from 'kysely';
import { withinScope, type Scope } from '../matching/index.ts';
import { scanObservations, type StoredObservation } from '../observations/index.ts';
import type { Database } from '../store/index.ts';

/** Observations within the scope (every one without), newest first. */
export function listObservations(db: Kysely<Database>, filter: { scope?: Scope; since?: Date; limit?: number } = {}): Promise<StoredObservation[]> {
  return scanObservations(db, { subjects: filter.scope && withinScope(filter.scope), since: filter.since, limit: filter.limit });
}

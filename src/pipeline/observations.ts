/** The stored observations an analyst asks for. */
import type { Kysely } from 'kysely';
import { withinScope, type Scope } from '../matching/index.ts';
import { probesFor, scanObservations, type StoredObservation } from '../observations/index.ts';
import type { Database } from '../store/index.ts';

/** Observations within the scope (every one without), newest first. */
export function listObservations(db: Kysely<Database>, filter: { scope?: Scope; since?: Date; limit?: number } = {}): Promise<StoredObservation[]> {
  const { scope, since, limit } = filter;
  return scanObservations(db, { subjects: scope && withinScope(scope), probes: scope && probesFor([scope]), since, limit });
}

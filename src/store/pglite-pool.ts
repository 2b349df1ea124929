/**
 * PGlite behind the small part of node-postgres' Pool that Kysely's PostgresDialect uses, so the
 * embedded store and PostgreSQL run the same dialect, queries and migrations.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * PGlite has one connection. A transaction holds it from BEGIN to COMMIT, so a second Kysely
 * "connection" must wait for the first to be released instead of interleaving its statements.
 */
export function pglitePool(pglite: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const previous = tail;
      tail = previous.then(() => released);
      await previous;
      const client = {
        async query<R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
          const result = await pglite.query<R>(text, parameters as unknown[]);
          return {
            command: (result as { command?: PostgresQueryResult<R>['command'] }).command ?? 'SELECT',
            rowCount: result.affectedRows ?? result.rows.length,
            rows: result.rows,
          };
        },
        release: () => release(),
      };
      return client as PostgresPoolClient;
    },
    async end() {
      await pglite.close();
    },
  };
}

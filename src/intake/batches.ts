/** Each ingest is a batch: its file, source, counts and the rows it rejected, kept for later. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import type { RowError } from './format.ts';

export interface BatchCounts {
  rows: number;
  observations: number;
  duplicates: number;
  rejected: number;
  findingsNew: number;
  findingsSeenAgain: number;
}

export interface Batch extends BatchCounts {
  id: number;
  source: string;
  file: string;
  format: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  errors?: RowError[];
}

/** Row errors kept per batch; all are counted. A feed gone wrong must not fill the store with its complaints. */
export const ROW_ERRORS_KEPT = 10_000;

export async function startBatch(db: Kysely<Database>, sourceId: number, file: string, format: string): Promise<number> {
  const row = await db.insertInto('batches').values({ source_id: sourceId, file, format }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function recordRowErrors(db: Kysely<Database>, batchId: number, errors: RowError[]): Promise<void> {
  if (errors.length === 0) return;
  await db
    .insertInto('batch_errors')
    .values(errors.map((e) => ({ batch_id: batchId, line: e.line, field: e.field ?? null, reason: e.reason })))
    .execute();
}

export async function finishBatch(db: Kysely<Database>, batchId: number, counts: BatchCounts, error?: string): Promise<void> {
  await db
    .updateTable('batches')
    .set({
      finished_at: new Date(),
      status: error ? 'failed' : 'done',
      error: error ?? null,
      rows: counts.rows,
      observations: counts.observations,
      duplicates: counts.duplicates,
      rejected: counts.rejected,
      findings_new: counts.findingsNew,
      findings_seen_again: counts.findingsSeenAgain,
    })
    .where('id', '=', batchId)
    .execute();
}

export async function listBatches(db: Kysely<Database>, options: { withErrors?: boolean; limit?: number } = {}): Promise<Batch[]> {
  const rows = await db
    .selectFrom('batches as b')
    .innerJoin('sources as s', 's.id', 'b.source_id')
    .selectAll('b')
    .select('s.name as source')
    .orderBy('b.id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  const batches: Batch[] = rows.map((r) => ({
    id: r.id,
    source: r.source,
    file: r.file,
    format: r.format,
    status: r.status,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    error: r.error,
    rows: r.rows,
    observations: r.observations,
    duplicates: r.duplicates,
    rejected: r.rejected,
    findingsNew: r.findings_new,
    findingsSeenAgain: r.findings_seen_again,
  }));
  if (options.withErrors && batches.length) {
    const errors = await db
      .selectFrom('batch_errors')
      .selectAll()
      .where('batch_id', 'in', batches.map((b) => b.id))
      .orderBy('batch_id')
      .orderBy('line')
      .execute();
    for (const b of batches) {
      b.errors = errors.filter((e) => e.batch_id === b.id).map((e) => ({ file: b.file, line: e.line, ...(e.field ? { field: e.field } : {}), reason: e.reason }));
    }
  }
  return batches;
}

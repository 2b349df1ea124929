/**
 * Observations in the store, by the block (see block.ts): written as an ingest reads them, counted
 * once their ingest has recorded what they matched, found again by a scan of their subjects, purged
 * after retention.
 */
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { SeenKeys } from '../collections/seen-keys.ts';
import { bytesIn, bytesOf, bytesOut, type Database } from '../store/index.ts';
import { blockOfObservation, deflateLines, observationId, rowOfObservation, subjectLine, type BlockBuilder, type PackedBlock } from './block.ts';
import type { Indicators, Observation } from './model.ts';
import { mayHold, type Probe } from './summary.ts';

type Db = Kysely<Database>;

const inflate = promisify(inflateRaw);

/** Two 32-bit halves a row, in the byte order of the machine that wrote them (little-endian everywhere Koppel runs). */
const hashesOf = (base64: string): Int32Array => new Int32Array(new Uint8Array(bytesOf(base64)).buffer);

/** Reserves the id of the next block, so that its rows' ids are known as they are read. */
export async function reserveBlockId(db: Db): Promise<number> {
  const result = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('observation_blocks', 'id')) AS id`.execute(db);
  return Number(result.rows[0].id);
}

/**
 * Writes a block of the batch, packed (see packBlock). It counts as stored (found by searches,
 * retro-matching and deduplication) only once completeBlocks marks it, in the transaction that
 * records its findings.
 */
export async function writeBlock(db: Db, batchId: number, sourceId: number, block: BlockBuilder<unknown>, packed: PackedBlock): Promise<void> {
  await sql`
    INSERT INTO observation_blocks (id, batch_id, source_id, observed_from, observed_until, rows, records, subjects, keys, summary)
    OVERRIDING SYSTEM VALUE
    VALUES (${block.id}, ${batchId}, ${sourceId}, ${block.from}, ${block.until}, ${block.size}, ${bytesIn(packed.records)}, ${bytesIn(packed.subjects)}, ${bytesIn(packed.keys)}, ${bytesIn(packed.summary)})`.execute(db);
}

/** Marks the batch's blocks written so far as stored. */
export async function completeBlocks(db: Db, batchId: number): Promise<void> {
  await sql`UPDATE observation_blocks SET complete = true WHERE batch_id = ${batchId} AND NOT complete`.execute(db);
}

/** Removes what a failed ingest wrote but never completed. */
export async function discardIncompleteBlocks(db: Db, batchId: number): Promise<void> {
  await sql`DELETE FROM observation_blocks WHERE batch_id = ${batchId} AND NOT complete`.execute(db);
}

/**
 * The identities the store holds for the source between two times, but for those of one batch (the
 * ingest asking), added to `seen`, block by block (those in `loaded` are skipped and those read are
 * added). Returns how many were already in `seen`: observations another ingest stored that the one
 * asking has too.
 */
export async function absorbStoredKeys(
  db: Db,
  range: { sourceId: number; exceptBatch: number; from: string; until: string },
  seen: SeenKeys,
  loaded: Set<number>,
): Promise<number> {
  const blocks = await sql<{ id: number }>`
    SELECT id FROM observation_blocks
    WHERE source_id = ${range.sourceId} AND batch_id <> ${range.exceptBatch} AND complete AND observed_until >= ${range.from}::timestamptz AND observed_from <= ${range.until}::timestamptz`.execute(db);
  const unread = blocks.rows.map((b) => Number(b.id)).filter((id) => !loaded.has(id));
  let shared = 0;
  for (const id of unread) {
    loaded.add(id);
    const { keys } = await db.selectFrom('observation_blocks').select(bytesOut('keys')).where('id', '=', id).executeTakeFirstOrThrow();
    const halves = hashesOf(keys);
    // An observation purged from its block leaves a zero hash.
    for (let i = 0; i < halves.length; i += 2) if ((halves[i] !== 0 || halves[i + 1] !== 0) && seen.firstLineOfHash(halves[i], halves[i + 1], 1) !== undefined) shared++;
  }
  return shared;
}

export interface StoredObservation extends Observation {
  id: number;
  sourceId: number;
}

const BLOCKS_A_PAGE = 32;

const linesOf = async (compressed: Buffer): Promise<string[]> => (await inflate(compressed)).toString('utf8').split('\n');

/** The lines of these rows of a block's deflated lines, decoding those alone (a block's records run to megabytes); '' for a row purged. */
async function linesAt(compressed: Buffer, rows: readonly number[]): Promise<Map<number, string>> {
  const bytes = await inflate(compressed);
  const wanted = new Set(rows);
  const last = rows.reduce((a, b) => Math.max(a, b), -1);
  const lines = new Map<number, string>();
  for (let row = 0, start = 0; row <= last && start <= bytes.length; row++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    if (wanted.has(row)) lines.set(row, bytes.toString('utf8', start, end));
    start = end + 1;
  }
  return lines;
}

/** Which subjects a scan is after. */
export type SubjectFilter = (subject: Indicators) => boolean;

/** A row of a block a scan takes. */
interface Taken {
  block: number;
  row: number;
  sourceId: number;
  observedAt: string;
}

const newestFirst = (rows: Taken[]): Taken[] =>
  rows.sort((a, b) => (a.observedAt !== b.observedAt ? (a.observedAt < b.observedAt ? 1 : -1) : b.block - a.block || b.row - a.row));

/**
 * The stored observations whose subject the filter takes (every one without a filter), observed at
 * or after `since`, of one batch when it is given, newest first, `limit` at most. The subjects and
 * times of the blocks are read first; records only of the rows taken. With `probes` (the
 * neighbourhoods of what the filter takes, see summary.ts), a block whose summary holds none of them
 * is not read at all.
 */
export async function scanObservations(
  db: Db,
  filter: { subjects?: SubjectFilter; probes?: readonly Probe[]; since?: Date; batch?: number; limit?: number } = {},
): Promise<StoredObservation[]> {
  const { subjects: take, probes, since, batch, limit = Infinity } = filter;
  const from = since?.toISOString() ?? '';
  let taken: Taken[] = [];
  let after: { until: Date; id: number } | undefined;
  for (let more = true; more; ) {
    let query = db
      .selectFrom('observation_blocks')
      .select(['id', 'source_id', 'observed_until', probes ? bytesOut('summary') : sql<null>`NULL`.as('summary')])
      .where('complete', '=', true)
      .orderBy('observed_until', 'desc')
      .orderBy('id', 'desc')
      .limit(BLOCKS_A_PAGE);
    if (since) query = query.where('observed_until', '>=', since);
    if (batch !== undefined) query = query.where('batch_id', '=', batch);
    if (after) query = query.where(sql<boolean>`(observed_until, id) < (${after.until}, ${after.id})`);
    const blocks = await query.execute();
    const read = blocks.filter((b) => !probes || b.summary === null || mayHold(bytesOf(b.summary), probes)).map((b) => b.id);
    const subjects = read.length === 0 ? [] : await db.selectFrom('observation_blocks').select(['id', bytesOut('subjects')]).where('id', 'in', read).execute();
    const subjectsOf = new Map(subjects.map((b) => [b.id, b.subjects]));
    for (const block of blocks) {
      // Blocks come newest last observation first: once `limit` rows are taken, a block whose newest is older than all of them adds none.
      if (taken.length >= limit && block.observed_until.toISOString() < taken[limit - 1].observedAt) return recordsOf(db, taken);
      const lines = subjectsOf.get(block.id);
      if (lines === undefined) continue;
      (await linesOf(bytesOf(lines))).forEach((line, row) => {
        if (line === '') return;
        const { observedAt, subject } = subjectLine(line);
        if (observedAt >= from && (!take || take(subject))) taken.push({ block: block.id, row, sourceId: block.source_id, observedAt });
      });
      if (taken.length > limit) taken = newestFirst(taken).slice(0, limit);
    }
    more = blocks.length === BLOCKS_A_PAGE;
    const last = blocks[blocks.length - 1];
    if (last) after = { until: last.observed_until, id: last.id };
  }
  return recordsOf(db, taken);
}

/** The records of the rows taken, newest first. */
async function recordsOf(db: Db, taken: Taken[]): Promise<StoredObservation[]> {
  const ids = newestFirst(taken).map((t) => observationId(t.block, t.row));
  const place = new Map(ids.map((id, i) => [id, i]));
  return (await observationsById(db, ids)).sort((a, b) => place.get(a.id)! - place.get(b.id)!);
}

/**
 * The observations with these ids, as stored (those purged are left out), a block at a time: a
 * block's records run to megabytes.
 */
export async function observationsById(db: Db, ids: number[]): Promise<StoredObservation[]> {
  const byBlock = new Map<number, number[]>();
  for (const id of ids) {
    const block = blockOfObservation(id);
    byBlock.set(block, [...(byBlock.get(block) ?? []), rowOfObservation(id)]);
  }
  const found: StoredObservation[] = [];
  for (const [id, rows] of byBlock) {
    const block = await db.selectFrom('observation_blocks').select(['source_id', bytesOut('records')]).where('id', '=', id).executeTakeFirst();
    if (!block) continue;
    const lines = await linesAt(bytesOf(block.records), rows);
    for (const row of rows) {
      const line = lines.get(row);
      if (line) found.push({ ...(JSON.parse(line) as Observation), id: observationId(id, row), sourceId: block.source_id });
    }
  }
  return found;
}

/**
 * Removes the observations older than the retention period, and the blocks of ingests that failed.
 * An ingest still running after a day has lost its process: its batch is marked failed, and its
 * blocks go too. Findings keep their own dates and forget the observations gone. A block whose every observation is
 * old goes whole; in a block that also holds newer ones, the old rows are emptied in place, so that
 * every other row keeps its id. Returns how many observations went.
 */
export async function purgeObservations(db: Db, before: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`
      UPDATE batches SET status = 'failed', finished_at = now(), error = 'the ingest stopped unfinished: its process ended before it did'
      WHERE status = 'running' AND started_at <= now() - interval '1 day'`.execute(tx);
    const gone = await sql<{ id: number; rows: number; complete: boolean }>`
      DELETE FROM observation_blocks b
      WHERE observed_until < ${before} OR (NOT complete AND NOT EXISTS (SELECT 1 FROM batches WHERE id = b.batch_id AND status = 'running'))
      RETURNING id, rows, complete`.execute(tx);
    let purged = gone.rows.filter((b) => b.complete).reduce((sum, b) => sum + b.rows, 0);
    const emptied: number[] = [];
    const straddling = await tx.selectFrom('observation_blocks').select('id').where('complete', '=', true).where('observed_from', '<', before).execute();
    for (const { id } of straddling) {
      const block = await tx
        .selectFrom('observation_blocks')
        .select(['id', bytesOut('records'), bytesOut('subjects'), bytesOut('keys')])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const [records, subjects] = await Promise.all([linesOf(bytesOf(block.records)), linesOf(bytesOf(block.subjects))]);
      const keys = hashesOf(block.keys);
      const oldest = before.toISOString();
      let from: string | undefined;
      subjects.forEach((line, row) => {
        if (line === '') return;
        const { observedAt } = subjectLine(line);
        if (observedAt >= oldest) {
          if (from === undefined || observedAt < from) from = observedAt;
          return;
        }
        records[row] = subjects[row] = '';
        keys[2 * row] = keys[2 * row + 1] = 0;
        emptied.push(observationId(block.id, row));
      });
      await sql`
        UPDATE observation_blocks SET observed_from = ${from}, keys = ${bytesIn(new Uint8Array(keys.buffer))},
          records = ${bytesIn(await deflateLines(records.join('\n')))}, subjects = ${bytesIn(await deflateLines(subjects.join('\n')))}
        WHERE id = ${block.id}`.execute(tx);
    }
    purged += emptied.length;
    const blocks = gone.rows.map((b) => Number(b.id));
    if (blocks.length + emptied.length > 0) {
      await sql`
        UPDATE findings SET observations = ARRAY(SELECT o FROM unnest(observations) AS o WHERE NOT (o / ${BLOCK_ID_DIVISOR} = ANY(${blocks}::bigint[]) OR o = ANY(${emptied}::bigint[])))
        WHERE EXISTS (SELECT 1 FROM unnest(observations) AS o WHERE o / ${BLOCK_ID_DIVISOR} = ANY(${blocks}::bigint[]) OR o = ANY(${emptied}::bigint[]))`.execute(tx);
    }
    return purged;
  });
}

/** Integer division of an observation id by this is its block id (see block.ts). */
const BLOCK_ID_DIVISOR = observationId(1, 0);

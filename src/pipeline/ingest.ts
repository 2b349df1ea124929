/**
 * One file in, end to end: detect its format, parse it as a stream, leave out what the source has
 * reported before, store the new observations by the block, match them against the asset index and
 * add the matches up into findings. Bad rows are recorded with their line and field and skipped.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { SeenKeys } from '../collections/seen-keys.ts';
import { KoppelError } from '../errors.ts';
import { FindingGroups, writeFindings } from '../findings/index.ts';
import { finishBatch, recordRowErrors, ROW_ERRORS_KEPT, startBatch, type BatchCounts } from '../intake/batches.ts';
import { detectFormat, formatByName, type RowError } from '../intake/index.ts';
import { sourceForIngest } from '../intake/sources.ts';
import { matchObservation, type AssetIndex } from '../matching/index.ts';
import { absorbStoredKeys, BlockBuilder, completeBlocks, discardIncompleteBlocks, reserveBlockId, writeBlock } from '../observations/index.ts';
import type { Database } from '../store/index.ts';
import { lastAssetId, loadIndexedAssets, matchStored, sightingOf } from './matcher.ts';
import { fileInput, readHead } from './feed-file.ts';
import { observationAt, prepareRows, prepareRowsInThread, type PreparedRows } from './prepared-rows.ts';

export interface IngestRequest {
  file: string;
  /** What the file is called in its batch, row errors and report (an upload's own name); its path when absent. */
  name?: string;
  /** When the file was written, which rows without a time of their own are observed at; the file's modification time when absent. */
  fileTime?: string;
  /** `--format`; detected from the file's name and content when absent (generic CSV when `options.map` is given). */
  format?: string;
  /** `--source`; derived from the format when absent. */
  source?: string;
  /** Format options, e.g. `map` for generic CSV. */
  options?: Record<string, string>;
  /** Called as the file is read: bytes so far, file size. */
  progress?: (bytes: number, total: number) => void;
}

export interface IngestReport extends BatchCounts {
  batch: number;
  file: string;
  format: string;
  source: string;
  /** The first row errors (all are counted in `rejected` and kept with the batch up to a limit). */
  errors: RowError[];
}

/** Block writes under way while the next rows are read. */
const BLOCK_WRITES_IN_FLIGHT = 2;
/**
 * Batches a block may span before it is written, full or not: the preparing thread holds every batch
 * a block being filled takes rows from, and a file with few new rows would fill one slowly.
 */
const BLOCK_SPAN_BATCHES = 16;
/**
 * Findings held before they are written: all of a report of a few million rows (a threat reported
 * several times in one file is written once), a bounded memory for a file of any size.
 */
const GROUPS_PER_FLUSH = 250_000;
/** The first key of the advisory lock an ingest takes on its source while it completes blocks. */
const INGEST_LOCK = 0x6b6f70;
/** Files from this size are parsed in a thread of their own, beside the matching and storing. */
const THREAD_BYTES = 16 * 1024 * 1024;

export async function ingestFile(db: Kysely<Database>, index: AssetIndex, request: IngestRequest): Promise<IngestReport> {
  const { head, gzip } = await readHead(request.file);
  const name = request.name ?? request.file;
  const fileName = path.basename(name);
  // A column mapping is for generic CSV alone: given one, the file is that, whatever its header.
  const format = request.format ? formatByName(request.format) : request.options?.map ? formatByName('generic-csv') : detectFormat(fileName, head);
  const source = await sourceForIngest(db, request.source, format.name);
  const lastAssetBefore = await lastAssetId(db);
  const batch = await startBatch(db, source.id, name, format.name);
  const counts: BatchCounts = { rows: 0, observations: 0, duplicates: 0, rejected: 0, findingsNew: 0, findingsSeenAgain: 0 };
  const errors: RowError[] = [];
  let rowErrors: RowError[] = [];
  // The identities of what the source's stored observations hold, read day by day as the file reaches
  // each, and of every row of this file read so far.
  const seen = new SeenKeys();
  const loadedBlocks = new Set<number>();
  const loadedDays = new Set<string>();
  const storedKeysOf = (via: Kysely<Database>, from: string, until: string) => absorbStoredKeys(via, { sourceId: source.id, exceptBatch: batch, from, until }, seen, loadedBlocks);
  const groups = new FindingGroups();
  let block: BlockBuilder<number> | undefined;
  let prepared: PreparedRows | undefined;
  let written = { from: '', until: '' };
  const writes: Promise<void>[] = [];

  const writeFullBlock = async () => {
    if (!block) return;
    const full = block;
    block = undefined;
    written = { from: !written.from || full.from < written.from ? full.from : written.from, until: full.until > written.until ? full.until : written.until };
    if (writes.length >= BLOCK_WRITES_IN_FLIGHT) await writes.shift();
    const writing = prepared!.pack(full.segments).then((packed) => writeBlock(db, batch, source.id, full, packed));
    // Keep an unobserved failure from crashing the process; it is awaited (and thrown) below.
    writing.catch(() => undefined);
    writes.push(writing);
  };
  // The blocks written since the last flush count as stored in the transaction that records their
  // findings, so that what a failed ingest leaves is either both or neither. Two ingests of one source
  // complete their blocks one at a time; the second finds what the first stored meanwhile, and fails
  // rather than count an observation twice.
  const flush = async () => {
    await writeFullBlock();
    // Every write settles before a failure is reported: what a failed ingest wrote is then all there to discard.
    const failed = (await Promise.allSettled(writes.splice(0))).find((w) => w.status === 'rejected');
    if (failed) throw failed.reason;
    const list = groups.take();
    const pendingErrors = rowErrors;
    const range = written;
    rowErrors = [];
    written = { from: '', until: '' };
    await db.transaction().execute(async (tx) => {
      if (range.from) {
        await sql`SELECT pg_advisory_xact_lock(${INGEST_LOCK}, ${source.id}::int)`.execute(tx);
        const meanwhile = await storedKeysOf(tx, range.from, range.until);
        if (meanwhile > 0) {
          throw new KoppelError('conflict', `another ingest of source ${source.name} stored ${meanwhile} of the same observations meanwhile; ingest ${name} again to add the rest`);
        }
        await completeBlocks(tx, batch);
      }
      await recordRowErrors(tx, batch, pendingErrors);
      const findings = await writeFindings(tx, list);
      counts.findingsNew += findings.created;
      counts.findingsSeenAgain += findings.seenAgain;
    });
  };

  try {
    const { size: total, mtime } = await stat(request.file);
    let bytes = 0;
    const onBytes = (read: number) => request.progress?.((bytes += read), total);
    const receivedAt = new Date().toISOString();
    const writtenAt = request.fileTime ?? mtime.toISOString();
    const context = {
      file: name,
      source: { name: source.name, reliability: source.reliability, tlp: source.tlp, ...(source.severity ? { severity: source.severity } : {}) },
      receivedAt,
      // Nothing is observed after it is received: a file dated in the future (a wrong clock, a made-up upload time) counts as written now.
      fileTime: writtenAt < receivedAt ? writtenAt : receivedAt,
      options: { ...request.options },
    };
    prepared =
      total >= THREAD_BYTES
        ? prepareRowsInThread({ file: request.file, gzip, format: format.name, context }, onBytes)
        : prepareRows(fileInput(request.file, gzip, onBytes), format.name, context);
    for await (const rows of prepared.batches) {
      counts.rows += rows.rows;
      for (const error of rows.errors) {
        counts.rejected++;
        if (errors.length < 100) errors.push(error);
        if (counts.rejected <= ROW_ERRORS_KEPT) rowErrors.push(error);
      }
      for (let i = 0; i < rows.observedAt.length; i++) {
        const observedAt = rows.observedAt[i];
        const day = observedAt.slice(0, 10);
        if (!loadedDays.has(day)) {
          loadedDays.add(day);
          await storedKeysOf(db, `${day}T00:00:00.000Z`, `${day}T23:59:59.999Z`);
        }
        const high = rows.keys[2 * i];
        const low = rows.keys[2 * i + 1];
        // One the source reported before is not stored again. From a daily source it is received
        // again: its findings hear of it (what the source still lists is not fixed) without counting
        // it twice. From any other it is the same report again, and leaves its findings alone.
        let id: number | undefined;
        if (seen.firstLineOfHash(high, low, counts.observations + counts.duplicates + 1) !== undefined) {
          counts.duplicates++;
          if (!source.reportsDaily) continue;
        } else {
          block ??= new BlockBuilder(await reserveBlockId(db));
          id = block.add(rows.seq, i, observedAt);
          counts.observations++;
          if (block.full) await writeFullBlock();
        }
        const observation = observationAt(rows, i);
        const reached = matchObservation(index, observation);
        if (reached.length > 0) groups.add(sightingOf(observation, source.id, id), reached);
        if (groups.size >= GROUPS_PER_FLUSH) await flush();
      }
      if (block && rows.seq - block.segments[0].rows + 1 >= BLOCK_SPAN_BATCHES) await writeFullBlock();
      prepared.keepFrom(block ? block.segments[0].rows : rows.seq + 1);
    }
    await flush();
    // An asset registered while the file was read missed the rows read before it reached the index,
    // and the retro-matching of its registration found this file's blocks not yet stored: they are
    // matched now. The findings its later rows reached are counted already.
    counts.findingsNew += (await matchStored(db, await loadIndexedAssets(db, lastAssetBefore), { batch })).created;
    await finishBatch(db, batch, counts);
  } catch (error) {
    await Promise.allSettled(writes);
    await discardIncompleteBlocks(db, batch);
    await finishBatch(db, batch, counts, (error as Error).message);
    throw error;
  } finally {
    await prepared?.close();
  }
  return { batch, file: name, format: format.name, source: source.name, errors, ...counts };
}

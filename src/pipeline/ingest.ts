/**
 * One file in, end to end: detect its format, parse it as a stream, store the new observations,
 * match them against the asset index and turn the matches into findings, chunk by chunk, each
 * chunk in one transaction. Bad rows are recorded with their line and field and skipped.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import { recordMatches, type Match } from '../findings/index.ts';
import { finishBatch, recordRowErrors, ROW_ERRORS_KEPT, startBatch, type BatchCounts } from '../intake/batches.ts';
import { detectFormat, formatByName, type RowError } from '../intake/index.ts';
import { sourceForIngest } from '../intake/sources.ts';
import type { AssetIndex } from '../matching/index.ts';
import { insertObservations, storedRow, type StoredRow } from '../observations/index.ts';
import type { Database } from '../store/index.ts';
import { matchesOf, storedMatch, type PendingMatch } from './matcher.ts';

export interface IngestRequest {
  file: string;
  /** `--format`; detected from the file's name and content when absent. */
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

/** A row read and matched, waiting to be written; its matches get the id the row is stored with. */
interface Pending {
  row: StoredRow;
  matches: PendingMatch[];
}

const CHUNK = 5000;
const WRITES_IN_FLIGHT = 2;
const HEAD_BYTES = 64 * 1024;

/** The first bytes of the file as text, looking through gzip compression. */
async function readHead(file: string): Promise<{ head: string; gzip: boolean }> {
  const handle = await open(file);
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) return { head: head.toString('utf8'), gzip: false };
  const gunzip = createReadStream(file).pipe(createGunzip());
  for await (const chunk of gunzip) {
    gunzip.destroy();
    return { head: (chunk as Buffer).subarray(0, HEAD_BYTES).toString('utf8'), gzip: true };
  }
  return { head: '', gzip: true };
}

export async function ingestFile(db: Kysely<Database>, index: AssetIndex, request: IngestRequest): Promise<IngestReport> {
  const { head, gzip } = await readHead(request.file);
  const fileName = path.basename(request.file);
  const format = request.format ? formatByName(request.format) : detectFormat(fileName, head);
  const source = await sourceForIngest(db, request.source, format.name);
  const batch = await startBatch(db, source.id, request.file, format.name);
  const counts: BatchCounts = { rows: 0, observations: 0, duplicates: 0, rejected: 0, findingsNew: 0, findingsSeenAgain: 0 };
  const errors: RowError[] = [];
  let pendingErrors: RowError[] = [];
  let chunk: Pending[] = [];

  const write = (pending: Pending[], rowErrors: RowError[]) =>
    db.transaction().execute(async (tx) => {
      await recordRowErrors(tx, batch, rowErrors);
      const ids = await insertObservations(tx, batch, source.id, pending.map((p) => p.row));
      const matches: Match[] = [];
      pending.forEach((p, i) => {
        const observationId = ids[i];
        if (observationId === undefined) counts.duplicates++;
        else {
          counts.observations++;
          for (const match of p.matches) matches.push(storedMatch(match, observationId));
        }
      });
      const findings = await recordMatches(tx, matches);
      counts.findingsNew += findings.created;
      counts.findingsSeenAgain += findings.seenAgain;
    });
  // Chunks are written while the next is parsed, two at a time: on PostgreSQL each on its own
  // connection, so the database works on one while waiting on the other's results. Both take their
  // rows in one fixed order (see insertObservations and recordMatches), so they never deadlock.
  const writes: Promise<void>[] = [];
  const flush = async () => {
    const pending = chunk;
    const rowErrors = pendingErrors;
    chunk = [];
    pendingErrors = [];
    if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
    const writing = write(pending, rowErrors);
    // Keep an unobserved failure from crashing the process; it is awaited (and thrown) below.
    writing.catch(() => undefined);
    writes.push(writing);
  };

  try {
    const total = (await stat(request.file)).size;
    let bytes = 0;
    const raw = createReadStream(request.file);
    raw.on('data', (data) => request.progress?.((bytes += data.length), total));
    const input: Readable = gzip ? raw.pipe(createGunzip()) : raw;
    const context = {
      file: request.file,
      source: { name: source.name, reliability: source.reliability, tlp: source.tlp, ...(source.severity ? { severity: source.severity } : {}) },
      receivedAt: new Date().toISOString(),
      options: { ...request.options },
    };
    for await (const row of format.parse(input, context)) {
      counts.rows++;
      if ('error' in row) {
        counts.rejected++;
        if (errors.length < 100) errors.push(row.error);
        if (counts.rejected <= ROW_ERRORS_KEPT) pendingErrors.push(row.error);
      } else {
        chunk.push({ row: storedRow(row.observation), matches: matchesOf(index, row.observation, source.id) });
        if (chunk.length >= CHUNK) await flush();
      }
    }
    await flush();
    await Promise.all(writes);
    await finishBatch(db, batch, counts);
  } catch (error) {
    await Promise.allSettled(writes);
    await finishBatch(db, batch, counts, (error as Error).message);
    throw error;
  }
  return { batch, file: request.file, format: format.name, source: source.name, errors, ...counts };
}

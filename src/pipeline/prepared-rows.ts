/**
 * A feed's rows read, parsed and prepared for storing and matching, a batch at a time and in file
 * order: each observation's record, subject and identity hash (see observations/block.ts) and what
 * findings take of it. A large file is prepared in a thread of its own (prepare-thread.ts), so that
 * parsing runs beside the matching and storing of the rows before; a small one in the calling thread,
 * which saves the thread's start.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { KoppelError, type ErrorCode, type Problem } from '../errors.ts';
import { formatByName, type ParseContext, type RowError } from '../intake/index.ts';
import { blockRow, type Indicators, type Kind, type Observation, type Severity, type Tlp } from '../observations/index.ts';

/** Rows of one batch, as parallel columns: a thread hands them over faster than as an object a row. */
export interface PreparedBatch {
  /** Rows read, bad ones included. */
  rows: number;
  errors: RowError[];
  records: string[];
  subjects: string[];
  /** The identity hashes, two 32-bit halves a row. */
  keys: Int32Array;
  observedAt: string[];
  receivedAt: string[];
  kinds: Kind[];
  types: string[];
  severities: Severity[];
  tlps: Tlp[];
  malware: Array<string | undefined>;
}

/** One prepared observation as matching and findings see it. */
export type PreparedObservation = Pick<Observation, 'subject' | 'kind' | 'type' | 'severity' | 'tlp' | 'observedAt' | 'receivedAt' | 'malware'>;

export const observationAt = (batch: PreparedBatch, i: number): PreparedObservation => ({
  subject: JSON.parse(batch.subjects[i]) as Indicators,
  kind: batch.kinds[i],
  type: batch.types[i],
  severity: batch.severities[i],
  tlp: batch.tlps[i],
  observedAt: batch.observedAt[i],
  receivedAt: batch.receivedAt[i],
  malware: batch.malware[i],
});

const BATCH_ROWS = 2048;

const emptyBatch = (): PreparedBatch => ({
  rows: 0,
  errors: [],
  records: [],
  subjects: [],
  keys: new Int32Array(BATCH_ROWS * 2),
  observedAt: [],
  receivedAt: [],
  kinds: [],
  types: [],
  severities: [],
  tlps: [],
  malware: [],
});

/** The rows of the input parsed by the format and prepared, in batches. */
export async function* prepareRows(input: Readable, format: string, context: ParseContext): AsyncIterable<PreparedBatch> {
  let batch = emptyBatch();
  for await (const row of formatByName(format).parse(input, context)) {
    batch.rows++;
    if ('error' in row) batch.errors.push(row.error);
    else {
      const o = row.observation;
      const stored = blockRow(o);
      const n = batch.records.length;
      batch.records.push(stored.record);
      batch.subjects.push(stored.subject);
      batch.keys[2 * n] = stored.high;
      batch.keys[2 * n + 1] = stored.low;
      batch.observedAt.push(stored.observedAt);
      batch.receivedAt.push(o.receivedAt);
      batch.kinds.push(o.kind);
      batch.types.push(o.type);
      batch.severities.push(o.severity);
      batch.tlps.push(o.tlp);
      batch.malware.push(o.malware);
    }
    if (batch.rows === BATCH_ROWS) {
      yield batch;
      batch = emptyBatch();
    }
  }
  if (batch.rows > 0) yield batch;
}

/** What the preparing thread is given. */
export interface PrepareJob {
  file: string;
  gzip: boolean;
  format: string;
  context: ParseContext;
}

/** What the preparing thread says: a batch, bytes read, the end, or why it stopped. */
export type PrepareMessage = { batch: PreparedBatch } | { bytes: number } | { done: true } | { failed: string; code?: ErrorCode; problems?: Problem[] };

/** Batches a thread may prepare ahead of the one taking them: bounds the memory a fast parse can fill. */
export const BATCHES_AHEAD = 8;

/**
 * The preparing thread's young generation. A batch lives while some 6 MB are allocated around it;
 * with the default the collector copied nearly every batch into the old generation (1.3 GB for a
 * million rows, 4.3 s of pauses), with this one it lets them die young (20 MB, 0.9 s).
 */
const YOUNG_GENERATION_MB = 64;

/** The rows of a file prepared in a thread of its own. */
export async function* prepareRowsInThread(job: PrepareJob, onBytes: (bytes: number) => void): AsyncIterable<PreparedBatch> {
  // The thread runs the TypeScript sources as this process does, through tsx, wherever it is started from.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./prepare-thread.ts', import.meta.url).href);
  const worker = new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData: job, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const queue: PrepareMessage[] = [];
  let wake: (() => void) | undefined;
  const arrived = (message: PrepareMessage) => {
    queue.push(message);
    wake?.();
  };
  worker.on('message', arrived);
  worker.on('error', (error) => arrived({ failed: error.message }));
  // It says when it is done; stopping otherwise is a failure.
  worker.on('exit', (code) => code !== 0 && arrived({ failed: `the preparing thread stopped with code ${code}` }));
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift()!;
      if ('bytes' in message) onBytes(message.bytes);
      else if ('batch' in message) {
        worker.postMessage('taken');
        yield message.batch;
      } else if ('failed' in message) throw message.code ? new KoppelError(message.code, message.failed, message.problems) : new Error(message.failed);
      else return;
    }
  } finally {
    await worker.terminate();
  }
}

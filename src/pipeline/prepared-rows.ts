/**
 * A feed's rows read, parsed and prepared for storing and matching, a batch at a time and in file
 * order: for matching and findings each observation's subject and what findings take of it, with its
 * identity hash and time; for storing, what a block keeps of it (see observations/block.ts), which
 * stays where it was prepared and is packed there into the blocks the calling thread fills. A large
 * file is prepared in a thread of its own (prepare-thread.ts), so that parsing runs beside the
 * matching and storing of the rows before; a small one in the calling thread, which saves the
 * thread's start.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { KoppelError, type ErrorCode, type Problem } from '../errors.ts';
import { formatByName, type ParseContext, type RowError } from '../intake/index.ts';
import {
  blockRow,
  BlockRowsBuilder,
  packBlock,
  type Indicators,
  type Kind,
  type Observation,
  type PackedBlock,
  type PreparedBlockRows,
  type Segment,
  type Severity,
  type Tlp,
} from '../observations/index.ts';

/**
 * What matching and findings take of one batch's rows, as parallel columns: a thread hands columns
 * over faster than an object a row.
 */
export interface PreparedBatch {
  /** The batch's number in the file, from 0: a block's segments name its rows by it. */
  seq: number;
  /** Rows read, bad ones included. */
  rows: number;
  errors: RowError[];
  /** The observations' identity hashes, two 32-bit halves each. */
  keys: Int32Array;
  /** The observation times in canonical form. */
  observedAt: string[];
  /** The subjects' indicators as JSON. */
  subjects: string[];
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

/** A file's rows prepared in batches, and the blocks packed from them where their bytes are. */
export interface PreparedRows {
  batches: AsyncIterable<PreparedBatch>;
  /** Packs a block of the batches' rows. */
  pack(segments: readonly Segment<number>[]): Promise<PackedBlock>;
  /** Says that no block packed from now on takes rows of a batch before this one: they are let go. */
  keepFrom(seq: number): void;
  close(): Promise<void>;
}

const BATCH_ROWS = 2048;

/** A batch being filled, and the rows it makes ready for blocks. */
class BatchBuilder {
  rows = 0;
  readonly errors: RowError[] = [];
  private readonly block = new BlockRowsBuilder(BATCH_ROWS);
  private readonly observedAt: string[] = [];
  private readonly subjects: string[] = [];
  private readonly receivedAt: string[] = [];
  private readonly kinds: Kind[] = [];
  private readonly types: string[] = [];
  private readonly severities: Severity[] = [];
  private readonly tlps: Tlp[] = [];
  private readonly malware: Array<string | undefined> = [];

  constructor(private readonly seq: number) {}

  add(o: Observation): void {
    const stored = blockRow(o);
    this.block.add(stored, o.subject);
    this.observedAt.push(stored.observedAt);
    this.subjects.push(stored.subject);
    this.receivedAt.push(o.receivedAt);
    this.kinds.push(o.kind);
    this.types.push(o.type);
    this.severities.push(o.severity);
    this.tlps.push(o.tlp);
    this.malware.push(o.malware);
  }

  take(): { batch: PreparedBatch; block: PreparedBlockRows } {
    const { seq, rows, errors, observedAt, subjects, receivedAt, kinds, types, severities, tlps, malware } = this;
    const block = this.block.take();
    // The identity hashes serve deduplication where the batch goes as well as packing where its block rows stay.
    return { batch: { seq, rows, errors, keys: block.keys, observedAt, subjects, receivedAt, kinds, types, severities, tlps, malware }, block };
  }
}

/** The rows of the input parsed by the format and prepared, in batches. */
async function* batchesOf(input: Readable, format: string, context: ParseContext): AsyncIterable<{ batch: PreparedBatch; block: PreparedBlockRows }> {
  let seq = 0;
  let batch = new BatchBuilder(seq);
  for await (const row of formatByName(format).parse(input, context)) {
    batch.rows++;
    if ('error' in row) batch.errors.push(row.error);
    else batch.add(row.observation);
    if (batch.rows === BATCH_ROWS) {
      yield batch.take();
      batch = new BatchBuilder(++seq);
    }
  }
  if (batch.rows > 0) yield batch.take();
}

/** The block rows of the batches prepared, held until the blocks that take them are packed. */
export class HeldBlockRows {
  private readonly held = new Map<number, PreparedBlockRows>();

  /** The input prepared in batches, their block rows held. */
  async *prepare(input: Readable, format: string, context: ParseContext): AsyncIterable<PreparedBatch> {
    for await (const { batch, block } of batchesOf(input, format, context)) {
      this.held.set(batch.seq, block);
      yield batch;
    }
  }

  pack(segments: readonly Segment<number>[]): Promise<PackedBlock> {
    return packBlock(segments.map((s) => ({ rows: this.held.get(s.rows)!, start: s.start, end: s.end })));
  }

  keepFrom(seq: number): void {
    for (const held of this.held.keys()) if (held < seq) this.held.delete(held);
  }
}

/** The rows of the input prepared in the calling thread. */
export function prepareRows(input: Readable, format: string, context: ParseContext): PreparedRows {
  const held = new HeldBlockRows();
  return { batches: held.prepare(input, format, context), pack: (segments) => held.pack(segments), keepFrom: (seq) => held.keepFrom(seq), close: async () => undefined };
}

/** What the preparing thread is given. */
export interface PrepareJob {
  file: string;
  gzip: boolean;
  format: string;
  context: ParseContext;
}

/** What the preparing thread says: a batch, bytes read, a block packed, the end, or why it stopped. */
export type PrepareMessage =
  | { batch: PreparedBatch }
  | { bytes: number }
  | { packed: PackedBlock; request: number }
  | { done: true }
  | { failed: string; code?: ErrorCode; problems?: Problem[] };

/** What the preparing thread is told: a batch was taken, a block is to be packed, or which batches are still needed. */
export type PrepareRequest = 'taken' | { pack: readonly Segment<number>[]; request: number } | { keepFrom: number };

/** Batches a thread may prepare ahead of the one taking them: bounds the memory a fast parse can fill. */
export const BATCHES_AHEAD = 8;

/**
 * The preparing thread's young generation. A batch lives while some 6 MB are allocated around it;
 * with the default the collector copied nearly every batch into the old generation (1.3 GB for a
 * million rows, 4.3 s of pauses), with this one it lets them die young (20 MB, 0.9 s).
 */
const YOUNG_GENERATION_MB = 64;

/** The rows of a file prepared in a thread of its own. */
export function prepareRowsInThread(job: PrepareJob, onBytes: (bytes: number) => void): PreparedRows {
  // The thread runs the TypeScript sources as this process does, through tsx, wherever it is started from.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./prepare-thread.ts', import.meta.url).href);
  const worker = new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData: job, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const queue: PrepareMessage[] = [];
  let wake: (() => void) | undefined;
  const packing = new Map<number, { resolve: (block: PackedBlock) => void; reject: (error: Error) => void }>();
  let requests = 0;
  let failure: Error | undefined;
  const arrived = (message: PrepareMessage) => {
    if ('packed' in message) {
      packing.get(message.request)?.resolve(message.packed);
      packing.delete(message.request);
      return;
    }
    if ('failed' in message) {
      failure ??= message.code ? new KoppelError(message.code, message.failed, message.problems) : new Error(message.failed);
      for (const waiting of packing.values()) waiting.reject(failure);
      packing.clear();
    }
    queue.push(message);
    wake?.();
  };
  const tell = (request: PrepareRequest) => worker.postMessage(request);
  worker.on('message', arrived);
  worker.on('error', (error) => arrived({ failed: error.message }));
  // It is stopped when done with; stopping otherwise is a failure.
  let closing = false;
  worker.on('exit', (code) => closing || arrived({ failed: `the preparing thread stopped with code ${code}` }));

  async function* batches(): AsyncIterable<PreparedBatch> {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift()!;
      if ('bytes' in message) onBytes(message.bytes);
      else if ('batch' in message) {
        tell('taken');
        yield message.batch;
      } else if ('failed' in message) throw failure;
      else if ('done' in message) return;
    }
  }

  return {
    batches: batches(),
    pack(segments) {
      if (failure) return Promise.reject(failure);
      const request = ++requests;
      tell({ pack: segments, request });
      return new Promise((resolve, reject) => packing.set(request, { resolve, reject }));
    },
    keepFrom: (seq) => tell({ keepFrom: seq }),
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}

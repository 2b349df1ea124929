/**
 * Observations are stored by the block: up to BLOCK_ROWS observations of one ingest, their records
 * as JSON lines, their times and subjects (what retro-matching and searches read) as lines of their
 * own, and a 64-bit hash of each one's identity for deduplication. A block is one row in the store, so
 * storing an observation costs no index entry of its own: a report of a million rows is 62 rows.
 * An observation's id is its block's id and its row in the block. Pure.
 */
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { hash64 } from '../collections/seen-keys.ts';
import type { Indicators, Observation } from './model.ts';
import { SummaryBuilder } from './summary.ts';

/** At most 65,536: a row's number is the low 16 bits of its observation's id. */
export const BLOCK_ROWS = 16_384;
const IDS_PER_BLOCK = 65_536;

export const observationId = (blockId: number, row: number): number => blockId * IDS_PER_BLOCK + row;
export const blockOfObservation = (id: number): number => Math.floor(id / IDS_PER_BLOCK);
export const rowOfObservation = (id: number): number => id % IDS_PER_BLOCK;

/** An observation as a block keeps it. */
export interface BlockRow {
  /** The observation as JSON, what makes it the observation it is first. */
  record: string;
  /** The subject's indicators as JSON. */
  subject: string;
  /** The identity's hash (see blockRow), in two halves. */
  high: number;
  low: number;
  /** The observation time in the canonical form `2026-11-27T03:00:00.000Z`, which sorts as text. */
  observedAt: string;
}

const canonicalTime = (time: string): string => (time.length === 24 && time.endsWith('Z') ? time : new Date(time).toISOString());

/**
 * What a block keeps of an observation, made once, as it is read. The same source reporting the same
 * thing (kind, type, subject, other parties, evidence) at the same time is one observation, however
 * often the file is ingested: the identity is the record up to the end of its evidence. What follows
 * (receipt time, severity, reliability, TLP, free text) may differ between ingests of the same thing.
 */
export function blockRow(o: Observation): BlockRow {
  const { source, observedAt, kind, type, subject, others, evidence, receivedAt, severity, reliability, tlp, hostname, malware, cve, description } = o;
  const record = JSON.stringify({ source, observedAt, kind, type, subject, others, evidence, receivedAt, severity, reliability, tlp, hostname, malware, cve, description });
  // JSON escapes every quote inside a string, so these keys, quoted, can only be the record's own:
  // the subject is what lies between them, and only text follows the last receipt time.
  const subjectStart = record.indexOf(',"subject":') + 11;
  const identity = hash64(record.slice(0, record.lastIndexOf(',"receivedAt":')));
  return {
    record,
    subject: record.slice(subjectStart, record.indexOf(',"others":', subjectStart)),
    high: identity.high,
    low: identity.low,
    observedAt: canonicalTime(observedAt),
  };
}

/**
 * Lines of text as UTF-8 in one growing buffer, with where each ends. Written as they come, records
 * do not live on as strings, which would take each through the collector's old generation.
 */
class Lines {
  private buffer: Buffer;
  private length = 0;
  private readonly ends: Uint32Array;
  private count = 0;

  /** For at most `lines` lines, of about `bytes` bytes in all (more bytes grow the buffer). */
  constructor(bytes: number, lines: number) {
    this.buffer = Buffer.allocUnsafe(bytes);
    this.ends = new Uint32Array(lines);
  }

  append(line: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8; one more for the newline.
    if (this.length + line.length * 3 + 1 > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + line.length * 3 + 1));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    if (this.count > 0) this.buffer[this.length++] = 0x0a;
    this.length += this.buffer.write(line, this.length);
    this.ends[this.count++] = this.length;
  }

  take(): PreparedLines {
    return { bytes: new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.length), ends: this.ends.subarray(0, this.count) };
  }
}

/** Lines of text as UTF-8, separated by newlines; `ends[i]` is where line i ends, its newline excluded. */
export interface PreparedLines {
  bytes: Uint8Array;
  ends: Uint32Array;
}

/**
 * Rows made ready for blocks where they are read: what a block keeps of each (its record line, its
 * subject line, its identity hash) and the neighbourhoods of their subjects for the block's summary.
 * A block is filled by reference to them (BlockBuilder) and packed where they are (packBlock): their
 * bytes need never reach the thread that matches and stores, whose collector would mark its whole
 * heap for every 64 MB of outside memory it is handed.
 */
export interface PreparedBlockRows {
  records: PreparedLines;
  /** Each row's observation time and subject (see subjectLine). */
  subjects: PreparedLines;
  /** The identity hashes, two 32-bit halves a row. */
  keys: Int32Array;
  /** The neighbourhoods of all the rows' subjects as hashes, two halves each (see summary.ts). */
  neighbourhoods: Int32Array;
}

/** Prepared rows in the making, at most as many as it is made for. */
export class BlockRowsBuilder {
  private readonly records: Lines;
  private readonly subjects: Lines;
  private readonly keys: Int32Array;
  private size = 0;
  private readonly summary: SummaryBuilder;

  constructor(rows: number) {
    this.summary = new SummaryBuilder(rows);
    this.records = new Lines(rows * 640, rows);
    this.subjects = new Lines(rows * 80, rows);
    this.keys = new Int32Array(rows * 2);
  }

  /** Adds the row, whose subject's indicators (`row.subject` as read) are given too. */
  add(row: BlockRow, subject: Indicators): void {
    const n = this.size++;
    this.summary.add(subject);
    this.records.append(row.record);
    this.subjects.append(row.observedAt + row.subject);
    this.keys[2 * n] = row.high;
    this.keys[2 * n + 1] = row.low;
  }

  take(): PreparedBlockRows {
    return { records: this.records.take(), subjects: this.subjects.take(), keys: this.keys.subarray(0, 2 * this.size), neighbourhoods: this.summary.hashes() };
  }
}

const TIME_LENGTH = '2026-11-27T03:00:00.000Z'.length;

/** A line of a block's subjects: the observation time in canonical form, then the subject as JSON. */
export const subjectLine = (line: string): { observedAt: string; subject: Indicators } => ({
  observedAt: line.slice(0, TIME_LENGTH),
  subject: JSON.parse(line.slice(TIME_LENGTH)) as Indicators,
});

/**
 * Rows start to end (exclusive) taken whole from one prepared set, named by `rows`: the set itself
 * where its bytes are, or a number standing for it in a thread that does not hold them.
 */
export interface Segment<R> {
  rows: R;
  start: number;
  end: number;
}

/**
 * A block being filled, by reference to prepared rows: consecutive rows of one prepared set make one
 * segment. Its id is taken from the store before its first row, so its rows' ids are known at once.
 */
export class BlockBuilder<R = PreparedBlockRows> {
  readonly segments: Segment<R>[] = [];
  size = 0;
  from = '';
  until = '';

  constructor(readonly id: number) {}

  get full(): boolean {
    return this.size >= BLOCK_ROWS;
  }

  /** Adds row i of the prepared rows, observed at the time given in canonical form; returns its observation id. */
  add(rows: R, i: number, observedAt: string): number {
    const n = this.size++;
    const last = this.segments.at(-1);
    if (last !== undefined && last.rows === rows && last.end === i) last.end++;
    else this.segments.push({ rows, start: i, end: i + 1 });
    if (n === 0 || observedAt < this.from) this.from = observedAt;
    if (n === 0 || observedAt > this.until) this.until = observedAt;
    return observationId(this.id, n);
  }
}

/** A block's bytes as stored: its records and subjects as deflated lines, its identity hashes and its summary. */
export interface PackedBlock {
  records: Uint8Array;
  subjects: Uint8Array;
  keys: Uint8Array;
  summary: Uint8Array;
}

/** The buffers of a packed block: what a thread transfers to hand it over. */
export const buffersOf = (block: PackedBlock): ArrayBuffer[] => [block.records, block.subjects, block.keys, block.summary].map((a) => a.buffer as ArrayBuffer);

/** The bytes of lines start to end (exclusive) of prepared lines. */
const linesBetween = (lines: PreparedLines, start: number, end: number): Uint8Array => lines.bytes.subarray(start === 0 ? 0 : lines.ends[start - 1] + 1, lines.ends[end - 1]);

const NEWLINE = new Uint8Array([0x0a]);

/** Segments' lines joined by newlines into one buffer. */
function joinLines(segments: readonly Segment<PreparedBlockRows>[], which: 'records' | 'subjects'): Buffer {
  const parts: Uint8Array[] = [];
  for (const s of segments) {
    if (parts.length > 0) parts.push(NEWLINE);
    parts.push(linesBetween(s.rows[which], s.start, s.end));
  }
  return Buffer.concat(parts);
}

const deflate = promisify(deflateRaw);

/** A block's lines compressed as stored: quickly, since a block is written as fast as files are read. */
export const deflateLines = (lines: string | Uint8Array): Promise<Buffer> => deflate(lines, { level: 1 });

/**
 * A block's bytes from its segments, where their prepared rows are. The summary takes the
 * neighbourhoods of every prepared set a row comes from, whole: those of rows left out (already
 * stored, or in the next block) make it answer "maybe" a little more often, never "no" wrongly.
 * Compression runs on libuv's thread pool, beside the JavaScript that reads the next rows.
 */
export async function packBlock(segments: readonly Segment<PreparedBlockRows>[]): Promise<PackedBlock> {
  const summary = new SummaryBuilder();
  const size = segments.reduce((sum, s) => sum + s.end - s.start, 0);
  const keys = new Int32Array(2 * size);
  let at = 0;
  for (const [i, s] of segments.entries()) {
    if (i === 0 || segments[i - 1].rows !== s.rows) summary.addHashes(s.rows.neighbourhoods);
    keys.set(s.rows.keys.subarray(2 * s.start, 2 * s.end), at);
    at += 2 * (s.end - s.start);
  }
  const [records, subjects] = await Promise.all([deflateLines(joinLines(segments, 'records')), deflateLines(joinLines(segments, 'subjects'))]);
  return { records, subjects, keys: new Uint8Array(keys.buffer), summary: summary.bytes() };
}

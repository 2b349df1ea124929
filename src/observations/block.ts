/**
 * Observations are stored by the block: up to BLOCK_ROWS observations of one ingest, their records
 * as JSON lines, their times and subjects (what retro-matching and searches read) as lines of their
 * own, and a 64-bit hash of each one's identity for deduplication. A block is one row in the store, so
 * storing an observation costs no index entry of its own: a report of a million rows is 62 rows.
 * An observation's id is its block's id and its row in the block. Pure.
 */
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
 * Lines of text as UTF-8 in one growing buffer. Written as they come, a block's records do not live
 * on as strings until the block is full, which would take each through the collector's old generation.
 */
class Lines {
  private buffer = Buffer.allocUnsafe(1 << 20);
  private length = 0;

  append(line: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8; one more for the newline.
    if (this.length + line.length * 3 + 1 > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + line.length * 3 + 1));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    if (this.length > 0) this.buffer[this.length++] = 0x0a;
    this.length += this.buffer.write(line, this.length);
  }

  get bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

const TIME_LENGTH = '2026-11-27T03:00:00.000Z'.length;

/** A line of a block's subjects: the observation time in canonical form, then the subject as JSON. */
export const subjectLine = (line: string): { observedAt: string; subject: Indicators } => ({
  observedAt: line.slice(0, TIME_LENGTH),
  subject: JSON.parse(line.slice(TIME_LENGTH)) as Indicators,
});

/** A block being filled; its id is taken from the store before its first row, so its rows' ids are known at once. */
export class BlockBuilder {
  /** The records as JSON lines. */
  readonly records = new Lines();
  /** Each observation's time and subject as a subject line (see subjectLine). */
  readonly subjects = new Lines();
  /** The identity hashes, two 32-bit halves a row. */
  readonly keys = new Int32Array(BLOCK_ROWS * 2);
  /** Where the rows' subjects are (see summary.ts). */
  readonly summary = new SummaryBuilder();
  size = 0;
  from = '';
  until = '';

  constructor(readonly id: number) {}

  get full(): boolean {
    return this.size >= BLOCK_ROWS;
  }

  /** Adds the row, whose subject's indicators (`row.subject` as read) are given too; returns its observation id. */
  add(row: BlockRow, subject: Indicators): number {
    const n = this.size++;
    this.summary.add(subject);
    this.records.append(row.record);
    this.subjects.append(row.observedAt + row.subject);
    this.keys[2 * n] = row.high;
    this.keys[2 * n + 1] = row.low;
    if (n === 0 || row.observedAt < this.from) this.from = row.observedAt;
    if (n === 0 || row.observedAt > this.until) this.until = row.observedAt;
    return observationId(this.id, n);
  }
}

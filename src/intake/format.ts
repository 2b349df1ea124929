/** What every intake format module provides: bytes in, observations and row errors out. */
import type { Readable } from 'node:stream';
import type { Observation, Reliability, Severity, Tlp } from '../observations/model.ts';

/** One bad row: reported with where it was and why, then skipped. */
export interface RowError {
  file: string;
  line: number;
  field?: string;
  reason: string;
}

/** What the ingest knows before reading a row: where the bytes come from and the source's defaults. */
export interface ParseContext {
  /** File name as given by the operator; used in row errors. */
  file: string;
  source: {
    name: string;
    reliability: Reliability;
    tlp: Tlp;
    /** Severity to use when the feed itself gives none. */
    severity?: Severity;
  };
  /** ISO 8601 time the file was received; becomes every observation's `receivedAt`. */
  receivedAt: string;
  /**
   * ISO 8601 time the file was written (its modification time): when a row that gives no time of its
   * own was observed. The same file ingested again then gives the same observations, and adds nothing.
   */
  fileTime: string;
  /** Format options from the command line, e.g. `report` for Shadowserver or `map` for generic CSV. */
  options: Readonly<Record<string, string>>;
}

export type ParsedRow =
  | { line: number; observation: Observation }
  | { line: number; error: RowError };

export interface IntakeFormat {
  /** `shadowserver`, `spamhaus-drop`, `generic-csv` … as given to `--format`. */
  name: string;
  /** One line for `koppel formats` and the README. */
  description: string;
  /**
   * How sure this format is that it can read the file, 0 (no) to 1 (certain), from its name and
   * its first few kilobytes. The most confident format wins detection.
   */
  detect(fileName: string, head: string): number;
  /** Streams the rows; a bad row yields an error and the parse goes on. */
  parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow>;
}

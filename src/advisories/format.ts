/**
 * What every advisory format module provides, parallel to the feed formats' `IntakeFormat`:
 * bytes in, advisories, enrichments and VEX statements out, with errors that name where.
 */
import type { Readable } from 'node:stream';
import type { RowError } from '../intake/format.ts';
import type { Tlp } from '../observations/model.ts';
import type { Advisory, Enrichment, VexStatement } from './model.ts';

export interface AdvisoryContext {
  /** File name as given by the operator; used in errors. */
  file: string;
  /** ISO 8601 time the file was received. */
  receivedAt: string;
  /**
   * The source's TLP label. A document's own label is kept unless this is stricter; without
   * either, public formats (OSV, CVE, KEV, EPSS) are CLEAR.
   */
  tlp?: Tlp;
  options: Readonly<Record<string, string>>;
}

/**
 * One result of a parse. `line` is where the record starts (1 for a format that holds one
 * document per file); an error's `field` is a JSON path (`/vulnerabilities/0/cve`) or a CSV column.
 * `notes` say what was read but left out on purpose (a GIT range), which is not an error.
 */
export type AdvisoryRow =
  | { line: number; advisory: Advisory; notes?: string[] }
  | { line: number; enrichment: Enrichment }
  | { line: number; statement: VexStatement }
  | { line: number; error: RowError };

export interface AdvisoryFormat {
  /** `csaf`, `osv`, `cve5`, `kev`, `epss`, `cyclonedx-vex`, as given to `--format`. */
  name: string;
  /** One line for `koppel formats` and the README. */
  description: string;
  /** How sure this format is that it can read the file, 0 (no) to 1 (certain), from its name and first kilobytes. */
  detect(fileName: string, head: string): number;
  /** Reads the input; a bad record yields an error and the parse goes on where that can be trusted. */
  parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow>;
}

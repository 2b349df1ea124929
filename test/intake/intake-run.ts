/** Runs an intake format over text the way an ingest would, collecting observations with their lines, and row errors. */
import { Readable } from 'node:stream';
import type { IntakeFormat, ParseContext, ParsedRow, RowError } from '../../src/intake/format.ts';
import type { Observation } from '../../src/observations/model.ts';

export const RECEIVED_AT = '2026-11-27T08:00:00.000Z';
/** When the file was written: what a row without a time of its own was observed at. */
export const FILE_TIME = '2026-11-27T06:30:00.000Z';

export function intakeContext(file: string, options: Record<string, string> = {}, source: Partial<ParseContext['source']> = {}): ParseContext {
  return { file, source: { name: 'test-source', reliability: 'A', tlp: 'AMBER', ...source }, receivedAt: RECEIVED_AT, fileTime: FILE_TIME, options };
}

export interface Collected {
  observations: Observation[];
  lines: number[];
  errors: RowError[];
}

/** Bytes in small chunks, so that records, quotes and UTF-8 sequences straddle chunk boundaries as in large files. */
export function chunked(text: string, size = 17): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

export async function collect(rows: AsyncIterable<ParsedRow>): Promise<Collected> {
  const out: Collected = { observations: [], lines: [], errors: [] };
  for await (const row of rows) {
    if ('error' in row) out.errors.push(row.error);
    else {
      out.observations.push(row.observation);
      out.lines.push(row.line);
    }
  }
  return out;
}

export const runText = (format: IntakeFormat, text: string, file: string, options: Record<string, string> = {}, source: Partial<ParseContext['source']> = {}): Promise<Collected> =>
  collect(format.parse(chunked(text), intakeContext(file, options, source)));

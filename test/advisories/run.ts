/** Runs an advisory format over text or a file the way an ingest would, collecting what it yields. */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { AdvisoryContext, AdvisoryFormat } from '../../src/advisories/format.ts';
import type { Advisory, Enrichment, VexStatement } from '../../src/advisories/model.ts';
import type { RowError } from '../../src/intake/format.ts';

export const RECEIVED_AT = '2026-11-27T08:00:00.000Z';

export interface Parsed {
  advisories: Advisory[];
  enrichments: Enrichment[];
  statements: VexStatement[];
  errors: RowError[];
  notes: string[];
  lines: number[];
}

/** Small chunks, so that records straddle chunk boundaries as they do in large files. */
const chunked = (text: string): Readable => {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 97) chunks.push(bytes.subarray(i, i + 97));
  return Readable.from(chunks, { objectMode: false });
};

async function collect(format: AdvisoryFormat, input: Readable, context: AdvisoryContext): Promise<Parsed> {
  const parsed: Parsed = { advisories: [], enrichments: [], statements: [], errors: [], notes: [], lines: [] };
  for await (const row of format.parse(input, context)) {
    parsed.lines.push(row.line);
    if ('advisory' in row) {
      parsed.advisories.push(row.advisory);
      parsed.notes.push(...(row.notes ?? []));
    } else if ('enrichment' in row) parsed.enrichments.push(row.enrichment);
    else if ('statement' in row) parsed.statements.push(row.statement);
    else parsed.errors.push(row.error);
  }
  return parsed;
}

export const parseText = (format: AdvisoryFormat, text: string, file = 'test.json', extra: Partial<AdvisoryContext> = {}): Promise<Parsed> =>
  collect(format, chunked(text), { file, receivedAt: RECEIVED_AT, options: {}, ...extra });

export const parseFile = (format: AdvisoryFormat, path: string): Promise<Parsed> =>
  collect(format, createReadStream(path), { file: path, receivedAt: RECEIVED_AT, options: {} });

/**
 * The registry's file formats, read and written as streams: CSV (one asset a row, the columns
 * below) and the JSON document `koppel registry export --json` writes. Pure apart from the streams.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import type { Problem } from '../errors.ts';
import { csvRecords } from '../intake/csv.ts';

/** The required columns first; the rest are optional and written by export. */
export const CSV_COLUMNS = [
  'org_ref',
  'org_name',
  'contact_email',
  'asset',
  'asset_kind',
  'verification',
  'verified_by',
  'org_country',
  'org_sector',
  'org_language',
  'contact_name',
  'contact_phone',
  'contact_role',
  'contact_language',
] as const;
export const REQUIRED_CSV_COLUMNS = CSV_COLUMNS.slice(0, 4);

export type CsvColumn = (typeof CSV_COLUMNS)[number];
/** One row of the registry as text, however it was written. */
export type RegistryRecord = { position: { line: number; path?: string } } & Partial<Record<CsvColumn, string>>;

export const JSON_FORMAT = 'koppel-registry';

export interface JsonOrganisation {
  ref: string;
  name: string;
  country?: string | null;
  sector?: string | null;
  language?: string;
  contacts?: Array<{ email: string; name?: string | null; phone?: string | null; role?: string | null; language?: string | null }>;
  assets?: Array<{ kind?: string; value: string; verification?: string; verifiedBy?: string | null }>;
}

export type RecordOrProblem = { record: RegistryRecord } | { problem: Problem };

export function isJsonFile(file: string, head: string): boolean {
  return file.toLowerCase().endsWith('.json') || head.trimStart().startsWith('{');
}

/** Reads the file's records one by one; unreadable rows come out as problems naming their line. */
export async function* readRecords(file: string, json: boolean, onBytes?: (bytes: number) => void): AsyncGenerator<RecordOrProblem> {
  const input = createReadStream(file);
  if (onBytes) input.on('data', (chunk) => onBytes(chunk.length));
  yield* json ? readJson(file, input) : readCsv(file, input);
}

/**
 * The CSV rows through intake's tokenizer: stray quotes are kept as written, each row carries the
 * line it starts on, and a quote never closed ends the file with one problem.
 */
async function* readCsv(file: string, input: Readable): AsyncGenerator<RecordOrProblem> {
  let columns: Array<CsvColumn | undefined> | undefined;
  for await (const batch of csvRecords(input)) {
    for (const row of batch) {
      const line = row.line;
      if ('error' in row) {
        yield { problem: { file, line, reason: row.error } };
        return;
      }
      const fields = row.values;
      if (fields.length === 1 && fields[0].trim() === '') continue;
      if (!columns) {
        const header = fields.map((f) => f.trim());
        const missing = REQUIRED_CSV_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length) {
          yield { problem: { file, line, reason: `the header lacks the column(s) ${missing.join(', ')}; it must start with ${REQUIRED_CSV_COLUMNS.join(',')}` } };
          return;
        }
        columns = header.map((h) => ((CSV_COLUMNS as readonly string[]).includes(h) ? (h as CsvColumn) : undefined));
        continue;
      }
      if (fields.length !== columns.length) {
        yield { problem: { file, line, reason: `${fields.length} fields where the header has ${columns.length}` } };
        continue;
      }
      const record: RegistryRecord = { position: { line } };
      for (let i = 0; i < fields.length; i++) {
        const column = columns[i];
        const value = fields[i].trim();
        if (column && value) record[column] = value;
      }
      yield { record };
    }
  }
}

async function* readJson(file: string, input: NodeJS.ReadableStream): AsyncGenerator<RecordOrProblem> {
  const organisations = input.pipe(pick.withParserAsStream({ filter: 'organisations' })).pipe(streamArray.asStream());
  for await (const { key, value } of organisations as AsyncIterable<{ key: number; value: JsonOrganisation }>) {
    const path = `organisations[${key}]`;
    const line = key + 1;
    if (typeof value !== 'object' || value === null) {
      yield { problem: { file, line, field: path, reason: 'not an organisation object' } };
      continue;
    }
    const org = { org_ref: str(value.ref), org_name: str(value.name), org_country: str(value.country), org_sector: str(value.sector), org_language: str(value.language) };
    const contacts = Array.isArray(value.contacts) ? value.contacts : [];
    const assets = Array.isArray(value.assets) ? value.assets : [];
    yield { record: { position: { line, path }, ...org } };
    for (const [i, c] of contacts.entries()) {
      yield {
        record: {
          position: { line, path: `${path}.contacts[${i}]` },
          ...org,
          contact_email: str(c?.email),
          contact_name: str(c?.name),
          contact_phone: str(c?.phone),
          contact_role: str(c?.role),
          contact_language: str(c?.language),
        },
      };
    }
    for (const [i, a] of assets.entries()) {
      yield {
        record: {
          position: { line, path: `${path}.assets[${i}]` },
          ...org,
          asset: str(a?.value),
          asset_kind: str(a?.kind),
          verification: str(a?.verification),
          verified_by: str(a?.verifiedBy),
        },
      };
    }
  }
}

const str = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v));

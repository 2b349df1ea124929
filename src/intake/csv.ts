/**
 * Streaming CSV with a header row, for the CSV formats (Shadowserver, generic CSV). Rows keep the
 * physical line they start on, so that a row error points into the file an operator can open.
 */
import type { Readable } from 'node:stream';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.ts';

export type CsvRow = { line: number; values: string[] } | { line: number; error: string };

export type CsvTableRow =
  | { line: number; header: string[] }
  | { line: number; fields: Record<string, string> }
  | { line: number; field?: string; error: string };

const rowsOf = (records: CsvRecord[]): CsvRow[] => records.map((r) => ({ line: r.line, values: r.values }));

/**
 * The records of a CSV stream with the line each starts on, a batch per chunk read
 * (a row at a time would cost more in promise hand-offs than in parsing). Doubled quotes, quoted line breaks,
 * a byte-order mark, CR, LF and CRLF line ends and stray quotes inside fields (kept as they are) are all read,
 * so the only errors left are a quote never closed and a runaway record (see csv-tokenizer.ts): after those
 * nothing can be trusted, so they end the file with one error. The records of each chunk are handed on
 * before the next is read, so memory holds one chunk, whatever the file size, and records read before an
 * error are never lost.
 */
export async function* csvRecords(input: Readable): AsyncIterable<CsvRow[]> {
  const tokenizer = new CsvTokenizer();
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const records = tokenizer.write(chunk);
    if (records.length > 0) yield rowsOf(records);
    if (tokenizer.failure) break;
  }
  if (!tokenizer.failure) {
    const records = tokenizer.end();
    if (records.length > 0) yield rowsOf(records);
  }
  if (tokenizer.failure) yield [{ line: tokenizer.failure.line, error: `${tokenizer.failure.reason}; the rest of the file is not read` }];
}

const isBlank = (values: string[]): boolean => values.length === 1 && values[0].trim() === '';

/** The header's column names: trimmed, lower case, as Shadowserver and most feeds write them. */
export const columnNames = (values: string[]): string[] => values.map((v) => v.trim().toLowerCase());

/**
 * The header, then the rows of a CSV file as column → value, in batches. Blank lines are skipped; a row whose
 * field count differs from the header's is an error, as its values cannot be put in their columns.
 */
export async function* csvTable(input: Readable): AsyncIterable<CsvTableRow[]> {
  let header: string[] | undefined;
  for await (const batch of csvRecords(input)) {
    const out: CsvTableRow[] = [];
    for (const row of batch) {
      if ('error' in row) out.push(row);
      else if (isBlank(row.values)) continue;
      else if (!header) {
        header = columnNames(row.values);
        out.push({ line: row.line, header });
      } else if (row.values.length !== header.length) {
        out.push({ line: row.line, error: `the row has ${row.values.length} fields where the header has ${header.length}` });
      } else {
        const fields: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) fields[header[i]] = row.values[i];
        out.push({ line: row.line, fields });
      }
    }
    yield out;
  }
}

/** The first line of a text, without a byte-order mark: a CSV header for detection. */
export const firstLine = (head: string): string => head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';

/** The column names of a header line (for detection, which sees only the first kilobytes). */
export function headerColumns(head: string): string[] {
  return columnNames(
    firstLine(head)
      .split(',')
      .map((c) => c.trim().replace(/^"(.*)"$/, '$1')),
  );
}

/**
 * Streaming CSV with a header row, for the CSV formats (Shadowserver, generic CSV). Rows keep the
 * physical line they start on, so that a row error points into the file an operator can open.
 */
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

export type CsvRow = { line: number; values: string[] } | { line: number; error: string };

export type CsvTableRow =
  | { line: number; header: string[] }
  | { line: number; fields: Record<string, string> }
  | { line: number; field?: string; error: string };

/** A record this large is a runaway quote, not data: stop buffering there instead of reading gigabytes into one field. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const newlines = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/**
 * The records of a CSV stream with the line each starts on, a batch per chunk read
 * (a row at a time would cost more in promise hand-offs than in parsing). Doubled quotes, quoted line breaks,
 * a byte-order mark, CRLF and stray quotes inside fields (kept as they are) are all read, so the
 * only errors left are a quote never closed and a runaway record: after those nothing can be
 * trusted, so they end the file with one error. The input is fed chunk by chunk and the records of
 * each chunk handed on before the next is read, so memory holds one chunk, whatever the file size,
 * and records read before an error are never lost. Line numbers are counted here rather than taken
 * from csv-parse, whose count drifts on quoted CRLF.
 */
export async function* csvRecords(input: Readable): AsyncIterable<CsvRow[]> {
  const records: string[][] = [];
  let failure: Error | undefined;
  const parser = parse({
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_BYTES,
    on_record: (record: string[]) => {
      records.push(record);
      return null;
    },
  });
  parser.on('error', (e) => (failure ??= e));
  parser.resume();
  const ended = new Promise<void>((resolve) => parser.once('end', resolve).once('error', () => resolve()));
  let line = 1;
  const drain = (): CsvRow[] => {
    const rows: CsvRow[] = records.map((values) => {
      const start = line;
      line++;
      for (const value of values) if (value.length > 0 && value.includes('\n')) line += newlines(value);
      return { line: start, values };
    });
    records.length = 0;
    return rows;
  };
  for await (const chunk of input) {
    parser.write(chunk);
    if (records.length > 0) yield drain();
    if (failure) break;
  }
  if (!failure) {
    parser.end();
    await ended;
    yield drain();
  }
  if (failure) {
    if (!(failure instanceof CsvError)) throw failure;
    yield [{ line, error: `${failure.message}; the rest of the file is not read` }];
  }
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

/**
 * Streaming CSV with a header row, for the CSV formats (Shadowserver, generic CSV). Rows keep the
 * physical line they start on, so that a row error points into the file an operator can open.
 */
import type { Readable } from 'node:stream';
import { CsvTokenizer, type CsvFailure, type CsvRecord } from './csv-tokenizer.ts';

export type CsvRow = { line: number; values: string[] } | { line: number; error: string };

export type CsvTableRow =
  | { line: number; header: string[] }
  | { line: number; fields: Record<string, string> }
  | { line: number; field?: string; error: string };

/** The tokenizer's records, a batch per chunk read, and its failure last when the file ended early. */
async function* recordBatches(input: Readable): AsyncIterable<CsvRecord[] | CsvFailure> {
  const tokenizer = new CsvTokenizer();
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const records = tokenizer.write(chunk);
    if (records.length > 0) yield records;
    if (tokenizer.failure) break;
  }
  if (!tokenizer.failure) {
    const records = tokenizer.end();
    if (records.length > 0) yield records;
  }
  if (tokenizer.failure) yield tokenizer.failure;
}

const failureRow = (failure: CsvFailure): { line: number; error: string } => ({
  line: failure.line,
  error: `${failure.reason}; the rest of the file is not read`,
});

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
  for await (const batch of recordBatches(input)) {
    yield Array.isArray(batch) ? batch.map((r) => ({ line: r.line, values: r.values })) : [failureRow(batch)];
  }
}

const isBlank = (values: string[]): boolean => values.length === 1 && values[0].trim() === '';

/** The header's column names: trimmed, lower case, as Shadowserver and most feeds write them. */
export const columnNames = (values: string[]): string[] => values.map((v) => v.trim().toLowerCase());

/**
 * A function making a row's column → value object, compiled once per header. An object literal with fixed
 * keys is built in one step with one shape: ten times faster than adding thirty keys one by one, and faster
 * to read afterwards. The keys are JSON string literals, so a header can only ever name keys; a
 * `"__proto__"` key given a string leaves the prototype alone, as assigning it would.
 */
function rowMaker(header: readonly string[]): (values: readonly string[]) => Record<string, string> {
  const properties = header.map((name, i) => `${JSON.stringify(name)}: v[${i}]`);
  return new Function('v', `return { ${properties.join(', ')} };`) as (values: readonly string[]) => Record<string, string>;
}

/**
 * The header, then the rows of a CSV file as column → value, in batches. Blank lines are skipped; a row whose
 * field count differs from the header's is an error, as its values cannot be put in their columns.
 */
export async function* csvTable(input: Readable): AsyncIterable<CsvTableRow[]> {
  let header: string[] | undefined;
  let makeRow: ((values: readonly string[]) => Record<string, string>) | undefined;
  for await (const batch of recordBatches(input)) {
    if (!Array.isArray(batch)) {
      yield [failureRow(batch)];
      continue;
    }
    const out: CsvTableRow[] = [];
    for (const { line, values } of batch) {
      if (isBlank(values)) continue;
      if (!header || !makeRow) {
        header = columnNames(values);
        makeRow = rowMaker(header);
        out.push({ line, header });
      } else if (values.length !== header.length) {
        out.push({ line, error: `the row has ${values.length} fields where the header has ${header.length}` });
      } else {
        out.push({ line, fields: makeRow(values) });
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

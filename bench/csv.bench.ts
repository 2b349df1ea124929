/**
 * Reading CSV: a Shadowserver scan_rdp report (32 columns, about 700 bytes a row, strings quoted,
 * numbers bare), generated in memory and fed in 64 KiB chunks. Timed, median of 3 rounds each:
 * Koppel's tokenizer on its own, the same through csvRecords (stream and batches) and csvTable (rows
 * as column → value), csv-parse with the options Koppel used (the reference, in the same run), and
 * the whole Shadowserver parser (bytes to observations) that ingest runs.
 */
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { csvRecords, csvTable } from '../src/intake/csv.ts';
import { CsvTokenizer } from '../src/intake/csv-tokenizer.ts';
import { parseShadowserver } from '../src/intake/shadowserver.ts';
import type { ParseContext } from '../src/intake/format.ts';

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 200_000);
const ROUNDS = 3;
const CHUNK = 64 * 1024;
/** Ingest's target: the parser must leave most of a core's time for matching and storing. */
const TARGET = 100_000;

const COLUMNS = [
  'timestamp', 'severity', 'ip', 'protocol', 'port', 'hostname', 'tag', 'asn', 'geo', 'region', 'city', 'naics',
  'hostname_source', 'sector', 'handshake', 'rdp_protocol', 'cert_length', 'subject_common_name', 'issuer_common_name',
  'cert_issue_date', 'cert_expiration_date', 'sha1_fingerprint', 'cert_serial_number', 'ssl_version', 'signature_algorithm',
  'key_algorithm', 'sha256_fingerprint', 'sha512_fingerprint', 'md5_fingerprint', 'tlsv13_support', 'tlsv13_cipher', 'jarm',
];

let seed = 0x2545f491;
function hex(length: number): string {
  let out = '';
  while (out.length < length) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out += (seed >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

function scanRow(i: number): string {
  const time = `2026-11-27 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
  const ip = `${11 + (i % 200)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const host = i % 3 === 0 ? '' : `rdp-${i}.customer.example.net`;
  return [
    `"${time}"`, '"medium"', `"${ip}"`, '"tcp"', '3389', `"${host}"`, '"rdp"', String(64500 + (i % 97)), '"NL"', '"NOORD-HOLLAND"', '"AMSTERDAM"',
    '541512', host ? '"ptr"' : '""', '"Communications, Service Provider, and Hosting Service"', '""', '"RDP"', '2048',
    `"WIN-${hex(11).toUpperCase()}"`, `"WIN-${hex(11).toUpperCase()}"`, '"2026-08-01 10:00:00"', '"2027-02-01 10:00:00"',
    `"${hex(40)}"`, `"${hex(32)}"`, '3', '"sha256WithRSAEncryption"', '"rsaEncryption"', `"${hex(64)}"`, `"${hex(128)}"`, `"${hex(32)}"`,
    '"N"', '""', `"${hex(62)}"`,
  ].join(',');
}

/** The report's bytes in CHUNK pieces, cut wherever they fall (inside records, as a file read would). */
function report(rows: number): Buffer[] {
  const blocks = [Buffer.from(`${COLUMNS.map((c) => `"${c}"`).join(',')}\n`)];
  for (let first = 0; first < rows; first += 10_000) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(rows, first + 10_000); i++) lines.push(scanRow(i));
    blocks.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  const bytes = Buffer.concat(blocks);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  return chunks;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const stream = (chunks: Buffer[]): Readable => Readable.from(chunks, { objectMode: false });

/** Records read by `read`, in rows a second over the rounds; every round must see every row. */
async function timed(name: string, read: () => Promise<number>): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc?.();
    const start = performance.now();
    const records = await read();
    const seconds = (performance.now() - start) / 1000;
    if (records !== ROWS + 1) throw new Error(`${name}: ${records} records where the report has ${ROWS + 1}`);
    rates.push(ROWS / seconds);
  }
  return median(rates);
}

async function tokenizerAlone(chunks: Buffer[]): Promise<number> {
  const tokenizer = new CsvTokenizer();
  let records = 0;
  for (const chunk of chunks) records += tokenizer.write(chunk).length;
  records += tokenizer.end().length;
  if (tokenizer.failure) throw new Error(tokenizer.failure.reason);
  return records;
}

async function throughCsvRecords(chunks: Buffer[]): Promise<number> {
  let records = 0;
  for await (const batch of csvRecords(stream(chunks))) records += batch.length;
  return records;
}

async function throughCsvTable(chunks: Buffer[]): Promise<number> {
  let rows = 0;
  for await (const batch of csvTable(stream(chunks))) rows += batch.length;
  return rows;
}

/** The reference: csv-parse with the options csvRecords used before the tokenizer, records collected per chunk. */
async function csvParse(chunks: Buffer[]): Promise<number> {
  let records = 0;
  const parser = parse({ bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: false, on_record: () => (records++, null) });
  const ended = new Promise<void>((resolve, reject) => parser.once('end', resolve).once('error', reject));
  parser.resume();
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  await ended;
  return records;
}

async function shadowserverParser(chunks: Buffer[]): Promise<number> {
  const context: ParseContext = {
    file: '2026-11-27-scan_rdp-nl-geo.csv',
    source: { name: 'shadowserver', reliability: 'A', tlp: 'AMBER' },
    receivedAt: '2026-11-27T08:00:00.000Z',
    fileTime: '2026-11-27T06:30:00.000Z',
    options: {},
  };
  let observations = 0;
  for await (const row of parseShadowserver(stream(chunks), context, undefined)) {
    if ('error' in row) throw new Error(`line ${row.line}: ${row.error.reason}`);
    observations++;
  }
  return observations + 1;
}

const chunks = report(ROWS);
const megabytes = chunks.reduce((n, c) => n + c.length, 0) / 1e6;
const bytesPerRow = (megabytes * 1e6) / (ROWS + 1);
console.log(
  `csv: a ${ROWS.toLocaleString('en')}-row Shadowserver scan_rdp report, ${COLUMNS.length} columns, ${megabytes.toFixed(0)} MB (${bytesPerRow.toFixed(0)} bytes a row), ` +
    `${CHUNK / 1024} KiB chunks, median of ${ROUNDS} rounds, one core used of ${availableParallelism()}`,
);
const line = (name: string, rate: number, extra = ''): void =>
  console.log(`${name.padEnd(34)} ${Math.round(rate).toLocaleString('en').padStart(10)} rows/s ${((rate * bytesPerRow) / 1e6).toFixed(0).padStart(5)} MB/s${extra}`);

const reference = await timed('csv-parse', () => csvParse(chunks));
const tokenizer = await timed('tokenizer', () => tokenizerAlone(chunks));
const records = await timed('csvRecords', () => throughCsvRecords(chunks));
const table = await timed('csvTable', () => throughCsvTable(chunks));
const parser = await timed('shadowserver', () => shadowserverParser(chunks));
line('tokenizer alone', tokenizer, `  ${(tokenizer / reference).toFixed(1)}× csv-parse`);
line('csvRecords (stream, batches)', records, `  ${(records / reference).toFixed(1)}× csv-parse`);
line('csvTable (column → value rows)', table, `  ${(table / reference).toFixed(1)}× csv-parse`);
line('reference: csv-parse', reference);
line('Shadowserver parser to observations', parser, `  ${parser >= TARGET ? 'meets' : 'BELOW'} the ${TARGET.toLocaleString('en')} rows/s ingest target`);

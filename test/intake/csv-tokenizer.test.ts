import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { CsvTokenizer, type CsvFailure, type CsvRecord, type CsvTokenizerOptions } from '../../src/intake/csv-tokenizer.ts';

type Read = { records: CsvRecord[]; failure?: CsvFailure };

/** Feeds the chunks one by one, as a stream would. */
function feed(chunks: (string | Uint8Array)[], options?: CsvTokenizerOptions): Read {
  const tokenizer = new CsvTokenizer(options);
  const records: CsvRecord[] = [];
  for (const chunk of chunks) records.push(...tokenizer.write(chunk));
  records.push(...tokenizer.end());
  return tokenizer.failure ? { records, failure: tokenizer.failure } : { records };
}

const tokenizeCsv = (text: string, options?: CsvTokenizerOptions): Read => feed([text], options);

/** The text's bytes cut at the given offsets. */
function cut(text: string, ...at: number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const bounds = [0, ...at, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

const values = (read: Read): string[][] => read.records.map((r) => r.values);

test('quoted fields hold commas, doubled quotes and line breaks; records know the lines they start and end on', () => {
  const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,""\n';
  assert.deepEqual(tokenizeCsv(text).records, [
    { line: 1, endLine: 1, values: ['id', 'note'] },
    { line: 2, endLine: 2, values: ['1', 'a, b'] },
    { line: 3, endLine: 3, values: ['2', 'say "hi"'] },
    { line: 4, endLine: 5, values: ['3', 'two\nlines'] },
    { line: 6, endLine: 6, values: ['4', ''] },
  ]);
});

test('LF, CRLF and a lone CR each end a record and count as one line, inside quotes too', () => {
  const text = 'a\r\nb\rc\n"x\r\ny\rz\nw",1\r\nlast';
  assert.deepEqual(tokenizeCsv(text).records, [
    { line: 1, endLine: 1, values: ['a'] },
    { line: 2, endLine: 2, values: ['b'] },
    { line: 3, endLine: 3, values: ['c'] },
    { line: 4, endLine: 7, values: ['x\r\ny\rz\nw', '1'] },
    { line: 8, endLine: 8, values: ['last'] },
  ]);
});

test('empty lines are records of one empty field; a final line needs no line end; a trailing comma is an empty field', () => {
  assert.deepEqual(values(tokenizeCsv('a,b\n\n\r\nc,\n')), [['a', 'b'], [''], [''], ['c', '']]);
  assert.deepEqual(values(tokenizeCsv('a,b\nc,')), [['a', 'b'], ['c', '']]);
  assert.deepEqual(values(tokenizeCsv('a\n')), [['a']]);
  assert.deepEqual(values(tokenizeCsv('')), []);
  assert.deepEqual(values(tokenizeCsv('"x"')), [['x']]);
});

test('a byte-order mark is dropped at the start, even split over chunks, and kept elsewhere', () => {
  const text = '\uFEFFip,port\n192.0.2.1,\uFEFF80\n';
  const expected = [['ip', 'port'], ['192.0.2.1', '\uFEFF80']];
  assert.deepEqual(values(tokenizeCsv(text)), expected);
  assert.deepEqual(values(feed(cut(text, 1, 2))), expected, 'the three bytes of the mark in three chunks');
  assert.deepEqual(values(feed(['', '\uFEFFip,port\n'])), [['ip', 'port']], 'after an empty first chunk');
});

test('a stray quote inside an unquoted field is kept, and so is a quoted field followed by more text', () => {
  assert.deepEqual(values(tokenizeCsv('realm="x",5 " 6,a"b\n"a"b,"c"" d"e,f\n')), [
    ['realm="x"', '5 " 6', 'a"b'],
    ['"a"b', '"c" d"e', 'f'],
  ]);
});

test('every cut of a document into two or three chunks reads the same: inside quotes, between CR and LF, inside a UTF-8 character', () => {
  const text = '\uFEFFnaam,€,"opm\r\nerk"\r\n"Jörg ""J"", 😀",2\r"a\rb"\n,\n\n"x"y,"é"';
  const whole = tokenizeCsv(text);
  assert.equal(whole.records.length, 6);
  const size = Buffer.byteLength(text);
  for (let a = 1; a < size; a++) {
    assert.deepEqual(feed(cut(text, a)), whole, `cut at byte ${a}`);
    for (let b = a + 1; b < size; b += 3) assert.deepEqual(feed(cut(text, a, b)), whole, `cut at bytes ${a} and ${b}`);
  }
  assert.deepEqual(feed([...text]), whole, 'one character a chunk, as text');
});

test('a field of megabytes arriving in small chunks is read whole, and the lines after it still count', () => {
  const long = 'A'.repeat(3_000_000);
  const text = `id,blob\n1,"${long}\n${long}"\n2,${long}\n3,x\n`;
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
  const read = feed(chunks);
  assert.equal(read.failure, undefined);
  assert.deepEqual(
    read.records.map((r) => [r.line, r.endLine, r.values[0], r.values[1].length]),
    [
      [1, 1, 'id', 4],
      [2, 3, '1', 2 * long.length + 1],
      [4, 4, '2', long.length],
      [5, 5, '3', 1],
    ],
  );
});

test('a quote never closed ends the file with one failure on the line of its record; the records before it are kept', () => {
  const read = tokenizeCsv('a,b\n1,2\n3,"open\n4,5\n6,7\n');
  assert.deepEqual(values(read), [['a', 'b'], ['1', '2']]);
  assert.equal(read.failure?.line, 3);
  assert.match(read.failure!.reason, /quote opened on line 3 is never closed/);
});

test('a record over the limit ends the file as soon as the limit is passed, without reading on', () => {
  const tokenizer = new CsvTokenizer({ maxRecordLength: 1_000 });
  const first = tokenizer.write('a,b\n1,2\n3,"runaway');
  assert.deepEqual(
    first.map((r) => r.values),
    [['a', 'b'], ['1', '2']],
  );
  let chunks = 0;
  while (!tokenizer.failure && chunks < 100) {
    assert.deepEqual(tokenizer.write('x'.repeat(300)), []);
    chunks++;
  }
  assert.equal(chunks, 4, 'stops after the fourth chunk of 300 characters');
  assert.equal(tokenizer.failure?.line, 3);
  assert.match(tokenizer.failure!.reason, /longer than 1,000 characters/);
  assert.deepEqual(tokenizer.write('",4\n5,6\n'), [], 'nothing is read after the failure');
  assert.deepEqual(tokenizer.end(), []);

  const complete = tokenizeCsv(`a\n${'y'.repeat(1_200)}\nb\n`, { maxRecordLength: 1_000 });
  assert.deepEqual(values(complete), [['a']], 'a long record whole in one chunk fails too');
  assert.equal(complete.failure?.line, 2);
});

/** A small seeded generator (mulberry32), so that a failing document can be found again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAIN = ['a', 'b', 'z', '0', '9', ' ', '.', ':', '-', 'é', 'ß', '€', '中', '😀', '\t'];
const SPECIAL = [',', '"', '\n', '\r', '\r\n'];
const LINE_ENDS = ['\n', '\r\n', '\r'];

/**
 * A random document with the line each record starts on, counted while writing it. Unquoted fields
 * may hold quotes after their first character; quoted fields hold anything, and sometimes run on
 * after their closing quote (`"a"b`), which is read as an unquoted field.
 */
function randomDocument(next: () => number): { text: string; lines: number[] } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const breaks = (s: string): number => s.split(/\r\n|\r|\n/).length - 1;
  let text = next() < 0.2 ? '\uFEFF' : '';
  const lines: number[] = [];
  let line = 1;
  const records = Math.floor(next() * 8);
  for (let r = 0; r < records; r++) {
    lines.push(line);
    const fields: string[] = [];
    const count = next() < 0.15 ? 1 : 1 + Math.floor(next() * 5);
    for (let f = 0; f < count; f++) {
      const length = Math.floor(next() * (next() < 0.1 ? 40 : 6));
      if (next() < 0.5) {
        let value = '';
        for (let i = 0; i < length; i++) value += next() < 0.3 ? pick(SPECIAL) : pick(PLAIN);
        const tail = next() < 0.05 ? pick(['x', 'y"', ' "z']) : '';
        fields.push(`"${value.replaceAll('"', '""')}"${tail}`);
      } else {
        let value = '';
        for (let i = 0; i < length; i++) value += i > 0 && next() < 0.1 ? '"' : pick(PLAIN);
        fields.push(value);
      }
    }
    const record = fields.join(',');
    const last = r === records - 1;
    let end = last && next() < 0.5 ? '' : pick(LINE_ENDS);
    // An empty line ended by LF after a line ended by CR would be one CRLF.
    if (record === '' && end === '\n' && text.endsWith('\r')) end = '\r\n';
    // A record of one empty field with no line end after it is no record at all.
    if (last && end === '' && record === '') {
      lines.pop();
      continue;
    }
    text += record + end;
    line += breaks(record) + (end ? 1 : 0);
  }
  return { text, lines };
}

/** The document in random pieces: bytes cut anywhere (inside UTF-8 characters too), sometimes text. */
function randomChunks(text: string, next: () => number): (string | Buffer)[] {
  const asText = next() < 0.2;
  const whole = asText ? text : Buffer.from(text);
  const chunks: (string | Buffer)[] = [];
  for (let i = 0; i < whole.length; ) {
    const size = 1 + Math.floor(next() * (next() < 0.5 ? 4 : 40));
    chunks.push(typeof whole === 'string' ? whole.slice(i, i + size) : whole.subarray(i, i + size));
    i += size;
  }
  return chunks;
}

const REFERENCE_OPTIONS = { bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'] };

test('3,000 random documents in random chunks read as csv-parse reads them, on the lines they were written on', () => {
  const next = random(20261127);
  for (let n = 0; n < 3_000; n++) {
    const { text, lines } = randomDocument(next);
    const expected = parse(text, REFERENCE_OPTIONS) as string[][];
    const read = feed(randomChunks(text, next));
    const context = `document ${n}: ${JSON.stringify(text)}`;
    assert.equal(read.failure, undefined, context);
    assert.deepEqual(values(read), expected, context);
    assert.deepEqual(
      read.records.map((r) => r.line),
      lines,
      context,
    );
    for (const [i, record] of read.records.entries()) {
      assert.equal(record.endLine, (read.records[i + 1]?.line ?? record.endLine + 1) - 1, `${context}: record ${i} ends on the line before the next`);
    }
  }
});

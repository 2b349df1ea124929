import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { csvRecords, csvTable } from '../../src/intake/csv.ts';
import { shadowserver } from '../../src/intake/shadowserver.ts';
import { chunked, intakeContext } from './intake-run.ts';

async function records(text: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of csvRecords(chunked(text, 5))) out.push(...batch);
  return out;
}

test('records carry the physical line they start on, across quoted LF and CRLF, blank lines and a BOM', async () => {
  const text = '\uFEFFa,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n"p\nq\nr",4\r\n5,"6"\r\n';
  assert.deepEqual(await records(text), [
    { line: 1, values: ['a', 'b'] },
    { line: 2, values: ['1', '2'] },
    { line: 3, values: [''] },
    { line: 4, values: ['x\r\ny', '3'] },
    { line: 6, values: ['p\nq\nr', '4'] },
    { line: 9, values: ['5', '6'] },
  ]);
});

test('doubled quotes, delimiters inside quotes and multi-byte characters split across chunks', async () => {
  const text = 'name,note\n"Müller, Jörg","said ""hallo"" — ok"\n';
  assert.deepEqual(await records(text), [
    { line: 1, values: ['name', 'note'] },
    { line: 2, values: ['Müller, Jörg', 'said "hallo" — ok'] },
  ]);
});

test('a table names its columns in lower case and rejects rows of the wrong width', async () => {
  const rows: unknown[] = [];
  for await (const batch of csvTable(chunked(' IP ,Port\n192.0.2.1,80\n192.0.2.2\n\n192.0.2.3,443,extra\n192.0.2.4,22'))) rows.push(...batch);
  assert.deepEqual(rows, [
    { line: 1, header: ['ip', 'port'] },
    { line: 2, fields: { ip: '192.0.2.1', port: '80' } },
    { line: 3, error: 'the row has 1 fields where the header has 2' },
    { line: 5, error: 'the row has 3 fields where the header has 2' },
    { line: 6, fields: { ip: '192.0.2.4', port: '22' } },
  ]);
});

test('a 50 MB report streams through the Shadowserver parser in bounded memory', async () => {
  const header = '"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","detail"\n';
  const padding = 'x'.repeat(4900);
  const rows = 10_000;
  async function* generate(): AsyncIterable<Buffer> {
    yield Buffer.from(header);
    for (let i = 0; i < rows; i++) {
      yield Buffer.from(`"2026-11-27 03:00:00","medium","10.0.${(i >> 8) & 255}.${i & 255}","tcp",3389,"","rdp",64500,"NL","${padding}"\n`);
    }
  }
  const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = used();
  let peak = before;
  let observations = 0;
  let bytes = header.length;
  for await (const row of shadowserver.parse(Readable.from(generate()), intakeContext('2026-11-27-scan_rdp-nl-geo.csv'))) {
    assert.ok(!('error' in row));
    observations++;
    bytes += 5000;
    if (observations % 500 === 0) peak = Math.max(peak, used());
  }
  assert.equal(observations, rows);
  assert.ok(bytes > 50_000_000);
  // Holding the file would cost its 50 MB of bytes plus as much again in strings: more than this bound.
  assert.ok(peak - before < 100 * 1024 * 1024, `heap grew by ${Math.round((peak - before) / 1048576)} MB`);
});

test('any header text is only ever a column name: quotes, backslashes, line breaks, __proto__ and code', async () => {
  const names = ['a"b', 'c\\', '__proto__', 'constructor', '"}; throw 1; ({"', 'x\ny', 'ip'];
  const header = names.map((n) => `"${n.replaceAll('"', '""')}"`).join(',');
  const rows: unknown[] = [];
  for await (const batch of csvTable(chunked(`${header}\n1,2,3,4,5,6,7\n`))) rows.push(...batch);
  const fields = (rows[1] as { fields: Record<string, string> }).fields;
  assert.deepEqual(Object.keys(fields), names.filter((n) => n !== '__proto__'));
  assert.deepEqual(Object.values(fields), ['1', '2', '4', '5', '6', '7']);
  assert.equal(Object.getPrototypeOf(fields), Object.prototype);
});

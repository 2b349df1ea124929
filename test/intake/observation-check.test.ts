/** No format can emit a record the model refuses: observationRow checks each row, in full until its parse's source has passed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParseContext, ParsedRow } from '../../src/intake/format.ts';
import { observationRow, type Draft } from '../../src/intake/observation.ts';

const context = (source: Partial<ParseContext['source']> = {}): ParseContext => ({
  file: 'feed.csv',
  source: { name: 'feed', reliability: 'B', tlp: 'AMBER', ...source },
  receivedAt: '2026-11-28T08:00:00.000Z',
  fileTime: '2026-11-28T06:30:00.000Z',
  options: {},
});

const draft = (overrides: Partial<Draft> = {}): Draft => ({
  observedAt: '2026-11-27T03:00:00.000Z',
  kind: 'exposed-service',
  type: 'open-rdp',
  fallbackSeverity: 'medium',
  subject: { ip: '192.0.2.1', port: 3389 },
  evidence: { ip: '192.0.2.1' },
  ...overrides,
});

const errorOf = (row: ParsedRow) => ('error' in row ? { field: row.error.field, line: row.error.line } : undefined);

test('a value the model refuses is a row error naming its field, on the first row of a parse and on every later one', () => {
  const bad: Array<[Partial<Draft>, string]> = [
    [{ type: '' }, 'type'],
    [{ observedAt: 'yesterday' }, 'observedAt'],
    [{ subject: { ip: '192.0.2.1', port: 70000 } }, 'subject.port'],
    [{ subject: { ip: '192.0.2.1', asn: 0 } }, 'subject.asn'],
    [{ others: [{ role: 'bystander' as never, indicators: {} }] }, 'others.0.role'],
    [{ cve: [7 as never] }, 'cve.0'],
  ];
  for (const [overrides, field] of bad) {
    assert.deepEqual(errorOf(observationRow(context(), 2, draft(overrides))), { field, line: 2 }, `first row: ${field}`);
    const parse = context();
    assert.ok('observation' in observationRow(parse, 2, draft()));
    assert.deepEqual(errorOf(observationRow(parse, 3, draft(overrides))), { field, line: 3 }, `later row: ${field}`);
  }
});

test('a source the model refuses fails every row of the parse, not just the first', () => {
  const parse = context({ name: '' });
  for (const line of [2, 3, 4]) assert.deepEqual(errorOf(observationRow(parse, line, draft())), { field: 'source', line });
});

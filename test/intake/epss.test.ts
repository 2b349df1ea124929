import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epss } from '../../src/intake/epss.ts';
import { detectAdvisoryFormat } from '../../src/advisories/index.ts';
import { RECEIVED_AT, parseText } from '../advisories/run.ts';

const SCORES = `#model_version:v2025.03.14,score_date:2026-11-26T12:55:00Z
cve,epss,percentile
CVE-2026-40001,0.97123,0.99980
cve-2026-40002,4.3e-4,0.11
CVE-2026-40003,1.7,0.5
CVE-2026-40004,0.1,
nonsense,0.1,0.1
`;

test('EPSS rows enrich their CVE with score, percentile and the file score date; bad rows name their column', async () => {
  const { enrichments, errors } = await parseText(epss, SCORES, 'epss_scores-2026-11-26.csv');
  assert.deepEqual(enrichments, [
    { kind: 'epss', cve: 'CVE-2026-40001', epss: { score: 0.97123, percentile: 0.9998, date: '2026-11-26' } },
    { kind: 'epss', cve: 'CVE-2026-40002', epss: { score: 0.00043, percentile: 0.11, date: '2026-11-26' } },
  ]);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[5, 'epss'], [6, 'percentile'], [7, 'cve']]);
  assert.equal(detectAdvisoryFormat('scores.csv', SCORES)?.name, 'epss');
});

test('without the comment line the date is the day the file came in; a wrong header is one error', async () => {
  const { enrichments } = await parseText(epss, 'cve,epss,percentile\nCVE-2026-1234,0.5,0.5\n');
  assert.equal(enrichments[0].kind === 'epss' && enrichments[0].epss.date, RECEIVED_AT.slice(0, 10));
  const { errors } = await parseText(epss, 'ip,port\n1.2.3.4,80\n');
  assert.deepEqual(errors.map((e) => e.line), [1]);
});

test('a bad value of a megabyte is quoted in its row error cut to 500 characters, as in feeds', async () => {
  const { errors } = await parseText(epss, `cve,epss,percentile\n${'X'.repeat(1_000_000)},0.1,0.1\n`);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [[2, 'cve']]);
  assert.ok(errors[0].reason.startsWith('not a CVE id: "XXX') && errors[0].reason.length === 500, `${errors[0].reason.length} characters`);
});

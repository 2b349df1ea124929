import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advisorySeverity, cvss3BaseScore, scoreOf, severityOfScore, severityOfText } from '../../src/advisories/cvss.ts';

const score = (vector: string): number => {
  const result = cvss3BaseScore(vector);
  assert.ok(result.ok, `${vector}: ${result.ok ? '' : result.reason}`);
  return result.score;
};

test('CVSS v3.1 base scores match the official calculator', () => {
  assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
  assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'), 6.1);
  assert.equal(score('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H'), 7.8);
  assert.equal(score('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N'), 5.9);
  assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'), 10);
  assert.equal(score('CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N'), 1.6);
  assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N'), 6.4);
  assert.equal(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), 0);
});

test('temporal metrics do not change the base score; v3.0 vectors score too', () => {
  assert.equal(score('CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/RL:O/RC:C'), 6.1);
  assert.equal(score('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
});

test('bad vectors are refused with the metric named', () => {
  const missing = cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H');
  assert.ok(!missing.ok && /metric S is missing/.test(missing.reason));
  const wrong = cvss3BaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
  assert.ok(!wrong.ok && /metric AV is "X"/.test(wrong.reason));
  assert.ok(!cvss3BaseScore('AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H').ok);
});

test('severity bands: 0 info, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10 critical', () => {
  assert.deepEqual([0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(severityOfScore), ['info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
});

test('v4 takes the given score; the severity follows the newest version, then words, then medium', () => {
  const v4 = scoreOf('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3);
  assert.ok(!('error' in v4) && v4.baseScore === 9.3);
  const v31 = scoreOf('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N');
  assert.ok(!('error' in v31) && !('error' in v4));
  assert.equal(advisorySeverity([v31, v4]), 'critical');
  assert.equal(advisorySeverity([v31]), 'medium');
  assert.equal(advisorySeverity([], 'Important'), 'high');
  assert.equal(severityOfText('medium/high'), 'high');
  assert.equal(severityOfText('laag'), 'low');
  assert.equal(advisorySeverity([]), 'medium');
});

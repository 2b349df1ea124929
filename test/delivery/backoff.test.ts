import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeadLetter, nextAttemptAt } from '../../src/delivery/index.ts';

const now = new Date('2025-06-02T08:00:00Z');
const secondsAfterNow = (date: Date) => (date.getTime() - now.getTime()) / 1000;

describe('nextAttemptAt', () => {
  it('doubles the ceiling with every failed attempt, up to the maximum', () => {
    const options = { baseSeconds: 60, maxSeconds: 3600, jitter: false };
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => secondsAfterNow(nextAttemptAt(attempt, now, options)));
    assert.deepEqual(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it('draws the wait below the ceiling from the random source, so a seeded source repeats the schedule', () => {
    const options = { baseSeconds: 10, maxSeconds: 1000 };
    assert.equal(secondsAfterNow(nextAttemptAt(3, now, { ...options, random: () => 0.25 })), 10);
    assert.equal(secondsAfterNow(nextAttemptAt(3, now, { ...options, random: () => 0 })), 0);
    assert.equal(secondsAfterNow(nextAttemptAt(20, now, { ...options, random: () => 0.5 })), 500);
    const seeded = () => {
      let state = 42;
      return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    };
    const schedule = (random: () => number) => [1, 2, 3, 4, 5].map((a) => nextAttemptAt(a, now, { ...options, random }).getTime());
    assert.deepEqual(schedule(seeded()), schedule(seeded()));
  });

  it('spreads retries of notices that failed together over the whole window', () => {
    const waits = Array.from({ length: 2000 }, () => secondsAfterNow(nextAttemptAt(4, now, { baseSeconds: 60, maxSeconds: 3600 })));
    assert.ok(waits.every((w) => w >= 0 && w <= 480));
    assert.ok(new Set(waits).size > 1000, 'waits should differ');
    assert.ok(waits.some((w) => w < 120) && waits.some((w) => w > 360), 'waits should cover the window');
  });

  it('stays finite for very many attempts, and uses sensible defaults', () => {
    assert.equal(secondsAfterNow(nextAttemptAt(5000, now, { jitter: false })), 6 * 3600);
    assert.equal(secondsAfterNow(nextAttemptAt(1, now, { jitter: false })), 60);
  });

  it('refuses an attempt number that is not a whole number from 1', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN]) assert.throws(() => nextAttemptAt(attempt, now), RangeError);
  });
});

describe('isDeadLetter', () => {
  it('is true once the attempts reach the maximum', () => {
    assert.deepEqual([0, 4, 5, 6].map((attempts) => isDeadLetter(attempts, 5)), [false, false, true, true]);
  });
});

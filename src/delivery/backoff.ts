/**
 * When to try a failed delivery again: exponential back-off with "full jitter" (a random wait
 * between zero and the exponential ceiling), which spreads the retries of many notices that
 * failed together, say when the mail server was down, instead of sending them back in one burst.
 */

export interface BackoffOptions {
  /** Ceiling of the wait after the first failed attempt (default 60 s); it doubles with every further attempt. */
  baseSeconds?: number;
  /** Highest ceiling (default 6 hours). */
  maxSeconds?: number;
  /** Draw the wait at random below the ceiling (default true); false waits the whole ceiling. */
  jitter?: boolean;
  /** A source of numbers in [0, 1); pass a seeded one for a repeatable schedule. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { baseSeconds: 60, maxSeconds: 6 * 60 * 60 } as const;

/** The moment of the next try after `attempt` failed attempts (1 after the first failure). */
export function nextAttemptAt(attempt: number, now: Date, options: BackoffOptions = {}): Date {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, not ${attempt}`);
  const base = options.baseSeconds ?? DEFAULT_BACKOFF.baseSeconds;
  const max = options.maxSeconds ?? DEFAULT_BACKOFF.maxSeconds;
  // 2 ** 1100 is Infinity, which Math.min turns back into the maximum.
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  const fraction = options.jitter === false ? 1 : (options.random ?? Math.random)();
  return new Date(now.getTime() + Math.round(ceiling * fraction * 1000));
}

/** Whether a notice has used up its attempts and goes to the dead-letter state. */
export function isDeadLetter(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}

/** A version scheme: a total order on the version strings of one ecosystem. */
export interface VersionScheme {
  readonly name: string;
  /** Negative when a sorts before b, zero when they are the same version, positive otherwise. */
  compare(a: string, b: string): number;
  /** Whether the string is a version this scheme knows how to read without guessing. */
  isValid(version: string): boolean;
}

export const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Compares two runs of ASCII digits as unbounded integers, without BigInt or precision loss. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Reading the vers-spec style test vector files of the corpus. */
import { readFileSync } from 'node:fs';
import type { VersionScheme } from '../../src/versions/index.ts';

export interface Vector {
  description: string;
  test_group?: string;
  test_type: string;
  input: unknown;
  expected_output: unknown;
  expected_failure?: boolean;
  expected_message?: string | null;
}

export function readVectors(file: string): Vector[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Vector[] | { tests: Vector[] };
  return Array.isArray(json) ? json : json.tests;
}

/**
 * Checks comparison and equality vectors against a scheme. Expected outputs may be written in
 * another spelling than the inputs (NuGet lower-cases labels), so an expected pair is checked for
 * its order and for being the same versions as the inputs.
 */
export function orderFailures(vectors: Vector[], scheme: VersionScheme): string[] {
  const failures: string[] = [];
  for (const v of vectors) {
    const [a, b] = (v.input as { versions: string[] }).versions;
    if (v.test_type === 'equality') {
      const equal = scheme.compare(a, b) === 0 && scheme.compare(b, a) === 0;
      if (equal !== v.expected_output) failures.push(`${a} = ${b} should be ${v.expected_output}`);
    } else if (v.test_type === 'comparison') {
      const [low, high] = v.expected_output as string[];
      const sameVersions = scheme.compare(low, a) === 0 ? scheme.compare(high, b) === 0 : scheme.compare(low, b) === 0 && scheme.compare(high, a) === 0;
      if (!sameVersions || scheme.compare(low, high) >= 0 || scheme.compare(high, low) <= 0) failures.push(`${low} < ${high} expected (inputs ${a}, ${b})`);
    }
  }
  return failures;
}

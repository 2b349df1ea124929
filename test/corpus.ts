/** Access to the real files in ../shared/corpus; tests skip with a message where it is absent. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(fileURLToPath(new URL('../../shared/corpus', import.meta.url)));

/** Absolute path of a corpus file, or undefined when the corpus is not beside this checkout. */
export function corpusFile(relative: string): string | undefined {
  const file = path.join(root, relative);
  return existsSync(file) ? file : undefined;
}

export const CORPUS_ABSENT = `../shared/corpus is absent (looked in ${root}); real-file test skipped`;

/** Errors a user can act on: they name what was wrong, and where. */

export type ErrorCode = 'invalid' | 'not-found' | 'conflict' | 'unauthorised' | 'forbidden' | 'unavailable';

export interface Problem {
  /** Where the bad value was: a file and line for imports, a field for any input. */
  file?: string;
  line?: number;
  field?: string;
  value?: string;
  reason: string;
}

export class KoppelError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

export const invalid = (problem: Problem): KoppelError => new KoppelError('invalid', describeProblem(problem), [problem]);

export function describeProblem(p: Problem): string {
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.field ? `field ${p.field}` : undefined]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${p.reason}` : p.reason;
}

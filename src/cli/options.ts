/** How option values that commander hands over as text are read. */
import { InvalidArgumentError } from 'commander';
import { isWholeNumber } from '../config.ts';

/** A count or a number of days: `--limit abc` or `--days 2.5` is refused by commander, naming the option, before anything runs. */
export function wholeNumberOption(text: string): number {
  if (!isWholeNumber(text)) throw new InvalidArgumentError('it must be a whole number.');
  return Number(text);
}

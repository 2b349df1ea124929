/** How option values that commander hands over as text are read. */
import { InvalidArgumentError } from 'commander';

/** A count or a number of days: `--limit abc` or `--days 2.5` is refused by commander, naming the option, before anything runs. */
export function wholeNumberOption(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0) throw new InvalidArgumentError('it must be a whole number.');
  return value;
}

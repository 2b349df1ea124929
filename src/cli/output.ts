/** How listings are printed: aligned columns for people, `--json` for programs. */
import cliProgress from 'cli-progress';
import { describeProblem, type Problem } from '../errors.ts';
import { showInvisible } from '../notices/index.ts';
import type { Io } from './runtime.ts';

export function printTable<T extends object>(io: Io, rows: T[], columns: Array<keyof T & string>): void {
  if (rows.length === 0) {
    io.out('(none)\n');
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '' : showInvisible(String(v)));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd() + '\n';
  io.out(line(columns));
  for (const row of rows) io.out(line(columns.map((c) => cell(row[c]))));
}

export const printJson = (io: Io, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);

export function printProblems(io: Io, problems: Problem[], limit = 50): void {
  for (const p of problems.slice(0, limit)) io.err(`  ${showInvisible(describeProblem(p))}\n`);
  if (problems.length > limit) io.err(`  … and ${problems.length - limit} more\n`);
}

/** A progress bar on a terminal; silent elsewhere. */
export function progressBar(io: Io, label: string) {
  if (!io.interactive) return { update: (_done: number, _total: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {eta_formatted} left`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

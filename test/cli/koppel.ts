/** Runs `koppel` command lines: the real `bin/koppel` in a child process, as an operator would, or in this process on a shared context. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../src/cli/program.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import type { Context } from '../../src/context.ts';

export const KOPPEL_BIN = fileURLToPath(new URL('../../bin/koppel', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function koppel(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KOPPEL_BIN, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A `koppel` that runs each command line in this process, on the context given (its store, bus and environment), as an analyst. */
export function inProcessKoppel(context: () => Context, cwd = process.cwd()) {
  return async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const rt: Runtime = {
      io: { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false },
      cwd,
      env: context().env,
      context: async () => context(),
      actor: { role: 'analyst', name: 'cli-analyst', via: 'cli' },
    };
    return { code: await runProgram(rt, argv), out, err };
  };
}

/** Runs the real `bin/koppel` in a child process, as an operator would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

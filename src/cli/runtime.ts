/** What a command runs with: where to write, where it was started, and the store (opened on first use). */
import os from 'node:os';
import type { Environment } from '../config.ts';
import type { Context } from '../context.ts';
import type { Actor } from '../registry/index.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress bars only on an interactive terminal. */
  interactive: boolean;
}

export interface Runtime {
  io: Io;
  cwd: string;
  env: Environment;
  /** The store and bus, opened once per command (or the server's own, when run through it). */
  context(): Promise<Context>;
  actor: Actor;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

export const cliActor = (via: Actor['via'] = 'cli'): Actor => ({ role: 'analyst', name: `${os.userInfo().username}@${os.hostname()}`, via });

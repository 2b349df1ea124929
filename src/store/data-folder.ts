/**
 * The embedded data folder belongs to one process at a time (PGlite has one connection and no
 * locking of its own). A lock file says who holds it; while `koppel serve` holds it, it also says
 * where that server listens, so other commands can go through it instead of failing.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  command: string;
  /** Set by `koppel serve`: where its API listens, and the secret that lets local commands use it. */
  server?: { url: string; secret: string };
}

export class DataFolderBusy extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(`the data folder ${dataDir} is in use by \`koppel ${holder.command}\` (process ${holder.pid}); try again when it has finished`);
  }
}

const lockPath = (dataDir: string) => path.join(dataDir, 'koppel.lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockHolder;
    return isAlive(holder.pid) && holder.pid !== process.pid ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the folder for this process, or throws DataFolderBusy naming the holder. */
export function lockDataFolder(dataDir: string, command: string): { update(holder: Partial<LockHolder>): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  let holder: LockHolder = { pid: process.pid, command };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      const current = readLock(dataDir);
      if (current) throw new DataFolderBusy(dataDir, current);
      rmSync(file, { force: true }); // left by a process that died
    }
  }
  return {
    update(change) {
      holder = { ...holder, ...change };
      const fd = openSync(file, 'w', 0o600);
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
    },
    release() {
      rmSync(file, { force: true });
    },
  };
}

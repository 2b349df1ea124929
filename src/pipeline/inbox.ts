/**
 * `koppel serve` watches an inbox folder: each file dropped there is ingested, then moved to
 * `processed/` or, when it could not be read at all, to `failed/`, each with its report beside it.
 * Polling (not fs.watch) so that it works the same on network shares; a file is taken only once
 * its size has stopped changing, so a file still being copied in is left alone.
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.ts';
import { ingestFile, type IngestReport } from './ingest.ts';

export interface InboxEvents {
  ingested(file: string, report: IngestReport): void;
  failed(file: string, error: Error): void;
}

export function watchInbox(context: Context, inbox: string, events: InboxEvents, intervalMs = 2000): { stop(): Promise<void> } {
  const sizes = new Map<string, number>();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const poll = async () => {
    await mkdir(path.join(inbox, 'processed'), { recursive: true });
    await mkdir(path.join(inbox, 'failed'), { recursive: true });
    const names = (await readdir(inbox, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && !/\.(part|tmp)$/.test(e.name)).map((e) => e.name);
    for (const name of names.sort()) {
      if (stopped) return;
      const file = path.join(inbox, name);
      const size = (await stat(file)).size;
      if (sizes.get(name) !== size) {
        sizes.set(name, size);
        continue;
      }
      sizes.delete(name);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      try {
        const report = await ingestFile(context.store.db, await context.matcher.index(), { file, name });
        const target = path.join(inbox, 'processed', `${stamp}-${name}`);
        await rename(file, target);
        await writeFile(`${target}.report.json`, JSON.stringify(report, null, 2));
        events.ingested(name, report);
      } catch (error) {
        const target = path.join(inbox, 'failed', `${stamp}-${name}`);
        await rename(file, target);
        await writeFile(`${target}.error.txt`, `${(error as Error).message}\n`);
        events.failed(name, error as Error);
      }
    }
  };

  const timer = setInterval(() => {
    running = running.then(poll).catch((error) => events.failed(inbox, error as Error));
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

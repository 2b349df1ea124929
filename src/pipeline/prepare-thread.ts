/** The thread that prepares a file's rows (see prepared-rows.ts); what it prepares it posts back. */
import { parentPort, workerData } from 'node:worker_threads';
import { KoppelError } from '../errors.ts';
import { fileInput } from './feed-file.ts';
import { BATCHES_AHEAD, prepareRows, type PrepareJob, type PrepareMessage } from './prepared-rows.ts';

const job = workerData as PrepareJob;
const port = parentPort!;
const post = (message: PrepareMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let ahead = 0;
let resume: (() => void) | undefined;
port.on('message', () => {
  ahead--;
  resume?.();
});

try {
  for await (const batch of prepareRows(fileInput(job.file, job.gzip, (bytes) => post({ bytes })), job.format, job.context)) {
    post({ batch }, [batch.keys.buffer as ArrayBuffer]);
    if (++ahead >= BATCHES_AHEAD) await new Promise<void>((resolve) => (resume = resolve));
  }
  post({ done: true });
} catch (error) {
  // A refusal keeps its code and problems across the thread: the command line and the API report it as theirs.
  post(error instanceof KoppelError ? { failed: error.message, code: error.code, problems: error.problems } : { failed: (error as Error).message });
}
port.close();

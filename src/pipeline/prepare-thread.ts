/**
 * The thread that prepares a file's rows (see prepared-rows.ts): it posts the batches back, and
 * packs the blocks it is asked for from the rows it holds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KoppelError } from '../errors.ts';
import { buffersOf } from '../observations/index.ts';
import { fileInput } from './feed-file.ts';
import { BATCHES_AHEAD, HeldBlockRows, type PrepareJob, type PrepareMessage, type PrepareRequest } from './prepared-rows.ts';

const job = workerData as PrepareJob;
const port = parentPort!;
const post = (message: PrepareMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const fail = (error: unknown) =>
  // A refusal keeps its code and problems across the thread: the command line and the API report it as theirs.
  post(error instanceof KoppelError ? { failed: error.message, code: error.code, problems: error.problems } : { failed: (error as Error).message });

const held = new HeldBlockRows();
let ahead = 0;
let resume: (() => void) | undefined;
port.on('message', (request: PrepareRequest) => {
  if (request === 'taken') {
    ahead--;
    resume?.();
  } else if ('keepFrom' in request) held.keepFrom(request.keepFrom);
  else held.pack(request.pack).then((packed) => post({ packed, request: request.request }, buffersOf(packed))).catch(fail);
});

try {
  for await (const batch of held.prepare(fileInput(job.file, job.gzip, (bytes) => post({ bytes })), job.format, job.context)) {
    post({ batch });
    if (++ahead >= BATCHES_AHEAD) await new Promise<void>((resolve) => (resume = resolve));
  }
  post({ done: true });
} catch (error) {
  fail(error);
}

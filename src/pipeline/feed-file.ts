/** A file to ingest as bytes: its head, for telling its format, and its whole content, through gzip compression either way. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';

const HEAD_BYTES = 64 * 1024;

/** The first bytes of the file as text, looking through gzip compression, and whether it is compressed. */
export async function readHead(file: string): Promise<{ head: string; gzip: boolean }> {
  const handle = await open(file);
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) return { head: head.toString('utf8'), gzip: false };
  // The compressed head inflates as far as it goes; a sync flush keeps a cut-off stream from being an error.
  return { head: gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, HEAD_BYTES).toString('utf8'), gzip: true };
}

/** The file's bytes, looking through gzip compression; `onBytes` hears of each chunk read from disk. */
export function fileInput(file: string, gzip: boolean, onBytes?: (bytes: number) => void): Readable {
  const raw = createReadStream(file);
  if (onBytes) raw.on('data', (data) => onBytes(data.length));
  // Through pipeline, a failure to read reaches whoever reads the inflated bytes, instead of being an unhandled error.
  return gzip ? pipeline(raw, createGunzip(), () => undefined) : raw;
}

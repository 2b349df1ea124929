/** Runs a feed format over text or a file the way an ingest would, collecting observations and row errors. */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { IntakeFormat, ParseContext, RowError } from '../../src/intake/format.ts';
import type { Observation } from '../../src/observations/model.ts';
import { spamhausAsnDrop, spamhausDrop } from '../../src/intake/spamhaus.ts';
import { dshield } from '../../src/intake/dshield.ts';
import { feodo } from '../../src/intake/feodo.ts';
import { urlhaus } from '../../src/intake/urlhaus.ts';
import { threatfox } from '../../src/intake/threatfox.ts';
import { cymru } from '../../src/intake/cymru.ts';
import { otx } from '../../src/intake/otx.ts';

export const FEED_FORMATS: readonly IntakeFormat[] = [spamhausDrop, spamhausAsnDrop, dshield, feodo, urlhaus, threatfox, cymru, otx];

export const RECEIVED_AT = '2026-11-27T08:00:00.000Z';
/** When the file was written: what a row without a time of its own was observed at. */
export const FILE_TIME = '2026-11-27T06:30:00.000Z';

export function context(file: string, source: Partial<ParseContext['source']> = {}): ParseContext {
  return {
    file,
    source: { name: 'test-feed', reliability: 'B', tlp: 'GREEN', ...source },
    receivedAt: RECEIVED_AT,
    fileTime: FILE_TIME,
    options: {},
  };
}

export interface Run {
  observations: Observation[];
  lines: number[];
  errors: RowError[];
}

/** Small chunks, so that lines and JSON records straddle chunk boundaries as they do in large files. */
const chunked = (text: string): Readable => {
  const chunks: Buffer[] = [];
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += 13) chunks.push(bytes.subarray(i, i + 13));
  return Readable.from(chunks, { objectMode: false });
};

async function collect(format: IntakeFormat, stream: Readable, file: string, source: Partial<ParseContext['source']>): Promise<Run> {
  const result: Run = { observations: [], lines: [], errors: [] };
  for await (const row of format.parse(stream, context(file, source))) {
    if ('error' in row) result.errors.push(row.error);
    else {
      result.observations.push(row.observation);
      result.lines.push(row.line);
    }
  }
  return result;
}

export const run = (format: IntakeFormat, text: string, file: string, source: Partial<ParseContext['source']> = {}): Promise<Run> =>
  collect(format, chunked(text), file, source);

export const runFile = (format: IntakeFormat, path: string): Promise<Run> => collect(format, createReadStream(path), path, {});

/** The name of the feed format that detection picks for this file. */
export function detected(fileName: string, head: string): string | undefined {
  const scored = FEED_FORMATS.map((f) => ({ name: f.name, score: f.detect(fileName, head.slice(0, 4096)) })).sort((a, b) => b.score - a.score);
  return scored[0].score > 0.5 && scored[0].score > scored[1].score ? scored[0].name : undefined;
}

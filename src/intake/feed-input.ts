/**
 * Reading and normalising helpers shared by the published-feed formats (Spamhaus, DShield,
 * abuse.ch, Team Cymru, OTX): numbered lines, JSON records with their line, one-line CSV,
 * timestamps and indicator building (the check against the observation model is checkedRow's).
 */
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { chain } from 'stream-chain';
import jsoncParser from 'stream-json/jsonc/parser.js';
import { Assembler } from 'stream-json/assembler.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { TLP_LABELS, type Indicators, type Observation, type Severity, type Tlp } from '../observations/model.ts';
import { parseCidr, parseDomain, parseIp, refang, urlHost } from '../indicators/index.ts';
import { plainUtc } from './date-time.ts';
import type { ParseContext, ParsedRow, RowError } from './format.ts';

export interface NumberedLine {
  line: number;
  text: string;
}

/** The input's lines, numbered from 1, without line ends; a 10 GB file is read a chunk at a time. */
export async function* numberedLines(input: Readable): AsyncIterable<NumberedLine> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
  }
}

/** One line of comma-separated values (abuse.ch quotes every value and may put a space after the comma). */
export function csvLine(text: string): string[] | { error: string } {
  try {
    const [record] = parseCsv(text, { trim: true, relax_quotes: true, relax_column_count: true }) as string[][];
    return record ?? [];
  } catch (e) {
    return { error: `not a CSV line: ${(e as Error).message}` };
  }
}

export type JsonRecord = { line: number; key?: string; value: unknown } | { line: number; error: string };

type Token = { name: string; value?: unknown };

/**
 * The records of a JSON document, streamed one by one with the line each starts on:
 * the elements of a top-level array, or of the arrays held by a top-level object
 * (abuse.ch dumps key arrays by id; APIs wrap them in `data`, `urls`, `results`).
 * `recordKeys` limits which top-level keys hold records. A syntax error ends the
 * document with one error: nothing after it can be trusted.
 */
export async function* jsonRecords(input: Readable, recordKeys?: ReadonlySet<string>): AsyncIterable<JsonRecord> {
  const tokens = chain([input, jsoncParser({ streamValues: false, streamWhitespace: true, packComments: true, streamComments: false })]);
  let line = 1;
  let depth = 0;
  let topIsArray = false;
  let topKey: string | undefined;
  let holdsRecords = false;
  let record: { line: number; key?: string; assembler: Assembler } | undefined;
  let recordDepth = 0;
  try {
    for await (const token of tokens as AsyncIterable<Token>) {
      if (token.name === 'whitespace' || token.name === 'commentValue') {
        line += countNewlines(token.value as string);
        continue;
      }
      if (record) {
        record.assembler.consume(token as never);
        if (token.name === 'startObject' || token.name === 'startArray') recordDepth++;
        if (token.name === 'endObject' || token.name === 'endArray') recordDepth--;
        if (recordDepth === 0 || record.assembler.done) {
          yield { line: record.line, key: record.key, value: record.assembler.current };
          record = undefined;
        }
        continue;
      }
      const atRecordLevel = (topIsArray && depth === 1) || (!topIsArray && depth === 2 && holdsRecords);
      if (atRecordLevel && !token.name.startsWith('end')) {
        record = { line, key: topIsArray ? undefined : topKey, assembler: new Assembler() };
        record.assembler.consume(token as never);
        recordDepth = token.name === 'startObject' || token.name === 'startArray' ? 1 : 0;
        if (recordDepth === 0) {
          yield { line, key: record.key, value: record.assembler.current };
          record = undefined;
        }
        continue;
      }
      if (depth === 1 && !topIsArray && token.name === 'keyValue') topKey = token.value as string;
      if (token.name === 'startObject' || token.name === 'startArray') {
        if (depth === 0) topIsArray = token.name === 'startArray';
        if (depth === 1 && !topIsArray) holdsRecords = token.name === 'startArray' && (!recordKeys || recordKeys.has(topKey ?? ''));
        depth++;
      } else if (token.name === 'endObject' || token.name === 'endArray') {
        depth--;
      }
    }
  } catch (e) {
    yield { line, error: `invalid JSON: ${(e as Error).message}` };
  }
}

const countNewlines = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

const isoOrUndefined = (ms: number): string | undefined => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);

/**
 * A feed's timestamp as ISO 8601 UTC. Feeds write `2021-01-17 07:44:46`, `2022-11-15`,
 * `2015-09-02T09:21:53.093`, `… UTC` or an HTTP date; all without a zone are UTC.
 */
export function utcTimestamp(text: string | null | undefined): string | undefined {
  const plain = text ? plainUtc(text) : undefined;
  if (plain) return plain;
  const trimmed = (text ?? '').trim().replace(/\s+UTC$/i, '');
  if (trimmed === '') return undefined;
  const local = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/.exec(trimmed);
  if (local) return isoOrUndefined(Date.parse(`${local[1]}T${local[2] ?? '00:00:00'}Z`));
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return isoOrUndefined(Date.parse(trimmed));
  // HTTP dates and `Tue Dec 15 15:33:38 2015` banners name their own zone or are UTC.
  const dated = /[a-z]{3} /i.test(trimmed) ? Date.parse(/(GMT|UTC|[+-]\d{4})$/.test(trimmed) ? trimmed : `${trimmed} UTC`) : NaN;
  return isoOrUndefined(dated);
}

export type Built<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

/** The subject indicators of a URL: the URL itself and its host as a domain or an address. */
export function urlIndicators(text: string, field: string): Built<Indicators> {
  const url = refang(text.trim());
  const host = urlHost(url);
  if (!host || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { ok: false, field, reason: `not a URL: "${text.trim()}"` };
  const port = portOf(url);
  const ip = parseIp(host);
  if (ip.ok) return { ok: true, value: { url, ip: ip.value.address, ...port } };
  const domain = parseDomain(host);
  if (!domain.ok) return { ok: false, field, reason: `URL host ${domain.reason}` };
  return { ok: true, value: { url, domain: domain.value, ...port } };
}

function portOf(url: string): { port?: number } {
  try {
    const port = new URL(url).port;
    return port ? { port: Number(port) } : {};
  } catch {
    return {};
  }
}

export function ipIndicator(text: string, field: string): Built<Indicators> {
  const ip = parseIp(refang(text));
  return ip.ok ? { ok: true, value: { ip: ip.value.address } } : { ok: false, field, reason: ip.reason };
}

export function networkIndicator(text: string, field: string): Built<Indicators> {
  const network = parseCidr(refang(text));
  return network.ok ? { ok: true, value: { network: network.value.cidr } } : { ok: false, field, reason: network.reason };
}

export function domainIndicator(text: string, field: string): Built<Indicators> {
  const domain = parseDomain(refang(text));
  return domain.ok ? { ok: true, value: { domain: domain.value } } : { ok: false, field, reason: domain.reason };
}

/**
 * The parts of an observation every feed row shares, from the source's defaults. The severity is the
 * feed's own when the row gives one (a C2 server offline, a report's category), else the source's,
 * else the format's `fallbackSeverity`.
 */
export function sourceDefaults(
  context: ParseContext,
  fallbackSeverity: Severity,
  feedSeverity?: Severity,
): Pick<Observation, 'source' | 'receivedAt' | 'reliability' | 'tlp' | 'severity' | 'others'> {
  return {
    source: context.source.name,
    receivedAt: context.receivedAt,
    reliability: context.source.reliability,
    tlp: context.source.tlp,
    severity: feedSeverity ?? context.source.severity ?? fallbackSeverity,
    others: [],
  };
}

/** The severity an abuse.ch status says: a server still online is high, one gone offline medium. */
export const statusSeverity = (status: string | undefined): Severity | undefined => (status === 'online' ? 'high' : status === 'offline' ? 'medium' : undefined);

/** The stricter of two TLP labels: a label set by the originator is never loosened by ours. */
export const stricterTlp = (a: Tlp, b: Tlp): Tlp => (TLP_LABELS.indexOf(a) >= TLP_LABELS.indexOf(b) ? a : b);

/** Lower-case malware family name, or nothing for empty and placeholder values. */
export function malwareFamily(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const family = text.trim().toLowerCase();
  return family === '' || family === 'unknown' || family === 'unknown malware' || family === 'none' ? undefined : family;
}

/** Longest reason a row error keeps: a reason quotes the bad value, and a bad line may run to megabytes. */
const REASON_LENGTH = 500;

/** What was wrong with a row, named by its file, line and field: of a feed or of an advisory file alike. */
export const rowProblem = (file: string, line: number, field: string | undefined, reason: string): RowError => ({
  file,
  line,
  ...(field ? { field } : {}),
  reason: reason.length > REASON_LENGTH ? `${reason.slice(0, REASON_LENGTH - 1)}…` : reason,
});

/** A bad row of a feed. */
export const rowError = (context: ParseContext, line: number, field: string | undefined, reason: string): ParsedRow => ({ line, error: rowProblem(context.file, line, field, reason) });

/** Base name of a path in lower case, for name-based detection. */
export const baseName = (fileName: string): string => fileName.replace(/^.*[\\/]/, '').toLowerCase();

export type CsvRecord = { line: number; fields: Record<string, string> } | { line: number; error: string };

const HEADER_COMMENT = /^#\s*("?[a-z_]+"?\s*,\s*)+"?[a-z_]+"?\s*$/i;

/**
 * The rows of an abuse.ch CSV file as field → value, keyed by the column names of the `# a,b,c`
 * comment that heads the data (or `columns` when the file has none). Other `#` lines are banners.
 */
export async function* commentedCsv(input: Readable, columns: readonly string[]): AsyncIterable<CsvRecord> {
  let header = columns;
  for await (const { line, text } of numberedLines(input)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      if (HEADER_COMMENT.test(trimmed)) {
        const names = csvLine(trimmed.slice(1));
        if (Array.isArray(names)) header = names.map((n) => n.toLowerCase());
      }
      continue;
    }
    const values = csvLine(trimmed);
    if (!Array.isArray(values)) {
      yield { line, error: values.error };
      continue;
    }
    yield { line, fields: Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])) };
  }
}

/** The first non-empty value among a record's alternative field names (feeds renamed columns over the years). */
export function pick(fields: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/**
 * Whether the input is a JSON document (its first non-blank character opens an object or an
 * array), and the input again from its first byte, for formats published both as CSV and as JSON.
 */
export async function sniffJson(input: Readable): Promise<{ json: boolean; input: Readable }> {
  const iterator: AsyncIterator<Buffer | string> = input[Symbol.asyncIterator]();
  const seen: (Buffer | string)[] = [];
  let text = '';
  while (text.trim() === '') {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
    text += String(next.value);
  }
  async function* replay(): AsyncIterable<Buffer | string> {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { json: /^\uFEFF?\s*[[{]/.test(text), input: Readable.from(replay(), { objectMode: false }) };
}

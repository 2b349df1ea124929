/**
 * A streaming CSV tokenizer: RFC 4180 read the way real feeds are written. Fed chunks of bytes or
 * text, it hands back the records each chunk completes, with the physical lines each starts and
 * ends on. Pure: no streams, no I/O.
 *
 * - Fields are separated by commas; records end at LF, CRLF or a lone CR, inside quotes as well
 *   (where they are kept in the value and counted as lines).
 * - Quoted fields hold commas, line breaks and doubled quotes. A quote inside an unquoted field is
 *   kept as it is, and so is a quoted field followed by more text (`"a"b` reads `"a"b`), as
 *   csv-parse does with `relax_quotes`.
 * - An empty line is a record of one empty field; a final line without a line end is a record.
 * - A byte-order mark at the start is dropped; UTF-8 characters split between chunks are joined.
 * - A quote never closed, or a record longer than the limit, ends the file with one failure: after
 *   that nothing can be trusted. Records completed before it are handed back.
 *
 * Speed comes from searching with indexOf over the decoded chunk instead of walking characters,
 * and from remembering where the next comma and line ends are, so no character is searched twice.
 * A field left open at the end of a chunk is kept in pieces, never re-read, so a field of many
 * megabytes costs what its bytes cost.
 */
import { StringDecoder } from 'node:string_decoder';

export interface CsvRecord {
  /** The physical line the record starts on, from 1. */
  line: number;
  /** The physical line the record ends on: later than `line` when quoted fields hold line breaks. */
  endLine: number;
  values: string[];
}

/** Why the file ends early: a quote never closed, or a record over the limit. */
export interface CsvFailure {
  /** The line of the record that could not be read. */
  line: number;
  reason: string;
}

export interface CsvTokenizerOptions {
  /** The longest record read, in characters; longer is a runaway quote or not CSV at all. */
  maxRecordLength?: number;
}

/** 64 Mi characters: far beyond any real record, small enough to stop a runaway quote early. */
const MAX_RECORD_LENGTH = 64 * 1024 * 1024;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

/** What a chunk can leave open: nothing but whole fields, or a field cut short in one of three ways. */
const NO_OPEN_FIELD = 0;
const OPEN_UNQUOTED = 1;
const OPEN_QUOTED = 2;
/** A quoted field cut right after a quote: the next character tells whether it was closing or doubled. */
const OPEN_QUOTED_AT_QUOTE = 3;
type OpenField = typeof NO_OPEN_FIELD | typeof OPEN_UNQUOTED | typeof OPEN_QUOTED | typeof OPEN_QUOTED_AT_QUOTE;

/** The line breaks (LF, CRLF, lone CR) in text[from, to). */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r', from); i >= 0 && i < to; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== LF) n++;
  return n;
}

const unescaped = (raw: string, escaped: boolean): string => (escaped ? raw.replaceAll('""', '"') : raw);

/** indexOf that answers the text's length when the text lacks the character, so that results compare as positions. */
function next(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? text.length : at;
}

export class CsvTokenizer {
  /** Set when the file ended early; `write` and `end` then return nothing more. */
  failure: CsvFailure | undefined;

  private readonly maxRecordLength: number;
  private readonly decoder = new StringDecoder('utf8');
  private started = false;
  private records: CsvRecord[] = [];
  /** The physical line at the scan position (line breaks inside an open quoted field not yet counted). */
  private line = 1;
  private recordLine = 1;
  /** The completed fields of the open record. */
  private fields: string[] = [];
  private open: OpenField = NO_OPEN_FIELD;
  /** The open field's text from earlier chunks; for a quoted field raw, with its doubled quotes. */
  private pieces: string[] = [];
  /** The open quoted field holds doubled quotes. */
  private escaped = false;
  /** The last chunk ended a record on CR: an LF starting the next chunk belongs to it. */
  private afterCr = false;
  /** Where the open record starts in the current chunk: negative when it began in an earlier one. */
  private recordStart = 0;
  /** The characters of the open record in earlier chunks. */
  private openLength = 0;
  // Where the next comma, LF and CR are in the current chunk (its length if none), found once each.
  private nextComma = -1;
  private nextLf = -1;
  private nextCr = -1;

  constructor(options: CsvTokenizerOptions = {}) {
    this.maxRecordLength = options.maxRecordLength ?? MAX_RECORD_LENGTH;
  }

  /** The records this chunk completes (often none for a small chunk, many for a large one). */
  write(chunk: string | Uint8Array): CsvRecord[] {
    if (this.failure) return [];
    this.scan(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    return this.take();
  }

  /** The last record, when the input does not end with a line end; or the failure of a quote never closed. */
  end(): CsvRecord[] {
    if (this.failure) return [];
    this.scan(this.decoder.end());
    if (this.failure) return this.take();
    switch (this.open) {
      case OPEN_QUOTED:
        this.fail(`the quote opened on line ${this.line} is never closed`);
        return this.take();
      case OPEN_QUOTED_AT_QUOTE:
        this.fields.push(this.closeOpenQuoted());
        break;
      case OPEN_UNQUOTED:
        this.fields.push(this.pieces.join(''));
        this.pieces = [];
        break;
      case NO_OPEN_FIELD:
        // Whole fields and no open one: the input ended right after a comma, before an empty last field.
        if (this.fields.length > 0) this.fields.push('');
        break;
    }
    this.open = NO_OPEN_FIELD;
    if (this.fields.length > 0) this.emit();
    return this.take();
  }

  private take(): CsvRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }

  private fail(reason: string): void {
    this.failure = { line: this.recordLine, reason };
    this.fields = [];
    this.pieces = [];
  }

  private emit(): void {
    this.records.push({ line: this.recordLine, endLine: this.line, values: this.fields });
    this.fields = [];
  }

  private scan(chunk: string): void {
    let text = chunk;
    if (text.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    const length = text.length;
    let pos = 0;
    if (this.afterCr) {
      this.afterCr = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    this.recordStart = pos - this.openLength;
    this.nextComma = this.nextLf = this.nextCr = -1;
    if (this.open !== NO_OPEN_FIELD) pos = this.resume(text);
    while (pos < length) pos = this.field(text, pos);
    if (this.failure) return;
    this.openLength = this.open !== NO_OPEN_FIELD || this.fields.length > 0 ? length - this.recordStart : 0;
    if (this.openLength > this.maxRecordLength) this.tooLong();
  }

  private tooLong(): void {
    this.fail(`the record is longer than ${this.maxRecordLength.toLocaleString('en')} characters: a quote never closed, or not CSV`);
  }

  /** One field starting at pos and what ends it; the position after. */
  private field(text: string, pos: number): number {
    if (text.charCodeAt(pos) !== QUOTE) return this.unquoted(text, pos, '');
    const start = pos + 1;
    const length = text.length;
    let escaped = false;
    let q = text.indexOf('"', start);
    while (q >= 0 && q + 1 < length && text.charCodeAt(q + 1) === QUOTE) {
      escaped = true;
      q = text.indexOf('"', q + 2);
    }
    if (q < 0) return this.hold(OPEN_QUOTED, text.slice(start), escaped, length);
    if (q + 1 === length) return this.hold(OPEN_QUOTED_AT_QUOTE, text.slice(start, q), escaped, length);
    if (this.nextLf < start) this.nextLf = next(text, '\n', start);
    if (this.nextCr < start) this.nextCr = next(text, '\r', start);
    if (this.nextLf < q || this.nextCr < q) {
      this.line += lineBreaks(text, start, q);
      this.nextLf = this.nextCr = -1;
    }
    return this.afterQuoted(text, q + 1, unescaped(text.slice(start, q), escaped));
  }

  /** What follows a closing quote: a comma, a line end, or more text that makes the field an unquoted one. */
  private afterQuoted(text: string, pos: number, value: string): number {
    const c = text.charCodeAt(pos);
    if (c === COMMA) {
      this.fields.push(value);
      return pos + 1;
    }
    if (c === LF || c === CR) {
      this.fields.push(value);
      return this.endRecord(text, pos);
    }
    return this.unquoted(text, pos, `"${value}"`);
  }

  /** An unquoted field from pos, after `prefix` (the text of the field before pos). */
  private unquoted(text: string, pos: number, prefix: string): number {
    if (this.nextComma < pos) this.nextComma = next(text, ',', pos);
    if (this.nextLf < pos) this.nextLf = next(text, '\n', pos);
    if (this.nextCr < pos) this.nextCr = next(text, '\r', pos);
    let end = this.nextComma;
    if (this.nextLf < end) end = this.nextLf;
    if (this.nextCr < end) end = this.nextCr;
    if (end === text.length) return this.hold(OPEN_UNQUOTED, prefix + text.slice(pos), false, end);
    const value = text.slice(pos, end);
    this.fields.push(prefix === '' ? value : prefix + value);
    return text.charCodeAt(end) === COMMA ? end + 1 : this.endRecord(text, end);
  }

  /** The record ends at the line end at pos; the position after the line end. */
  private endRecord(text: string, pos: number): number {
    let after = pos + 1;
    if (text.charCodeAt(pos) === CR) {
      if (after === text.length) this.afterCr = true;
      else if (text.charCodeAt(after) === LF) after++;
    }
    if (after - this.recordStart > this.maxRecordLength) {
      this.tooLong();
      return text.length;
    }
    this.emit();
    this.line++;
    this.recordLine = this.line;
    this.recordStart = after;
    return after;
  }

  /** Keeps a field cut by the end of the chunk; the chunk's length. */
  private hold(open: OpenField, piece: string, escaped: boolean, length: number): number {
    this.open = open;
    this.pieces = [piece];
    this.escaped = escaped;
    return length;
  }

  /** The value of the open quoted field, whose closing quote ended the last chunk, counting its line breaks. */
  private closeOpenQuoted(): string {
    const raw = this.pieces.join('');
    this.pieces = [];
    this.open = NO_OPEN_FIELD;
    this.line += lineBreaks(raw, 0, raw.length);
    return unescaped(raw, this.escaped);
  }

  /** Continues the field the last chunk left open; the position after it (the chunk's length if it is still open). */
  private resume(text: string): number {
    const length = text.length;
    if (this.open === OPEN_UNQUOTED) {
      const end = Math.min(next(text, ',', 0), next(text, '\n', 0), next(text, '\r', 0));
      if (end === length) {
        this.pieces.push(text);
        return length;
      }
      const prefix = this.pieces.join('');
      this.pieces = [];
      this.open = NO_OPEN_FIELD;
      return this.unquoted(text, 0, prefix);
    }
    let start = 0;
    if (this.open === OPEN_QUOTED_AT_QUOTE) {
      if (text.charCodeAt(0) !== QUOTE) return this.afterQuoted(text, 0, this.closeOpenQuoted());
      this.pieces.push('""');
      this.escaped = true;
      this.open = OPEN_QUOTED;
      start = 1;
    }
    let q = text.indexOf('"', start);
    while (q >= 0 && q + 1 < length && text.charCodeAt(q + 1) === QUOTE) {
      this.escaped = true;
      q = text.indexOf('"', q + 2);
    }
    if (q < 0) {
      this.pieces.push(text.slice(start));
      return length;
    }
    this.pieces.push(text.slice(start, q));
    if (q + 1 === length) {
      this.open = OPEN_QUOTED_AT_QUOTE;
      return length;
    }
    return this.afterQuoted(text, q + 1, this.closeOpenQuoted());
  }
}

/**
 * Plain lists: one IP address, network, domain or URL per line, as blocklists and IOC pastes are
 * published. Comments (`#`, `;`, `//`, whole-line or trailing), blank lines and defanged forms
 * (`hxxp://`, `[.]`) are read; each line's indicator kind is recognised on its own.
 * Kind and type come from the `kind` and `type` options, else malicious-infrastructure / blocklist.
 */
import type { Readable } from 'node:stream';
import { KoppelError } from '../errors.ts';
import { parseCidr, parseDomain, parseIp, refang } from '../indicators/index.ts';
import type { Indicators, Kind } from '../observations/model.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { numberedLines, rowError } from './feed-input.ts';
import { canonicalIndicators, isKind, isSeverity, observationRow, type Checked } from './observation.ts';

const COMMENT_LINE = /^(#|;|\/\/)/;
const TRAILING_COMMENT = /\s+(#|;|\/\/).*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The entry of a line without its comment, or undefined for a blank or comment line. */
export function listEntry(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || COMMENT_LINE.test(trimmed)) return undefined;
  const entry = trimmed.replace(TRAILING_COMMENT, '').split(/\s+/, 1)[0];
  return entry === '' ? undefined : entry;
}

const COLUMN = 'entry';

/** The indicators of one entry: a URL (with its host), a network, an address or a domain. */
export function entryIndicators(entry: string): Checked<Indicators> {
  const text = refang(entry);
  if (SCHEME.test(text)) return canonicalIndicators({ url: { value: text, column: COLUMN } });
  if (text.includes('/')) {
    if (parseCidr(text).ok) return canonicalIndicators({ network: { value: text, column: COLUMN } });
    // `example.nl/path` is a URL without its scheme.
    return canonicalIndicators({ url: { value: `http://${text}`, column: COLUMN } });
  }
  if (parseIp(text).ok) return canonicalIndicators({ ip: { value: text, column: COLUMN } });
  if (/^[\d.]+$/.test(text) || !parseDomain(text).ok || !text.includes('.')) {
    return { ok: false, field: COLUMN, reason: `not an IP address, network, domain or URL: "${entry}"` };
  }
  return canonicalIndicators({ domain: { value: text, column: COLUMN } });
}

function options(context: ParseContext): { kind: Kind; type: string } {
  const kind = context.options.kind ?? 'malicious-infrastructure';
  if (!isKind(kind)) throw new KoppelError('invalid', `${context.file}: unknown kind "${kind}"`, [{ file: context.file, field: 'kind', reason: `unknown kind "${kind}"` }]);
  const severity = context.options.severity;
  if (severity !== undefined && !isSeverity(severity)) {
    throw new KoppelError('invalid', `${context.file}: unknown severity "${severity}"`, [{ file: context.file, field: 'severity', reason: `unknown severity "${severity}"` }]);
  }
  return { kind, type: context.options.type ?? 'blocklist' };
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  const { kind, type } = options(context);
  const severity = context.options.severity;
  for await (const { line, text } of numberedLines(input)) {
    const entry = listEntry(text);
    if (entry === undefined) continue;
    const subject = entryIndicators(entry);
    if (!subject.ok) {
      yield rowError(context, line, undefined, subject.reason);
      continue;
    }
    yield observationRow(context, line, {
      kind,
      type,
      severity: severity !== undefined && isSeverity(severity) ? severity : undefined,
      fallbackSeverity: 'medium',
      subject: subject.value,
      evidence: { line: text.trim() },
    });
  }
}

/** A list when the entries of the first lines are all indicators; the last line of the head may be cut off. */
function detect(fileName: string, head: string): number {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 1) lines.pop();
  const entries = lines.map(listEntry).filter((e): e is string => e !== undefined);
  if (entries.length === 0) return 0;
  const readable = entries.filter((e) => entryIndicators(e).ok).length;
  if (readable === entries.length) return /\.(txt|list|lst)$/i.test(fileName) ? 0.6 : 0.5;
  return readable / entries.length >= 0.8 ? 0.35 : 0;
}

export const list: IntakeFormat = {
  name: 'list',
  description: 'plain list: one IP address, network, domain or URL per line, with comments and defanged forms',
  detect,
  parse,
};

/**
 * Shadowserver reports: CSV with a header, one report type per file, named in the file name
 * (`2026-11-27-scan_rdp-nl-geo.csv`) or given as the `report` option (`--format shadowserver:scan_rdp`).
 * With the published schema configured (`KOPPEL_SHADOWSERVER_SCHEMA`) its roles and classification
 * are used exactly; without it, Koppel's built-in families and column conventions.
 */
import type { Readable } from 'node:stream';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import { csvTable, headerColumns } from './csv.ts';
import { rowError } from './feed-input.ts';
import { builtinRule, isKnownReport, reportFromFileName } from './shadowserver-mappings.ts';
import { shadowserverRows } from './shadowserver-rows.ts';
import { loadShadowserverSchema, type ReportRule, type ShadowserverSchema } from './shadowserver-schema.ts';

/** Columns nearly every Shadowserver report carries, besides `timestamp` first. */
const TYPICAL_COLUMNS = ['ip', 'src_ip', 'asn', 'src_asn', 'geo', 'src_geo', 'region', 'city', 'naics', 'sector', 'tag', 'severity'];

function detect(fileName: string, head: string): number {
  const columns = headerColumns(head);
  const shaped = columns[0] === 'timestamp' && (columns.includes('ip') || columns.includes('src_ip'));
  const typical = columns.filter((c) => TYPICAL_COLUMNS.includes(c)).length;
  const report = reportFromFileName(fileName);
  const named = report !== undefined && isKnownReport(report);
  if (named && shaped) return 0.95;
  if (shaped && typical >= 4) return 0.75;
  if (named) return 0.5;
  return shaped ? 0.3 : 0;
}

/** The rule for a file: the schema's entry for its report when a schema is given, else the built-in one. */
export function ruleFor(report: string | undefined, columns: readonly string[], schema: ShadowserverSchema | undefined): ReportRule | { error: string } {
  if (!schema) return builtinRule(report, columns);
  const rule = report ? schema.get(report) : undefined;
  if (!rule) {
    return {
      error: report
        ? `report "${report}" is not in the Shadowserver schema; give the report with --format shadowserver:REPORT`
        : 'the report type is not in the file name; give it with --format shadowserver:REPORT',
    };
  }
  const missing = rule.fields.filter((f) => f.target === 'time.source' || f.target === 'source.ip').find((f) => !columns.includes(f.column));
  return missing ? { error: `column "${missing.column}" required by report "${report}" is missing from the header` } : rule;
}

/** Rows through a fixed schema (or none), for callers and tests that do not read the environment. */
export async function* parseShadowserver(input: Readable, context: ParseContext, schema: ShadowserverSchema | undefined): AsyncIterable<ParsedRow> {
  const report = context.options.report?.trim().toLowerCase() || reportFromFileName(context.file);
  let read: ReturnType<typeof shadowserverRows> | undefined;
  for await (const batch of csvTable(input)) {
    for (const row of batch) {
      if ('header' in row) {
        const found = ruleFor(report, row.header, schema);
        if ('error' in found) {
          yield rowError(context, row.line, undefined, found.error);
          return;
        }
        read = shadowserverRows(found, row.header);
      } else if ('error' in row) yield rowError(context, row.line, row.field, row.error);
      else if (read) yield read(context, row.line, row.fields);
    }
  }
}

/**
 * The schema is read when the rows are, so that a bad schema path fails the parse like any unreadable
 * input; the rows then come straight from parseShadowserver, without a generator relaying each.
 */
const parse = (input: Readable, context: ParseContext): AsyncIterable<ParsedRow> => ({
  [Symbol.asyncIterator]: () => parseShadowserver(input, context, loadShadowserverSchema())[Symbol.asyncIterator](),
});

export const shadowserver: IntakeFormat = {
  name: 'shadowserver',
  description: 'Shadowserver reports (CSV, every report type; the published schema when KOPPEL_SHADOWSERVER_SCHEMA names it)',
  detect,
  parse,
};

/**
 * Shadowserver's published report schema (the JSON it maintains for IntelMQ): per report, which
 * column fills which IntelMQ field (`source.ip`, `destination.port` …), through which conversion,
 * and the report's constant classification. Reading it is pure; loading the file is a thin shell.
 * The same rule shape carries Koppel's built-in mappings, so one interpreter serves both.
 */
import { readFileSync, statSync } from 'node:fs';
import { KoppelError } from '../errors.ts';

/** One column → field assignment: `convert` names the conversion, `withRow` gives it the whole row. */
export interface FieldRule {
  target: string;
  column: string;
  convert?: string;
  withRow?: boolean;
}

export interface ReportRule {
  /** The report's file name part (`scan_rdp`, `event4_sinkhole_http`). */
  report: string;
  /** Shadowserver's feed name (`Accessible-RDP`). */
  feedName: string;
  /** Assignments tried in order: required first, then optional; the first value for a field wins. */
  fields: FieldRule[];
  /** Fields every row of the report carries; they override the row's own (as IntelMQ applies them). */
  constants: Record<string, string>;
  /** Fields a row carries when neither its columns nor the constants give them (Koppel's own, never in the schema). */
  defaults?: Record<string, string>;
}

/** Rules by report file name. */
export type ShadowserverSchema = ReadonlyMap<string, ReportRule>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldRules(report: string, list: unknown): FieldRule[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error(`report ${report}: field list is not an array`);
  return list.flatMap((item): FieldRule[] => {
    if (!Array.isArray(item) || item.length < 2 || typeof item[1] !== 'string') throw new Error(`report ${report}: malformed field rule ${JSON.stringify(item)}`);
    // `false` as the target tells IntelMQ to ignore the column.
    if (typeof item[0] !== 'string') return [];
    const rule: FieldRule = { target: item[0], column: item[1].toLowerCase() };
    if (typeof item[2] === 'string') rule.convert = item[2];
    if (item[3] === true) rule.withRow = true;
    return [rule];
  });
}

/** The rules of a parsed schema document, keyed by report file name. Throws on a document of another shape. */
export function schemaFromJson(json: unknown): ShadowserverSchema {
  if (!isRecord(json)) throw new Error('the Shadowserver schema is not a JSON object');
  const rules = new Map<string, ReportRule>();
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('_')) continue;
    if (!isRecord(value)) throw new Error(`report ${key} is not an object`);
    const report = typeof value.file_name === 'string' ? value.file_name : key;
    const constants: Record<string, string> = {};
    if (value.constant_fields !== undefined && !isRecord(value.constant_fields)) throw new Error(`report ${key}: constant_fields is not an object`);
    for (const [field, constant] of Object.entries(value.constant_fields ?? {})) if (typeof constant === 'string') constants[field] = constant;
    rules.set(report, {
      report,
      feedName: typeof value.feed_name === 'string' ? value.feed_name : key,
      fields: [...fieldRules(key, value.required_fields), ...fieldRules(key, value.optional_fields)],
      constants,
    });
  }
  if (rules.size === 0) throw new Error('the Shadowserver schema lists no reports');
  return rules;
}

export const SCHEMA_VARIABLE = 'KOPPEL_SHADOWSERVER_SCHEMA';

let cached: { path: string; mtimeMs: number; schema: ShadowserverSchema } | undefined;

/** The schema named by `KOPPEL_SHADOWSERVER_SCHEMA`, read again when the file changes; undefined when unset. */
export function loadShadowserverSchema(path = process.env[SCHEMA_VARIABLE]): ShadowserverSchema | undefined {
  if (!path) return undefined;
  try {
    const mtimeMs = statSync(path).mtimeMs;
    if (cached?.path === path && cached.mtimeMs === mtimeMs) return cached.schema;
    const schema = schemaFromJson(JSON.parse(readFileSync(path, 'utf8')));
    cached = { path, mtimeMs, schema };
    return schema;
  } catch (e) {
    throw new KoppelError('invalid', `${SCHEMA_VARIABLE}=${path}: cannot use it as the Shadowserver report schema: ${(e as Error).message}`, [
      { file: path, reason: (e as Error).message },
    ]);
  }
}

/**
 * abuse.ch URLhaus: URLs that serve malware. Read in its CSV dumps (`# id,dateadded,url,…`) and
 * JSON forms (the dump keyed by id, `{"3334545":[{"url":…}]}`, and the API's `{"urls":[…]}`).
 * The URL is the subject, matched by its host: the site or device that serves the malware.
 */
import type { Readable } from 'node:stream';
import type { Observation } from '../observations/model.ts';
import type { IntakeFormat, ParseContext, ParsedRow } from './format.ts';
import {
  baseName,
  commentedCsv,
  jsonRecords,
  pick,
  rowError,
  sniffJson,
  sourceDefaults,
  statusSeverity,
  urlIndicators,
  utcTimestamp,
} from './feed-input.ts';
import { checkedRow } from './observation.ts';

const CSV_COLUMNS = ['id', 'dateadded', 'url', 'url_status', 'last_online', 'threat', 'tags', 'urlhaus_link', 'reporter'];

function detect(fileName: string, head: string): number {
  if (/^#.*URLhaus/im.test(head)) return /^#\s*id,dateadded,url\b/im.test(head) || /^"\d+","/m.test(head) ? 0.95 : 0.4;
  if (/^#\s*id,dateadded,url,url_status/im.test(head)) return 0.9;
  if (/"urlhaus_(link|reference)"\s*:/.test(head) && /"url"\s*:/.test(head)) return 0.9;
  return /urlhaus/.test(baseName(fileName)) ? 0.3 : 0;
}

function observe(context: ParseContext, line: number, fields: Record<string, unknown>, id?: string): ParsedRow {
  const urlText = pick(fields, 'url');
  if (!urlText) return rowError(context, line, 'url', 'missing URL');
  const subject = urlIndicators(urlText, 'url');
  if (!subject.ok) return rowError(context, line, subject.field, subject.reason);

  const seenText = pick(fields, 'dateadded', 'date_added');
  const observedAt = seenText === undefined ? context.fileTime : utcTimestamp(seenText);
  if (!observedAt) return rowError(context, line, 'dateadded', `not a date: "${seenText}"`);

  const status = pick(fields, 'url_status')?.toLowerCase();
  const threat = pick(fields, 'threat')?.toLowerCase().replace(/_/g, '-');
  const observation: Observation = {
    ...sourceDefaults(context, 'high', statusSeverity(status)),
    observedAt,
    kind: 'malicious-infrastructure',
    type: threat && /^[a-z0-9-]+$/.test(threat) ? threat : 'malware-download',
    subject: subject.value,
    description: `URL ${status === 'online' ? 'serving' : 'reported for serving'} malware, listed by URLhaus${status ? ` (${status})` : ''}`,
    evidence: id === undefined ? fields : { id, ...fields },
  };
  return checkedRow(context, line, observation);
}

async function* parse(input: Readable, context: ParseContext): AsyncIterable<ParsedRow> {
  const sniffed = await sniffJson(input);
  const records = sniffed.json ? jsonRecords(sniffed.input) : commentedCsv(sniffed.input, CSV_COLUMNS);
  for await (const record of records) {
    if ('error' in record) yield rowError(context, record.line, undefined, record.error);
    else if ('fields' in record) yield observe(context, record.line, record.fields);
    else if (typeof record.value === 'object' && record.value !== null && !Array.isArray(record.value)) {
      // The dump keys records by their id; API records carry it themselves.
      const id = record.key !== undefined && /^\d+$/.test(record.key) ? record.key : undefined;
      yield observe(context, record.line, record.value as Record<string, unknown>, id);
    } else yield rowError(context, record.line, undefined, 'a URLhaus record must be a JSON object');
  }
}

export const urlhaus: IntakeFormat = {
  name: 'urlhaus',
  description: 'abuse.ch URLhaus malware URLs (CSV or JSON)',
  detect,
  parse,
};

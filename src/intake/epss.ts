/**
 * FIRST EPSS score files: `cve,epss,percentile` rows under a `#model_version:…,score_date:…`
 * comment. Each row enriches the advisories and findings of its CVE.
 */
import type { Readable } from 'node:stream';
import type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from '../advisories/format.ts';
import { errorRow } from '../advisories/build.ts';
import { baseName, numberedLines } from './feed-input.ts';

const CVE = /^CVE-\d{4}-\d{4,}$/;

/** A probability as the file writes it (`0.00043`, `4.3e-4`), when it is one. */
function probability(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

async function* parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow> {
  let date: string | undefined;
  let columns: string[] | undefined;
  for await (const { line, text } of numberedLines(input)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const scoreDate = /score_date:(\d{4}-\d{2}-\d{2})/.exec(trimmed);
      if (scoreDate) date = scoreDate[1];
      continue;
    }
    const cells = trimmed.split(',').map((c) => c.trim());
    if (!columns) {
      columns = cells.map((c) => c.toLowerCase());
      if (!['cve', 'epss', 'percentile'].every((c) => columns!.includes(c))) {
        yield errorRow(context, line, undefined, `expected the header cve,epss,percentile, found "${trimmed}"`);
        return;
      }
      continue;
    }
    const cell = (name: string): string | undefined => cells[columns!.indexOf(name)];
    const cve = cell('cve')?.toUpperCase();
    if (!cve || !CVE.test(cve)) {
      yield errorRow(context, line, 'cve', `not a CVE id: "${cell('cve') ?? ''}"`);
      continue;
    }
    const score = probability(cell('epss'));
    const percentile = probability(cell('percentile'));
    if (score === undefined) yield errorRow(context, line, 'epss', `${cve}: not a probability: "${cell('epss') ?? ''}"`);
    else if (percentile === undefined) yield errorRow(context, line, 'percentile', `${cve}: not a probability: "${cell('percentile') ?? ''}"`);
    else yield { line, enrichment: { kind: 'epss', cve, epss: { score, percentile, date: date ?? context.receivedAt.slice(0, 10) } } };
  }
}

export const epss: AdvisoryFormat = {
  name: 'epss',
  description: 'FIRST EPSS scores (CSV cve,epss,percentile): enrich the advisories of each CVE',
  detect(fileName, head) {
    if (/^#model_version:[^\n]*score_date:/m.test(head) || /^\s*cve\s*,\s*epss\s*,\s*percentile\s*$/im.test(head)) return 0.95;
    return /^epss_scores.*\.csv(\.gz)?$/.test(baseName(fileName)) ? 0.6 : 0;
  },
  parse,
};

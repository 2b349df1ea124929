/**
 * The CISA Known Exploited Vulnerabilities catalogue, streamed record by record. KEV names no
 * versions, so it creates no affected products: each entry enriches the advisories and findings
 * of its CVE (known exploitation raises severity and urgency, the required action goes into the
 * advice) and lends its vendor and product names to the name dictionary.
 */
import type { Readable } from 'node:stream';
import type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from '../advisories/format.ts';
import { asString, errorRow, isObject, strings } from '../advisories/build.ts';
import { baseName, jsonRecords } from './feed-input.ts';

const CVE = /^CVE-\d{4}-\d{4,}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function enrichmentRow(value: unknown, line: number, context: AdvisoryContext): AdvisoryRow {
  if (!isObject(value)) return errorRow(context, line, undefined, 'not a KEV entry');
  const cve = asString(value.cveID)?.toUpperCase();
  if (!cve || !CVE.test(cve)) return errorRow(context, line, 'cveID', `not a CVE id: "${String(value.cveID ?? '')}"`);
  for (const field of ['dateAdded', 'dueDate']) {
    if (!DATE.test(asString(value[field]) ?? '')) return errorRow(context, line, field, `${cve}: not a date: "${String(value[field] ?? '')}"`);
  }
  const notes = asString(value.notes);
  const description = asString(value.shortDescription);
  return {
    line,
    enrichment: {
      kind: 'kev',
      cve,
      kev: {
        dateAdded: asString(value.dateAdded)!,
        dueDate: asString(value.dueDate)!,
        requiredAction: asString(value.requiredAction) ?? '',
        knownRansomware: asString(value.knownRansomwareCampaignUse)?.toLowerCase() === 'known',
      },
      vendor: asString(value.vendorProject) ?? '',
      product: asString(value.product) ?? '',
      name: asString(value.vulnerabilityName) ?? cve,
      ...(description ? { description } : {}),
      ...(notes ? { notes } : {}),
      cwes: strings(value.cwes),
    },
  };
}

async function* parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow> {
  for await (const record of jsonRecords(input, new Set(['vulnerabilities']))) {
    if ('error' in record) yield errorRow(context, record.line, undefined, record.error);
    else yield enrichmentRow(record.value, record.line, context);
  }
}

export const kev: AdvisoryFormat = {
  name: 'kev',
  description: 'CISA Known Exploited Vulnerabilities catalogue (JSON): enriches the advisories of each CVE',
  detect(fileName, head) {
    if (/"catalogVersion"\s*:/.test(head) && /"vulnerabilities"\s*:/.test(head)) return 0.95;
    return /known_exploited_vulnerabilities.*\.json$/.test(baseName(fileName)) ? 0.7 : 0;
  },
  parse,
};

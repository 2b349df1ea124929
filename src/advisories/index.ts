/**
 * The door to advisories: the one advisory model, CVSS scoring, and the advisory formats, which the
 * ingest tells apart from feed formats with `detectAdvisoryFormat`.
 */
import type { AdvisoryFormat } from './format.ts';
import { csaf } from '../intake/csaf.ts';
import { osv } from '../intake/osv.ts';
import { cve5 } from '../intake/cve5.ts';
import { kev } from '../intake/kev.ts';
import { epss } from '../intake/epss.ts';
import { vex } from '../intake/vex.ts';

/** Every advisory format; detection breaks ties in this order. */
export const ADVISORY_FORMATS: readonly AdvisoryFormat[] = [csaf, cve5, kev, vex, osv, epss];

/** Below this an advisory format is guessing, and the file is left to the feed formats. */
const MIN_CONFIDENCE = 0.5;

/** The advisory format most confident it can read the file, or undefined when it is not an advisory file. */
export function detectAdvisoryFormat(fileName: string, head: string): AdvisoryFormat | undefined {
  let best: { format: AdvisoryFormat; score: number } | undefined;
  for (const format of ADVISORY_FORMATS) {
    const score = format.detect(fileName, head);
    if (score > (best?.score ?? 0)) best = { format, score };
  }
  return best && best.score >= MIN_CONFIDENCE ? best.format : undefined;
}

export const advisoryFormatByName = (name: string): AdvisoryFormat | undefined => ADVISORY_FORMATS.find((f) => f.name === name.trim().toLowerCase());

export type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from './format.ts';
export * from './model.ts';
export { cvss3BaseScore, severityOfScore, severityOfText, bestScore, advisorySeverity, scoreOf, readVector } from './cvss.ts';
export { csaf, osv, cve5, kev, epss, vex };

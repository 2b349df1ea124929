/**
 * CVSS: the v3.0/v3.1 base score computed from a vector (FIRST's published formula; no npm
 * package that does it is installed), severity bands, and the advisory severity from its scores.
 */
import type { Severity } from '../observations/model.ts';
import type { CvssVersion, Score } from './model.ts';

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

const PRIVILEGES = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;

/** v3.1 Roundup: the smallest one-decimal number not below the input, immune to float noise (CVSS 3.1 spec, appendix A). */
function roundUp31(value: number): number {
  const scaled = Math.round(value * 100000);
  return scaled % 10000 === 0 ? scaled / 100000 : (Math.floor(scaled / 10000) + 1) / 10;
}

const roundUp30 = (value: number): number => Math.ceil(value * 10) / 10;

export type VectorRead = { ok: true; version: CvssVersion; metrics: Record<string, string> } | { ok: false; reason: string };

/** Reads `CVSS:3.1/AV:N/…` (or `CVSS:4.0/…`) into its version and metric values; the prefix is required. */
export function readVector(vector: string): VectorRead {
  const m = /^CVSS:(3\.0|3\.1|4\.0)\/(.+)$/.exec(vector.trim());
  if (!m) return { ok: false, reason: `not a CVSS v3 or v4 vector: "${vector}"` };
  const metrics: Record<string, string> = {};
  for (const part of m[2].split('/')) {
    const [key, value, extra] = part.split(':');
    if (!key || !value || extra !== undefined) return { ok: false, reason: `bad metric "${part}" in "${vector}"` };
    if (key in metrics) return { ok: false, reason: `metric ${key} twice in "${vector}"` };
    metrics[key] = value;
  }
  return { ok: true, version: m[1] as CvssVersion, metrics };
}

function weight<T extends Record<string, number>>(table: T, value: string | undefined, metric: string): number {
  if (value === undefined || !(value in table)) throw new Error(`metric ${metric} is ${value === undefined ? 'missing' : `"${value}", not one of ${Object.keys(table).join(', ')}`}`);
  return table[value as keyof T];
}

/** The base score of a CVSS v3.0 or v3.1 vector; temporal and environmental metrics are ignored. */
export function cvss3BaseScore(vector: string): { ok: true; score: number } | { ok: false; reason: string } {
  const read = readVector(vector);
  if (!read.ok) return read;
  if (read.version === '4.0') return { ok: false, reason: 'a CVSS v4 vector has no v3 base score' };
  const v = read.metrics;
  try {
    const scope = v.S;
    if (scope !== 'U' && scope !== 'C') throw new Error(`metric S is ${scope === undefined ? 'missing' : `"${scope}", not U or C`}`);
    const iss = 1 - (1 - weight(WEIGHTS.CIA, v.C, 'C')) * (1 - weight(WEIGHTS.CIA, v.I, 'I')) * (1 - weight(WEIGHTS.CIA, v.A, 'A'));
    const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
    const exploitability =
      8.22 * weight(WEIGHTS.AV, v.AV, 'AV') * weight(WEIGHTS.AC, v.AC, 'AC') * weight(PRIVILEGES[scope], v.PR, 'PR') * weight(WEIGHTS.UI, v.UI, 'UI');
    if (impact <= 0) return { ok: true, score: 0 };
    const roundUp = read.version === '3.1' ? roundUp31 : roundUp30;
    const raw = scope === 'U' ? impact + exploitability : 1.08 * (impact + exploitability);
    return { ok: true, score: roundUp(Math.min(raw, 10)) };
  } catch (e) {
    return { ok: false, reason: `${(e as Error).message} in "${vector}"` };
  }
}

/** The qualitative rating of a base score (CVSS v3.1 and v4 share the bands); "none" is `info`. */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

const VERSION_RANK: Record<CvssVersion, number> = { '3.0': 0, '3.1': 1, '4.0': 2 };

/**
 * The score an advisory's severity comes from: the newest CVSS version with a base score, and of
 * those the highest (a product-specific lower score does not hide the worst case).
 */
export function bestScore(scores: readonly Score[]): Score | undefined {
  let best: Score | undefined;
  for (const s of scores) {
    if (s.baseScore === undefined) continue;
    if (!best || VERSION_RANK[s.version] > VERSION_RANK[best.version] || (s.version === best.version && s.baseScore > best.baseScore!)) best = s;
  }
  return best;
}

const WORDS: ReadonlyArray<[RegExp, Severity]> = [
  [/^(critical|kritiek|kritisch)$/, 'critical'],
  [/^(high|important|hoog|urgent)$/, 'high'],
  [/^(medium|moderate|middel|gemiddeld|normaal)$/, 'medium'],
  [/^(low|laag)$/, 'low'],
  [/^(none|info|informational|geen)$/, 'info'],
];

/**
 * A severity written in words (`Important`, `CRITICAL`, NCSC-NL's `medium/high` for likelihood/impact,
 * Dutch `hoog`); the highest of the parts. Undefined when no word is known.
 */
export function severityOfText(text: string | undefined): Severity | undefined {
  const order: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
  let found: Severity | undefined;
  for (const part of (text ?? '').toLowerCase().split(/[\s/,;-]+/)) {
    const hit = WORDS.find(([re]) => re.test(part))?.[1];
    if (hit && (!found || order.indexOf(hit) > order.indexOf(found))) found = hit;
  }
  return found;
}

/**
 * An advisory's severity: from its best CVSS score, else from the source's words, else medium —
 * an advisory that names affected products but no severity still deserves attention.
 */
export function advisorySeverity(scores: readonly Score[], text?: string): Severity {
  const best = bestScore(scores);
  if (best) return severityOfScore(best.baseScore!);
  return severityOfText(text) ?? 'medium';
}

/** A score from a vector as a source gives it: v3 computed from the vector, v4 taken from `givenScore`. */
export function scoreOf(vector: string, givenScore?: number, productIds?: string[]): Score | { error: string } {
  const read = readVector(vector);
  if (!read.ok) return { error: read.reason };
  const ids = productIds && productIds.length > 0 ? { productIds } : {};
  if (read.version === '4.0') {
    const valid = typeof givenScore === 'number' && givenScore >= 0 && givenScore <= 10;
    return { version: '4.0', vector: vector.trim(), ...(valid ? { baseScore: givenScore } : {}), ...ids };
  }
  const computed = cvss3BaseScore(vector);
  if (!computed.ok) return { error: computed.reason };
  return { version: read.version, vector: vector.trim(), baseScore: computed.score, ...ids };
}

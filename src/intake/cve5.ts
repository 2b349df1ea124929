/**
 * CVE JSON 5 records (cve.org, the cvelistV5 repository). The CNA's affected list becomes vers
 * ranges: `version` + `lessThan` / `lessThanOrEqual`, status `changes` along the way, and a
 * `defaultStatus` of affected that makes every version affected except those listed unaffected.
 * REJECTED records are withdrawn advisories.
 */
import type { Readable } from 'node:stream';
import type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from '../advisories/format.ts';
import type { AffectedProduct, Score } from '../advisories/model.ts';
import { advisorySeverity, scoreOf } from '../advisories/cvss.ts';
import { asArray, asString, checkedAdvisory, cpe23, effectiveTlp, errorRow, isObject, optional, parseJson, readText, splitPurl, strings, versOf } from '../advisories/build.ts';
import { parseVers } from '../versions/index.ts';
import { baseName } from './feed-input.ts';

/** Package registries a CNA names in collectionURL, and their purl type. */
const COLLECTIONS: ReadonlyArray<[RegExp, string]> = [
  [/registry\.npmjs\.org|npmjs\.com/, 'npm'],
  [/pypi\.org/, 'pypi'],
  [/repo\.maven\.apache\.org|repo1\.maven\.org/, 'maven'],
  [/crates\.io/, 'cargo'],
  [/rubygems\.org/, 'gem'],
  [/nuget\.org/, 'nuget'],
  [/packagist\.org/, 'composer'],
  [/pkg\.go\.dev|proxy\.golang\.org/, 'golang'],
];

/** versionType values and the vers scheme that orders them; `custom` and unknown ones are generic. */
const VERSION_TYPES: Readonly<Record<string, string>> = { semver: 'semver', maven: 'maven', python: 'pypi', pypi: 'pypi', rpm: 'rpm', npm: 'npm', deb: 'deb', debian: 'deb', gem: 'gem', nuget: 'nuget', go: 'golang' };

const PLACEHOLDER = /^(n\/a|unspecified|unknown|-|\*)?$/i;

interface Segment {
  text: string;
  status: string;
}

/** The intervals one `versions` entry describes, each with its status (changes split it). */
function segments(entry: Record<string, unknown>): Segment[] {
  const start = asString(entry.version) ?? '';
  const lessThan = asString(entry.lessThan);
  const lessOrEqual = asString(entry.lessThanOrEqual);
  const status = asString(entry.status) ?? 'unknown';
  const lower = (v: string): string => (v === '0' || PLACEHOLDER.test(v) ? '' : `>=${v} `);
  if (!lessThan && !lessOrEqual) return [{ text: PLACEHOLDER.test(start) ? '' : `=${start}`, status }];
  const upper = lessThan ? (lessThan === '*' ? '' : `<${lessThan}`) : lessOrEqual === '*' ? '' : `<=${lessOrEqual}`;
  const changes = asArray(entry.changes).filter(isObject).flatMap((c) => (asString(c.at) ? [{ at: asString(c.at)!, status: asString(c.status) ?? status }] : []));
  const result: Segment[] = [];
  let from = start;
  let current = status;
  for (const change of changes) {
    result.push({ text: `${lower(from)}<${change.at}`.trim(), status: current });
    from = change.at;
    current = change.status;
  }
  result.push({ text: `${lower(from)}${upper}`.trim() || '*', status: current });
  return result;
}

/** Flips every comparator of a merged vers range: the versions it leaves out. */
function complement(vers: string): string | undefined {
  const parsed = parseVers(vers);
  if (!parsed.ok || parsed.value.anyVersion) return undefined;
  const flip: Record<string, string> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '=': '!=', '!=': '=' };
  const body = parsed.value.constraints.map((c) => `${flip[c.comparator]}${encodeURIComponent(c.version)}`).join('|');
  const flipped = versOf(`vers:${parsed.value.scheme}/${body}`, parsed.value.scheme);
  return flipped.ok ? flipped.vers : undefined;
}

function identityOf(item: Record<string, unknown>): { identity: Omit<AffectedProduct, 'status'>; scheme?: string } {
  const vendor = asString(item.vendor);
  const product = asString(item.product);
  const identity: Omit<AffectedProduct, 'status'> = {
    ...(vendor && !PLACEHOLDER.test(vendor) ? { vendor } : {}),
    ...(product && !PLACEHOLDER.test(product) ? { product } : {}),
  };
  const cpe = strings(item.cpes).map(cpe23).find((c) => c.ok);
  if (cpe?.ok) identity.cpe = cpe.cpe;
  const collection = asString(item.collectionURL) ?? '';
  const name = asString(item.packageName);
  const type = COLLECTIONS.find(([re]) => re.test(collection))?.[1];
  if (type && name) {
    const cut = type === 'maven' ? name.lastIndexOf(':') : type === 'golang' || type === 'npm' ? name.lastIndexOf('/') : -1;
    const path = cut > 0 ? `${encodeURIComponent(name.slice(0, cut)).replace(/%2F/g, '/')}/${encodeURIComponent(name.slice(cut + 1))}` : encodeURIComponent(name);
    const purl = splitPurl(`pkg:${type}/${path}`);
    if (purl.ok) identity.purl = purl.purl;
    return { identity, scheme: type };
  }
  return { identity };
}

function affectedOf(cna: Record<string, unknown>, notes: string[]): AffectedProduct[] {
  const entries: AffectedProduct[] = [];
  asArray(cna.affected).forEach((item, i) => {
    if (!isObject(item)) return;
    const { identity, scheme: packageScheme } = identityOf(item);
    const defaultStatus = asString(item.defaultStatus) ?? 'unknown';
    const affected: string[] = [];
    const exact: string[] = [];
    const unaffected: string[] = [];
    const fixedIn: string[] = [];
    let scheme = packageScheme ?? 'generic';
    asArray(item.versions).forEach((entry, j) => {
      if (!isObject(entry)) return;
      const versionType = asString(entry.versionType)?.toLowerCase();
      if (versionType === 'git') {
        notes.push(`/containers/cna/affected/${i}/versions/${j}: git version left out (commits, not versions)`);
        return;
      }
      if (!packageScheme && versionType && VERSION_TYPES[versionType]) scheme = VERSION_TYPES[versionType];
      for (const segment of segments(entry)) {
        if (segment.text === '') continue;
        if (segment.status === 'affected') {
          if (segment.text.startsWith('=')) exact.push(segment.text.slice(1));
          else affected.push(segment.text);
        } else if (segment.status === 'unaffected') {
          unaffected.push(segment.text);
          const first = /^(?:>=|=)(\S+)/.exec(segment.text)?.[1];
          if (first) fixedIn.push(first);
        }
      }
      for (const change of asArray(entry.changes)) if (isObject(change) && change.status === 'unaffected' && asString(change.at)) fixedIn.push(asString(change.at)!);
    });
    const where = `/containers/cna/affected/${i}`;
    const toVers = (groups: string[]): string | undefined => {
      const read = versOf(groups.join(' || '), scheme);
      if (!read.ok) notes.push(`${where}: versions left out: ${read.reason}`);
      return read.ok ? read.vers : undefined;
    };
    let range: string | undefined;
    if (defaultStatus === 'affected') {
      range = unaffected.length > 0 ? complement(toVers(unaffected) ?? '') : `vers:${scheme}/*`;
      if (!range) return;
    } else if (affected.length > 0) {
      range = toVers(affected);
      if (!range && exact.length === 0) return;
    }
    const fixed = [...new Set(fixedIn)];
    if (range || exact.length > 0) {
      entries.push({ ...identity, ...(range ? { range } : {}), ...(exact.length > 0 ? { versions: exact } : {}), status: 'affected', ...(fixed.length > 0 ? { fixedIn: fixed } : {}) });
    } else if (defaultStatus === 'unknown' && asArray(item.versions).length === 0) {
      entries.push({ ...identity, status: 'under_investigation' });
    }
  });
  return entries;
}

function scoresOf(containers: Record<string, unknown>[], notes: string[]): Score[] {
  const scores: Score[] = [];
  for (const container of containers) {
    for (const metric of asArray(container.metrics)) {
      if (!isObject(metric)) continue;
      for (const key of ['cvssV4_0', 'cvssV3_1', 'cvssV3_0']) {
        const cvss = metric[key];
        if (!isObject(cvss) || !asString(cvss.vectorString)) continue;
        const score = scoreOf(asString(cvss.vectorString)!, typeof cvss.baseScore === 'number' ? cvss.baseScore : undefined);
        if ('error' in score) notes.push(`metrics ${key}: ${score.error}`);
        else if (!scores.some((s) => s.vector === score.vector)) scores.push(score);
      }
    }
  }
  return scores;
}

const englishFirst = (list: unknown): string | undefined => {
  const items = asArray(list).filter(isObject);
  const pick = items.find((d) => /^en/i.test(asString(d.lang) ?? '')) ?? items[0];
  return pick ? asString(pick.value) : undefined;
};

function advisoryRow(record: Record<string, unknown>, context: AdvisoryContext): AdvisoryRow {
  const meta = isObject(record.cveMetadata) ? record.cveMetadata : {};
  const id = asString(meta.cveId);
  if (record.dataType !== 'CVE_RECORD' || !id) return errorRow(context, 1, '/cveMetadata/cveId', 'not a CVE JSON 5 record');
  const containers = isObject(record.containers) ? record.containers : {};
  const cna = isObject(containers.cna) ? containers.cna : {};
  const adp = asArray(containers.adp).filter(isObject);
  const rejected = meta.state === 'REJECTED';
  const notes: string[] = [];
  const scores = scoresOf([cna, ...adp], notes);
  const description = englishFirst(rejected ? cna.rejectedReasons : cna.descriptions);
  const cwes = [cna, ...adp].flatMap((c) =>
    asArray(c.problemTypes).flatMap((p) => (isObject(p) ? asArray(p.descriptions).flatMap((d) => (isObject(d) && asString(d.cweId) ? [asString(d.cweId)!] : [])) : [])),
  );
  const provider = isObject(cna.providerMetadata) ? asString(cna.providerMetadata.shortName) : undefined;
  return checkedAdvisory(
    context,
    1,
    {
      id,
      format: 'cve5',
      aliases: [],
      title: asString(cna.title) ?? description?.split('\n')[0] ?? id,
      ...optional('summary', description),
      language: 'en',
      ...optional('publisher', provider ?? asString(meta.assignerShortName)),
      ...optional('published', asString(meta.datePublished)),
      ...optional('modified', asString(meta.dateUpdated)),
      withdrawn: rejected,
      ...optional('withdrawnReason', rejected ? (description ?? 'rejected') : undefined),
      severity: advisorySeverity(scores),
      scores,
      tlp: effectiveTlp(undefined, context),
      cwes: [...new Set(cwes)],
      affected: rejected ? [] : affectedOf(cna, notes),
      remediations: [],
      references: [...new Set(asArray(cna.references).flatMap((r) => (isObject(r) && asString(r.url) ? [asString(r.url)!] : [])))],
    },
    notes,
  );
}

async function* parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow> {
  const json = parseJson(await readText(input));
  if (!json.ok) yield errorRow(context, json.line, undefined, json.reason);
  else if (!isObject(json.value)) yield errorRow(context, 1, '/', 'not a CVE JSON 5 record');
  else yield advisoryRow(json.value, context);
}

export const cve5: AdvisoryFormat = {
  name: 'cve5',
  description: 'CVE JSON 5 records (cve.org, cvelistV5); REJECTED records withdraw the advisory',
  detect(fileName, head) {
    if (/"dataType"\s*:\s*"CVE_RECORD"/.test(head)) return 0.95;
    return /^cve-\d{4}-\d+\.json$/.test(baseName(fileName)) && /"cveMetadata"/.test(head) ? 0.8 : 0;
  },
  parse,
};

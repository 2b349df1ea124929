/**
 * OSV records (osv.dev, GitHub advisories, PyPI, RustSec, Go …): one record, an array of records
 * or an API answer `{ "vulns": [...] }`. SEMVER and ECOSYSTEM ranges become vers ranges in the
 * package's scheme; GIT ranges name commits, which no inventory holds, and are left out with a note.
 */
import type { Readable } from 'node:stream';
import type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from '../advisories/format.ts';
import type { AffectedProduct, Score } from '../advisories/model.ts';
import { advisorySeverity, scoreOf } from '../advisories/cvss.ts';
import { aliasesOf, asArray, asString, checkedAdvisory, effectiveTlp, errorRow, isObject, optional, parseJson, readText, splitPurl, strings, versOf } from '../advisories/build.ts';
import { baseName } from './feed-input.ts';

/** OSV ecosystems and their purl type (and namespace where the type needs one). */
const ECOSYSTEMS: Readonly<Record<string, { type: string; namespace?: string }>> = {
  npm: { type: 'npm' },
  pypi: { type: 'pypi' },
  maven: { type: 'maven' },
  go: { type: 'golang' },
  'crates.io': { type: 'cargo' },
  rubygems: { type: 'gem' },
  nuget: { type: 'nuget' },
  packagist: { type: 'composer' },
  hex: { type: 'hex' },
  pub: { type: 'pub' },
  swifturl: { type: 'swift' },
  debian: { type: 'deb', namespace: 'debian' },
  ubuntu: { type: 'deb', namespace: 'ubuntu' },
  alpine: { type: 'apk', namespace: 'alpine' },
  'red hat': { type: 'rpm', namespace: 'redhat' },
  almalinux: { type: 'rpm', namespace: 'almalinux' },
  'rocky linux': { type: 'rpm', namespace: 'rocky-linux' },
  opensuse: { type: 'rpm', namespace: 'opensuse' },
  suse: { type: 'rpm', namespace: 'suse' },
  'github actions': { type: 'github' },
};

/** The package's purl (without version) and the vers scheme its versions follow. */
function packageOf(pkg: Record<string, unknown>): { purl?: string; scheme: string; name?: string } {
  const name = asString(pkg.name);
  const given = asString(pkg.purl);
  if (given) {
    const split = splitPurl(given);
    if (split.ok) return { purl: split.purl, scheme: split.type, name };
  }
  const [ecosystem, release] = (asString(pkg.ecosystem) ?? '').split(':');
  const known = ECOSYSTEMS[ecosystem.toLowerCase()];
  if (!known || !name) return { scheme: 'generic', name };
  // Maven and Go names hold their namespace: `group:artifact`, `github.com/owner/repo`.
  const cut = known.type === 'maven' ? name.lastIndexOf(':') : known.type === 'golang' ? name.lastIndexOf('/') : -1;
  const namespace = cut > 0 ? name.slice(0, cut) : known.namespace;
  const local = cut > 0 ? name.slice(cut + 1) : name;
  const distro = release && known.type !== 'golang' ? `?distro=${encodeURIComponent(`${ecosystem.toLowerCase()}-${release.toLowerCase()}`)}` : '';
  const path = [namespace, local].filter(Boolean).map((p) => p!.split('/').map(encodeURIComponent).join('/'));
  const split = splitPurl(`pkg:${known.type}/${path.join('/')}${distro}`);
  return split.ok ? { purl: split.purl, scheme: known.type, name } : { scheme: known.type, name };
}

/**
 * OSV range events as a vers range: each `introduced` opens an interval that the next `fixed`
 * (exclusive) or `last_affected` (inclusive) closes; `introduced: "0"` has no lower bound, and an
 * interval left open is capped by a `limit` when there is one.
 */
function eventsToVers(events: unknown[], scheme: string): { ok: true; vers: string; fixed: string[] } | { ok: false; reason: string } {
  const groups: string[] = [];
  const fixed: string[] = [];
  let lower: string | undefined;
  let open = false;
  let limit: string | undefined;
  const from = (): string => (lower && lower !== '0' ? `>=${lower} ` : '');
  for (const event of events) {
    if (!isObject(event)) continue;
    if (asString(event.introduced) !== undefined) {
      lower = asString(event.introduced);
      open = true;
    } else if (asString(event.fixed) !== undefined) {
      groups.push(`${from()}<${asString(event.fixed)}`);
      fixed.push(asString(event.fixed)!);
      open = false;
    } else if (asString(event.last_affected) !== undefined) {
      groups.push(`${from()}<=${asString(event.last_affected)}`);
      open = false;
    } else if (asString(event.limit) !== undefined) {
      limit = asString(event.limit);
    }
  }
  if (open) groups.push(limit && limit !== '*' ? `${from()}<${limit}` : from().trim() || '*');
  if (groups.length === 0) return { ok: false, reason: 'no introduced event' };
  const range = versOf(groups.join(' || '), scheme);
  return range.ok ? { ...range, fixed } : range;
}

function affectedOf(record: Record<string, unknown>, notes: string[]): AffectedProduct[] {
  const entries: AffectedProduct[] = [];
  asArray(record.affected).forEach((item, i) => {
    if (!isObject(item) || !isObject(item.package)) return;
    const pkg = packageOf(item.package);
    const identity = { ...(pkg.purl ? { purl: pkg.purl } : {}), ...(pkg.name ? { product: pkg.name } : {}) };
    const versions = strings(item.versions);
    let ranged = false;
    asArray(item.ranges).forEach((range, j) => {
      if (!isObject(range)) return;
      const where = `/affected/${i}/ranges/${j}`;
      if (range.type === 'GIT') {
        notes.push(`${where}: GIT range left out (commits, not versions)`);
        return;
      }
      const read = eventsToVers(asArray(range.events), range.type === 'SEMVER' && pkg.scheme === 'generic' ? 'semver' : pkg.scheme);
      if (!read.ok) {
        notes.push(`${where}: left out: ${read.reason}`);
        return;
      }
      ranged = true;
      entries.push({ ...identity, range: read.vers, ...(versions.length > 0 ? { versions } : {}), status: 'affected', ...(read.fixed.length > 0 ? { fixedIn: read.fixed } : {}) });
    });
    if (!ranged && versions.length > 0) entries.push({ ...identity, versions, status: 'affected' });
  });
  return entries;
}

function scoresOf(record: Record<string, unknown>, notes: string[]): Score[] {
  const scores: Score[] = [];
  asArray(record.severity).forEach((s, i) => {
    if (!isObject(s) || !['CVSS_V3', 'CVSS_V4'].includes(String(s.type)) || !asString(s.score)) return;
    const score = scoreOf(asString(s.score)!);
    if ('error' in score) notes.push(`/severity/${i}: ${score.error}`);
    else scores.push(score);
  });
  return scores;
}

/** The severity GitHub (`MODERATE`) and others write in database_specific, of the record or of an affected package. */
function severityText(record: Record<string, unknown>): string | undefined {
  const texts = [record.database_specific, ...asArray(record.affected).flatMap((a) => (isObject(a) ? [a.database_specific, a.ecosystem_specific] : []))]
    .flatMap((d) => (isObject(d) && asString(d.severity) ? [asString(d.severity)!] : []));
  return texts.length > 0 ? texts.join(' ') : undefined;
}

function advisoryRow(record: unknown, line: number, where: string, context: AdvisoryContext): AdvisoryRow {
  if (!isObject(record) || !asString(record.id)) return errorRow(context, line, `${where}/id`, 'not an OSV record: no id');
  const id = asString(record.id)!;
  const notes: string[] = [];
  const scores = scoresOf(record, notes);
  const details = asString(record.details);
  const withdrawn = asString(record.withdrawn);
  const database = isObject(record.database_specific) ? record.database_specific : {};
  return checkedAdvisory(
    context,
    line,
    {
      id,
      format: 'osv',
      aliases: aliasesOf(id, strings(record.aliases)),
      title: asString(record.summary) ?? details?.split('\n')[0] ?? id,
      ...optional('summary', details),
      language: 'en',
      ...optional('published', asString(record.published)),
      ...optional('modified', asString(record.modified)),
      withdrawn: withdrawn !== undefined,
      ...optional('withdrawnReason', withdrawn ? `withdrawn ${withdrawn}` : undefined),
      severity: advisorySeverity(scores, severityText(record)),
      scores,
      tlp: effectiveTlp(undefined, context),
      cwes: strings(database.cwe_ids),
      affected: affectedOf(record, notes),
      remediations: [],
      references: [...new Set(asArray(record.references).flatMap((r) => (isObject(r) && asString(r.url) ? [asString(r.url)!] : [])))],
    },
    notes.map((n) => `${where}${n}`),
  );
}

async function* parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow> {
  const json = parseJson(await readText(input));
  if (!json.ok) {
    yield errorRow(context, json.line, undefined, json.reason);
    return;
  }
  const doc = json.value;
  const records = Array.isArray(doc) ? doc.map((r, i) => [r, `/${i}`] as const) : isObject(doc) && Array.isArray(doc.vulns) ? doc.vulns.map((r, i) => [r, `/vulns/${i}`] as const) : [[doc, ''] as const];
  for (const [record, where] of records) yield advisoryRow(record, 1, where, context);
}

export const osv: AdvisoryFormat = {
  name: 'osv',
  description: 'OSV vulnerability records (osv.dev, GitHub, PyPI, RustSec …): one record, an array, or an API answer',
  detect(fileName, head) {
    if (/"(csaf_version|dataType|catalogVersion|bomFormat)"/.test(head)) return 0;
    const hasId = /"id"\s*:\s*"[A-Za-z]+-[\w-]+"/.test(head);
    if (hasId && /"schema_version"\s*:/.test(head)) return 0.9;
    if (hasId && /"modified"\s*:/.test(head) && /"(affected|aliases|withdrawn)"\s*:/.test(head)) return 0.8;
    return /^(ghsa|pysec|osv|rustsec|go)-.*\.json$/.test(baseName(fileName)) ? 0.5 : 0;
  },
  parse,
};

/**
 * The whole CISA KEV catalogue and then 10,000 OSV records ingested as `koppel ingest` does it
 * (format detection, parse, store, match through the software index, findings) against 100,000
 * organisations holding 1,000,000 software entries, on the embedded store and on PostgreSQL when
 * reachable, each store in a process of its own. Target (issue 5): both files ingested and matched
 * in < 30 s. The index is loaded and built once per process, before the files, and timed apart.
 * References in the same run: the same matching done in memory alone (the floor the store adds
 * to), and a naive scan of every entry against every affected product, timed on a sample and
 * scaled to the whole registry.
 *
 * The inventories hold packages of seven ecosystems, CPEs and plain names of the products KEV
 * names, and plain names of packages; the OSV records are modelled on the real ones in the corpus
 * (GitHub and PyPI records: aliases, CVSS vectors, ECOSYSTEM, SEMVER and GIT ranges, version lists).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Advisory } from '../src/advisories/index.ts';
import { matchEntry, namesOf, SoftwareIndex, type SoftwareAsset } from '../src/matching/software-index.ts';
import { advisoryFormatOf, ingestAdvisoryFile, loadSoftwareIndex } from '../src/pipeline/advisories.ts';
import { importBenchRegistry, onBenchStore, peakRss, writeLines } from './measure.ts';
import { prng, registryCsv } from './registry-file.ts';

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 100_000);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const OSV_RECORDS = Number(process.env.BENCH_OSV ?? 10_000);
/** `embedded`, `postgres` or both (the default), comma-separated. */
const STORES = (process.env.BENCH_STORES ?? 'embedded,postgres').split(',').filter((name) => name === 'embedded' || name === 'postgres');
const KEV_FILE = fileURLToPath(new URL('../../shared/corpus/kev/known_exploited_vulnerabilities.json', import.meta.url));
const dataDir = fileURLToPath(new URL('./data', import.meta.url));
/** Packages in the inventories; the OSV records name these and a share of others. */
const PACKAGES = 20_000;
const NAIVE_ADVISORIES = 100;
const NAIVE_ENTRIES = 20_000;

if (!existsSync(KEV_FILE)) {
  console.log(`advisory catalogue: skipped, the KEV catalogue is absent (looked for ${KEV_FILE})`);
  process.exit(0);
}

interface Ecosystem {
  osv: string;
  purl(name: string): string;
  version(random: () => number): string;
  /** SEMVER ranges where OSV writes them so, else ECOSYSTEM. */
  rangeType: 'SEMVER' | 'ECOSYSTEM';
}

const semverOf = (random: () => number, prefix = '') => `${prefix}${Math.floor(random() * 5)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`;

/** Package ecosystems by their share of the inventories. */
const ECOSYSTEMS: Array<[number, Ecosystem]> = [
  [0.35, { osv: 'npm', purl: (n) => `pkg:npm/${n}`, version: (r) => semverOf(r), rangeType: 'SEMVER' }],
  [0.2, { osv: 'PyPI', purl: (n) => `pkg:pypi/${n}`, version: (r) => `${Math.floor(r() * 5)}.${Math.floor(r() * 40)}${r() < 0.5 ? `.${Math.floor(r() * 5)}` : ''}`, rangeType: 'ECOSYSTEM' }],
  [0.15, { osv: 'Maven', purl: (n) => `pkg:maven/org.bench.${n.split('-')[1]}/${n}`, version: (r) => semverOf(r), rangeType: 'ECOSYSTEM' }],
  [0.1, { osv: 'Go', purl: (n) => `pkg:golang/github.com/bench/${n}`, version: (r) => semverOf(r, 'v'), rangeType: 'SEMVER' }],
  [0.08, { osv: 'crates.io', purl: (n) => `pkg:cargo/${n}`, version: (r) => semverOf(r), rangeType: 'SEMVER' }],
  [0.07, { osv: 'NuGet', purl: (n) => `pkg:nuget/Bench.${n}`, version: (r) => semverOf(r), rangeType: 'ECOSYSTEM' }],
  [0.05, { osv: 'RubyGems', purl: (n) => `pkg:gem/${n}`, version: (r) => semverOf(r), rangeType: 'ECOSYSTEM' }],
];

function ecosystemOf(n: number): Ecosystem {
  let share = (n % 100) / 100;
  for (const [weight, ecosystem] of ECOSYSTEMS) {
    if (share < weight) return ecosystem;
    share -= weight;
  }
  return ECOSYSTEMS[0][1];
}

const packageName = (n: number) => `bench-${n}-${['core', 'utils', 'parser', 'client', 'server', 'http', 'auth', 'json'][n % 8]}`;

/** The name a package has in OSV: Maven `group:artifact`, Go the module path, NuGet its id. */
function osvName(n: number): string {
  const ecosystem = ecosystemOf(n);
  const name = packageName(n);
  if (ecosystem.osv === 'Maven') return `org.bench.${n}:${name}`;
  if (ecosystem.osv === 'Go') return `github.com/bench/${name}`;
  if (ecosystem.osv === 'NuGet') return `Bench.${name}`;
  return name;
}

interface KevProduct {
  cve: string;
  vendor: string;
  product: string;
}

/** KEV vendor/product pairs that read as plain CPE values (letters, digits and spaces). */
function kevProducts(): KevProduct[] {
  const catalogue = JSON.parse(readFileSync(KEV_FILE, 'utf8')) as { vulnerabilities: Array<{ cveID: string; vendorProject: string; product: string }> };
  return catalogue.vulnerabilities.map((v) => ({ cve: v.cveID, vendor: v.vendorProject, product: v.product }));
}

const cpeValue = (text: string) => text.toLowerCase().replace(/\s+/g, '_');
const simple = (text: string) => /^[A-Za-z0-9 ]+$/.test(text);

/** One software entry: 75 % packages, 10 % CPEs and 7 % plain names of KEV products, 8 % plain names of packages. */
function softwareEntry(random: () => number, kev: KevProduct[]): string {
  const kind = random();
  const n = Math.floor(random() * PACKAGES);
  const ecosystem = ecosystemOf(n);
  if (kind < 0.75) return `${ecosystem.purl(packageName(n))}@${ecosystem.version(random)}`;
  const { vendor, product } = kev[Math.floor(random() * kev.length)];
  const version = `${Math.floor(random() * 20)}.${Math.floor(random() * 10)}.${Math.floor(random() * 1000)}`;
  if (kind < 0.85) return `cpe:2.3:a:${cpeValue(vendor)}:${cpeValue(product)}:${version}:*:*:*:*:*:*:*`;
  if (kind < 0.92) return `${vendor} ${product} ${version}`;
  return `${packageName(n)} ${ecosystem.version(random).replace(/^v/, '')}`;
}

/** The software inventories: `perOrganisation` distinct entries each, ids in the order the registry import gives them. */
function inventories(kev: KevProduct[]): SoftwareAsset[] {
  const random = prng(11);
  const simpleKev = kev.filter((k) => simple(k.vendor) && simple(k.product));
  const perOrganisation = Math.ceil(ENTRIES / ORGANISATIONS);
  const assets: SoftwareAsset[] = [];
  for (let org = 1; org <= ORGANISATIONS && assets.length < ENTRIES; org++) {
    // An organisation registers an entry once; the import refuses a repeat.
    const values = new Set<string>();
    while (values.size < perOrganisation && assets.length + values.size < ENTRIES) values.add(softwareEntry(random, simpleKev));
    for (const value of values) assets.push({ id: assets.length + 1, organisationId: org, value, verified: random() < 0.8 });
  }
  return assets;
}

const CVSS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H'];
const SEVERITY_TEXT = ['CRITICAL', 'MODERATE', 'HIGH', 'LOW'];

/** The affected versions of one package in an OSV record: one or two ranges, sometimes a version list, sometimes a GIT range. */
function affectedOf(random: () => number, n: number): Record<string, unknown> {
  const ecosystem = ecosystemOf(n);
  const name = osvName(n);
  const v = (major: number, minor: number) => (ecosystem.osv === 'Go' ? `v${major}.${minor}.0` : `${major}.${minor}.0`);
  const major = Math.floor(random() * 5);
  const events: Array<Record<string, string>> = [{ introduced: random() < 0.4 ? '0' : v(major, 0) }, { fixed: v(major, 5 + Math.floor(random() * 15)) }];
  if (random() < 0.2) events.push({ introduced: v(major + 1, 0) }, { fixed: v(major + 1, 3) });
  const ranges: Array<Record<string, unknown>> = [{ type: ecosystem.rangeType, events }];
  if (random() < 0.15) ranges.unshift({ type: 'GIT', repo: `https://github.com/bench/${packageName(n)}`, events: [{ introduced: '0' }, { fixed: (n * 2654435761).toString(16).padStart(40, '0').slice(0, 40) }] });
  const affected: Record<string, unknown> = { package: { ecosystem: ecosystem.osv, name, ...(random() < 0.3 ? { purl: ecosystem.purl(packageName(n)) } : {}) }, ranges };
  if (random() < 0.1) affected.versions = Array.from({ length: 5 + Math.floor(random() * 20) }, (_, i) => v(major, i));
  return affected;
}

/** OSV records as GitHub and PyPI publish them; most name a package the inventories hold, some alias a KEV CVE. */
async function osvFile(kev: KevProduct[]): Promise<string> {
  const file = path.join(dataDir, `osv-${OSV_RECORDS}.json`);
  if (existsSync(file)) return file;
  const random = prng(23);
  const hex = (length: number) => Array.from({ length }, () => '23456789cfghjmpqrvwx'[Math.floor(random() * 20)]).join('');
  const records: unknown[] = [];
  for (let i = 0; i < OSV_RECORDS; i++) {
    const github = random() < 0.8;
    const id = github ? `GHSA-${hex(4)}-${hex(4)}-${hex(4)}` : `PYSEC-2025-${1000 + i}`;
    const cve = random() < 0.03 ? kev[Math.floor(random() * kev.length)].cve : `CVE-2025-${String(10_000 + i).padStart(5, '0')}`;
    const packages = random() < 0.85 ? 1 : 2 + Math.floor(random() * 2);
    const affected = Array.from({ length: packages }, () => affectedOf(random, random() < 0.8 ? Math.floor(random() * PACKAGES) : PACKAGES + Math.floor(random() * PACKAGES * 4)));
    const severity = Math.floor(random() * CVSS.length);
    records.push({
      schema_version: '1.4.0',
      id,
      modified: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`,
      published: `2025-${String(1 + (i % 12)).padStart(2, '0')}-01T09:00:00Z`,
      aliases: github ? [cve] : [cve, `GHSA-${hex(4)}-${hex(4)}-${hex(4)}`],
      summary: `Bench vulnerability ${i} in ${(affected[0] as { package: { name: string } }).package.name}`,
      details: `A crafted request makes ${(affected[0] as { package: { name: string } }).package.name} run code it was not meant to. This issue has been patched.`,
      severity: [{ type: 'CVSS_V3', score: CVSS[severity] }],
      affected,
      references: [
        { type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/${cve}` },
        { type: 'WEB', url: `https://github.com/bench/advisories/${i}` },
      ],
      database_specific: { cwe_ids: [`CWE-${[79, 89, 94, 22, 502][i % 5]}`], severity: SEVERITY_TEXT[severity], github_reviewed: github },
    });
  }
  await writeLines(file, ['[', ...records.map((r, i) => `${JSON.stringify(r, null, 2)}${i + 1 < records.length ? ',' : ''}`), ']']);
  return file;
}

/** The OSV file's advisories as the ingest reads them. */
async function advisoriesOf(file: string): Promise<Advisory[]> {
  const format = (await advisoryFormatOf(file))!;
  const advisories: Advisory[] = [];
  for await (const row of format.parse(Readable.from([readFileSync(file)]), { file, receivedAt: new Date().toISOString(), options: {} })) if ('advisory' in row) advisories.push(row.advisory);
  return advisories;
}

async function measure(name: 'embedded' | 'postgres', registry: string, osv: string) {
  await onBenchStore(name, 'advisories', async (store, title) => {
    await importBenchRegistry(store.db, registry);
    let start = performance.now();
    const index = await loadSoftwareIndex(store.db);
    const loadSeconds = (performance.now() - start) / 1000;
    const stop = peakRss();
    const times: string[] = [];
    let findings = 0;
    start = performance.now();
    for (const file of [KEV_FILE, osv]) {
      const fileStart = performance.now();
      const report = await ingestAdvisoryFile(store.db, index, { file, format: (await advisoryFormatOf(file))! });
      findings += report.findingsNew;
      times.push(`${report.format} ${((performance.now() - fileStart) / 1000).toFixed(1)} s (${report.rows.toLocaleString('en')} records, ${report.findingsNew.toLocaleString('en')} new findings)`);
    }
    const seconds = (performance.now() - start) / 1000;
    const known = await sql<{ n: number }>`SELECT count(*)::int AS n FROM vulnerability_findings WHERE kev IS NOT NULL`.execute(store.db);
    console.log(
      `${title}: ${seconds.toFixed(1)} s (target < 30 s, load ${loadavg()[0].toFixed(1)}): ${times.join(', ')}; ${findings.toLocaleString('en')} findings, ` +
        `${known.rows[0].n.toLocaleString('en')} of them known exploited; peak RSS ${Math.round(stop() / 1048576)} MB (index loaded and built in ${loadSeconds.toFixed(1)} s beforehand)`,
    );
  });
}

/**
 * The references, on an index built from the generated inventories with the KEV names learnt:
 * matching alone in memory, and the naive scan scaled up.
 */
function references(assets: SoftwareAsset[], kev: KevProduct[], advisories: Advisory[]): string {
  const index = SoftwareIndex.build(assets);
  for (const { vendor, product } of kev) for (const { phrase, identity } of namesOf({ vendor, product })) index.learn(phrase, identity);
  let start = performance.now();
  let hits = 0;
  for (const advisory of advisories) hits += index.affectedBy(advisory).length;
  const inMemory = (performance.now() - start) / 1000;
  const sample = advisories.slice(0, NAIVE_ADVISORIES);
  const entries = assets.slice(0, NAIVE_ENTRIES).map((a) => index.entry(a.id)!);
  start = performance.now();
  let naiveHits = 0;
  for (const advisory of sample) for (const entry of entries) if (advisory.affected.some((p) => p.status === 'affected' && matchEntry(entry, p, advisory.id).matched)) naiveHits++;
  const naive = ((performance.now() - start) / 1000) * (advisories.length / sample.length) * (assets.length / entries.length);
  return (
    `references (load ${loadavg()[0].toFixed(1)}): the matching alone in memory ${inMemory.toFixed(1)} s (${hits.toLocaleString('en')} affected entries); ` +
    `a naive scan of every entry against every product ~${Math.round(naive).toLocaleString('en')} s (timed on ${sample.length} advisories × ${entries.length.toLocaleString('en')} entries, ${naiveHits} hits there)`
  );
}

const stage = process.env.BENCH_TARGET;
if (stage === 'embedded' || stage === 'postgres') await measure(stage, process.env.BENCH_REGISTRY!, process.env.BENCH_OSV_FILE!);
else {
  const kev = kevProducts();
  const assets = inventories(kev);
  const registry = await registryCsv(path.join(dataDir, `software-registry-${ORGANISATIONS}-${ENTRIES}.csv`), assets.map((a) => ({ ...a, kind: 'software' })));
  const osv = await osvFile(kev);
  const advisories = await advisoriesOf(osv);
  console.log(
    `${availableParallelism()} cores; KEV catalogue (${kev.length.toLocaleString('en')} entries) and ${OSV_RECORDS.toLocaleString('en')} OSV records ` +
      `(${advisories.reduce((n, a) => n + a.affected.length, 0).toLocaleString('en')} affected products) against ${ORGANISATIONS.toLocaleString('en')} organisations with ${assets.length.toLocaleString('en')} software entries`,
  );
  for (const name of STORES) {
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_TARGET: name, BENCH_REGISTRY: registry, BENCH_OSV_FILE: osv },
    });
  }
  console.log(references(assets, kev, advisories));
}

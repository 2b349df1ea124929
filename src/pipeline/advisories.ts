/**
 * Advisories end to end: an advisory file is parsed, its advisories stored (a revision replaces the
 * older one), each vulnerability looked up in the software index, and its matches turned into one
 * finding per organisation × vulnerability × product. Advisories that share an id or alias are one
 * vulnerability. KEV and EPSS enrich what is there; a VEX `not_affected` suppresses. A changed
 * inventory re-evaluates that organisation only, through the product identities the advisories name.
 */
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { advisoryFormatByName, detectAdvisoryFormat, type Advisory, type AdvisoryFormat, type Enrichment, type VexStatement } from '../advisories/index.ts';
import {
  advisoriesNaming,
  advisoriesOfCves,
  advisoryGroups,
  dropFromDocument,
  idsOf,
  loadNames,
  storeAdvisories,
  storeEnrichments,
  storeNames,
  storeVexStatements,
} from '../advisories/store.ts';
import type { Bus } from '../bus/index.ts';
import { KoppelError } from '../errors.ts';
import { reconcileVulnerabilities } from '../findings/vulnerabilities.ts';
import { finishBatch, recordRowErrors, ROW_ERRORS_KEPT, startBatch } from '../intake/batches.ts';
import type { RowError } from '../intake/index.ts';
import { sourceForIngest } from '../intake/sources.ts';
import { namesOf, productKeys, SoftwareIndex, SoftwareNames, type SoftwareAsset } from '../matching/software-index.ts';
import { importRegistry, organisationId, type AssetChanges, type ImportOptions, type ImportReport } from '../registry/index.ts';
import type { Database } from '../store/index.ts';
import { fileInput, readHead } from './feed-file.ts';
import { lastAssetId } from './matcher.ts';
import { assessVulnerabilities, vulnerabilityIds, type VulnerabilitySeed } from './vulnerability.ts';

type Db = Kysely<Database>;

/**
 * The advisory format of a file, when it is an advisory file: named by `--format`, or detected from
 * the name and first kilobytes. Undefined leaves the file to the feed formats.
 */
export async function advisoryFormatOf(file: string, format?: string): Promise<AdvisoryFormat | undefined> {
  if (format !== undefined) return advisoryFormatByName(format);
  const { head } = await readHead(file);
  return detectAdvisoryFormat(path.basename(file), head);
}

export async function loadSoftwareAssets(db: Db, organisation?: number): Promise<SoftwareAsset[]> {
  let query = db.selectFrom('assets').select(['id', 'organisation_id', 'value', 'verification']).where('kind', '=', 'software');
  if (organisation !== undefined) query = query.where('organisation_id', '=', organisation);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, organisationId: r.organisation_id, value: r.value, verified: r.verification !== 'unverified' }));
}

/** The software index of every organisation (or one), with the names dictionary from the store. */
export async function loadSoftwareIndex(db: Db, organisation?: number): Promise<SoftwareIndex> {
  const names = new SoftwareNames();
  for (const { phrase, identity } of await loadNames(db)) names.learn(phrase, identity);
  return SoftwareIndex.build(await loadSoftwareAssets(db, organisation), names);
}

const indexes = new WeakMap<Bus, Promise<SoftwareIndex>>();

/** The software index of a running process, built on first use and kept current by registry changes on the bus. */
export function softwareIndexFor(db: Db, bus: Bus): Promise<SoftwareIndex> {
  const existing = indexes.get(bus);
  if (existing) return existing;
  const built = loadSoftwareIndex(db);
  indexes.set(bus, built);
  bus.subscribe('registry.assets', async (changes) => {
    if (changes.reload) {
      indexes.set(bus, loadSoftwareIndex(db));
      return;
    }
    const index = await indexes.get(bus)!;
    for (const id of changes.removed) index.remove(id);
    for (const a of changes.added) if (a.kind === 'software') index.add({ id: a.id, organisationId: a.organisationId, value: a.value, verified: a.verification !== 'unverified' });
  });
  return built;
}

export interface VulnerabilityCounts {
  findingsNew: number;
  findingsUpdated: number;
  findingsResolved: number;
  findingsSuppressed: number;
}

const noCounts = (): VulnerabilityCounts => ({ findingsNew: 0, findingsUpdated: 0, findingsResolved: 0, findingsSuppressed: 0 });
const addCounts = (a: VulnerabilityCounts, b: VulnerabilityCounts): void => {
  a.findingsNew += b.findingsNew;
  a.findingsUpdated += b.findingsUpdated;
  a.findingsResolved += b.findingsResolved;
  a.findingsSuppressed += b.findingsSuppressed;
};

/**
 * Seeds evaluated together: their advisories, enrichments and VEX statements read, and their
 * findings written, in a few statements per chunk rather than a dozen per vulnerability.
 */
const EVALUATION_CHUNK = 500;

/** Re-evaluates each vulnerability named by a seed once, however many seeds name it. */
async function evaluateAll(db: Db, index: SoftwareIndex, seeds: readonly string[][], organisation?: number): Promise<VulnerabilityCounts> {
  const counts = noCounts();
  const done = new Set<string>();
  for (let i = 0; i < seeds.length; i += EVALUATION_CHUNK) {
    const chunk = seeds.slice(i, i + EVALUATION_CHUNK).filter((seed) => !seed.some((id) => done.has(id)));
    const groups = await advisoryGroups(db, chunk);
    const vulnerabilities: VulnerabilitySeed[] = [];
    chunk.forEach((seed, j) => {
      if (seed.some((id) => done.has(id))) return;
      const vulnerability = { seed, group: groups[j] };
      for (const id of vulnerabilityIds(vulnerability)) done.add(id);
      vulnerabilities.push(vulnerability);
    });
    addCounts(counts, await reconcileVulnerabilities(db, await assessVulnerabilities(db, index, vulnerabilities, organisation), organisation));
  }
  return counts;
}

export interface AdvisoryIngestRequest {
  file: string;
  /** What the file is called in its batch, row errors and report (an upload's own name); its path when absent. */
  name?: string;
  format: AdvisoryFormat;
  /** `--source`; derived from the format when absent. */
  source?: string;
  /** `--org`: VEX statements concern this organisation only. */
  org?: string;
}

export interface AdvisoryIngestReport extends VulnerabilityCounts {
  batch: number;
  file: string;
  format: string;
  source: string;
  rows: number;
  advisoriesNew: number;
  advisoriesRevised: number;
  advisoriesUnchanged: number;
  enrichments: number;
  statements: number;
  rejected: number;
  errors: RowError[];
  notes: string[];
}

export async function ingestAdvisoryFile(db: Db, index: SoftwareIndex, request: AdvisoryIngestRequest): Promise<AdvisoryIngestReport> {
  const { format } = request;
  const source = await sourceForIngest(db, request.source, format.name);
  const orgId = request.org !== undefined ? await organisationId(db, request.org) : null;
  if (orgId !== null && format.name !== 'cyclonedx-vex') {
    throw new KoppelError('invalid', `--org applies to VEX statements only, not to ${format.name}`, [{ field: 'org', value: request.org, reason: 'only for cyclonedx-vex' }]);
  }
  const name = request.name ?? request.file;
  const batch = await startBatch(db, source.id, name, format.name);
  const report: AdvisoryIngestReport = {
    batch,
    file: name,
    format: format.name,
    source: source.name,
    rows: 0,
    advisoriesNew: 0,
    advisoriesRevised: 0,
    advisoriesUnchanged: 0,
    enrichments: 0,
    statements: 0,
    rejected: 0,
    errors: [],
    notes: [],
    ...noCounts(),
  };
  const advisories: Advisory[] = [];
  const enrichments: Enrichment[] = [];
  const statements: VexStatement[] = [];
  const rowErrors: RowError[] = [];
  const finish = (error?: string) =>
    finishBatch(db, batch, { rows: report.rows, observations: report.advisoriesNew + report.advisoriesRevised, duplicates: report.advisoriesUnchanged, rejected: report.rejected, findingsNew: report.findingsNew, findingsSeenAgain: report.findingsUpdated }, error);
  try {
    const { gzip } = await readHead(request.file);
    const input = fileInput(request.file, gzip);
    const context = { file: name, receivedAt: new Date().toISOString(), options: {}, ...(request.source !== undefined ? { tlp: source.tlp } : {}) };
    for await (const row of format.parse(input, context)) {
      report.rows++;
      if ('error' in row) {
        report.rejected++;
        if (report.errors.length < 100) report.errors.push(row.error);
        if (rowErrors.length < ROW_ERRORS_KEPT) rowErrors.push(row.error);
      } else if ('advisory' in row) {
        advisories.push(row.advisory);
        report.notes.push(...(row.notes ?? []).map((n) => `${row.advisory.id}: ${n}`));
      } else if ('enrichment' in row) enrichments.push(row.enrichment);
      else statements.push(row.statement);
    }
    await db.transaction().execute(async (tx) => {
      await recordRowErrors(tx, batch, rowErrors);
      const seeds: string[][] = [];
      const learned: Array<{ phrase: string; identity: string }> = [];
      const documents = new Map<string, string[]>();
      const outcomes = await storeAdvisories(tx, advisories.map((advisory) => ({ advisory, keys: advisory.affected.flatMap((p) => productKeys(p)) })), source.id);
      for (const [i, advisory] of advisories.entries()) {
        const outcome = outcomes[i];
        if (advisory.document) documents.set(advisory.document, [...(documents.get(advisory.document) ?? []), advisory.id]);
        if (outcome === 'unchanged') {
          report.advisoriesUnchanged++;
          continue;
        }
        if (outcome === 'new') report.advisoriesNew++;
        else report.advisoriesRevised++;
        learned.push(...advisory.affected.flatMap((p) => namesOf(p)));
        seeds.push(idsOf(advisory));
      }
      for (const [document, keep] of documents) {
        for (const dropped of await dropFromDocument(tx, document, keep)) seeds.push(idsOf(dropped));
      }
      if (enrichments.length) {
        await storeEnrichments(tx, enrichments);
        report.enrichments = enrichments.length;
        for (const e of enrichments) if (e.kind === 'kev') learned.push(...namesOf({ vendor: e.vendor, product: e.product }));
        for (const id of await advisoriesOfCves(tx, enrichments.map((e) => e.cve))) seeds.push([id]);
      }
      if (statements.length) {
        await storeVexStatements(tx, statements, orgId);
        report.statements = statements.length;
        for (const s of statements) seeds.push([s.vulnerability, ...s.aliases]);
      }
      await storeNames(tx, learned);
      for (const { phrase, identity } of learned) index.learn(phrase, identity);
      Object.assign(report, await evaluateAll(tx, index, seeds));
    });
    await finish();
  } catch (error) {
    await finish((error as Error).message);
    throw error;
  }
  return report;
}

/**
 * After an organisation's software changed: the advisories naming any of its products, and the
 * vulnerabilities it already has findings for, are evaluated again for that organisation alone.
 */
export async function reevaluateOrganisation(db: Db, orgRef: string): Promise<VulnerabilityCounts> {
  const orgId = await organisationId(db, orgRef);
  const index = await loadSoftwareIndex(db, orgId);
  const named = await advisoriesNaming(db, index.keys());
  const existing = await db
    .selectFrom('vulnerability_findings as v')
    .innerJoin('findings as f', 'f.id', 'v.finding_id')
    .select(['v.vulnerability', 'v.aliases'])
    .distinct()
    .where('f.organisation_id', '=', orgId)
    .execute();
  const seeds = [...named.map((id) => [id]), ...existing.map((v) => [v.vulnerability, ...v.aliases])];
  return db.transaction().execute((tx) => evaluateAll(tx, index, seeds, orgId));
}

/**
 * Removing an asset changes vulnerability findings only when it was their inventory entry: such a
 * finding, still open, is left without its asset.
 */
async function entryRemoved(db: Db, orgId: number): Promise<boolean> {
  const { rows } = await sql`
    SELECT 1 FROM findings f JOIN vulnerability_findings vf ON vf.finding_id = f.id
    WHERE f.organisation_id = ${orgId} AND f.status IN ('new', 'notified', 'acknowledged', 'suppressed')
      AND NOT EXISTS (SELECT 1 FROM finding_assets fa WHERE fa.finding_id = f.id)
    LIMIT 1`.execute(db);
  return rows.length > 0;
}

/**
 * What follows any change to one organisation's assets (typed in, removed, or from an SBOM): the
 * running stages hear of it on the bus, and when its software changed the organisation alone is
 * matched again against the stored advisories.
 */
export async function organisationAssetsChanged(db: Db, bus: Bus, orgRef: string, changes: AssetChanges): Promise<VulnerabilityCounts> {
  await bus.publish('registry.assets', changes);
  const softwareChanged =
    changes.added.some((a) => a.kind === 'software') || (changes.removed.length > 0 && (await entryRemoved(db, await organisationId(db, orgRef))));
  return softwareChanged ? reevaluateOrganisation(db, orgRef) : noCounts();
}

/**
 * A registry import, and what follows it: the running stages reload the assets (and retro-match the
 * new ones), and each organisation that got new software is matched again against the stored
 * advisories, as when software is typed in.
 */
export async function importAndMatchRegistry(db: Db, bus: Bus, file: string, options: ImportOptions): Promise<ImportReport & { vulnerabilities: VulnerabilityCounts }> {
  const addedAfter = await lastAssetId(db);
  const report = await importRegistry(db, file, options);
  await bus.publish('registry.assets', { added: [], removed: [], reload: { addedAfter } });
  const vulnerabilities = noCounts();
  for (const ref of report.softwareAddedTo) addCounts(vulnerabilities, await reevaluateOrganisation(db, ref));
  return { ...report, vulnerabilities };
}

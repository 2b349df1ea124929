/** Fixtures and shortcuts for the vulnerability tests: organisations, SBOMs and OSV records written inline. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { advisoryFormatByName } from '../../src/advisories/index.ts';
import { listFindings } from '../../src/findings/index.ts';
import { vulnerabilityDetails } from '../../src/findings/vulnerabilities.ts';
import { ingestAdvisoryFile, loadSoftwareIndex } from '../../src/pipeline/advisories.ts';
import { addOrganisation, importInventory, type Actor } from '../../src/registry/index.ts';
import type { Database } from '../../src/store/index.ts';

export const ANALYST: Actor = { role: 'analyst', name: 'analyst@centre', via: 'cli' };

let folder: string | undefined;

/** Writes text to a fresh temporary file with this name. */
export async function tempFile(name: string, text: string): Promise<string> {
  folder ??= await mkdtemp(path.join(tmpdir(), 'koppel-vuln-'));
  const dir = await mkdtemp(path.join(folder, 'f-'));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

export const cyclonedx = (components: Array<Record<string, unknown>>, serialNumber?: string): string =>
  JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, ...(serialNumber ? { serialNumber } : {}), components });

export const spdx = (packages: Array<Record<string, unknown>>, documentNamespace = 'https://example.com/spdx/one'): string =>
  JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'test', documentNamespace, packages });

export interface OsvInput {
  id: string;
  aliases?: string[];
  modified?: string;
  withdrawn?: string;
  vector?: string;
  affected: Array<{ ecosystem: string; name: string; fixed?: string; introduced?: string; versions?: string[] }>;
}

export const osvRecord = (r: OsvInput): Record<string, unknown> => ({
  schema_version: '1.6.0',
  id: r.id,
  modified: r.modified ?? '2026-01-02T00:00:00Z',
  published: '2026-01-01T00:00:00Z',
  aliases: r.aliases ?? [],
  ...(r.withdrawn ? { withdrawn: r.withdrawn } : {}),
  summary: `Test vulnerability ${r.id}`,
  ...(r.vector ? { severity: [{ type: 'CVSS_V3', score: r.vector }] } : {}),
  affected: r.affected.map((a) => ({
    package: { ecosystem: a.ecosystem, name: a.name },
    ...(a.versions ? { versions: a.versions } : { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: a.introduced ?? '0' }, ...(a.fixed ? [{ fixed: a.fixed }] : [])] }] }),
  })),
});

export const osv = (...records: OsvInput[]): string => JSON.stringify(records.map(osvRecord));

export const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
export const MEDIUM = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N';

export async function enrol(db: Kysely<Database>, ...refs: string[]): Promise<void> {
  for (const ref of refs) await addOrganisation(db, { ref, name: `Organisation ${ref}` });
}

export async function importSbom(db: Kysely<Database>, org: string, fileName: string, text: string) {
  return importInventory(db, org, fileName, text, ANALYST);
}

/** Ingests advisory text the way `koppel ingest` does, with a fresh software index from the store. */
export async function ingestText(db: Kysely<Database>, fileName: string, text: string, format: string, options: { org?: string } = {}) {
  const file = await tempFile(fileName, text);
  return ingestAdvisoryFile(db, await loadSoftwareIndex(db), { file, format: advisoryFormatByName(format)!, ...options });
}

/** Vulnerability findings with their details, sorted by org, type and asset. */
export async function vulnerabilityFindings(db: Kysely<Database>) {
  const findings = (await listFindings(db)).filter((f) => f.kind === 'vulnerable');
  const details = await vulnerabilityDetails(db, findings.map((f) => f.id));
  return findings
    .map((f) => ({ ...f, ...details.get(f.id)! }))
    .sort((a, b) => `${a.org} ${a.type} ${a.asset}`.localeCompare(`${b.org} ${b.type} ${b.asset}`));
}

/** A CVE JSON 5 record naming vendor/product entries, optionally with CPEs. */
export const cveRecord = (id: string, affected: Array<{ vendor: string; product: string; cpes?: string[]; lessThan: string; from?: string }>, vector = CRITICAL): string =>
  JSON.stringify({
    dataType: 'CVE_RECORD',
    dataVersion: '5.1',
    cveMetadata: { cveId: id, state: 'PUBLISHED', assignerShortName: 'example', datePublished: '2026-03-01T00:00:00Z', dateUpdated: '2026-03-02T00:00:00Z' },
    containers: {
      cna: {
        providerMetadata: { shortName: 'ExampleCNA' },
        title: `Test ${id}`,
        descriptions: [{ lang: 'en', value: 'An attacker can run code.' }],
        affected: affected.map((a) => ({
          vendor: a.vendor,
          product: a.product,
          ...(a.cpes ? { cpes: a.cpes } : {}),
          defaultStatus: 'unaffected',
          versions: [{ version: a.from ?? '0', lessThan: a.lessThan, status: 'affected', versionType: 'semver' }],
        })),
        metrics: [{ cvssV3_1: { version: '3.1', vectorString: vector } }],
      },
    },
  });

/** The KEV catalogue with these entries. */
export const kevCatalogue = (entries: Array<{ cve: string; vendor: string; product: string }>): string =>
  JSON.stringify({
    title: 'CISA Catalog of Known Exploited Vulnerabilities',
    catalogVersion: '2026.11.27',
    dateReleased: '2026-11-27T00:00:00.000Z',
    count: entries.length,
    vulnerabilities: entries.map((e) => ({
      cveID: e.cve,
      vendorProject: e.vendor,
      product: e.product,
      vulnerabilityName: `${e.vendor} ${e.product} vulnerability`,
      dateAdded: '2026-11-20',
      shortDescription: 'Exploited.',
      requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
      dueDate: '2026-12-11',
      knownRansomwareCampaignUse: 'Unknown',
      notes: '',
      cwes: [],
    })),
  });

/** A CycloneDX VEX saying the product (a purl ref) is not affected by the CVE. */
export const vexNotAffected = (cve: string, ref: string, justification = 'code_not_reachable'): string =>
  JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    vulnerabilities: [{ id: cve, analysis: { state: 'not_affected', justification, detail: 'The vulnerable function is never called.' }, affects: [{ ref }] }],
  });

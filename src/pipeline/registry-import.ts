/**
 * What follows a registry import: the running stages reload the assets, and each organisation that
 * got new software is matched again against the stored advisories, as when software is typed in.
 */
import type { Kysely } from 'kysely';
import type { Bus } from '../bus/index.ts';
import { importRegistry, type ImportOptions, type ImportReport } from '../registry/index.ts';
import type { Database } from '../store/index.ts';
import { reevaluateOrganisation, type VulnerabilityCounts } from './advisories.ts';

export async function importAndMatchRegistry(db: Kysely<Database>, bus: Bus, file: string, options: ImportOptions): Promise<ImportReport & { vulnerabilities: VulnerabilityCounts }> {
  const report = await importRegistry(db, file, options);
  await bus.publish('registry.assets', { added: [], removed: [], reload: true });
  const vulnerabilities: VulnerabilityCounts = { findingsNew: 0, findingsUpdated: 0, findingsResolved: 0, findingsSuppressed: 0 };
  for (const ref of report.softwareAddedTo) {
    const counts = await reevaluateOrganisation(db, ref);
    for (const key of Object.keys(vulnerabilities) as Array<keyof VulnerabilityCounts>) vulnerabilities[key] += counts[key];
  }
  return { ...report, vulnerabilities };
}

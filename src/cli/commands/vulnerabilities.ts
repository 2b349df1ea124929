/** `koppel inventory …`, `koppel advisories`: the software organisations run, and what is known to be wrong with it. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { listAdvisories } from '../../advisories/store.ts';
import { organisationAssetsChanged } from '../../pipeline/advisories.ts';
import { importInventory, listInventories } from '../../registry/index.ts';
import { printJson, printProblems, printTable } from '../output.ts';
import { wholeNumberOption } from '../options.ts';
import type { Runtime } from '../runtime.ts';

export function inventoryCommand(rt: Runtime): Command {
  const inventory = new Command('inventory').description('software inventories from SBOMs (CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON)');
  inventory
    .command('import <file>')
    .description("import an SBOM as the organisation's software; re-importing the same SBOM replaces its entries")
    .requiredOption('--org <ref>', 'the organisation')
    .action(async (file: string, o: { org: string }) => {
      const { store, bus } = await rt.context();
      const result = await importInventory(store.db, o.org, file, await readFile(path.resolve(rt.cwd, file)), { ...rt.actor, via: 'import' });
      const counts = await organisationAssetsChanged(store.db, bus, o.org, result.changes);
      if (result.problems.length) {
        rt.io.err(`${result.problems.length} problem(s) in ${file}:\n`);
        printProblems(rt.io, result.problems.map((p) => ({ ...p, file })), 20);
      }
      rt.io.out(
        `${file}: inventory ${result.inventory.id} of ${o.org} (${result.inventory.format} ${result.inventory.specVersion}), ${result.inventory.entries} entries: ` +
          `${result.added} added, ${result.removed} removed, ${result.alreadyRegistered.length} already registered otherwise; ` +
          `vulnerability findings: ${counts.findingsNew} new, ${counts.findingsResolved} resolved\n`,
      );
    });
  inventory
    .command('list')
    .description('list imported inventories')
    .option('--org <ref>', 'only this organisation')
    .option('--json', 'print JSON')
    .action(async (o: { org?: string; json?: boolean }) => {
      const { store } = await rt.context();
      const inventories = await listInventories(store.db, { org: o.org });
      if (o.json) printJson(rt.io, inventories);
      else printTable(rt.io, inventories, ['id', 'org', 'file', 'format', 'specVersion', 'entries', 'importedAt', 'sbomKey']);
    });
  return inventory;
}

export function advisoriesCommand(rt: Runtime): Command {
  return new Command('advisories')
    .description('stored vulnerability advisories, latest revision first')
    .option('--limit <n>', 'at most this many', wholeNumberOption)
    .option('--json', 'print JSON')
    .action(async (o: { limit?: number; json?: boolean }) => {
      const { store } = await rt.context();
      const advisories = await listAdvisories(store.db, { limit: o.limit });
      if (o.json) return printJson(rt.io, advisories);
      printTable(
        rt.io,
        advisories.map((a) => ({ ...a, aliases: a.aliases.join(' '), kev: a.kev ? 'KEV' : '', withdrawn: a.withdrawn ? 'withdrawn' : '' })),
        ['id', 'aliases', 'severity', 'kev', 'affected', 'withdrawn', 'modified', 'source', 'title'],
      );
    });
}

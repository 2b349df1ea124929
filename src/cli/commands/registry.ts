/** `koppel org …`, `koppel asset …`, `koppel registry …`: the registry from the command line. */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Command, Option } from 'commander';
import { KoppelError } from '../../errors.ts';
import {
  ASSET_KINDS,
  LANGUAGES,
  addAssets,
  addOrganisation,
  checkContact,
  checkOrganisation,
  exportRegistry,
  getOrganisation,
  listAssets,
  listOrganisations,
  removeAsset,
  removeOrganisation,
  type AssetKind,
} from '../../registry/index.ts';
import { importAndMatchRegistry, organisationAssetsChanged, type VulnerabilityCounts } from '../../pipeline/advisories.ts';
import { printJson, printProblems, printTable, progressBar } from '../output.ts';
import type { Runtime } from '../runtime.ts';

export function organisationCommand(rt: Runtime): Command {
  const org = new Command('org').description('enrolled organisations');
  org
    .command('add')
    .description('enrol an organisation')
    .requiredOption('--ref <ref>', 'external key, e.g. a Chamber of Commerce number')
    .requiredOption('--name <name>', 'name of the organisation')
    .option('--email <address>', 'a first contact address')
    .addOption(new Option('--lang <language>', 'language of its notices').choices(LANGUAGES))
    .option('--country <code>', 'ISO 3166 two-letter country code')
    .option('--sector <sector>', 'sector')
    .action(async (o: { ref: string; name: string; email?: string; lang?: string; country?: string; sector?: string }) => {
      const checked = checkOrganisation({ ref: o.ref, name: o.name, country: o.country, sector: o.sector, language: o.lang });
      const contact = o.email !== undefined ? checkContact({ email: o.email }, '--') : undefined;
      const problems = [...(checked.ok ? [] : checked.problems.map((p) => ({ ...p, field: `--${p.field === 'language' ? 'lang' : p.field}` }))), ...(contact && !contact.ok ? contact.problems : [])];
      if (!checked.ok || (contact && !contact.ok)) throw new KoppelError('invalid', 'the organisation was not added', problems);
      const { store } = await rt.context();
      const created = await addOrganisation(store.db, checked.value, contact?.ok ? contact.value : undefined);
      rt.io.out(`added organisation ${created.ref} (${created.name})\n`);
    });
  org
    .command('list')
    .description('list organisations')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { store } = await rt.context();
      const orgs = await listOrganisations(store.db);
      if (o.json) printJson(rt.io, orgs);
      else printTable(rt.io, orgs, ['ref', 'name', 'country', 'language', 'contacts', 'assets']);
    });
  org
    .command('show <ref>')
    .description('show one organisation with its contacts and assets')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      const { store } = await rt.context();
      const detail = await getOrganisation(store.db, ref);
      const assets = await listAssets(store.db, { org: ref });
      if (o.json) return printJson(rt.io, { ...detail, assets });
      rt.io.out(`${detail.ref}  ${detail.name}\ncountry: ${detail.country ?? '-'}  sector: ${detail.sector ?? '-'}  language: ${detail.language}  enrolled: ${detail.createdAt}\n\ncontacts:\n`);
      printTable(rt.io, detail.contacts, ['email', 'name', 'role', 'phone', 'language']);
      rt.io.out('\nassets:\n');
      printTable(rt.io, assets, ['kind', 'value', 'verification', 'verifiedBy', 'addedAt']);
    });
  org
    .command('remove <ref>')
    .description('remove an organisation with its contacts and assets')
    .action(async (ref: string) => {
      const { store, bus } = await rt.context();
      const removed = await removeOrganisation(store.db, ref);
      await bus.publish('registry.assets', { added: [], removed });
      rt.io.out(`removed organisation ${ref} and ${removed.length} asset(s)\n`);
    });
  return org;
}

export function assetCommand(rt: Runtime): Command {
  const asset = new Command('asset').description("organisations' assets: IP addresses, networks, AS numbers, domains, software");
  const kind = () => new Option('--kind <kind>', 'the kind, when it cannot be told from the value').choices(ASSET_KINDS);
  asset
    .command('add <value...>')
    .description('register assets; the kind is detected from each value')
    .requiredOption('--org <ref>', 'the organisation')
    .addOption(kind())
    .action(async (values: string[], o: { org: string; kind?: AssetKind }) => {
      const { store, bus } = await rt.context();
      const { changes, warnings } = await addAssets(store.db, o.org, values, rt.actor, o.kind);
      const counts = await organisationAssetsChanged(store.db, bus, o.org, changes);
      for (const w of warnings) rt.io.err(`warning: ${w}\n`);
      for (const a of changes.added) rt.io.out(`added ${a.kind} ${a.value} to ${o.org}\n`);
      printVulnerabilityCounts(rt, counts);
    });
  asset
    .command('list')
    .description('list assets')
    .option('--org <ref>', 'only this organisation')
    .option('--json', 'print JSON')
    .action(async (o: { org?: string; json?: boolean }) => {
      const { store } = await rt.context();
      const assets = await listAssets(store.db, { org: o.org });
      if (o.json) printJson(rt.io, assets);
      else printTable(rt.io, assets, ['org', 'kind', 'value', 'verification']);
    });
  asset
    .command('remove <value>')
    .description('remove one asset')
    .requiredOption('--org <ref>', 'the organisation')
    .addOption(kind())
    .action(async (value: string, o: { org: string; kind?: AssetKind }) => {
      const { store, bus } = await rt.context();
      const counts = await organisationAssetsChanged(store.db, bus, o.org, await removeAsset(store.db, o.org, value, o.kind));
      rt.io.out(`removed ${value} from ${o.org}\n`);
      printVulnerabilityCounts(rt, counts);
    });
  return asset;
}

/** Software typed in or removed is matched against the stored advisories at once; what that changed is told. */
function printVulnerabilityCounts(rt: Runtime, counts: VulnerabilityCounts): void {
  if (counts.findingsNew || counts.findingsResolved) rt.io.out(`vulnerability findings: ${counts.findingsNew} new, ${counts.findingsResolved} resolved\n`);
}

export function registryCommand(rt: Runtime): Command {
  const registry = new Command('registry').description('the whole registry at once');
  registry
    .command('import <file>')
    .description('import organisations, contacts and assets from CSV (org_ref,org_name,contact_email,asset) or the JSON export')
    .option('--skip-invalid', 'import the valid rows when some are invalid')
    .action(async (file: string, o: { skipInvalid?: boolean }) => {
      const { store, bus } = await rt.context();
      let phase: string | undefined;
      let bar: ReturnType<typeof progressBar> | undefined;
      try {
        const report = await importAndMatchRegistry(store.db, bus, path.resolve(rt.cwd, file), {
          skipInvalid: o.skipInvalid,
          actor: { ...rt.actor, via: 'import' },
          progress: (p, done, total) => {
            if (p !== phase) {
              bar?.stop();
              bar = progressBar(rt.io, p);
              phase = p;
            }
            bar?.update(done, total);
          },
        });
        bar?.stop();
        if (report.rejected) {
          rt.io.err(`${report.rejected} invalid row(s) skipped:\n`);
          printProblems(rt.io, report.problems);
        }
        for (const w of report.warnings.slice(0, 20)) rt.io.err(`warning: ${w}\n`);
        rt.io.out(
          `${report.rows} rows: ${report.organisationsCreated} organisations created, ${report.organisationsUpdated} updated, ` +
            `${report.contactsAdded} contacts and ${report.assetsAdded} assets added, ${report.rejected} rejected\n`,
        );
        printVulnerabilityCounts(rt, report.vulnerabilities);
      } finally {
        bar?.stop();
      }
    });
  registry
    .command('export')
    .description('export everything import reads (CSV, or JSON with --json)')
    .option('--json', 'write JSON instead of CSV')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (o: { json?: boolean; output?: string }) => {
      const { store } = await rt.context();
      const format = o.json ? 'json' : 'csv';
      if (!o.output) return exportRegistry(store.db, rt.io.out, format);
      const file = createWriteStream(path.resolve(rt.cwd, o.output));
      await exportRegistry(store.db, (text) => (file.write(text) ? undefined : once(file, 'drain').then(() => undefined)), format);
      await new Promise<void>((resolve, reject) => file.end(resolve).once('error', reject));
    });
  return registry;
}

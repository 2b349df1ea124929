/** `koppel ingest`, `source`, `findings`, `finding`, `observations`, `batches`, `purge`: threat information in, findings out. */
import path from 'node:path';
import { Command, Option } from 'commander';
import { isWholeNumber, wholeNumber } from '../../config.ts';
import { FINDING_STATUSES, SETTABLE_STATUSES, findingById, listFindings, resolveUnseen, setFindingStatus, withVulnerabilityDetails, type FindingStatus, type SettableStatus } from '../../findings/index.ts';
import { listBatches } from '../../intake/batches.ts';
import { ADVISORY_FORMATS } from '../../advisories/index.ts';
import { FORMATS } from '../../intake/index.ts';
import { ingestFormat, listSources } from '../../intake/sources.ts';
import { registerSource } from '../../pipeline/sources.ts';
import { KoppelError } from '../../errors.ts';
import { scopeOf } from '../../matching/index.ts';
import { RELIABILITIES, SEVERITIES, TLP_LABELS, observationsById, purgeObservations, type Reliability, type Severity, type Tlp } from '../../observations/index.ts';
import { ingestFile, listObservations } from '../../pipeline/index.ts';
import { advisoryFormatOf, ingestAdvisoryFile, softwareIndexFor } from '../../pipeline/advisories.ts';
import { printJson, printProblems, printTable, progressBar } from '../output.ts';
import { wholeNumberOption } from '../options.ts';
import type { Runtime } from '../runtime.ts';

/** `--option key=value` may be given more than once. */
const collectOption = (text: string, all: Record<string, string>) => {
  const eq = text.indexOf('=');
  if (eq < 1) throw new KoppelError('invalid', `--option takes key=value, not "${text}"`);
  return { ...all, [text.slice(0, eq)]: text.slice(eq + 1) };
};

export function ingestCommand(rt: Runtime): Command {
  return new Command('ingest')
    .description('take in threat information files: parse, store, match and record findings')
    .argument('<file...>', 'files to ingest (gzip-compressed files too)')
    .option('--format <format>', "the format (koppel formats lists them); without it, the source's, else told from the file")
    .option('--source <name>', 'the registered source (koppel source list); derived from the format when absent')
    .option('--map <mapping>', 'column mapping for generic CSV: ip=src,domain=host,…')
    .option('--option <key=value>', 'a format option (repeatable)', collectOption, {})
    .option('--org <ref>', 'VEX statements concern this organisation only (without: every holder of the product)')
    .action(async (files: string[], o: { format?: string; source?: string; map?: string; option: Record<string, string>; org?: string }) => {
      const { store, matcher, env, bus } = await rt.context();
      const index = await matcher.index();
      let failed = 0;
      const format = await ingestFormat(store.db, o.format, o.source);
      for (const file of files) {
        const bar = progressBar(rt.io, path.basename(file));
        try {
          const advisoryFormat = await advisoryFormatOf(path.resolve(rt.cwd, file), format);
          if (advisoryFormat) {
            const r = await ingestAdvisoryFile(store.db, await softwareIndexFor(store.db, bus), { file: path.resolve(rt.cwd, file), format: advisoryFormat, source: o.source, org: o.org });
            bar.stop();
            rt.io.out(
              `${file}: batch ${r.batch}, ${r.format} from ${r.source}: ${r.rows} records, advisories ${r.advisoriesNew} new, ${r.advisoriesRevised} revised, ${r.advisoriesUnchanged} unchanged, ` +
                `${r.enrichments} enrichments, ${r.statements} VEX statements, ${r.rejected} rejected; ` +
                `findings: ${r.findingsNew} new, ${r.findingsUpdated} updated, ${r.findingsResolved} resolved, ${r.findingsSuppressed} suppressed\n`,
            );
            if (r.errors.length) printProblems(rt.io, r.errors, 10);
            continue;
          }
          const report = await ingestFile(store.db, index, {
            file: path.resolve(rt.cwd, file),
            format,
            source: o.source,
            options: { ...o.option, ...(o.map ? { map: o.map } : {}) },
            progress: (done, total) => bar.update(done, total),
          });
          bar.stop();
          rt.io.out(
            `${file}: batch ${report.batch}, ${report.format} from ${report.source}: ${report.rows} rows, ${report.observations} new observations` +
              `${report.duplicates ? ` (${report.duplicates} already known)` : ''}, ${report.rejected} rejected, ` +
              `findings: ${report.findingsNew} new, ${report.findingsSeenAgain} seen again\n`,
          );
          if (report.errors.length) printProblems(rt.io, report.errors, 10);
        } catch (error) {
          bar.stop();
          failed++;
          rt.io.err(`koppel: ${file}: ${(error as Error).message}\n`);
        }
      }
      await resolveUnseen(store.db, new Date(), wholeNumber(env, 'KOPPEL_RESOLVE_AFTER_DAYS'));
      if (failed) throw new KoppelError('invalid', `${failed} of ${files.length} file(s) could not be ingested`);
    });
}

export function sourceCommand(rt: Runtime): Command {
  const source = new Command('source').description('where threat information comes from');
  source
    .command('add <name>')
    .description('register a source')
    .requiredOption('--format <format>', 'the format its files are in')
    .addOption(new Option('--reliability <letter>', 'A (completely reliable) … F (cannot be judged)').choices(RELIABILITIES).makeOptionMandatory())
    .addOption(new Option('--tlp <label>', 'default TLP 2.0 label').choices(TLP_LABELS).makeOptionMandatory())
    .addOption(new Option('--severity <severity>', 'severity when the feed gives none').choices(SEVERITIES))
    .option('--daily', 'it reports every day: what it stops reporting is taken as fixed')
    .action(async (name: string, o: { format: string; reliability: Reliability; tlp: Tlp; severity?: Severity; daily?: boolean }) => {
      const { store } = await rt.context();
      const created = await registerSource(store.db, { name, format: o.format, reliability: o.reliability, tlp: o.tlp, severity: o.severity ?? null, reportsDaily: Boolean(o.daily) });
      rt.io.out(`added source ${created.name} (${created.format}, reliability ${created.reliability}, TLP:${created.tlp})\n`);
    });
  source
    .command('list')
    .description('list sources')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { store } = await rt.context();
      const sources = await listSources(store.db);
      if (o.json) printJson(rt.io, sources);
      else printTable(rt.io, sources, ['name', 'format', 'reliability', 'tlp', 'severity', 'reportsDaily']);
    });
  return source;
}

export function findingsCommand(rt: Runtime): Command {
  return new Command('findings')
    .description('organisations affected by threats, and where each stands')
    .option('--org <ref>', 'only this organisation')
    .addOption(new Option('--status <status>', 'only findings with this status').choices(FINDING_STATUSES))
    .option('--limit <n>', 'at most this many', wholeNumberOption)
    .option('--json', 'print JSON')
    .action(async (o: { org?: string; status?: FindingStatus; limit?: number; json?: boolean }) => {
      const { store } = await rt.context();
      const findings = await withVulnerabilityDetails(store.db, await listFindings(store.db, o));
      if (o.json) printJson(rt.io, findings);
      else if (findings.some((f) => f.confidence)) printTable(rt.io, findings, ['id', 'org', 'asset', 'kind', 'type', 'severity', 'status', 'advisory', 'version', 'fixedIn', 'confidence', 'lastSeen']);
      else printTable(rt.io, findings, ['id', 'org', 'asset', 'indicator', 'kind', 'type', 'severity', 'status', 'lastSeen', 'count']);
    });
}

const findingId = (text: string): number => {
  if (!isWholeNumber(text)) throw new KoppelError('invalid', `"${text}" is not a finding id (a whole number, as koppel findings shows)`);
  return Number(text);
};

export function findingCommand(rt: Runtime): Command {
  return new Command('finding')
    .description('one finding with the observations behind it; --status records what a person decided')
    .argument('<id>', 'the finding (its id in koppel findings)', findingId)
    .addOption(new Option('--status <status>', 'set its status').choices(SETTABLE_STATUSES))
    .option('--reason <text>', 'why, kept with the status')
    .option('--json', 'print JSON')
    .action(async (id: number, o: { status?: SettableStatus; reason?: string; json?: boolean }) => {
      if (o.reason !== undefined && o.status === undefined) throw new KoppelError('invalid', '--reason goes with --status');
      const { store } = await rt.context();
      if (o.status !== undefined) await setFindingStatus(store.db, id, o.status, o.reason);
      const finding = await findingById(store.db, id);
      const observations = await observationsById(store.db, finding.observations);
      if (o.json) return printJson(rt.io, { ...finding, observations });
      printTable(rt.io, [finding], ['id', 'org', 'assets', 'indicator', 'kind', 'type', 'severity', 'tlp', 'source', 'status', 'statusReason', 'firstSeen', 'lastSeen', 'count']);
      rt.io.out('\n');
      printTable(rt.io, observations, ['id', 'observedAt', 'receivedAt', 'source', 'type', 'severity', 'description']);
    });
}

export function observationsCommand(rt: Runtime): Command {
  return new Command('observations')
    .description('stored observations, newest first')
    .option('--indicator <value>', 'an address, network, domain (with its subdomains), URL, e-mail address or AS')
    .option('--limit <n>', 'at most this many', wholeNumberOption, 100)
    .option('--json', 'print JSON')
    .action(async (o: { indicator?: string; limit: number; json?: boolean }) => {
      const { store } = await rt.context();
      const scope = o.indicator !== undefined ? scopeOf(o.indicator) : undefined;
      if (o.indicator !== undefined && !scope) throw new KoppelError('invalid', `cannot search for "${o.indicator}": not an address, network, domain, URL, e-mail address or AS number`);
      const observations = await listObservations(store.db, { scope, limit: o.limit });
      if (o.json) return printJson(rt.io, observations);
      printTable(
        rt.io,
        observations.map((x) => ({ ...x, subject: [x.subject.ip ?? x.subject.network ?? x.subject.domain ?? x.subject.url ?? x.subject.email ?? (x.subject.asn ? `AS${x.subject.asn}` : ''), x.subject.port].filter(Boolean).join(':') })),
        ['id', 'observedAt', 'source', 'kind', 'type', 'severity', 'subject'],
      );
    });
}

export function batchesCommand(rt: Runtime): Command {
  return new Command('batches')
    .description('ingests with their counts and the rows they rejected')
    .option('--limit <n>', 'at most this many', wholeNumberOption, 20)
    .option('--json', 'print JSON (with the rejected rows)')
    .action(async (o: { limit: number; json?: boolean }) => {
      const { store } = await rt.context();
      const batches = await listBatches(store.db, { withErrors: true, limit: o.limit });
      if (o.json) return printJson(rt.io, batches);
      printTable(rt.io, batches, ['id', 'startedAt', 'source', 'format', 'status', 'rows', 'observations', 'duplicates', 'rejected', 'findingsNew', 'findingsSeenAgain', 'file']);
      for (const b of batches.filter((x) => x.errors?.length)) {
        rt.io.err(`batch ${b.id}:\n`);
        printProblems(rt.io, b.errors!, 10);
      }
    });
}

export function purgeCommand(rt: Runtime): Command {
  return new Command('purge')
    .description('remove observations older than the retention period')
    .option('--days <n>', 'retention in days (KOPPEL_RETENTION_DAYS, default 90)', wholeNumberOption)
    .action(async (o: { days?: number }) => {
      const { store, env } = await rt.context();
      const keep = o.days ?? wholeNumber(env, 'KOPPEL_RETENTION_DAYS');
      const removed = await purgeObservations(store.db, new Date(Date.now() - keep * 86_400_000));
      rt.io.out(`removed ${removed} observation(s) older than ${keep} days\n`);
    });
}

export function formatsCommand(rt: Runtime): Command {
  return new Command('formats')
    .description('the formats ingest reads: feeds and advisories')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const formats = [...FORMATS.map((f) => ({ name: f.name, reads: 'feed', description: f.description })), ...ADVISORY_FORMATS.map((f) => ({ name: f.name, reads: 'advisories', description: f.description }))];
      if (o.json) printJson(rt.io, formats);
      else printTable(rt.io, formats, ['name', 'reads', 'description']);
    });
}

/** `koppel notify`, `notices`, `notice show`, `review`, `policy`, `org policy`, `org webhook`: findings become warnings. */
import { Command, Option } from 'commander';
import { isWholeNumber, setting } from '../../config.ts';
import { channelsFromEnv, closeChannels, deliverDue, deliveryOptionsFromEnv } from '../../delivery/outbox-worker.ts';
import { KoppelError } from '../../errors.ts';
import { KINDS, SEVERITIES, type Kind, type Severity } from '../../observations/index.ts';
import { getNotice, listNotices, reviewNotice } from '../../notices/outbox.ts';
import { planNotices } from '../../notices/plan.ts';
import { organisationOverrides, setOrganisationOverrides, setSystemOverrides, setWebhook, systemOverrides } from '../../notices/policy-store.ts';
import { policyFor, type Delivery, type PolicyOverrides, type ReviewMode } from '../../notices/policy.ts';
import { printJson, printTable } from '../output.ts';
import { wholeNumberOption } from '../options.ts';
import type { Runtime } from '../runtime.ts';

export function notifyCommand(rt: Runtime): Command {
  return new Command('notify')
    .description('compose the notices that are due now and deliver them')
    .option('--dry-run', 'print the notices that would be sent; change nothing')
    .option('--org <ref>', 'only this organisation')
    .option('--flush-digests', 'also send the digests that would wait for their hour')
    .action(async (o: { dryRun?: boolean; org?: string; flushDigests?: boolean }) => {
      const { store, env } = await rt.context();
      const plan = await planNotices(store.db, {
        now: new Date(),
        org: o.org,
        flushDigests: o.flushDigests,
        dryRun: o.dryRun,
        verificationBase: setting(env, 'KOPPEL_PUBLIC_URL')!,
        sender: setting(env, 'KOPPEL_CENTRE_NAME'),
      });
      if (o.dryRun) {
        for (const n of plan.notices) {
          rt.io.out(`──── ${n.ticket} to ${n.contact} (${n.channel}, ${n.language}, ${n.composed.tlp}${n.status === 'held' ? ', held for review' : ''})\nSubject: ${n.composed.subject}\n\n${n.composed.text}\n\n`);
        }
        rt.io.out(`dry run: ${plan.notices.length} notice(s) would be made; ${plan.decisions.filter((d) => d.action === 'skip').length} finding(s) not sent\n`);
        return;
      }
      const held = plan.notices.filter((n) => n.status === 'held').length;
      rt.io.out(`${plan.notices.length} notice(s) made (${held} held for review); ${plan.decisions.filter((d) => d.action === 'skip').length} finding(s) not sent, with their reasons recorded\n`);
      const channels = channelsFromEnv(store.db, env);
      try {
        const delivered = await deliverDue(store.db, channels, deliveryOptionsFromEnv(env));
        rt.io.out(`delivered: ${delivered.sent} sent, ${delivered.retrying} to retry, ${delivered.dead} dead-lettered\n`);
        if (!channels.email) rt.io.err('no mail server configured (KOPPEL_SMTP_URL): e-mail notices are held until one is\n');
      } finally {
        await closeChannels(channels);
      }
    });
}

export function noticesCommand(rt: Runtime): Command {
  return new Command('notices')
    .description('notices made, newest first')
    .option('--org <ref>', 'only this organisation')
    .option('--limit <n>', 'at most this many', wholeNumberOption, 100)
    .option('--json', 'print JSON')
    .action(async (o: { org?: string; limit: number; json?: boolean }) => {
      const { store } = await rt.context();
      const notices = await listNotices(store.db, { org: o.org, limit: o.limit });
      if (o.json) printJson(rt.io, notices);
      else printTable(rt.io, notices, ['ticket', 'org', 'contact', 'channel', 'language', 'tlp', 'status', 'createdAt', 'sentAt']);
    });
}

export function noticeCommand(rt: Runtime): Command {
  const notice = new Command('notice').description('one notice');
  notice
    .command('show <ticket>')
    .description('a notice with its full text')
    .option('--json', 'print JSON')
    .action(async (ticket: string, o: { json?: boolean }) => {
      const { store } = await rt.context();
      const n = await getNotice(store.db, ticket);
      if (o.json) return printJson(rt.io, n);
      rt.io.out(`ticket ${n.ticket}  ${n.status}${n.statusReason ? ` (${n.statusReason})` : ''}\nto ${n.contact} (${n.channel}, ${n.language}) for ${n.org}, ${n.tlp}\ncreated ${n.createdAt}${n.sentAt ? `, sent ${n.sentAt}` : ''}\nSubject: ${n.subject}\n\n${n.text}\n`);
    });
  return notice;
}

export function reviewCommand(rt: Runtime): Command {
  const review = new Command('review').description('notices waiting for an analyst (review mode)');
  review
    .command('list')
    .description('the notices held for review')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { store } = await rt.context();
      const held = await listNotices(store.db, { status: 'held' });
      if (o.json) printJson(rt.io, held);
      else printTable(rt.io, held, ['ticket', 'org', 'contact', 'tlp', 'subject', 'createdAt']);
    });
  review
    .command('approve <ticket>')
    .description('let the notice go')
    .action(async (ticket: string) => {
      const { store } = await rt.context();
      const n = await reviewNotice(store.db, ticket, { approve: true, analyst: rt.actor.name });
      rt.io.out(`${n.ticket} approved; it is sent with the next delivery\n`);
    });
  review
    .command('reject <ticket>')
    .description('stop the notice')
    .requiredOption('--reason <text>', 'why (recorded with its findings)')
    .action(async (ticket: string, o: { reason: string }) => {
      const { store } = await rt.context();
      const n = await reviewNotice(store.db, ticket, { approve: false, analyst: rt.actor.name, reason: o.reason });
      rt.io.out(`${n.ticket} rejected\n`);
    });
  return review;
}

const keyValue = (text: string, previous: Record<string, string> = {}) => {
  const eq = text.indexOf('=');
  if (eq < 1) throw new KoppelError('invalid', `expected KEY=VALUE, not "${text}"`);
  return { ...previous, [text.slice(0, eq).trim()]: text.slice(eq + 1).trim() };
};
const collect = (text: string, previous: string[] = []) => [...previous, text];

/** Repeatable options are absent when not given (a default would show in the help as `{}`). */
interface PolicyFlags {
  send?: Record<string, string>;
  digestAt?: string;
  repeat?: Record<string, string>;
  optOut?: string[];
  optIn?: string[];
  review?: string;
  reset?: boolean;
  json?: boolean;
}

/** The same options for the system-wide policy and an organisation's own. */
function policyOptions(command: Command): Command {
  return command
    .option('--send <severity=when>', 'when a severity is sent: immediate, digest or never (repeatable)', keyValue)
    .option('--digest-at <HH:MM>', 'time of the daily digest (Europe/Amsterdam)')
    .option('--repeat <kind=days>', 'repeat interval for findings still seen (repeatable)', keyValue)
    .option('--opt-out <kind>', 'receive no notices of this kind (repeatable)', collect)
    .option('--opt-in <kind>', 'undo an opt-out (repeatable)', collect)
    .addOption(new Option('--review <mode>', 'off, all, source:NAME[,NAME…] or severity:SEVERITY[,…]'))
    .option('--reset', 'forget these settings first')
    .option('--json', 'print JSON');
}

function applyFlags(current: PolicyOverrides, given: PolicyFlags): PolicyOverrides {
  const f = { ...given, send: given.send ?? {}, repeat: given.repeat ?? {}, optOut: given.optOut ?? [], optIn: given.optIn ?? [] };
  const next: PolicyOverrides = f.reset ? {} : { ...current };
  const problems: string[] = [];
  const delivery: Partial<Record<Severity, Delivery>> = { ...next.delivery };
  for (const [severity, when] of Object.entries(f.send)) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) problems.push(`--send: "${severity}" is not a severity (${SEVERITIES.join(', ')})`);
    else if (!['immediate', 'digest', 'never'].includes(when)) problems.push(`--send ${severity}: "${when}" is not immediate, digest or never`);
    else delivery[severity as Severity] = when as Delivery;
  }
  if (Object.keys(f.send).length) next.delivery = delivery;
  if (f.digestAt !== undefined) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(f.digestAt);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) problems.push(`--digest-at: "${f.digestAt}" is not a time HH:MM`);
    else next.digest = { ...next.digest, hour: Number(m[1]), minute: Number(m[2]) };
  }
  const repeat: Partial<Record<Kind, number>> = { ...next.repeatIntervalDays };
  for (const [kind, daysText] of Object.entries(f.repeat)) {
    if (!(KINDS as readonly string[]).includes(kind)) problems.push(`--repeat: "${kind}" is not a kind (${KINDS.join(', ')})`);
    else if (!isWholeNumber(daysText)) problems.push(`--repeat ${kind}: "${daysText}" is not a number of days`);
    else repeat[kind as Kind] = Number(daysText);
  }
  if (Object.keys(f.repeat).length) next.repeatIntervalDays = repeat;
  for (const kind of [...f.optOut, ...f.optIn]) if (!(KINDS as readonly string[]).includes(kind)) problems.push(`"${kind}" is not a kind (${KINDS.join(', ')})`);
  if (f.optOut.length || f.optIn.length) {
    next.optedOutKinds = [...new Set([...(next.optedOutKinds ?? []), ...f.optOut])].filter((k) => !f.optIn.includes(k)) as Kind[];
  }
  if (f.review !== undefined) {
    const review = parseReview(f.review);
    if (typeof review === 'string') problems.push(review);
    else next.review = review;
  }
  if (problems.length) throw new KoppelError('invalid', problems.join('; '), problems.map((reason) => ({ reason })));
  return next;
}

function parseReview(text: string): ReviewMode | string {
  if (text === 'off' || text === 'all') return { mode: text };
  const [mode, list] = [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1).split(',').map((s) => s.trim()).filter(Boolean)];
  if (mode === 'source' && list.length) return { mode: 'per-source', sources: list };
  if (mode === 'severity' && list.length && list.every((s) => (SEVERITIES as readonly string[]).includes(s))) return { mode: 'per-severity', severities: list as Severity[] };
  return `--review: "${text}" is not off, all, source:NAME[,…] or severity:SEVERITY[,…]`;
}

const changed = (f: PolicyFlags) => Boolean(f.reset || f.digestAt !== undefined || f.review !== undefined || f.send || f.repeat || f.optOut || f.optIn);

export function systemPolicyCommand(rt: Runtime): Command {
  return policyOptions(new Command('policy').description('the system-wide notice policy (review mode, thresholds, digest, repeat intervals)')).action(async (f: PolicyFlags) => {
    const { store } = await rt.context();
    const current = await systemOverrides(store.db);
    const policy = changed(f) ? await setSystemOverrides(store.db, applyFlags(current, f)) : policyFor(current);
    printJson(rt.io, policy);
  });
}

export function organisationPolicyCommand(rt: Runtime): Command {
  return policyOptions(new Command('policy').description("an organisation's own notice policy over the system-wide one").argument('<ref>')).action(async (ref: string, f: PolicyFlags) => {
    const { store } = await rt.context();
    const current = await organisationOverrides(store.db, ref);
    const policy = changed(f) ? await setOrganisationOverrides(store.db, ref, applyFlags(current, f)) : policyFor(current, policyFor(await systemOverrides(store.db)));
    printJson(rt.io, policy);
  });
}

export function organisationWebhookCommand(rt: Runtime): Command {
  return new Command('webhook')
    .description("set (or with --remove, drop) the organisation's webhook; prints the signing secret once")
    .argument('<ref>')
    .argument('[url]')
    .option('--remove', 'no more webhook notices')
    .action(async (ref: string, url: string | undefined, o: { remove?: boolean }) => {
      if (!o.remove && !url) throw new KoppelError('invalid', 'give the webhook URL, or --remove');
      if (url && !/^https?:\/\//i.test(url)) throw new KoppelError('invalid', `"${url}" is not an http(s) URL`, [{ field: 'url', value: url, reason: 'not an http(s) URL' }]);
      const { store } = await rt.context();
      const secret = await setWebhook(store.db, ref, o.remove ? null : url!);
      if (secret) {
        rt.io.out(`${secret}\n`);
        rt.io.err('Signing secret for the Koppel-Signature header; keep it: it cannot be shown again.\n');
      } else rt.io.out(`webhook of ${ref} removed\n`);
    });
}

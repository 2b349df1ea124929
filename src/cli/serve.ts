/** `koppel serve`: the API plus the continuous work, until SIGINT or SIGTERM. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setting, wholeNumber } from '../config.ts';
import { channelsFromEnv, closeChannels, deliverDue, deliveryOptionsFromEnv } from '../delivery/outbox-worker.ts';
import { resolveUnseen } from '../findings/index.ts';
import { releaseAllLeases } from '../notices/outbox.ts';
import { planNotices } from '../notices/plan.ts';
import { buildApi } from '../api/index.ts';
import { watchInbox } from '../pipeline/index.ts';
import { bridgeRoute } from './bridge.ts';
import type { Runtime } from './runtime.ts';

export async function serve(rt: Runtime, options: { port: number; host: string }): Promise<void> {
  const context = await rt.context();
  const secret = randomBytes(32).toString('base64url');
  const app = await buildApi(context, {
    logger: { level: setting(rt.env, 'KOPPEL_LOG_LEVEL') ?? 'info' },
    extend: bridgeRoute(context, secret),
  });
  const address = await app.listen({ port: options.port, host: options.host });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]');
  context.store.lock?.update({ server: { url, secret } });
  rt.io.err(`Koppel serves ${url} (API reference at ${url}/docs) on the ${context.store.location.kind} store\n`);
  const inboxDir = setting(rt.env, 'KOPPEL_INBOX');
  const inbox = inboxDir
    ? watchInbox(context, path.resolve(rt.cwd, inboxDir), {
        ingested: (file, r) => app.log.info({ file, batch: r.batch, rows: r.rows, rejected: r.rejected, findingsNew: r.findingsNew }, 'inbox file ingested'),
        failed: (file, error) => app.log.error({ file, err: error }, 'inbox file failed'),
      })
    : undefined;
  if (inboxDir) rt.io.err(`watching the inbox ${path.resolve(rt.cwd, inboxDir)}\n`);
  const resolveAfter = wholeNumber(rt.env, 'KOPPEL_RESOLVE_AFTER_DAYS');
  if (context.store.location.kind === 'embedded') await releaseAllLeases(context.store.db);
  const channels = channelsFromEnv(context.store.db, rt.env);
  if (!channels.email) rt.io.err('no mail server configured (KOPPEL_SMTP_URL): e-mail notices are held until one is\n');
  const delivery = every(DELIVERY_INTERVAL, async () => {
    const plan = await planNotices(context.store.db, { now: new Date(), verificationBase: setting(rt.env, 'KOPPEL_PUBLIC_URL')!, sender: setting(rt.env, 'KOPPEL_CENTRE_NAME') });
    if (plan.notices.length) app.log.info({ notices: plan.notices.length }, 'notices made');
    const sent = await deliverDue(context.store.db, channels, deliveryOptionsFromEnv(rt.env));
    if (sent.sent || sent.retrying || sent.dead) app.log.info(sent, 'notices delivered');
  }, (error) => app.log.error({ err: error }, 'delivery failed'));
  const housekeeping = every(HOUR, async () => {
    const resolved = await resolveUnseen(context.store.db, new Date(), resolveAfter);
    if (resolved) app.log.info({ resolved }, 'findings no longer seen by daily sources resolved');
  }, (error) => app.log.error({ err: error }, 'housekeeping failed'));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  rt.io.err('stopping\n');
  await inbox?.stop();
  await housekeeping.stop();
  await delivery.stop();
  await closeChannels(channels);
  await app.close();
}

const HOUR = 3_600_000;
const DELIVERY_INTERVAL = 10_000;

/** Runs `job` now and then every `ms`, one run at a time. */
function every(ms: number, job: () => Promise<void>, failed: (error: unknown) => void): { stop(): Promise<void> } {
  let running = job().catch(failed);
  const timer = setInterval(() => {
    running = running.then(job).catch(failed);
  }, ms);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

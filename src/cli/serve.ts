/** `koppel serve`: the API plus the continuous work, until SIGINT or SIGTERM. */
import { randomBytes } from 'node:crypto';
import { setting } from '../config.ts';
import { buildApi } from '../api/index.ts';
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
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  rt.io.err('stopping\n');
  await app.close();
}

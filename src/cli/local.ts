/** Running commands in this process: the store is opened on first use and closed at the end. */
import type { Environment, StoreLocation } from '../config.ts';
import { sharedContext, type Context } from '../context.ts';
import { openStore } from '../store/index.ts';
import { cliActor, type Io, type Runtime } from './runtime.ts';

export function localRuntime(io: Io, cwd: string, env: Environment, location: StoreLocation, commandLine: string): Runtime & { close(): Promise<void> } {
  let opened: Promise<Context> | undefined;
  return {
    io,
    cwd,
    env,
    actor: cliActor(),
    context() {
      opened ??= openStore(location, commandLine).then(async (store) => {
        try {
          return await sharedContext(store, env);
        } catch (error) {
          await store.close();
          throw error;
        }
      });
      return opened;
    },
    async close() {
      if (!opened) return;
      const context = await opened.catch(() => undefined);
      await context?.bus.close();
      await context?.store.close();
    },
  };
}

/** What every shell (command line, API, workers) works with: the store, the bus and the settings. */
import { inProcessBus, type Bus } from './bus/index.ts';
import { natsBus } from './bus/nats.ts';
import { setting, type Environment } from './config.ts';
import { attachMatcher, type Matcher } from './pipeline/index.ts';
import type { Store } from './store/index.ts';

export interface Context {
  store: Store;
  bus: Bus;
  env: Environment;
  matcher: Matcher;
}

/** The context of one process over an open store: a bus of its own and the live matcher on it. */
export function inProcessContext(store: Store, env: Environment): Context {
  return contextOn(store, env, inProcessBus());
}

/** The context of a process that may share its store: on the NATS bus when KOPPEL_NATS_URL is set. */
export async function sharedContext(store: Store, env: Environment): Promise<Context> {
  const url = setting(env, 'KOPPEL_NATS_URL');
  return contextOn(store, env, url ? await natsBus(url) : inProcessBus());
}

const contextOn = (store: Store, env: Environment, bus: Bus): Context => ({ store, bus, env, matcher: attachMatcher(store.db, bus, env) });

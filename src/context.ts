/** What every shell (command line, API, workers) works with: the store, the bus and the settings. */
import { inProcessBus, type Bus } from './bus/index.ts';
import type { Environment } from './config.ts';
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
  const bus = inProcessBus();
  return { store, bus, env, matcher: attachMatcher(store.db, bus, env) };
}

/** What every shell (command line, API, workers) works with: the store, the bus and the settings. */
import type { Bus } from './bus/index.ts';
import type { Matcher } from './pipeline/index.ts';
import type { Environment } from './config.ts';
import type { Store } from './store/index.ts';

export interface Context {
  store: Store;
  bus: Bus;
  env: Environment;
  matcher: Matcher;
}

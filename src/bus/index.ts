/**
 * Messages between stages. In one process the bus is a plain in-process dispatcher; scaled out,
 * the same topics travel over NATS JetStream, so no stage may assume its subscriber is in-process.
 */
import type { AssetChanges } from '../registry/index.ts';

export interface Topics {
  /** Assets were added, removed or verified: matchers update their index at once. */
  'registry.assets': AssetChanges;
}

export type Handler<T> = (message: T) => void | Promise<void>;

export interface Bus {
  publish<K extends keyof Topics>(topic: K, message: Topics[K]): Promise<void>;
  subscribe<K extends keyof Topics>(topic: K, handler: Handler<Topics[K]>): () => void;
  close(): Promise<void>;
}

export function inProcessBus(): Bus {
  const handlers = new Map<keyof Topics, Set<Handler<never>>>();
  return {
    async publish(topic, message) {
      for (const handler of handlers.get(topic) ?? []) await (handler as Handler<typeof message>)(message);
    },
    subscribe(topic, handler) {
      const set = handlers.get(topic) ?? new Set();
      handlers.set(topic, set);
      set.add(handler as Handler<never>);
      return () => set.delete(handler as Handler<never>);
    },
    async close() {
      handlers.clear();
    },
  };
}

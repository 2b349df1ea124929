/**
 * The bus across processes: what one process publishes reaches the handlers of every process
 * connected to the same NATS server (a matcher in `koppel serve` hears of the asset a command line
 * registered in another). Its own handlers run first, in-process and awaited, as on the in-process
 * bus; the server does not echo a message back to the process that sent it. A process that is not
 * connected when a change is published misses it, and rebuilds its index from the store when it starts.
 */
import { connect } from '@nats-io/transport-node';
import { KoppelError } from '../errors.ts';
import { inProcessBus, type Bus, type Topics } from './index.ts';

const subjectOf = (topic: keyof Topics) => `koppel.${topic}`;
const TOPICS: ReadonlyArray<keyof Topics> = ['registry.assets'];

export async function natsBus(url: string): Promise<Bus> {
  const connection = await connect({ servers: url, noEcho: true, name: 'koppel' }).catch((error: Error) => {
    throw new KoppelError('unavailable', `cannot reach the NATS server ${url} (KOPPEL_NATS_URL): ${error.message}`);
  });
  const local = inProcessBus();
  for (const topic of TOPICS) {
    connection.subscribe(subjectOf(topic), {
      callback: (error, message) => {
        if (error) return;
        // No one awaits a message from elsewhere: a handler's failure is told, not left to end the process.
        local.publish(topic, message.json<Topics[typeof topic]>()).catch((failure: Error) => process.emitWarning(`${subjectOf(topic)} from another process: ${failure.message}`));
      },
    });
  }
  return {
    async publish(topic, message) {
      await local.publish(topic, message);
      connection.publish(subjectOf(topic), JSON.stringify(message));
    },
    subscribe: local.subscribe,
    async close() {
      await connection.drain();
      await local.close();
    },
  };
}

/**
 * The process the crash test kills: it owns the store, gives back the leases of the sender that
 * died before it, and delivers what is due, a few notices at a time.
 */
import { createSmtpChannel } from '../../src/delivery/index.ts';
import { deliverDue } from '../../src/delivery/outbox-worker.ts';
import { releaseAllLeases } from '../../src/notices/outbox.ts';
import { openStore } from '../../src/store/index.ts';
import type { StoreLocation } from '../../src/config.ts';

const [location, smtpUrl] = [JSON.parse(process.argv[2]) as StoreLocation, process.argv[3]];
const store = await openStore(location, 'crash-test delivery');
if (location.kind === 'embedded') await releaseAllLeases(store.db);
const email = createSmtpChannel({ url: smtpUrl, from: 'Koppel <waarschuwing@centre.example>', maxConnections: 2 });
process.stdout.write('ready\n');
// A lease of one second lets the next process take over quickly from one that was killed (PostgreSQL).
await deliverDue(store.db, { email }, { maxAttempts: 100, leaseSeconds: 1, batch: 3, backoff: { baseSeconds: 0.01, maxSeconds: 0.05 } });
await email.close();
await store.close();

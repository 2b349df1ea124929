/**
 * Delivering notices to a local SMTP server (smtp-server on 127.0.0.1) over the e-mail channel's
 * pooled connections: 5,000 messages a round, median of 3 rounds, against the target of 300
 * messages a second. Beside it a simple reference: the same messages, each over a new unpooled
 * connection (as many at once as the pool has connections). smtp-server, like many real mail
 * servers, pauses 100 ms before its greeting to catch clients that talk too early: every new
 * connection pays it, which is what pooling saves. Server and client share this process.
 */
import nodemailer from 'nodemailer';
import { createSmtpChannel, type OutgoingNotice } from '../src/delivery/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../test/delivery/smtp-server.ts';

const MESSAGES = Number(process.env.BENCH_SMTP_MESSAGES ?? 5_000);
const REFERENCE_MESSAGES = Number(process.env.BENCH_SMTP_REFERENCE_MESSAGES ?? 250);
const ROUNDS = 3;
const CONNECTIONS = 5;
const TARGET = 300;
const FROM = 'meldingen@cert.example';

const notice = (i: number): OutgoingNotice => ({
  ticket: `KPL-BENCH-${i}`,
  to: { address: `security@org${i % 1000}.example`, name: `Organisation ${i % 1000}` },
  subject: `[KPL-BENCH-${i}] High: a vulnerable service on one of your addresses`,
  text: `We saw an exposed service on 192.0.2.${i % 250} on 2 June.\n`.repeat(20),
  html: `<p>We saw an exposed service on <code>192.0.2.${i % 250}</code> on 2 June.</p>\n`.repeat(20),
  language: 'en',
  tlp: 'TLP:AMBER',
  organisationRef: `ORG-${i % 1000}`,
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function pooledRound(server: TestSmtpServer): Promise<number> {
  const channel = createSmtpChannel({ url: server.url, from: FROM, maxConnections: CONNECTIONS });
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: MESSAGES }, (_, i) => channel.send(notice(i))));
  const seconds = (performance.now() - start) / 1000;
  await channel.close();
  const failed = results.filter((r) => !r.accepted).length;
  if (failed > 0) throw new Error(`${failed} messages were not accepted: ${results.find((r) => !r.accepted)?.response}`);
  return MESSAGES / seconds;
}

/** The reference: a new connection for every message, CONNECTIONS at a time. */
async function unpooledRound(server: TestSmtpServer): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port, secure: false });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < REFERENCE_MESSAGES) {
        const n = notice(next++);
        await transport.sendMail({ from: FROM, to: n.to, subject: n.subject, text: n.text, html: n.html, messageId: `<${n.ticket}@cert.example>` });
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  transport.close();
  return REFERENCE_MESSAGES / seconds;
}

const server = await startSmtpServer({ keep: false });
try {
  console.log(`smtp delivery: ${MESSAGES.toLocaleString('en')} messages a round to smtp-server on 127.0.0.1, ${ROUNDS} rounds, ${CONNECTIONS} connections`);
  const pooled: number[] = [];
  for (let round = 0; round < ROUNDS; round++) pooled.push(await pooledRound(server));
  const before = server.connections.total;
  const reference: number[] = [];
  for (let round = 0; round < ROUNDS; round++) reference.push(await unpooledRound(server));
  const rate = median(pooled);
  const referenceRate = median(reference);
  const verdict = rate >= TARGET ? 'meets' : 'BELOW';
  console.log(`pooled (e-mail channel): median ${Math.round(rate)} messages/s (rounds: ${pooled.map(Math.round).join(', ')}); ${verdict} the ${TARGET}/s target`);
  console.log(
    `reference, one new connection per message: median ${Math.round(referenceRate)} messages/s over ${REFERENCE_MESSAGES.toLocaleString('en')} messages ` +
      `(rounds: ${reference.map(Math.round).join(', ')}; ${server.connections.total - before} connections, each waiting for the greeting); pooling is ${(rate / referenceRate).toFixed(1)}× faster`,
  );
  if (rate < TARGET) process.exitCode = 1;
} finally {
  await server.close();
}

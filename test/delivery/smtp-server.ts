/** A real SMTP server on 127.0.0.1 for the delivery tests and the bench: it keeps what it receives. */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpAnswer {
  code: number;
  message: string;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  received: Received[];
  /** Connections opened so far, and the most open at once. */
  connections: { total: number; peak: number };
  close(): Promise<void>;
}

export interface TestSmtpServerOptions {
  /** Answer a recipient with an error (at RCPT TO). */
  rejectRecipient?: (address: string) => SmtpAnswer | undefined;
  /** Answer the message with an error after its data arrived. */
  rejectMessage?: (raw: Buffer) => SmtpAnswer | undefined;
  /** Require this login (over the plain connection: this is a test). */
  login?: { user: string; pass: string };
  /** Count messages but do not keep them (for the bench). */
  keep?: boolean;
}

function smtpError({ code, message }: SmtpAnswer): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const connections = { total: 0, peak: 0 };
  let open = 0;
  const keep = options.keep ?? true;
  const settings: SMTPServerOptions = {
    disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.login,
    allowInsecureAuth: true,
    logger: false,
    // A reverse lookup of 127.0.0.1 per connection would time the resolver, not SMTP.
    disableReverseLookup: true,
    onConnect(_session, callback) {
      connections.total++;
      connections.peak = Math.max(connections.peak, ++open);
      callback();
    },
    onClose() {
      open--;
    },
    onAuth(auth, _session, callback) {
      const login = options.login;
      if (login && auth.username === login.user && auth.password === login.pass) callback(null, { user: auth.username });
      else callback(smtpError({ code: 535, message: 'Authentication failed' }));
    },
    onRcptTo(address, _session, callback) {
      const answer = options.rejectRecipient?.(address.address);
      callback(answer ? smtpError(answer) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (keep || options.rejectMessage) chunks.push(chunk);
      });
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const answer = options.rejectMessage?.(raw);
        if (answer) return callback(smtpError(answer));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: keep ? raw : Buffer.alloc(0),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(settings);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

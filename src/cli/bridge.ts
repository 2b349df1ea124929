/**
 * While `koppel serve` owns an embedded data folder, other `koppel` commands on that folder run
 * inside the server: the command line is sent to it and its output comes back. Only processes on
 * this machine that can read the folder's lock file (mode 0600) know the secret.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Context } from '../context.ts';
import type { LockHolder } from '../store/index.ts';
import { runProgram } from './program.ts';
import { cliActor, type Runtime } from './runtime.ts';

export const BRIDGE_PATH = '/_local/command';

interface BridgeReply {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function bridgeRoute(context: Context, secret: string) {
  return (app: FastifyInstance) => {
    app.withTypeProvider<TypeBoxTypeProvider>().post(BRIDGE_PATH, {
      schema: { hide: true, body: Type.Object({ argv: Type.Array(Type.String()), cwd: Type.String() }) },
    }, async (request, reply) => {
      const given = Buffer.from((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      const expected = Buffer.from(secret);
      const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.ip);
      if (!loopback || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.status(403).send({ error: 'forbidden', message: 'not a local koppel command', problems: [] });
      }
      const out: string[] = [];
      const err: string[] = [];
      const rt: Runtime = {
        io: { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false },
        cwd: request.body.cwd,
        env: context.env,
        actor: cliActor(),
        context: async () => context,
      };
      const argv = request.body.argv;
      if (argv.includes('serve')) {
        return { exitCode: 1, stdout: '', stderr: 'koppel: a server already runs on this data folder\n' } satisfies BridgeReply;
      }
      const exitCode = await runProgram(rt, argv);
      return { exitCode, stdout: out.join(''), stderr: err.join('') } satisfies BridgeReply;
    });
  };
}

/** Sends this command line to the server that owns the data folder; returns its exit code. */
export async function runThroughServer(server: NonNullable<LockHolder['server']>, argv: string[], cwd: string): Promise<number> {
  let response: Response;
  try {
    response = await fetch(`${server.url}${BRIDGE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.secret}` },
      body: JSON.stringify({ argv, cwd }),
    });
  } catch (error) {
    process.stderr.write(`koppel: the data folder belongs to a running \`koppel serve\` at ${server.url}, which did not answer: ${(error as Error).message}\n`);
    return 1;
  }
  const reply = (await response.json()) as BridgeReply & { message?: string };
  if (!response.ok) {
    process.stderr.write(`koppel: the server owning the data folder refused the command: ${reply.message ?? response.status}\n`);
    return 1;
  }
  process.stdout.write(reply.stdout);
  process.stderr.write(reply.stderr);
  return reply.exitCode;
}

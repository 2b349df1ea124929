/** Every error leaves the API as the same JSON shape, naming what was wrong and where. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { KoppelError, type ErrorCode } from '../errors.ts';

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable code: invalid, not-found, conflict, unauthorised, forbidden, unavailable.' }),
    message: Type.String({ description: 'What went wrong, for a person.' }),
    problems: Type.Array(
      Type.Object({
        file: Type.Optional(Type.String()),
        line: Type.Optional(Type.Integer()),
        field: Type.Optional(Type.String()),
        value: Type.Optional(Type.String()),
        reason: Type.String(),
      }),
      { description: 'Each bad value, with where it was.' },
    ),
  },
  { $id: 'Error', description: 'An error.' },
);

const STATUS: Record<ErrorCode, number> = { invalid: 400, unauthorised: 401, forbidden: 403, 'not-found': 404, conflict: 409, unavailable: 503 };

export function errorHandler(error: FastifyError | KoppelError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof KoppelError) {
    return reply.status(STATUS[error.code]).send({ error: error.code, message: error.message, problems: error.problems });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const problems = fastifyError.validation.map((v) => ({
      field: `${fastifyError.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
      reason: v.message ?? 'invalid',
    }));
    return reply.status(400).send({ error: 'invalid', message: fastifyError.message, problems });
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return reply.status(fastifyError.statusCode).send({ error: 'invalid', message: fastifyError.message, problems: [] });
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send({ error: 'internal', message: 'internal error; the server log has the details', problems: [] });
}

/** Notices over HTTP, and the public page that tells a genuine warning from phishing. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import rateLimit from '@fastify/rate-limit';
import type { Context } from '../../context.ts';
import { KoppelError } from '../../errors.ts';
import { getNotice, listNotices, reviewNotice, verifyTicket } from '../../notices/outbox.ts';
import { literals, nullable } from '../../typebox.ts';
import { requireAnalyst } from '../auth.ts';

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' } };

const STATUSES = ['held', 'queued', 'sending', 'sent', 'dead', 'rejected'] as const;

const Notice = Type.Object({
  ticket: Type.String({ description: 'Easy to read aloud, with a check character.' }),
  org: Type.String(),
  contact: Type.String({ description: 'The address (or webhook URL) it goes to.' }),
  channel: literals(['email', 'webhook'] as const),
  language: literals(['nl', 'en'] as const),
  tlp: Type.String(),
  status: literals(STATUSES),
  statusReason: nullable(Type.String()),
  digest: Type.Boolean(),
  subject: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: nullable(Type.String({ format: 'date-time' })),
  attempts: Type.Integer(),
  lastResponse: nullable(Type.String()),
  findings: Type.Array(Type.Integer()),
});

export function noticeRoutes(context: Context): FastifyPluginAsyncTypebox {
  const { db } = context.store;
  return async (app) => {
    app.get('/notices', {
      schema: { tags: ['notices'], summary: 'Notices, newest first', querystring: Type.Object({ org: Type.Optional(Type.String()), status: Type.Optional(literals(STATUSES)), limit: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: Type.Array(Notice), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => listNotices(db, request.query));

    app.get('/notices/:ticket', {
      schema: { tags: ['notices'], summary: 'One notice with its text', params: Type.Object({ ticket: Type.String() }), response: { 200: Type.Composite([Notice, Type.Object({ text: Type.String(), html: nullable(Type.String()) })]), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => getNotice(db, request.params.ticket));

    app.post('/notices/:ticket/review', {
      schema: {
        tags: ['notices'],
        summary: 'Approve or reject a notice held for review',
        params: Type.Object({ ticket: Type.String() }),
        body: Type.Object({ approve: Type.Boolean(), reason: Type.Optional(Type.String({ minLength: 1 })) }),
        response: { 200: Notice, ...errors },
      },
      preHandler: requireAnalyst,
    }, async (request) => {
      const analyst = request.principal!.name;
      const { approve, reason } = request.body;
      if (!approve && !reason) throw new KoppelError('invalid', 'a rejection needs a reason', [{ field: 'reason', reason: 'required when rejecting' }]);
      return reviewNotice(db, request.params.ticket, approve ? { approve: true, analyst } : { approve: false, analyst, reason: reason! });
    });
  };
}

/**
 * `GET /verify/{ticket}`: public and rate-limited. It confirms that a notice with that number was
 * sent, when, and to which domain, and says nothing of its content.
 */
export function verifyRoute(context: Context): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(rateLimit, { max: 30, timeWindow: '1 minute' });
    app.get('/verify/:ticket', {
      schema: {
        tags: ['verification'],
        summary: 'Is this a genuine notice?',
        security: [],
        params: Type.Object({ ticket: Type.String({ maxLength: 40 }) }),
        response: {
          200: Type.Object({ genuine: Type.Literal(true), ticket: Type.String(), sentAt: Type.String({ format: 'date-time' }), domain: Type.String({ description: 'The domain it was sent to.' }) }),
          404: Type.Object({ genuine: Type.Literal(false), message: Type.String() }),
        },
      },
    }, async (request, reply) => {
      const found = await verifyTicket(context.store.db, request.params.ticket);
      if (!found) return reply.status(404).send({ genuine: false, message: 'No notice with this number was sent. Treat the message you received as suspect and report it.' });
      return { genuine: true as const, ...found };
    });
  };
}

/** Inventories and advisories over HTTP: SBOM upload per organisation, the stored advisories. */
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SeveritySchema } from '../../observations/index.ts';
import { listAdvisories } from '../../advisories/store.ts';
import type { Context } from '../../context.ts';
import { organisationAssetsChanged } from '../../pipeline/advisories.ts';
import { importInventory, listInventories, type Actor } from '../../registry/index.ts';
import { nullable } from '../../typebox.ts';
import { requireAnalyst, requireOrganisation } from '../auth.ts';

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' } };

const Inventory = Type.Object({
  id: Type.Integer(),
  org: Type.String(),
  file: Type.String({ description: 'File name it was imported from.' }),
  sbomKey: Type.String({ description: 'Serial number (CycloneDX) or document namespace (SPDX), else the file name: what makes a re-import replace it.' }),
  format: Type.Union([Type.Literal('cyclonedx'), Type.Literal('spdx')]),
  specVersion: Type.String(),
  entries: Type.Integer(),
  importedBy: nullable(Type.String()),
  importedAt: Type.String({ format: 'date-time' }),
});

const Advisory = Type.Object({
  id: Type.String(),
  aliases: Type.Array(Type.String()),
  title: Type.String(),
  format: Type.String(),
  publisher: nullable(Type.String()),
  severity: SeveritySchema,
  withdrawn: Type.Boolean(),
  modified: nullable(Type.String()),
  affected: Type.Integer({ description: 'How many affected products it names.' }),
  kev: Type.Boolean({ description: 'Known to be exploited (CISA KEV).' }),
  source: Type.String(),
});

const actorOf = (principal: { role: 'analyst' | 'organisation'; name: string; organisationId?: number }): Actor =>
  principal.role === 'analyst' ? { role: 'analyst', name: principal.name, via: 'api' } : { role: 'organisation', organisationId: principal.organisationId!, name: principal.name, via: 'api' };

export function vulnerabilityRoutes(context: Context): FastifyPluginAsyncTypebox {
  const { db } = context.store;
  return async (app) => {
    app.get('/advisories', {
      schema: { tags: ['vulnerabilities'], summary: 'Stored advisories, latest revision first', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: Type.Array(Advisory), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => listAdvisories(db, { limit: request.query.limit }));

    app.get('/inventories', {
      schema: { tags: ['vulnerabilities'], summary: 'Imported software inventories', querystring: Type.Object({ org: Type.Optional(Type.String()) }), response: { 200: Type.Array(Inventory), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => listInventories(db, { org: request.query.org }));

    // The body is the SBOM itself, taken as bytes whatever its content type.
    app.register(async (plain) => {
      plain.removeAllContentTypeParsers();
      plain.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      plain.withTypeProvider<TypeBoxTypeProvider>().post('/inventories/:ref', {
        schema: {
          tags: ['vulnerabilities'],
          summary: "Import an SBOM (the body) as the organisation's software inventory",
          description: 'CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON. Re-importing the same SBOM (serial number, document namespace or file name) replaces its entries and only those; the organisation is then matched against the stored advisories.',
          params: Type.Object({ ref: Type.String() }),
          querystring: Type.Object({ filename: Type.Optional(Type.String({ description: 'The original file name; identifies an SBOM without serial number or namespace.' })) }),
          response: {
            201: Type.Object({
              inventory: Inventory,
              added: Type.Integer(),
              removed: Type.Integer(),
              alreadyRegistered: Type.Array(Type.String()),
              problems: Type.Array(Type.Object({ field: Type.Optional(Type.String()), value: Type.Optional(Type.String()), reason: Type.String() })),
              findingsNew: Type.Integer(),
              findingsResolved: Type.Integer(),
            }),
            ...errors,
          },
        },
        preHandler: requireOrganisation,
      }, async (request, reply) => {
        const name = path.basename(request.query.filename ?? 'sbom.json');
        const result = await importInventory(db, request.params.ref, name, request.body as Buffer, actorOf(request.principal!));
        const counts = await organisationAssetsChanged(db, context.bus, request.params.ref, result.changes);
        return reply.status(201).send({ ...result, findingsNew: counts.findingsNew, findingsResolved: counts.findingsResolved });
      });
    });
  };
}

/** The registry over HTTP: organisations, their assets, import and export. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { KoppelError } from '../../errors.ts';
import {
  ASSET_KINDS,
  LANGUAGES,
  VERIFICATIONS,
  addAssets,
  addOrganisation,
  checkContact,
  checkOrganisation,
  exportRegistry,
  getOrganisation,
  listAssets,
  listOrganisations,
  removeAsset,
  removeOrganisation,
  type Actor,
} from '../../registry/index.ts';
import type { Context } from '../../context.ts';
import { importAndMatchRegistry, organisationAssetsChanged } from '../../pipeline/advisories.ts';
import { requireAnalyst, requireOrganisation } from '../auth.ts';
import { literals, nullable } from '../../typebox.ts';

const Language = literals(LANGUAGES);
const AssetKind = literals(ASSET_KINDS);

const Organisation = Type.Object({
  ref: Type.String({ description: 'External key, e.g. a Chamber of Commerce number.' }),
  name: Type.String(),
  country: nullable(Type.String({ description: 'ISO 3166 two-letter code.' })),
  sector: nullable(Type.String()),
  language: Language,
  createdAt: Type.String({ format: 'date-time' }),
});

const OrganisationSummary = Type.Composite([Organisation, Type.Object({ contacts: Type.Integer(), assets: Type.Integer() })]);

const Contact = Type.Object({
  email: Type.String(),
  name: nullable(Type.String()),
  phone: nullable(Type.String()),
  role: nullable(Type.String()),
  language: nullable(Language),
});

const Asset = Type.Object({
  id: Type.Integer(),
  org: Type.String({ description: 'The ref of the organisation that holds it.' }),
  kind: AssetKind,
  value: Type.String({ description: 'Canonical form.' }),
  addedVia: Type.String(),
  addedBy: nullable(Type.String()),
  addedAt: Type.String({ format: 'date-time' }),
  verification: literals(VERIFICATIONS, 'How ownership was proven; only verified assets produce notices.'),
  verifiedBy: nullable(Type.String()),
  verifiedAt: nullable(Type.String({ format: 'date-time' })),
});

const Ref = Type.Object({ ref: Type.String() });
const ImportQuery = Type.Object({ skipInvalid: Type.Optional(Type.Boolean({ default: false })) });
const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' } };

export function registryRoutes(context: Context): FastifyPluginAsyncTypebox {
  const { db } = context.store;
  return async (app) => {
    const actorOf = (principal: { role: 'analyst' | 'organisation'; name: string; organisationId?: number }): Actor =>
      principal.role === 'analyst'
        ? { role: 'analyst', name: principal.name, via: 'api' }
        : { role: 'organisation', organisationId: principal.organisationId!, name: principal.name, via: 'api' };

    app.get('/organisations', {
      schema: { tags: ['registry'], summary: 'List organisations', response: { 200: Type.Array(OrganisationSummary), ...errors } },
      preHandler: requireAnalyst,
    }, async () => listOrganisations(db));

    app.post('/organisations', {
      schema: {
        tags: ['registry'],
        summary: 'Enrol an organisation',
        body: Type.Object({
          ref: Type.String(),
          name: Type.String(),
          country: Type.Optional(Type.String()),
          sector: Type.Optional(Type.String()),
          language: Type.Optional(Language),
          contact: Type.Optional(Type.Object({ email: Type.String(), name: Type.Optional(Type.String()), phone: Type.Optional(Type.String()), role: Type.Optional(Type.String()), language: Type.Optional(Language) })),
        }),
        response: { 201: Organisation, ...errors },
      },
      preHandler: requireAnalyst,
    }, async (request, reply) => {
      const org = checkOrganisation(request.body);
      const contact = request.body.contact ? checkContact(request.body.contact, 'contact.') : undefined;
      const problems = [...(org.ok ? [] : org.problems), ...(contact && !contact.ok ? contact.problems : [])];
      if (!org.ok || (contact && !contact.ok)) throw new KoppelError('invalid', problems.map((p) => p.reason).join('; '), problems);
      const created = await addOrganisation(db, org.value, contact?.ok ? contact.value : undefined);
      return reply.status(201).send(created);
    });

    app.get('/organisations/:ref', {
      schema: { tags: ['registry'], summary: 'One organisation with its contacts', params: Ref, response: { 200: Type.Composite([Organisation, Type.Object({ contacts: Type.Array(Contact) })]), ...errors } },
      preHandler: requireOrganisation,
    }, async (request) => getOrganisation(db, request.params.ref));

    app.delete('/organisations/:ref', {
      schema: { tags: ['registry'], summary: 'Remove an organisation with its contacts and assets', params: Ref, response: { 204: Type.Null(), ...errors } },
      preHandler: requireAnalyst,
    }, async (request, reply) => {
      const removed = await removeOrganisation(db, request.params.ref);
      await context.bus.publish('registry.assets', { added: [], removed });
      return reply.status(204).send(null);
    });

    app.get('/organisations/:ref/assets', {
      schema: { tags: ['registry'], summary: "An organisation's assets", params: Ref, response: { 200: Type.Array(Asset), ...errors } },
      preHandler: requireOrganisation,
    }, async (request) => listAssets(db, { org: request.params.ref }));

    app.post('/organisations/:ref/assets', {
      schema: {
        tags: ['registry'],
        summary: 'Register assets (all or none)',
        description:
          'The kind is detected from each value unless given. Assets registered by an analyst count as verified by that analyst; by an organisation, unverified. ' +
          'New software is matched against the stored advisories at once; the counts say what that found.',
        params: Ref,
        body: Type.Object({ values: Type.Array(Type.String(), { minItems: 1 }), kind: Type.Optional(AssetKind) }),
        response: {
          201: Type.Object({ assets: Type.Array(Asset), warnings: Type.Array(Type.String()), findingsNew: Type.Integer(), findingsResolved: Type.Integer() }),
          ...errors,
        },
      },
      preHandler: requireOrganisation,
    }, async (request, reply) => {
      const { changes, warnings } = await addAssets(db, request.params.ref, request.body.values, actorOf(request.principal!), request.body.kind);
      const counts = await organisationAssetsChanged(db, context.bus, request.params.ref, changes);
      return reply.status(201).send({ assets: changes.added, warnings, findingsNew: counts.findingsNew, findingsResolved: counts.findingsResolved });
    });

    app.delete('/organisations/:ref/assets', {
      schema: {
        tags: ['registry'],
        summary: 'Remove one asset',
        params: Ref,
        querystring: Type.Object({ value: Type.String({ description: 'The asset as registered or typed (10.0.0.0/24, example.nl …).' }), kind: Type.Optional(AssetKind) }),
        response: { 204: Type.Null(), ...errors },
      },
      preHandler: requireOrganisation,
    }, async (request, reply) => {
      await organisationAssetsChanged(db, context.bus, request.params.ref, await removeAsset(db, request.params.ref, request.query.value, request.query.kind));
      return reply.status(204).send(null);
    });

    app.get('/assets', {
      schema: { tags: ['registry'], summary: 'All assets, or one organisation’s', querystring: Type.Object({ org: Type.Optional(Type.String()) }), response: { 200: Type.Array(Asset), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => listAssets(db, { org: request.query.org }));

    // The import body is the file itself, streamed to disk as it arrives, whatever its type.
    app.register(async (plain) => {
    plain.removeAllContentTypeParsers();
    plain.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const upload = plain.withTypeProvider<TypeBoxTypeProvider>();
    upload.post('/registry/import', {
      schema: {
        tags: ['registry'],
        summary: 'Import a registry file (CSV or the JSON export)',
        description: 'The body is the file: `text/csv` with the header org_ref,org_name,contact_email,asset, or `application/json` as export writes it. With any bad row nothing is imported unless skipInvalid is true.',
        querystring: ImportQuery,
        response: {
          200: Type.Object({
            rows: Type.Integer(),
            rejected: Type.Integer(),
            organisationsCreated: Type.Integer(),
            organisationsUpdated: Type.Integer(),
            contactsAdded: Type.Integer(),
            assetsAdded: Type.Integer(),
            softwareAddedTo: Type.Array(Type.String(), { description: 'refs of the organisations that got new software, matched again against the stored advisories' }),
            vulnerabilities: Type.Object(
              { findingsNew: Type.Integer(), findingsUpdated: Type.Integer(), findingsResolved: Type.Integer(), findingsSuppressed: Type.Integer() },
              { description: 'what matching the new software against the stored advisories changed' },
            ),
            problems: Type.Array(Type.Object({ file: Type.Optional(Type.String()), line: Type.Optional(Type.Integer()), field: Type.Optional(Type.String()), value: Type.Optional(Type.String()), reason: Type.String() })),
            warnings: Type.Array(Type.String()),
          }),
          ...errors,
        },
      },
      preHandler: requireAnalyst,
    }, async (request) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'koppel-import-'));
      const json = (request.headers['content-type'] ?? '').includes('json');
      const file = path.join(dir, json ? 'upload.json' : 'upload.csv');
      try {
        await pipeline(request.body as NodeJS.ReadableStream, createWriteStream(file));
        return await importAndMatchRegistry(db, context.bus, file, { skipInvalid: request.query.skipInvalid, actor: actorOf(request.principal!) });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    });

    app.get('/registry/export', {
      schema: { tags: ['registry'], summary: 'Export the whole registry in the form import reads', querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })) }) },
      preHandler: requireAnalyst,
    }, async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const out = new PassThrough();
      const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', resolve)));
      exportRegistry(db, write, format).then(() => out.end(), (error) => out.destroy(error));
      return reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json').send(out);
    });

  };
}

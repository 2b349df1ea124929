/** Threat information over HTTP: upload for ingest, sources, batches, observations and findings. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Context } from '../../context.ts';
import { KoppelError } from '../../errors.ts';
import { FINDING_STATUSES, SETTABLE_STATUSES, findingById, listFindings, setFindingStatus, withVulnerabilityDetails } from '../../findings/index.ts';
import { EpssSchema, KevSchema } from '../../advisories/index.ts';
import { advisoryFormatOf, ingestAdvisoryFile, softwareIndexFor } from '../../pipeline/advisories.ts';
import { listBatches } from '../../intake/batches.ts';
import { ingestFormat, listSources } from '../../intake/sources.ts';
import { registerSource } from '../../pipeline/sources.ts';
import { ObservationSchema, observationsById, RELIABILITIES, SEVERITIES, TLP_LABELS, KindSchema, SeveritySchema, TlpSchema, ReliabilitySchema } from '../../observations/index.ts';
import { scopeOf } from '../../matching/index.ts';
import { ingestFile, listObservations } from '../../pipeline/index.ts';
import { literals, nullable } from '../../typebox.ts';
import { requireAnalyst } from '../auth.ts';

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' } };

const RowErrorSchema = Type.Object({ file: Type.String(), line: Type.Integer(), field: Type.Optional(Type.String()), reason: Type.String() });

const Counts = {
  rows: Type.Integer(),
  observations: Type.Integer({ description: 'New observations stored.' }),
  duplicates: Type.Integer({ description: 'Observations the store already had (the same file ingested again adds nothing twice).' }),
  rejected: Type.Integer({ description: 'Bad rows, skipped.' }),
  findingsNew: Type.Integer(),
  findingsSeenAgain: Type.Integer(),
};

const AdvisoryCounts = {
  advisoriesNew: Type.Optional(Type.Integer({ description: 'Advisory files: advisories new to the store.' })),
  advisoriesRevised: Type.Optional(Type.Integer({ description: 'Advisory files: later revisions of stored advisories.' })),
  advisoriesUnchanged: Type.Optional(Type.Integer()),
  enrichments: Type.Optional(Type.Integer({ description: 'KEV entries or EPSS scores read.' })),
  statements: Type.Optional(Type.Integer({ description: 'VEX statements read.' })),
  findingsResolved: Type.Optional(Type.Integer()),
  findingsSuppressed: Type.Optional(Type.Integer()),
};

const Source = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  format: Type.String(),
  reliability: ReliabilitySchema,
  tlp: TlpSchema,
  severity: nullable(SeveritySchema),
  reportsDaily: Type.Boolean({ description: 'What a daily source stops reporting is taken as fixed.' }),
});

const Finding = Type.Object({
  id: Type.Integer(),
  org: Type.String({ description: "The organisation's ref." }),
  asset: Type.String({ description: 'The matched asset as registered (the first, when several matched).' }),
  assets: Type.Array(Type.String()),
  indicator: Type.String({ description: "The subject's indicator that matched." }),
  kind: KindSchema,
  type: Type.String(),
  severity: SeveritySchema,
  tlp: TlpSchema,
  source: Type.String(),
  status: literals(FINDING_STATUSES),
  statusReason: nullable(Type.String()),
  firstSeen: Type.String({ format: 'date-time' }),
  lastSeen: Type.String({ format: 'date-time' }),
  count: Type.Integer({ description: 'How many observations stand behind it.' }),
  observations: Type.Array(Type.Integer(), { description: 'The ids of the latest observations behind it, oldest first; GET /findings/{id} gives them in full.' }),
  cve: Type.Optional(Type.String({ description: 'Vulnerability findings: the CVE, when one is known.' })),
  advisory: Type.Optional(Type.String({ description: 'Vulnerability findings: the advisory whose product matched.' })),
  aliases: Type.Optional(Type.Array(Type.String(), { description: 'Vulnerability findings: other ids of the same vulnerability.' })),
  product: Type.Optional(Type.String({ description: 'Vulnerability findings: the affected product as the advisory names it.' })),
  version: Type.Optional(Type.String({ description: 'Vulnerability findings: the version the inventory entry states.' })),
  fixedIn: Type.Optional(Type.String({ description: 'Vulnerability findings: the version that fixes it.' })),
  confidence: Type.Optional(literals(['confirmed', 'likely', 'possible'], 'Vulnerability findings: confirmed (purl or CPE, version in range), likely (identity certain, version unknown or range vague), possible (name only).')),
  explanation: Type.Optional(Type.String({ description: 'Vulnerability findings: why the product matched, checkable by a person.' })),
  remediation: Type.Optional(Type.String({ description: "Vulnerability findings: the vendor's remediation." })),
  kev: Type.Optional(KevSchema),
  epss: Type.Optional(EpssSchema),
});

export function intakeRoutes(context: Context): FastifyPluginAsyncTypebox {
  const { db } = context.store;
  return async (app) => {
    app.get('/sources', { schema: { tags: ['intake'], summary: 'Registered sources', response: { 200: Type.Array(Source), ...errors } }, preHandler: requireAnalyst }, async () => listSources(db));

    app.post('/sources', {
      schema: {
        tags: ['intake'],
        summary: 'Register a source',
        body: Type.Object({
          name: Type.String({ minLength: 1 }),
          format: Type.String({ minLength: 1 }),
          reliability: literals(RELIABILITIES),
          tlp: literals(TLP_LABELS),
          severity: Type.Optional(literals(SEVERITIES)),
          reportsDaily: Type.Optional(Type.Boolean()),
        }),
        response: { 201: Source, ...errors },
      },
      preHandler: requireAnalyst,
    }, async (request, reply) => {
      const b = request.body;
      return reply.status(201).send(await registerSource(db, { ...b, severity: b.severity ?? null, reportsDaily: Boolean(b.reportsDaily) }));
    });

    app.get('/batches', {
      schema: { tags: ['intake'], summary: 'Ingests with their counts and rejected rows', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }), response: { 200: Type.Array(Type.Object({ id: Type.Integer(), source: Type.String(), file: Type.String(), format: Type.String(), status: Type.String(), startedAt: Type.String(), finishedAt: nullable(Type.String()), error: nullable(Type.String()), ...Counts, errors: Type.Optional(Type.Array(RowErrorSchema)) })), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => listBatches(db, { withErrors: true, limit: request.query.limit }));

    app.get('/observations', {
      schema: {
        tags: ['intake'],
        summary: 'Stored observations, newest first',
        querystring: Type.Object({ indicator: Type.Optional(Type.String({ description: 'An address, network, domain (with subdomains), URL, e-mail address or AS.' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100 })) }),
        response: { 200: Type.Array(Type.Composite([Type.Object({ id: Type.Integer(), sourceId: Type.Integer() }), ObservationSchema])), ...errors },
      },
      preHandler: requireAnalyst,
    }, async (request) => {
      const { indicator, limit } = request.query;
      const scope = indicator !== undefined ? scopeOf(indicator) : undefined;
      if (indicator !== undefined && !scope) throw new KoppelError('invalid', `cannot search for "${indicator}"`, [{ field: 'indicator', value: indicator, reason: 'not an address, network, domain, URL, e-mail address or AS number' }]);
      return listObservations(db, { scope, limit: limit ?? 100 });
    });

    app.get('/findings', {
      schema: { tags: ['findings'], summary: 'Findings', querystring: Type.Object({ org: Type.Optional(Type.String()), status: Type.Optional(literals(FINDING_STATUSES)), limit: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: Type.Array(Finding), ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => withVulnerabilityDetails(db, await listFindings(db, request.query)));

    const FindingWithObservations = Type.Composite([Type.Omit(Finding, ['observations']), Type.Object({ observations: Type.Array(Type.Composite([Type.Object({ id: Type.Integer(), sourceId: Type.Integer() }), ObservationSchema])) })]);

    app.get('/findings/:id', {
      schema: { tags: ['findings'], summary: 'One finding with the observations behind it', params: Type.Object({ id: Type.Integer() }), response: { 200: FindingWithObservations, ...errors } },
      preHandler: requireAnalyst,
    }, async (request) => {
      const finding = await findingById(db, request.params.id);
      return { ...finding, observations: await observationsById(db, finding.observations) };
    });

    app.patch('/findings/:id', {
      schema: {
        tags: ['findings'],
        summary: 'Record what a person decided about a finding',
        params: Type.Object({ id: Type.Integer() }),
        body: Type.Object({ status: literals(SETTABLE_STATUSES, 'notified is set by delivery alone'), reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
        response: { 200: Finding, ...errors },
      },
      preHandler: requireAnalyst,
    }, async (request) => {
      await setFindingStatus(db, request.params.id, request.body.status, request.body.reason);
      return findingById(db, request.params.id);
    });

    // The ingest body is the feed file itself, streamed to disk as it arrives.
    app.register(async (plain) => {
      plain.removeAllContentTypeParsers();
      plain.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      plain.withTypeProvider<TypeBoxTypeProvider>().post('/ingest', {
        schema: {
          tags: ['intake'],
          summary: 'Ingest a feed file (the body)',
          description: 'The format is `format`, else that of the registered `source`, else detected from `filename` and the content. Bad rows are reported and skipped.',
          querystring: Type.Object({
            filename: Type.Optional(Type.String({ description: 'The original file name; Shadowserver report types are read from it.' })),
            format: Type.Optional(Type.String()),
            source: Type.Optional(Type.String()),
            map: Type.Optional(Type.String({ description: 'Column mapping for generic CSV: ip=src,domain=host,…' })),
            org: Type.Optional(Type.String({ description: 'For a VEX file: its statements concern this organisation only (without: every holder of the product).' })),
            modified: Type.Optional(
              Type.String({
                format: 'date-time',
                description: 'When the file was written. Rows without a time of their own were observed then; without it, at the upload, so that a list uploaded twice counts twice.',
              }),
            ),
          }),
          response: { 200: Type.Object({ batch: Type.Integer(), file: Type.String(), format: Type.String(), source: Type.String(), ...Counts, ...AdvisoryCounts, errors: Type.Array(RowErrorSchema) }), ...errors },
        },
        preHandler: requireAnalyst,
      }, async (request) => {
        // An unknown source is refused before the upload is kept.
        const format = await ingestFormat(db, request.query.format, request.query.source);
        const dir = await mkdtemp(path.join(tmpdir(), 'koppel-ingest-'));
        const name = path.basename(request.query.filename ?? 'upload');
        const file = path.join(dir, name);
        try {
          await pipeline(request.body as NodeJS.ReadableStream, createWriteStream(file));
          const advisoryFormat = await advisoryFormatOf(file, format);
          if (advisoryFormat) {
            const r = await ingestAdvisoryFile(db, await softwareIndexFor(db, context.bus), { file, name, format: advisoryFormat, source: request.query.source, org: request.query.org });
            return { ...r, observations: 0, duplicates: r.advisoriesUnchanged, findingsSeenAgain: r.findingsUpdated };
          }
          const report = await ingestFile(db, await context.matcher.index(), {
            file,
            name,
            ...(request.query.modified ? { fileTime: new Date(request.query.modified).toISOString() } : {}),
            format,
            source: request.query.source,
            options: request.query.map ? { map: request.query.map } : {},
          });
          return report;
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    });
  };
}

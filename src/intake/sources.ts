/** Registered sources: where threat information comes from, with its reliability and default TLP. */
import type { Kysely, Selectable } from 'kysely';
import { KoppelError } from '../errors.ts';
import type { Reliability, Severity, Tlp } from '../observations/model.ts';
import type { Database, SourceTable } from '../store/index.ts';

export interface Source {
  id: number;
  name: string;
  format: string;
  reliability: Reliability;
  tlp: Tlp;
  severity: Severity | null;
  reportsDaily: boolean;
}

export type SourceInput = Omit<Source, 'id'>;

/**
 * What a source is taken to be when a file is ingested without naming one: the publisher's usual
 * reliability, sharing label and cadence. Unknown publishers get F (reliability cannot be judged).
 */
const FORMAT_DEFAULTS: Record<string, Pick<Source, 'reliability' | 'tlp' | 'reportsDaily'>> = {
  shadowserver: { reliability: 'A', tlp: 'AMBER', reportsDaily: true },
  spamhaus: { reliability: 'A', tlp: 'CLEAR', reportsDaily: true },
  dshield: { reliability: 'B', tlp: 'CLEAR', reportsDaily: true },
  feodo: { reliability: 'A', tlp: 'CLEAR', reportsDaily: true },
  urlhaus: { reliability: 'A', tlp: 'CLEAR', reportsDaily: true },
  threatfox: { reliability: 'B', tlp: 'CLEAR', reportsDaily: false },
  cymru: { reliability: 'B', tlp: 'AMBER', reportsDaily: true },
  otx: { reliability: 'C', tlp: 'GREEN', reportsDaily: false },
};

export function defaultSource(format: string): SourceInput {
  const family = format.split(/[:-]/)[0];
  const defaults = FORMAT_DEFAULTS[family] ?? { reliability: 'F', tlp: 'AMBER', reportsDaily: false };
  return { name: family, format, severity: null, ...defaults };
}

const toSource = (r: Selectable<SourceTable>): Source => ({
  id: r.id,
  name: r.name,
  format: r.format,
  reliability: r.reliability,
  tlp: r.tlp,
  severity: r.severity,
  reportsDaily: r.reports_daily,
});

export async function addSource(db: Kysely<Database>, input: SourceInput): Promise<Source> {
  const row = await db
    .insertInto('sources')
    .values({ name: input.name, format: input.format, reliability: input.reliability, tlp: input.tlp, severity: input.severity, reports_daily: input.reportsDaily })
    .onConflict((c) => c.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new KoppelError('conflict', `a source named "${input.name}" already exists`, [{ field: 'name', value: input.name, reason: 'already exists' }]);
  return toSource(row);
}

export async function listSources(db: Kysely<Database>): Promise<Source[]> {
  return (await db.selectFrom('sources').selectAll().orderBy('name').execute()).map(toSource);
}

/** The registered source of that name; refused, with how to register it, when there is none. */
async function namedSource(db: Kysely<Database>, name: string, format = 'FORMAT'): Promise<Source> {
  const row = await db.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new KoppelError('not-found', `no source named "${name}"; register it with \`koppel source add ${name} --format ${format} …\``, [{ field: 'source', value: name, reason: 'unknown source' }]);
  return toSource(row);
}

/** The named source, or (without a name) the one derived from the format, registered on first use. */
export async function sourceForIngest(db: Kysely<Database>, name: string | undefined, format: string): Promise<Source> {
  if (name !== undefined) return namedSource(db, name, format);
  const derived = defaultSource(format);
  const existing = await db.selectFrom('sources').selectAll().where('name', '=', derived.name).executeTakeFirst();
  return existing ? toSource(existing) : addSource(db, derived);
}

/**
 * The format an ingest reads its file in: the one given, else the one its named source was registered
 * with; undefined when neither is known, and the format is told from the file.
 */
export async function ingestFormat(db: Kysely<Database>, format: string | undefined, source: string | undefined): Promise<string | undefined> {
  if (format !== undefined || source === undefined) return format;
  return (await namedSource(db, source)).format;
}

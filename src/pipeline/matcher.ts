/**
 * The live side of matching in one process: the asset index, built from the registry on first use
 * and kept current by registry changes on the bus, and retro-matching of every new asset against
 * the stored observations of the retro window.
 */
import type { Kysely } from 'kysely';
import type { Bus } from '../bus/index.ts';
import { wholeNumber, type Environment } from '../config.ts';
import { FindingGroups, writeFindings, type Sighting } from '../findings/index.ts';
import { AssetIndex, matchObservation, scopeOfAsset, type IndexedAsset, type Scope } from '../matching/index.ts';
import { probesFor, scanObservations, type Indicators, type Observation } from '../observations/index.ts';
import type { Asset, AssetChanges } from '../registry/index.ts';
import type { Database } from '../store/index.ts';
import type { PreparedObservation } from './prepared-rows.ts';

type Db = Kysely<Database>;

const INDEXED_KINDS = ['ip', 'cidr', 'asn', 'domain'] as const;
type IndexedKind = (typeof INDEXED_KINDS)[number];
const isIndexed = (kind: string): kind is IndexedKind => (INDEXED_KINDS as readonly string[]).includes(kind);

/** A registered network asset as the index holds it. */
const indexedAsset = (a: Pick<Asset, 'id' | 'value' | 'verification'> & { kind: IndexedKind; organisationId: number }): IndexedAsset => ({
  id: a.id,
  organisationId: a.organisationId,
  kind: a.kind,
  value: a.value,
  verified: a.verification !== 'unverified',
});

/** The id of the asset registered last (0 for none): those registered later have higher ids. */
export async function lastAssetId(db: Db): Promise<number> {
  const row = await db.selectFrom('assets').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The registered network assets; those registered after the one with the given id, when it is given. */
export async function loadIndexedAssets(db: Db, registeredAfter?: number): Promise<IndexedAsset[]> {
  let query = db.selectFrom('assets').select(['id', 'organisation_id', 'kind', 'value', 'verification']).where('kind', 'in', INDEXED_KINDS);
  if (registeredAfter !== undefined) query = query.where('id', '>', registeredAfter);
  const rows = await query.execute();
  return rows.map((r) => indexedAsset({ id: r.id, organisationId: r.organisation_id, kind: r.kind as IndexedKind, value: r.value, verification: r.verification }));
}

/**
 * The indicator that names the threat in a finding: the most specific of the subject's. An
 * organisation reached through several of its assets (its range and its AS) gets one finding for
 * the threat, naming every asset that matched.
 */
export function threatIndicator(observation: Pick<Observation, 'subject'>): string {
  const s = observation.subject;
  return s.url ?? s.ip ?? s.network ?? s.domain ?? s.email ?? (s.asn !== undefined ? `AS${s.asn}` : '');
}

/** The observation stored with the id as findings see it; without an id, one the source sent again. */
export const sightingOf = (observation: PreparedObservation, sourceId: number, observationId: number | undefined): Sighting => ({
  observationId,
  sourceId,
  kind: observation.kind,
  type: observation.type,
  indicator: threatIndicator(observation),
  severity: observation.severity,
  tlp: observation.tlp,
  observedAt: observation.observedAt,
  receivedAt: observation.receivedAt,
  port: observation.subject.port,
  malware: observation.malware,
});

export interface Matcher {
  /** The index of every registered network asset, current with the registry. */
  index(): Promise<AssetIndex>;
  /** Resolves once the retro-matching of the changes published so far is done. */
  settled(): Promise<void>;
}

export function attachMatcher(db: Db, bus: Bus, env: Environment): Matcher {
  let built: Promise<AssetIndex> | undefined;
  let pending: Promise<unknown> = Promise.resolve();
  const retroDays = wholeNumber(env, 'KOPPEL_RETRO_DAYS');

  bus.subscribe('registry.assets', (changes: AssetChanges) => {
    const added = changes.added.filter((a): a is typeof a & { kind: IndexedKind } => isIndexed(a.kind)).map(indexedAsset);
    if (built) {
      built = changes.reload
        ? loadIndexedAssets(db).then((assets) => AssetIndex.build(assets))
        : built.then((index) => {
            for (const id of changes.removed) index.remove(id);
            for (const a of added) index.add(a);
            return index;
          });
    }
    const work = (changes.reload ? loadIndexedAssets(db, changes.reload.addedAfter) : Promise.resolve(added)).then((assets) => retroMatch(db, assets, retroDays));
    pending = pending.then(() => work);
    return work.then(() => undefined);
  });

  return {
    index: () => (built ??= loadIndexedAssets(db).then((assets) => AssetIndex.build(assets))),
    settled: () => pending.then(() => undefined),
  };
}

/**
 * A company that enrols today hears about the compromised host reported yesterday: the stored
 * observations of the retro window are matched against the new assets.
 */
export function retroMatch(db: Db, assets: IndexedAsset[], retroDays: number, now = new Date()): Promise<{ created: number; seenAgain: number }> {
  return matchStored(db, assets, { since: new Date(now.getTime() - retroDays * 86_400_000) });
}

/**
 * Stored observations (of the window, or of one batch) matched against some assets, with the rules
 * of forward matching, through an index holding just those assets: one scan serves them all.
 */
export async function matchStored(db: Db, assets: IndexedAsset[], window: { since?: Date; batch?: number }): Promise<{ created: number; seenAgain: number }> {
  if (assets.length === 0) return { created: 0, seenAgain: 0 };
  const index = AssetIndex.build(assets);
  const groups = new FindingGroups();
  const reachesAnAsset = (subject: Indicators) => matchObservation(index, { subject }).length > 0;
  const scopes = assets.map(scopeOfAsset);
  const probes = scopes.every((s): s is Scope => s !== undefined) ? probesFor(scopes) : undefined;
  for (const observation of await scanObservations(db, { ...window, subjects: reachesAnAsset, probes })) {
    groups.add(sightingOf(observation, observation.sourceId, observation.id), matchObservation(index, observation));
  }
  return writeFindings(db, groups.take());
}

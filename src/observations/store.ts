/** Observations in the store: deduplicated, indexed by subject for retro-matching, purged after retention. */
import { hash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { emailDomain, parseAsn, parseCidr, parseDomain, parseIp, urlHost } from '../indicators/index.ts';
import type { Database } from '../store/index.ts';
import type { Observation } from './model.ts';
import { reverseLabels, subjectHost, subjectNetwork } from './subject.ts';

type Db = Kysely<Database>;

/**
 * Many values in one text parameter, split by the database with `string_to_array`: cheaper on both
 * sides than an array literal, whose every element the driver escapes and the server unescapes.
 * The separator (ASCII record separator) never occurs in JSON.stringify output (control characters
 * are escaped), canonical addresses and networks, ISO times, domains or the enumerated fields; a
 * free-text field goes as an ordinary array parameter instead. An empty value (join writes null and
 * undefined as nothing) stands for NULL.
 */
export function sqlArray(values: Array<string | number | null | undefined>, type: 'bigint' | 'int' | 'text' | 'timestamptz' | 'uuid' | 'cidr' | 'json') {
  return sql`string_to_array(${values.join('\x1e')}, chr(30), '')::${sql.raw(type)}[]`;
}

/** An observation as the store takes it: its identity, the columns searched, and the record. */
export interface StoredRow {
  key: string;
  observedAt: string;
  network: string | undefined;
  /** The subject's host, labels reversed. */
  host: string | undefined;
  asn: number | undefined;
  record: string;
}

/**
 * What insertObservations writes of an observation, made once, as it is read. The record is the
 * observation as JSON, what makes it the observation it is first: the same source reporting the same
 * thing (kind, type, subject, other parties, evidence) at the same time is one observation, however
 * often the file is ingested, so the key is 128 bits of SHA-256 of the record up to the end of its
 * evidence, as a uuid (a fixed 16 bytes that the unique index compares with memcmp). What follows
 * (receipt time, severity, reliability, TLP, free text) may differ between ingests of the same thing.
 */
export function storedRow(o: Observation): StoredRow {
  const { source, observedAt, kind, type, subject, others, evidence, receivedAt, severity, reliability, tlp, hostname, malware, cve, description } = o;
  const record = JSON.stringify({ source, observedAt, kind, type, subject, others, evidence, receivedAt, severity, reliability, tlp, hostname, malware, cve, description });
  // Only text follows the receipt time, and no key can hide in text: its last mention is the one.
  const h = hash('sha256', record.slice(0, record.lastIndexOf(',"receivedAt":')), 'hex');
  const host = subjectHost(o);
  return {
    // Joined rather than concatenated: one flat string, not a chain of pieces, as it is kept until written.
    key: [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20, 32)].join('-'),
    observedAt,
    network: subjectNetwork(o),
    host: host && reverseLabels(host),
    asn: subject.asn,
    record,
  };
}

/**
 * Stores the observations that are new; returns, per input, its id when it was new and undefined
 * when the store already had it (or it came earlier in the same list).
 */
export async function insertObservations(db: Db, batchId: number, sourceId: number, rows: StoredRow[]): Promise<Array<number | undefined>> {
  if (rows.length === 0) return [];
  // The first of each key, in key order: concurrent inserts then wait on each other's keys in one
  // order and never deadlock.
  const firstOfKey = new Map<string, StoredRow>();
  for (const row of rows) if (!firstOfKey.has(row.key)) firstOfKey.set(row.key, row);
  const freshKeys = [...firstOfKey.keys()].sort();
  const fresh = freshKeys.map((key) => firstOfKey.get(key)!);
  // The new ones come back as one text (`key id,key id…`): cheaper to read than a row each.
  const result = await sql<{ inserted: string | null }>`
    WITH inserted AS (
      INSERT INTO observations (dedupe_key, batch_id, source_id, observed_at, subject_net, subject_host_rev, subject_asn, record)
      SELECT u.key, ${batchId}::bigint, ${sourceId}::bigint, u.observed_at, u.net, u.host, u.asn, u.record
      FROM unnest(
        ${sqlArray(freshKeys, 'uuid')}, ${sqlArray(fresh.map((r) => r.observedAt), 'timestamptz')}, ${sqlArray(fresh.map((r) => r.network), 'cidr')},
        ${sqlArray(fresh.map((r) => r.host), 'text')},
        ${sqlArray(fresh.map((r) => r.asn), 'bigint')}, ${sqlArray(fresh.map((r) => r.record), 'json')}
      ) AS u(key, observed_at, net, host, asn, record)
      ON CONFLICT (observed_at, dedupe_key) DO NOTHING
      RETURNING id, dedupe_key
    )
    SELECT string_agg(dedupe_key || ' ' || id, ',') AS inserted FROM inserted`.execute(db);
  const ids = new Map<string, number>();
  for (const pair of result.rows[0].inserted?.split(',') ?? []) ids.set(pair.slice(0, 36), Number(pair.slice(37)));
  // The same row twice in one file: only its first occurrence counts as new.
  return rows.map(({ key }) => {
    const id = ids.get(key);
    ids.delete(key);
    return id;
  });
}

export interface StoredObservation extends Observation {
  id: number;
  sourceId: number;
}

/** What a newly registered asset, or an analyst's search, covers. */
export type Scope = { network: string } | { domain: string } | { asn: number };

/** The scope of an indicator as typed: an address or network, an AS number, or a domain, URL or e-mail address. */
export function scopeOf(indicator: string): Scope | undefined {
  const text = indicator.trim();
  const net = parseCidr(text);
  if (net.ok) return { network: net.value.cidr };
  const ip = parseIp(text);
  if (ip.ok) return { network: `${ip.value.address}/${ip.value.version === 4 ? 32 : 128}` };
  if (/^as\s*\d+$/i.test(text)) {
    const asn = parseAsn(text);
    return asn.ok ? { asn: asn.value } : undefined;
  }
  const host = text.includes('@') ? emailDomain(text) : text.includes('/') ? urlHost(text) : text;
  const domain = host ? parseDomain(host) : undefined;
  return domain?.ok ? { domain: domain.value } : undefined;
}

/** Observations within the scope (a network overlapping it, a domain or its subdomains, the AS), newest first. */
export async function listObservations(db: Db, filter: { scope?: Scope; since?: Date; limit?: number } = {}): Promise<StoredObservation[]> {
  let query = db.selectFrom('observations').select(['id', 'source_id', 'record']).orderBy('observed_at', 'desc').orderBy('id', 'desc');
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  if (filter.since) query = query.where('observed_at', '>=', filter.since);
  const scope = filter.scope;
  if (scope && 'network' in scope) {
    // Overlap (`&&`) in two halves the btree serves: inside the scope (a range scan), or one of its supernets.
    const net = sql`${scope.network}::cidr`;
    query = query.where(sql<boolean>`(subject_net <<= ${net} OR subject_net = ANY(ARRAY(SELECT set_masklen(${net}, l) FROM generate_series(0, masklen(${net}) - 1) AS l)))`);
  } else if (scope && 'domain' in scope) {
    const rev = reverseLabels(scope.domain);
    query = query.where((eb) => eb.or([eb('subject_host_rev', '=', rev), eb('subject_host_rev', 'like', `${rev.replace(/[\\%_]/g, '\\$&')}.%`)]));
  } else if (scope) query = query.where('subject_asn', '=', scope.asn);
  return (await query.execute()).map((r) => ({ ...r.record, id: r.id, sourceId: r.source_id }));
}

/** Removes observations older than the retention period (their links to findings go with them); findings keep their own dates. */
export async function purgeObservations(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('observations').where('observed_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

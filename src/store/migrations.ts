/**
 * One list of migrations for PGlite and PostgreSQL alike (the PostgreSQL 15 subset), applied in
 * order at start-up. A migration, once released, is never edited: add a new one.
 */
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { sql, type Kysely, type Migration } from 'kysely';
import { subjectLine } from '../observations/block.ts';
import { BlockBuilder, BlockRowsBuilder, blockRow, packBlock, type Observation } from '../observations/index.ts';
import { reserveBlockId } from '../observations/store.ts';
import { SummaryBuilder } from '../observations/summary.ts';
import { bytesIn, bytesOf, bytesOut } from './bytes.ts';
import type { Database } from './schema.ts';

const inflate = promisify(inflateRaw);

const registry: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE organisations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ref text NOT NULL UNIQUE CHECK (ref <> ''),
        name text NOT NULL CHECK (name <> ''),
        country text,
        sector text,
        language text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
    await sql`
      CREATE TABLE contacts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        name text,
        email text NOT NULL CHECK (email = lower(email) AND email <> ''),
        phone text,
        role text,
        language text CHECK (language IN ('nl', 'en')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, email)
      )`.execute(db);
    await sql`
      CREATE TABLE assets (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('ip', 'cidr', 'asn', 'domain', 'software')),
        value text NOT NULL CHECK (value <> ''),
        network cidr,
        asn bigint,
        added_via text NOT NULL CHECK (added_via IN ('cli', 'api', 'import', 'portal')),
        added_by text,
        added_at timestamptz NOT NULL DEFAULT now(),
        verification text NOT NULL DEFAULT 'unverified' CHECK (verification IN ('unverified', 'analyst', 'dns', 'email', 'rdap')),
        verified_by text,
        verified_at timestamptz,
        UNIQUE (organisation_id, kind, value),
        CHECK ((kind IN ('ip', 'cidr')) = (network IS NOT NULL)),
        CHECK ((kind = 'asn') = (asn IS NOT NULL))
      )`.execute(db);
    // No range or domain index on assets: matching runs on the in-memory asset index, and every
    // index here slows the bulk import of a country's registry.
    await sql`
      CREATE TABLE api_tokens (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('analyst', 'organisation')),
        organisation_id bigint REFERENCES organisations(id) ON DELETE CASCADE,
        label text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CHECK ((role = 'organisation') = (organisation_id IS NOT NULL))
      )`.execute(db);
  },
};

const intake: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE sources (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE CHECK (name <> ''),
        format text NOT NULL,
        reliability text NOT NULL CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
        tlp text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
        severity text CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
        reports_daily boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
    await sql`
      CREATE TABLE batches (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id bigint NOT NULL REFERENCES sources(id),
        file text NOT NULL,
        format text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
        rows integer NOT NULL DEFAULT 0,
        observations integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        findings_new integer NOT NULL DEFAULT 0,
        findings_seen_again integer NOT NULL DEFAULT 0,
        error text
      )`.execute(db);
    await sql`
      CREATE TABLE batch_errors (
        batch_id bigint NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        line integer NOT NULL,
        field text,
        reason text NOT NULL
      )`.execute(db);
    await sql`CREATE INDEX batch_errors_batch ON batch_errors (batch_id, line)`.execute(db);
    await sql`
      CREATE TABLE observations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dedupe_key uuid NOT NULL UNIQUE,
        batch_id bigint,
        source_id bigint NOT NULL,
        observed_at timestamptz NOT NULL,
        subject_net cidr,
        subject_host_rev text,
        subject_asn bigint,
        record json NOT NULL
      )`.execute(db);
    // Every index and check here is paid on each of millions of inserted rows, so each is the
    // cheapest that serves its queries. Columns only for what is searched; the rest is in the
    // record. No foreign key from observations: sources and batches are never deleted, and its
    // per-row check would cost more than the insert. The record is json, not jsonb: kept as evidence
    // and read whole, it is not worth jsonb's conversion on the way in. A
    // btree on the network (cheaper to insert into than a GiST) answers the retro-matching overlap
    // as `<<=` (turned into a range scan) or equality with one of the asset's supernets.
    await sql`CREATE INDEX observations_net ON observations (subject_net)`.execute(db);
    await sql`CREATE INDEX observations_host ON observations (subject_host_rev text_pattern_ops) WHERE subject_host_rev IS NOT NULL`.execute(db);
    await sql`CREATE INDEX observations_asn ON observations (subject_asn) WHERE subject_asn IS NOT NULL`.execute(db);
    await sql`CREATE INDEX observations_observed ON observations (observed_at)`.execute(db);
    await sql`
      CREATE TABLE findings (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        kind text NOT NULL,
        type text NOT NULL,
        indicator text NOT NULL,
        severity text NOT NULL,
        tlp text NOT NULL,
        source_id bigint NOT NULL,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        last_received timestamptz NOT NULL,
        count integer NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'notified', 'acknowledged', 'resolved', 'false-positive', 'suppressed')),
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        status_reason text,
        UNIQUE (organisation_id, kind, type, indicator)
      )`.execute(db);
    await sql`CREATE INDEX findings_status ON findings (status, last_seen)`.execute(db);
    // The links of a finding to its assets and observations are written by the transaction that
    // upserted the finding (and so holds it), by the hundred thousand: instead of a foreign-key check
    // per link, they go with what they link through one delete per deleting statement.
    await sql`
      CREATE TABLE finding_assets (
        finding_id bigint NOT NULL,
        asset_id bigint NOT NULL,
        PRIMARY KEY (finding_id, asset_id)
      )`.execute(db);
    await sql`
      CREATE TABLE finding_observations (
        finding_id bigint NOT NULL,
        observation_id bigint NOT NULL,
        PRIMARY KEY (finding_id, observation_id)
      )`.execute(db);
    await sql`
      CREATE FUNCTION findings_unlink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM finding_assets WHERE finding_id IN (SELECT id FROM gone);
        DELETE FROM finding_observations WHERE finding_id IN (SELECT id FROM gone);
        RETURN NULL;
      END $$`.execute(db);
    await sql`
      CREATE FUNCTION assets_unlink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM finding_assets WHERE asset_id IN (SELECT id FROM gone);
        RETURN NULL;
      END $$`.execute(db);
    await sql`
      CREATE FUNCTION observations_unlink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM finding_observations WHERE observation_id IN (SELECT id FROM gone);
        RETURN NULL;
      END $$`.execute(db);
    for (const table of ['findings', 'assets', 'observations']) {
      await sql.raw(`CREATE TRIGGER ${table}_unlink AFTER DELETE ON ${table} REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION ${table}_unlink()`).execute(db);
    }
  },
};

const notices: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`CREATE TABLE settings (key text PRIMARY KEY, value jsonb NOT NULL)`.execute(db);
    await sql`ALTER TABLE organisations ADD COLUMN policy jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
    await sql`ALTER TABLE organisations ADD COLUMN webhook_url text`.execute(db);
    await sql`ALTER TABLE organisations ADD COLUMN webhook_secret text`.execute(db);
    await sql`ALTER TABLE findings ADD COLUMN last_notified_at timestamptz`.execute(db);
    await sql`
      CREATE TABLE finding_decisions (
        finding_id bigint PRIMARY KEY REFERENCES findings(id) ON DELETE CASCADE,
        action text NOT NULL CHECK (action IN ('send-now', 'digest', 'hold-for-review', 'skip')),
        reason text NOT NULL,
        due_at timestamptz,
        decided_at timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
    await sql`
      CREATE TABLE notices (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket text NOT NULL UNIQUE,
        organisation_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
        address text NOT NULL,
        language text NOT NULL CHECK (language IN ('nl', 'en')),
        tlp text NOT NULL,
        subject text NOT NULL,
        text text NOT NULL,
        html text,
        digest boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('held', 'queued', 'sending', 'sent', 'dead', 'rejected')),
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        reviewed_by text,
        reviewed_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_response text,
        sent_at timestamptz
      )`.execute(db);
    await sql`CREATE INDEX notices_outbox ON notices (next_attempt_at) WHERE status IN ('queued', 'sending')`.execute(db);
    await sql`CREATE INDEX notices_organisation ON notices (organisation_id, created_at)`.execute(db);
    await sql`
      CREATE TABLE notice_findings (
        notice_id bigint NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
        finding_id bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
        PRIMARY KEY (notice_id, finding_id)
      )`.execute(db);
    await sql`CREATE INDEX notice_findings_finding ON notice_findings (finding_id)`.execute(db);
  },
};

const vulnerabilities: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE inventories (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        sbom_key text NOT NULL CHECK (sbom_key <> ''),
        file text NOT NULL,
        format text NOT NULL CHECK (format IN ('cyclonedx', 'spdx')),
        spec_version text NOT NULL,
        entries integer NOT NULL,
        imported_by text,
        imported_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, sbom_key)
      )`.execute(db);
    await sql`ALTER TABLE assets ADD COLUMN inventory_id bigint REFERENCES inventories(id) ON DELETE CASCADE`.execute(db);
    await sql`CREATE INDEX assets_inventory ON assets (inventory_id) WHERE inventory_id IS NOT NULL`.execute(db);
    await sql`
      CREATE TABLE advisories (
        id text PRIMARY KEY,
        aliases text[] NOT NULL,
        record jsonb NOT NULL,
        withdrawn boolean NOT NULL,
        modified timestamptz,
        source_id bigint NOT NULL REFERENCES sources(id),
        received_at timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
    await sql`CREATE INDEX advisories_aliases ON advisories USING gin (aliases)`.execute(db);
    await sql`CREATE INDEX advisories_document ON advisories ((record ->> 'document'))`.execute(db);
    // The product identities each advisory names, so that a changed inventory finds its advisories by lookup.
    await sql`
      CREATE TABLE advisory_products (
        key text NOT NULL,
        advisory_id text NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
        PRIMARY KEY (key, advisory_id)
      )`.execute(db);
    await sql`CREATE INDEX advisory_products_advisory ON advisory_products (advisory_id)`.execute(db);
    await sql`
      CREATE TABLE vulnerability_enrichments (
        cve text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('kev', 'epss')),
        record jsonb NOT NULL,
        PRIMARY KEY (cve, kind)
      )`.execute(db);
    await sql`
      CREATE TABLE software_names (
        phrase text NOT NULL,
        identity text NOT NULL,
        PRIMARY KEY (phrase, identity)
      )`.execute(db);
    await sql`
      CREATE TABLE vex_statements (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        vulnerability text NOT NULL,
        ids text[] NOT NULL,
        organisation_id bigint REFERENCES organisations(id) ON DELETE CASCADE,
        record jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
    await sql`CREATE INDEX vex_statements_ids ON vex_statements USING gin (ids)`.execute(db);
    await sql`
      CREATE TABLE vulnerability_findings (
        finding_id bigint PRIMARY KEY REFERENCES findings(id) ON DELETE CASCADE,
        vulnerability text NOT NULL,
        cve text,
        advisory text NOT NULL,
        aliases text[] NOT NULL,
        product text NOT NULL,
        version text,
        fixed_in text,
        confidence text NOT NULL CHECK (confidence IN ('confirmed', 'likely', 'possible')),
        explanation text NOT NULL,
        remediation text,
        kev jsonb,
        epss jsonb
      )`.execute(db);
    await sql`CREATE INDEX vulnerability_findings_vulnerability ON vulnerability_findings (vulnerability)`.execute(db);
  },
};

/**
 * Deduplication by time first: the key is a hash, so a unique index on it alone takes every insert
 * to a random page, which stops fitting in memory once the retention window holds tens of millions
 * of observations. Led by the observation time, the inserts of one report land on a few recent
 * pages; the same index serves the purge, so the index on the time alone goes.
 */
const observationsByTime: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`ALTER TABLE observations DROP CONSTRAINT observations_dedupe_key_key`.execute(db);
    await sql`DROP INDEX observations_observed`.execute(db);
    await sql`ALTER TABLE observations ADD CONSTRAINT observations_dedupe UNIQUE (observed_at, dedupe_key)`.execute(db);
  },
};

/** Those warned of a vulnerability hear when its advisory is withdrawn. */
const allClear: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`ALTER TABLE notices ADD COLUMN all_clear boolean NOT NULL DEFAULT false`.execute(db);
    // Notice planning looks for these on every run.
    await sql`
      CREATE INDEX findings_withdrawn_notified ON findings (organisation_id)
      WHERE status = 'resolved' AND status_reason = 'advisory withdrawn' AND last_notified_at IS NOT NULL`.execute(db);
  },
};

/**
 * Advisory aliases indexed as they are written, not kept in a pending list: an ingest stores
 * thousands of advisories and then looks each one's aliases up in the same transaction, and every
 * lookup would scan the whole unmerged list.
 */
const aliasesWithoutPendingList: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`ALTER INDEX advisories_aliases SET (fastupdate = off)`.execute(db);
  },
};

/**
 * Observations stored by the block (see observations/block.ts) instead of a row each: a row with its
 * five index entries cost more than everything else an ingest does. A finding names its latest
 * observations and keeps the port and malware of the last, which notices read. Findings no longer
 * check their organisation by a foreign key on every upsert; deleting an organisation deletes them
 * through a trigger, as links go with what they link. Observations already stored move into blocks.
 */
const observationBlocks: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      CREATE TABLE observation_blocks (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        batch_id bigint NOT NULL,
        source_id bigint NOT NULL,
        complete boolean NOT NULL DEFAULT false,
        observed_from timestamptz NOT NULL,
        observed_until timestamptz NOT NULL,
        rows integer NOT NULL,
        records bytea NOT NULL,
        subjects bytea NOT NULL,
        keys bytea NOT NULL
      )`.execute(db);
    // Already deflated, or hashes: compressing them again would cost time and save nothing.
    for (const column of ['records', 'subjects', 'keys']) await sql.raw(`ALTER TABLE observation_blocks ALTER COLUMN ${column} SET STORAGE EXTERNAL`).execute(db);
    await sql`CREATE INDEX observation_blocks_time ON observation_blocks (observed_until, id)`.execute(db);
    await sql`CREATE INDEX observation_blocks_source ON observation_blocks (source_id, observed_until)`.execute(db);
    await sql`ALTER TABLE findings ADD COLUMN observations bigint[] NOT NULL DEFAULT '{}', ADD COLUMN port integer, ADD COLUMN malware text`.execute(db);

    await sql`CREATE TEMPORARY TABLE moved (old_id bigint PRIMARY KEY, new_id bigint NOT NULL)`.execute(db);
    const store = db as unknown as Kysely<Database>;
    let block: BlockBuilder | undefined;
    let owner = '';
    let moved: [number[], number[]] = [[], []];
    const flush = async () => {
      if (block) {
        const packed = await packBlock(block.segments);
        await sql`
          INSERT INTO observation_blocks (id, batch_id, source_id, observed_from, observed_until, rows, records, subjects, keys)
          OVERRIDING SYSTEM VALUE
          VALUES (${block.id}, ${Number(owner.split(' ')[0])}, ${Number(owner.split(' ')[1])}, ${block.from}, ${block.until}, ${block.size},
            ${bytesIn(packed.records)}, ${bytesIn(packed.subjects)}, ${bytesIn(packed.keys)})`.execute(db);
      }
      await sql`INSERT INTO moved SELECT * FROM unnest(${moved[0]}::bigint[], ${moved[1]}::bigint[])`.execute(db);
      block = undefined;
      moved = [[], []];
    };
    let after = { owner: '', id: 0 };
    for (;;) {
      const page = await sql<{ id: number; owner: string; record: Observation }>`
        SELECT id, coalesce(batch_id, 0) || ' ' || source_id AS owner, record FROM observations
        WHERE (coalesce(batch_id, 0) || ' ' || source_id, id) > (${after.owner}, ${after.id})
        ORDER BY coalesce(batch_id, 0) || ' ' || source_id, id LIMIT 10000`.execute(db);
      const prepared = new BlockRowsBuilder(page.rows.length);
      const stored = page.rows.map((row) => blockRow(row.record));
      for (const [i, row] of page.rows.entries()) prepared.add(stored[i], row.record.subject);
      const rows = prepared.take();
      for (const [i, row] of page.rows.entries()) {
        if (block && (row.owner !== owner || block.full)) await flush();
        owner = row.owner;
        block ??= new BlockBuilder(await reserveBlockId(store));
        moved[0].push(Number(row.id));
        moved[1].push(block.add(rows, i, stored[i].observedAt));
      }
      if (page.rows.length < 10000) break;
      const last = page.rows[page.rows.length - 1];
      after = { owner: last.owner, id: Number(last.id) };
    }
    await flush();
    await sql`UPDATE observation_blocks SET complete = true`.execute(db);
    await sql`
      WITH ranked AS (
        SELECT fo.finding_id, m.old_id, m.new_id, row_number() OVER (PARTITION BY fo.finding_id ORDER BY ob.observed_at DESC, m.new_id DESC) AS rank
        FROM finding_observations fo JOIN moved m ON m.old_id = fo.observation_id JOIN observations ob ON ob.id = fo.observation_id
      ), latest AS (
        SELECT finding_id, array_agg(new_id ORDER BY new_id) AS ids, max(old_id) FILTER (WHERE rank = 1) AS newest
        FROM ranked WHERE rank <= 20 GROUP BY finding_id
      )
      UPDATE findings f SET observations = latest.ids, port = (ob.record -> 'subject' ->> 'port')::int, malware = ob.record ->> 'malware'
      FROM latest JOIN observations ob ON ob.id = latest.newest
      WHERE f.id = latest.finding_id`.execute(db);
    await sql`DROP TABLE moved`.execute(db);
    await sql`DROP TABLE finding_observations`.execute(db);
    await sql`DROP TABLE observations`.execute(db);
    await sql`DROP FUNCTION observations_unlink()`.execute(db);
    await sql`
      CREATE OR REPLACE FUNCTION findings_unlink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM finding_assets WHERE finding_id IN (SELECT id FROM gone);
        RETURN NULL;
      END $$`.execute(db);
    await sql`ALTER TABLE findings DROP CONSTRAINT findings_organisation_id_fkey`.execute(db);
    await sql`
      CREATE FUNCTION organisations_unlink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM findings WHERE organisation_id IN (SELECT id FROM gone);
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER organisations_unlink AFTER DELETE ON organisations REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION organisations_unlink()`.execute(db);
  },
};

/**
 * Each block gets a summary of where its subjects are (observations/summary.ts), so that a search
 * for an address, a domain or an AS reads the subjects of only the blocks that may hold it. Blocks
 * already stored are summarised from their subjects.
 */
const blockSummaries: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`ALTER TABLE observation_blocks ADD COLUMN summary bytea`.execute(db);
    await sql`ALTER TABLE observation_blocks ALTER COLUMN summary SET STORAGE EXTERNAL`.execute(db);
    const store = db as unknown as Kysely<Database>;
    for (let after = 0; ; ) {
      const blocks = await store.selectFrom('observation_blocks').select(['id', bytesOut('subjects')]).where('id', '>', after).orderBy('id').limit(32).execute();
      for (const block of blocks) {
        const summary = new SummaryBuilder();
        for (const line of (await inflate(bytesOf(block.subjects))).toString('utf8').split('\n')) {
          // A purged row leaves an empty line.
          if (line !== '') summary.add(subjectLine(line).subject);
        }
        await sql`UPDATE observation_blocks SET summary = ${bytesIn(summary.bytes())} WHERE id = ${block.id}`.execute(db);
      }
      if (blocks.length < 32) break;
      after = blocks[blocks.length - 1].id;
    }
  },
};

export const MIGRATIONS: Record<string, Migration> = {
  '0001-registry': registry,
  '0002-intake-and-findings': intake,
  '0003-notices': notices,
  '0004-vulnerabilities': vulnerabilities,
  '0005-observations-by-time': observationsByTime,
  '0006-all-clear': allClear,
  '0007-advisory-aliases-without-pending-list': aliasesWithoutPendingList,
  '0008-observation-blocks': observationBlocks,
  '0009-block-summaries': blockSummaries,
};

/**
 * One list of migrations for PGlite and PostgreSQL alike (the PostgreSQL 15 subset), applied in
 * order at start-up. A migration, once released, is never edited: add a new one.
 */
import { sql, type Kysely, type Migration } from 'kysely';

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
    await sql`CREATE INDEX assets_network ON assets USING gist (network inet_ops)`.execute(db);
    await sql`CREATE INDEX assets_asn ON assets (asn) WHERE asn IS NOT NULL`.execute(db);
    await sql`CREATE INDEX assets_domain ON assets (value) WHERE kind = 'domain'`.execute(db);
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

export const MIGRATIONS: Record<string, Migration> = {
  '0001-registry': registry,
};

/** The tables as Kysely sees them. Migrations in migrations.ts create them. */
import type { Generated } from 'kysely';


export interface OrganisationTable {
  id: Generated<number>;
  ref: string;
  name: string;
  country: string | null;
  sector: string | null;
  language: 'nl' | 'en';
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ContactTable {
  id: Generated<number>;
  organisation_id: number;
  name: string | null;
  email: string;
  phone: string | null;
  role: string | null;
  /** Null means: the organisation's language. */
  language: 'nl' | 'en' | null;
  created_at: Generated<Date>;
}

export interface AssetTable {
  id: Generated<number>;
  organisation_id: number;
  kind: 'ip' | 'cidr' | 'asn' | 'domain' | 'software';
  value: string;
  /** The address or range of an ip or cidr asset, for range queries. */
  network: string | null;
  asn: number | null;
  added_via: 'cli' | 'api' | 'import' | 'portal';
  added_by: string | null;
  added_at: Generated<Date>;
  verification: 'unverified' | 'analyst' | 'dns' | 'email' | 'rdap';
  verified_by: string | null;
  verified_at: Date | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  token_hash: string;
  role: 'analyst' | 'organisation';
  organisation_id: number | null;
  label: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface Database {
  organisations: OrganisationTable;
  contacts: ContactTable;
  assets: AssetTable;
  api_tokens: ApiTokenTable;
}

/** The tables as Kysely sees them. Migrations in migrations.ts create them. */
import type { Generated } from 'kysely';
import type { Advisory, Epss, Kev, VexStatement } from '../advisories/model.ts';
import type { Confidence } from '../versions/match.ts';
import type { FindingStatus } from '../findings/model.ts';
import type { PolicyOverrides } from '../notices/policy.ts';
import type { Kind, Reliability, Severity, Tlp } from '../observations/model.ts';


export interface OrganisationTable {
  id: Generated<number>;
  ref: string;
  name: string;
  country: string | null;
  sector: string | null;
  language: 'nl' | 'en';
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** The organisation's own notice policy: what it leaves out comes from the system-wide one. */
  policy: Generated<PolicyOverrides>;
  webhook_url: string | null;
  webhook_secret: string | null;
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
  /** The SBOM it was imported from; null for an asset entered one by one. */
  inventory_id: Generated<number | null>;
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

export interface SourceTable {
  id: Generated<number>;
  name: string;
  format: string;
  reliability: Reliability;
  tlp: Tlp;
  severity: Severity | null;
  /** A source that reports every day: what it stops reporting is taken as fixed. */
  reports_daily: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface BatchTable {
  id: Generated<number>;
  source_id: number;
  file: string;
  format: string;
  started_at: Generated<Date>;
  finished_at: Date | null;
  status: Generated<'running' | 'done' | 'failed'>;
  rows: Generated<number>;
  observations: Generated<number>;
  duplicates: Generated<number>;
  rejected: Generated<number>;
  findings_new: Generated<number>;
  findings_seen_again: Generated<number>;
  error: string | null;
}

export interface BatchErrorTable {
  batch_id: number;
  line: number;
  field: string | null;
  reason: string;
}

/** Up to BLOCK_ROWS observations of one ingest (see observations/block.ts). */
export interface ObservationBlockTable {
  id: Generated<number>;
  batch_id: number;
  source_id: number;
  /** Set in the transaction that records the findings of its observations: only then do they count as stored. */
  complete: Generated<boolean>;
  observed_from: Date;
  observed_until: Date;
  rows: number;
  /** The observations as JSON lines (each an Observation as declared in observations/model.ts), deflated. */
  records: Uint8Array;
  /** Their subjects' indicators as JSON lines, deflated: what searches and retro-matching read. */
  subjects: Uint8Array;
  /** Each one's identity hash, 8 bytes a row. */
  keys: Uint8Array;
  /** Where their subjects are, as a Bloom filter (observations/summary.ts); null for none, when every search reads the block. */
  summary: Uint8Array | null;
}

export interface FindingTable {
  id: Generated<number>;
  organisation_id: number;
  kind: Kind;
  type: string;
  indicator: string;
  severity: Severity;
  tlp: Tlp;
  source_id: number;
  first_seen: Date;
  last_seen: Date;
  /** When a source last reported it: a daily source that stops reporting it has seen it fixed. */
  last_received: Date;
  count: Generated<number>;
  status: Generated<FindingStatus>;
  status_changed_at: Generated<Date>;
  status_reason: string | null;
  last_notified_at: Date | null;
  /** The ids of the latest observations behind it (see observations/block.ts), oldest first. */
  observations: Generated<number[]>;
  /** The port and malware family of the latest observation, for the notice. */
  port: number | null;
  malware: string | null;
}

export type NoticeStatus = 'held' | 'queued' | 'sending' | 'sent' | 'dead' | 'rejected';

export interface NoticeTable {
  id: Generated<number>;
  ticket: string;
  organisation_id: number;
  channel: 'email' | 'webhook';
  address: string;
  language: 'nl' | 'en';
  tlp: Tlp;
  subject: string;
  text: string;
  html: string | null;
  digest: Generated<boolean>;
  /** It tells those warned of a vulnerability that its advisory was withdrawn. */
  all_clear: Generated<boolean>;
  status: NoticeStatus;
  status_reason: string | null;
  created_at: Generated<Date>;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  /** While a sender holds the notice; a sender that died lets it go when this passes. */
  lease_until: Date | null;
  last_response: string | null;
  sent_at: Date | null;
}

export interface InventoryTable {
  id: Generated<number>;
  organisation_id: number;
  /** What identifies the SBOM across re-imports: its serial number or document namespace, else its file name. */
  sbom_key: string;
  file: string;
  format: 'cyclonedx' | 'spdx';
  spec_version: string;
  entries: number;
  imported_by: string | null;
  imported_at: Generated<Date>;
}

export interface AdvisoryTable {
  id: string;
  aliases: string[];
  /** The whole Advisory as declared in advisories/model.ts. */
  record: Advisory;
  withdrawn: boolean;
  modified: Date | null;
  source_id: number;
  received_at: Generated<Date>;
}

export interface VulnerabilityFindingTable {
  finding_id: number;
  /** The vulnerability's key, which is also the finding's type: its CVE, else its first advisory id. */
  vulnerability: string;
  cve: string | null;
  advisory: string;
  aliases: string[];
  product: string;
  version: string | null;
  fixed_in: string | null;
  confidence: Confidence;
  explanation: string;
  remediation: string | null;
  kev: Kev | null;
  epss: Epss | null;
}

export interface Database {
  sources: SourceTable;
  batches: BatchTable;
  batch_errors: BatchErrorTable;
  observation_blocks: ObservationBlockTable;
  findings: FindingTable;
  finding_assets: { finding_id: number; asset_id: number };
  finding_decisions: { finding_id: number; action: 'send-now' | 'digest' | 'hold-for-review' | 'skip'; reason: string; due_at: Date | null; decided_at: Generated<Date> };
  settings: { key: string; value: unknown };
  notices: NoticeTable;
  notice_findings: { notice_id: number; finding_id: number };
  organisations: OrganisationTable;
  contacts: ContactTable;
  assets: AssetTable;
  api_tokens: ApiTokenTable;
  inventories: InventoryTable;
  advisories: AdvisoryTable;
  advisory_products: { key: string; advisory_id: string };
  vulnerability_enrichments: { cve: string; kind: 'kev' | 'epss'; record: Kev | Epss };
  software_names: { phrase: string; identity: string };
  vex_statements: { id: Generated<number>; vulnerability: string; ids: string[]; organisation_id: number | null; record: VexStatement; received_at: Generated<Date> };
  vulnerability_findings: VulnerabilityFindingTable;
}

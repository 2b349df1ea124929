/** The typed inputs and outputs of the notices stage: what a notice is made of and what it becomes. */
import type { Kind, Reliability, Severity, Tlp } from '../observations/model.ts';
import type { TlpMarking } from './tlp.ts';

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Known exploitation, as the CISA KEV catalogue records it. */
export interface KnownExploited {
  requiredAction?: string;
  /** The catalogue's due date for US federal agencies, `YYYY-MM-DD`. */
  dueDate?: string;
}

/** What an advisory tells about a vulnerability finding; all of it comes from feeds. */
export interface VulnerabilityDetails {
  cve?: string;
  advisory?: string;
  product?: string;
  version?: string;
  fixedIn?: string;
  /** The vendor's remediation (fix, workaround or mitigation) as the advisory states it. */
  remediation?: string;
  kev?: KnownExploited;
}

/** One finding as a notice shows it. Fields marked "feed" are untrusted and always shown defanged. */
export interface NoticeFinding {
  kind: Kind;
  /** Finer type within the kind (feed): `open-rdp`, `botnet-c2`, a CVE identifier … */
  type: string;
  severity: Severity;
  tlp: Tlp;
  /** The subject's indicator that matched, as reported (feed). */
  indicator: string;
  port?: number;
  /** Malware family, when known (feed). */
  malware?: string;
  /** The organisation's asset that matched, as registered, and when it was registered (ISO 8601). */
  asset: { value: string; registeredAt: string };
  /** ISO 8601 times. */
  firstSeen: string;
  lastSeen: string;
  count: number;
  source: { name: string; reliability: Reliability };
  vulnerability?: VulnerabilityDetails;
}

export interface NoticeInput {
  ticket: string;
  organisation: { name: string; ref: string };
  contact: { name?: string; language: Language };
  /** One finding makes a single notice; several make a digest grouped by severity. */
  findings: readonly NoticeFinding[];
  /** Our own public base URL; the notice links to `<base>/verify/<ticket>` and to nothing else. */
  verificationBase: string;
  /** Who signs the notice, e.g. the centre's name. */
  sender?: string;
}

/** A vulnerability finding whose advisory was withdrawn, as its all-clear names it. */
export interface WithdrawnFinding {
  tlp: Tlp;
  /** The inventory entry it concerned, as registered. */
  asset: string;
  /** What the advisory said (feed). */
  vulnerability: VulnerabilityDetails;
  /** The ticket of the notice that warned this contact of it. */
  earlierTicket: string;
}

export interface AllClearInput extends Omit<NoticeInput, 'findings'> {
  withdrawn: readonly WithdrawnFinding[];
}

export interface ComposedNotice {
  subject: string;
  text: string;
  html: string;
  tlp: TlpMarking;
  language: Language;
}

/** Advice for one finding: plain language first, technical details for the IT supplier below it. */
export interface Advice {
  why: string;
  /** Numbered steps for a small company without a security team. */
  now: string[];
  technical: string[];
}

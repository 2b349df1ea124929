/** Findings: an organisation affected by a threat through one or more of its assets, followed until fixed. */
import type { Kind, Severity, Tlp } from '../observations/model.ts';

export const FINDING_STATUSES = ['new', 'notified', 'acknowledged', 'resolved', 'false-positive', 'suppressed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** One observation that reached assets, as findings need it: the raw material of findings. */
export interface Sighting {
  /**
   * Undefined when the source sent again an observation already stored (a list that carries the same
   * entry with the same date every day): the finding counts it as received, not as seen once more.
   */
  observationId: number | undefined;
  sourceId: number;
  kind: Kind;
  type: string;
  /** The threat's subject, its most specific indicator: a URL, address, network, domain, e-mail address or AS. */
  indicator: string;
  severity: Severity;
  tlp: Tlp;
  observedAt: string;
  receivedAt: string;
  /** The subject's port and the malware family, when reported: the notice names them. */
  port: number | undefined;
  malware: string | undefined;
}

/** An asset a sighting reached, and whose it is. */
export interface ReachedAsset {
  readonly organisationId: number;
  readonly assetId: number;
}

export interface Finding {
  id: number;
  org: string;
  /** The matched asset(s) as registered. */
  asset: string;
  assets: string[];
  indicator: string;
  kind: Kind;
  type: string;
  severity: Severity;
  tlp: Tlp;
  source: string;
  status: FindingStatus;
  statusReason: string | null;
  firstSeen: string;
  lastSeen: string;
  count: number;
  /** The ids of the latest observations behind it, oldest first (`koppel finding ID` shows them). */
  observations: number[];
}

/** The statuses a person sets; `notified` is set by delivery alone. */
export const SETTABLE_STATUSES = ['new', 'acknowledged', 'resolved', 'false-positive', 'suppressed'] as const satisfies readonly FindingStatus[];
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

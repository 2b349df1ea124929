/** TLP 2.0 as Koppel enforces it on notices. */
import { TLP_LABELS, tlpRank, type Tlp } from '../observations/model.ts';

/** The label as written in a notice and handed to the channels: `TLP:AMBER+STRICT`. */
export type TlpMarking = `TLP:${Tlp}`;

export const tlpMarking = (label: Tlp): TlpMarking => `TLP:${label}`;

/** The most restrictive label of a notice's contents; a notice without contents is TLP:CLEAR. */
export function strictestTlp(labels: Iterable<Tlp>): Tlp {
  let strictest: Tlp = TLP_LABELS[0];
  for (const label of labels) if (tlpRank(label) > tlpRank(strictest)) strictest = label;
  return strictest;
}

export interface TlpRecipient {
  /**
   * True for the organisation's own contacts; false for those it delegates to, such as its IT
   * supplier or a managed-security provider receiving its notices.
   */
  ownContact: boolean;
}

/**
 * Why content with this label may not go to this recipient, or undefined when it may.
 * TLP:RED never leaves the analysts; TLP:AMBER+STRICT goes to the organisation itself only;
 * TLP:AMBER may also reach those who need it to protect the organisation.
 */
export function tlpRefusal(label: Tlp, recipient: TlpRecipient): string | undefined {
  if (label === 'RED') return 'TLP:RED content never leaves the analysts';
  if (label === 'AMBER+STRICT' && !recipient.ownContact) {
    return "TLP:AMBER+STRICT content goes only to the organisation's own contacts, not to those it delegates to";
  }
  return undefined;
}

export const mayDeliver = (label: Tlp, recipient: TlpRecipient): boolean => tlpRefusal(label, recipient) === undefined;

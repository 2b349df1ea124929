/** What a channel carries out: one composed notice for one recipient, and what became of it. */

export type NoticeLanguage = 'nl' | 'en';

export interface OutgoingNotice {
  /** The notice's ticket number; it becomes the e-mail's Message-ID and the webhook's idempotency key. */
  ticket: string;
  /** An e-mail address for the e-mail channel, the organisation's URL for the webhook channel. */
  to: { address: string; name?: string };
  subject: string;
  text: string;
  html?: string;
  language: NoticeLanguage;
  /** The notice's TLP 2.0 label, e.g. `TLP:AMBER+STRICT`. */
  tlp: string;
  organisationRef: string;
  /** The JSON a webhook receives; when absent, the webhook sends the notice's own fields. */
  body?: unknown;
}

export interface DeliveryResult {
  accepted: boolean;
  /** The receiving server's answer, or why nothing was sent. */
  response: string;
  /** True when trying again cannot help: the outbox dead-letters the notice instead of retrying. */
  permanent: boolean;
}

/** A way out for notices. `send` never throws: every outcome is a DeliveryResult. */
export interface Channel {
  readonly name: 'email' | 'webhook';
  send(notice: OutgoingNotice): Promise<DeliveryResult>;
  close(): Promise<void>;
}

const TLP_LABELS = new Set(['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT']);

/**
 * Why a notice must not leave through any channel, or undefined when it may. The notices stage
 * already decides this; channels check again so that a mistake upstream cannot leak TLP:RED or
 * smuggle a line break into a header.
 */
export function refusalReason(notice: OutgoingNotice): string | undefined {
  if (notice.tlp === 'TLP:RED') return 'TLP:RED content never leaves the analysts';
  if (!TLP_LABELS.has(notice.tlp)) return `not a TLP 2.0 label that may be sent: ${JSON.stringify(notice.tlp)}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(notice.ticket)) return `not a valid ticket number: ${JSON.stringify(notice.ticket)}`;
  return undefined;
}

export const refused = (reason: string): DeliveryResult => ({ accepted: false, response: `refused: ${reason}`, permanent: true });

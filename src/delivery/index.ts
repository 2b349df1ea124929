/** Delivery: the channels that carry a composed notice out (e-mail, webhook) and the retry schedule. */
export type { Channel, OutgoingNotice, DeliveryResult, NoticeLanguage } from './message.ts';
export { createSmtpChannel, smtpConfigFromEnv, classifySmtpError, messageIdFor, type SmtpConfig, type DkimConfig, type SmtpChannel } from './smtp.ts';
export {
  createWebhookChannel,
  webhookConfigFromEnv,
  signWebhook,
  verifyWebhookSignature,
  classifyStatus,
  SIGNATURE_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
  type WebhookOptions,
  type WebhookChannel,
  type SignatureCheck,
} from './webhook.ts';
export { checkWebhookDestination, nonGlobalReason, systemResolver, type Resolver, type ResolvedAddress, type DestinationCheck } from './destination.ts';
export { nextAttemptAt, isDeadLetter, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';

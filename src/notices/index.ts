/** The notices stage's door: tickets, defanging, TLP, policy, advice and composition. */
export { newTicket, normaliseTicket, isValidTicket, checkSymbol, TICKET_ALPHABET } from './ticket.ts';
export { defang, defangText, sanitise, showInvisible, neutraliseFormula, headerSafe, escapeHtml, MAX_VALUE_LENGTH } from './defang.ts';
export { strictestTlp, mayDeliver, tlpRefusal, tlpMarking, type TlpMarking, type TlpRecipient } from './tlp.ts';
export {
  decide,
  decideAllClear,
  nextDigestTime,
  policyFor,
  formatInZone,
  DEFAULT_POLICY,
  type Action,
  type Decision,
  type Delivery,
  type DigestTime,
  type Policy,
  type PolicyFinding,
  type PolicyOverrides,
  type ReviewMode,
} from './policy.ts';
export { adviceFor, adviceIn, adviceContext, adviceTopic, ADVICE_BOOKS, TOPICS, type AdviceFinding, type Topic } from './advice/index.ts';
export * from './model.ts';
export { composeAllClear, composeNotice, verificationUrl } from './compose.ts';

/**
 * Advice for a finding in the contact's language: the text for its type when the type has one,
 * else the text for its kind. A finding that carries vulnerability details always gets the update
 * to install, whatever its kind.
 */
import { defang } from '../defang.ts';
import type { Advice, Language, NoticeFinding, VulnerabilityDetails } from '../model.ts';
import type { AdviceBook, AdviceContext } from './book.ts';
import { en } from './en.ts';
import { nl } from './nl.ts';
import { adviceTopic } from './topics.ts';

export { adviceTopic, TOPICS, type Topic } from './topics.ts';
export type { AdviceBook, AdviceContext } from './book.ts';

export const ADVICE_BOOKS: Record<Language, AdviceBook> = { nl, en };

export type AdviceFinding = Pick<NoticeFinding, 'kind' | 'type' | 'indicator' | 'port' | 'malware' | 'vulnerability'>;

const defangDetails = (v: VulnerabilityDetails): VulnerabilityDetails => ({
  ...(v.cve ? { cve: defang(v.cve) } : {}),
  ...(v.advisory ? { advisory: defang(v.advisory) } : {}),
  ...(v.product ? { product: defang(v.product) } : {}),
  ...(v.version ? { version: defang(v.version) } : {}),
  ...(v.fixedIn ? { fixedIn: defang(v.fixedIn) } : {}),
  ...(v.remediation ? { remediation: defang(v.remediation, 600) } : {}),
  ...(v.kev
    ? {
        kev: {
          ...(v.kev.requiredAction ? { requiredAction: defang(v.kev.requiredAction, 600) } : {}),
          ...(v.kev.dueDate ? { dueDate: defang(v.kev.dueDate) } : {}),
        },
      }
    : {}),
});

/** The advice context with every feed-derived value defanged. */
export function adviceContext(finding: AdviceFinding): AdviceContext {
  return {
    kind: finding.kind,
    type: defang(finding.type),
    indicator: defang(finding.indicator),
    ...(finding.port !== undefined ? { port: finding.port } : {}),
    ...(finding.malware ? { malware: defang(finding.malware) } : {}),
    ...(finding.vulnerability ? { vulnerability: defangDetails(finding.vulnerability) } : {}),
  };
}

export function adviceFor(finding: AdviceFinding, language: Language): Advice {
  return adviceIn(adviceContext(finding), language);
}

/** Advice for a context whose values are already defanged. */
export function adviceIn(context: AdviceContext, language: Language): Advice {
  const book = ADVICE_BOOKS[language];
  const topic = adviceTopic(context.kind, context.type);
  const advice = (topic ? book.topics[topic] : book.kinds[context.kind])(context);
  if (!context.vulnerability || context.kind === 'vulnerable') return advice;
  const update = book.update(context.vulnerability);
  return { why: advice.why, now: [update.step, ...advice.now], technical: [...advice.technical, ...update.technical] };
}

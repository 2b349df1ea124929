/** The shape of one language's advice: a text for every kind, and for every topic that has its own. */
import type { Kind } from '../../observations/model.ts';
import type { Advice, VulnerabilityDetails } from '../model.ts';
import type { Topic } from './topics.ts';

/** What advice may refer to. Every feed-derived string in it is already defanged. */
export interface AdviceContext {
  kind: Kind;
  type: string;
  indicator: string;
  port?: number;
  malware?: string;
  vulnerability?: VulnerabilityDetails;
}

export type AdviceWriter = (context: AdviceContext) => Advice;

export interface AdviceBook {
  kinds: Record<Kind, AdviceWriter>;
  topics: Record<Topic, AdviceWriter>;
  /**
   * The update to install, for any finding that carries vulnerability details: a step naming the
   * fixed version or the vendor's remediation, and the technical facts (CVE, advisory, KEV action).
   */
  update: (vulnerability: VulnerabilityDetails) => { step: string; technical: string[] };
}

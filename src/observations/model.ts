/**
 * The one harmonised record every stage speaks (IntelMQ's "event", n6's normalised record).
 * Each field is declared once here, with its type and meaning; validation, the API schema and
 * the JSON-lines intake format all follow from this declaration.
 */
import { Type, type Static } from '@sinclair/typebox';
import { literals } from '../typebox.ts';

export const KINDS = [
  'compromised',
  'infected',
  'vulnerable',
  'exposed-service',
  'malicious-infrastructure',
  'attack-source',
  'leaked-credentials',
  'phishing',
  'information',
] as const;
export type Kind = (typeof KINDS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** TLP 2.0 labels, from least to most restrictive. */
export const TLP_LABELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LABELS)[number];

/** Admiralty-code source reliability: A (completely reliable) … F (cannot be judged). */
export const RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type Reliability = (typeof RELIABILITIES)[number];


export const KindSchema = literals(KINDS, 'Kind of threat, a small fixed taxonomy close to the ENISA reference taxonomy.');
export const SeveritySchema = literals(SEVERITIES, 'How serious the threat is for the subject.');
export const TlpSchema = literals(TLP_LABELS, 'Traffic Light Protocol 2.0 label that governs sharing.');
export const ReliabilitySchema = literals(RELIABILITIES, 'Admiralty-code reliability of the source (A best, F unknown).');

/**
 * Indicators of one party. For the subject these are what gets matched against assets; for other
 * parties (sinkhole, honeypot, C2 server contacted, scanner) they are kept as evidence and never matched.
 */
export const IndicatorsSchema = Type.Object(
  {
    ip: Type.Optional(Type.String({ description: 'IPv4 or IPv6 address in canonical form.' })),
    network: Type.Optional(Type.String({ description: 'Network in canonical CIDR form (blocklists list networks).' })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'Transport port.' })),
    protocol: Type.Optional(Type.String({ description: 'Transport or application protocol, lower case (tcp, udp, http …).' })),
    asn: Type.Optional(Type.Integer({ minimum: 1, maximum: 4294967295, description: 'Autonomous system number.' })),
    domain: Type.Optional(Type.String({ description: 'Domain name, lower-case ASCII (punycode), no trailing dot.' })),
    url: Type.Optional(Type.String({ description: 'Full URL as reported (matched by its host).' })),
    email: Type.Optional(Type.String({ description: 'E-mail address (matched by its domain).' })),
  },
  { additionalProperties: false },
);
export type Indicators = Static<typeof IndicatorsSchema>;

export const OTHER_PARTY_ROLES = ['sinkhole', 'honeypot', 'c2', 'destination', 'scanner', 'referrer', 'other'] as const;
export type OtherPartyRole = (typeof OTHER_PARTY_ROLES)[number];

export const OtherPartySchema = Type.Object(
  {
    role: literals(OTHER_PARTY_ROLES, 'What this other party is to the subject.'),
    indicators: IndicatorsSchema,
  },
  { additionalProperties: false },
);
export type OtherParty = Static<typeof OtherPartySchema>;

export const ObservationSchema = Type.Object(
  {
    source: Type.String({ minLength: 1, description: 'Name of the registered source that reported it.' }),
    observedAt: Type.String({ format: 'date-time', description: 'When the source saw the threat (ISO 8601, UTC).' }),
    receivedAt: Type.String({ format: 'date-time', description: 'When Koppel received it (ISO 8601, UTC).' }),
    kind: KindSchema,
    type: Type.String({
      minLength: 1,
      description: 'Finer type within the kind: open-rdp, sinkhole-http, a malware family, a CVE identifier …',
    }),
    severity: SeveritySchema,
    reliability: ReliabilitySchema,
    tlp: TlpSchema,
    subject: IndicatorsSchema,
    hostname: Type.Optional(
      Type.String({
        description:
          'Reverse-DNS name reported for the subject address. Whoever holds the address chooses it, so it is evidence only and never matched.',
      }),
    ),
    others: Type.Array(OtherPartySchema, { description: 'Other parties involved; never matched.' }),
    malware: Type.Optional(Type.String({ description: 'Malware family, lower case, when known.' })),
    cve: Type.Optional(Type.Array(Type.String(), { description: 'CVE identifiers the observation refers to.' })),
    description: Type.Optional(Type.String({ description: 'Short human-readable description from the source.' })),
    evidence: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The original record as the source sent it (field → value).',
    }),
  },
  { additionalProperties: false },
);

/** One normalised record of one threat seen about one subject. */
export type Observation = Static<typeof ObservationSchema>;

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export const severityRank = (s: Severity): number => SEVERITY_RANK[s];

export const tlpRank = (t: Tlp): number => TLP_LABELS.indexOf(t);

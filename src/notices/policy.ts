/**
 * What is sent and when: per organisation, over system-wide defaults. Every decision carries a
 * reason a person can read, so that a notice not sent can always be explained.
 */
import { KINDS, type Kind, type Severity, type Tlp } from '../observations/model.ts';

export type Delivery = 'immediate' | 'digest' | 'never';

/** Whether notices wait for an analyst's approval before they leave (how a pilot begins). */
export type ReviewMode =
  | { mode: 'off' }
  | { mode: 'all' }
  | { mode: 'per-source'; sources: readonly string[] }
  | { mode: 'per-severity'; severities: readonly Severity[] };

export interface DigestTime {
  hour: number;
  minute: number;
  /** IANA time zone the hour is meant in. */
  timeZone: string;
}

export interface Policy {
  delivery: Record<Severity, Delivery>;
  digest: DigestTime;
  /** Days before a finding that is still seen is notified again. */
  repeatIntervalDays: Record<Kind, number>;
  optedOutKinds: readonly Kind[];
  review: ReviewMode;
}

/** An organisation's own settings; what it leaves out comes from the system-wide policy. */
export interface PolicyOverrides {
  delivery?: Partial<Record<Severity, Delivery>>;
  digest?: Partial<DigestTime>;
  repeatIntervalDays?: Partial<Record<Kind, number>>;
  optedOutKinds?: readonly Kind[];
  review?: ReviewMode;
}

const repeatDays = (kind: Kind): number => (kind === 'compromised' || kind === 'infected' ? 7 : 30);

/** The centre warns of serious threats, not of every open port. */
export const DEFAULT_POLICY: Policy = {
  delivery: { critical: 'immediate', high: 'immediate', medium: 'digest', low: 'never', info: 'never' },
  digest: { hour: 8, minute: 0, timeZone: 'Europe/Amsterdam' },
  repeatIntervalDays: Object.fromEntries(KINDS.map((k) => [k, repeatDays(k)])) as Record<Kind, number>,
  optedOutKinds: [],
  review: { mode: 'off' },
};

export function policyFor(overrides: PolicyOverrides = {}, system: Policy = DEFAULT_POLICY): Policy {
  return {
    delivery: { ...system.delivery, ...overrides.delivery },
    digest: { ...system.digest, ...overrides.digest },
    repeatIntervalDays: { ...system.repeatIntervalDays, ...overrides.repeatIntervalDays },
    optedOutKinds: overrides.optedOutKinds ?? system.optedOutKinds,
    review: overrides.review ?? system.review,
  };
}

/** What the policy needs to know of a finding. */
export interface PolicyFinding {
  kind: Kind;
  severity: Severity;
  tlp: Tlp;
  /** Name of the source that reported it (review mode can be set per source). */
  source: string;
}

export type Action = 'send-now' | 'digest' | 'hold-for-review' | 'skip';

export interface Decision {
  action: Action;
  reason: string;
  /**
   * When it goes out: the digest's time for `digest`; for `hold-for-review`, when it would go out once
   * approved; for a `skip` because of the repeat interval, the earliest moment it may be sent again.
   */
  dueAt?: Date;
}

const DAY_MS = 86_400_000;

/** What stops any notice of the finding, whatever it says. */
function refusal(finding: PolicyFinding, policy: Policy): Decision | undefined {
  if (finding.tlp === 'RED') return { action: 'skip', reason: 'TLP:RED: the content never leaves the analysts' };
  if (policy.optedOutKinds.includes(finding.kind)) {
    return { action: 'skip', reason: `opted out: the organisation receives no notices of kind ${finding.kind}` };
  }
  return undefined;
}

export function decide(finding: PolicyFinding, policy: Policy, now: Date, lastNotifiedAt?: Date): Decision {
  const refused = refusal(finding, policy);
  if (refused) return refused;
  const delivery = policy.delivery[finding.severity];
  if (delivery === 'never') {
    const sent = (Object.keys(policy.delivery) as Severity[]).filter((s) => policy.delivery[s] !== 'never');
    return {
      action: 'skip',
      reason: `below threshold: ${finding.severity} findings are not sent (sent: ${sent.join(', ') || 'none'}); visible in the portal`,
    };
  }
  if (lastNotifiedAt) {
    const days = policy.repeatIntervalDays[finding.kind];
    const again = new Date(lastNotifiedAt.getTime() + days * DAY_MS);
    if (now < again) {
      const tz = policy.digest.timeZone;
      return {
        action: 'skip',
        reason: `repeat interval not elapsed: notified ${formatInZone(lastNotifiedAt, tz)}, ${finding.kind} is repeated every ${days} days, not before ${formatInZone(again, tz)}`,
        dueAt: again,
      };
    }
  }
  const dueAt = delivery === 'immediate' ? now : nextDigestTime(now, policy);
  const review = reviewReason(finding, policy.review);
  if (review) return { action: 'hold-for-review', reason: review, dueAt };
  if (delivery === 'immediate') return { action: 'send-now', reason: `${finding.severity} findings are sent at once`, dueAt };
  return {
    action: 'digest',
    reason: `${finding.severity} findings go in the daily digest of ${formatInZone(dueAt, policy.digest.timeZone)}`,
    dueAt,
  };
}

/**
 * The all-clear for a finding whose advisory was withdrawn answers a notice already sent: the
 * severity threshold, the digest and the repeat interval do not hold it back; TLP, an opt-out and
 * review mode do.
 */
export function decideAllClear(finding: PolicyFinding, policy: Policy, now: Date): Decision {
  const refused = refusal(finding, policy);
  if (refused) return refused;
  const review = reviewReason(finding, policy.review);
  if (review) return { action: 'hold-for-review', reason: review, dueAt: now };
  return { action: 'send-now', reason: 'advisory withdrawn: the all-clear goes at once to those who were warned', dueAt: now };
}

function reviewReason(finding: PolicyFinding, review: ReviewMode): string | undefined {
  switch (review.mode) {
    case 'off':
      return undefined;
    case 'all':
      return 'review mode: every notice waits for an analyst';
    case 'per-source':
      return review.sources.includes(finding.source) ? `review mode: notices from source ${finding.source} wait for an analyst` : undefined;
    case 'per-severity':
      return review.severities.includes(finding.severity) ? `review mode: ${finding.severity} notices wait for an analyst` : undefined;
  }
}

/**
 * The first digest moment strictly after `now`: the policy's wall-clock time in its time zone, on
 * the right side of daylight-saving changes. A wall-clock time that a spring-forward skips that day
 * comes an hour later by the clock (02:30 becomes 03:30).
 */
export function nextDigestTime(now: Date, policy: Pick<Policy, 'digest'>): Date {
  const { hour, minute, timeZone } = policy.digest;
  const today = zonedParts(now, timeZone);
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    const candidate = zonedTimeToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, minute, timeZone);
    if (candidate > now) return candidate;
  }
  throw new Error(`no digest time found after ${now.toISOString()} in ${timeZone}`);
}

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function zonedParts(date: Date, timeZone: string): ZonedParts {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(date)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Offset of the zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const p = zonedParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - zoneOffset(wall, timeZone);
  const second = wall - zoneOffset(first, timeZone);
  if (first === second) return new Date(first);
  // The offset changed between the guesses: one of them is the wall time, or it lies in a gap.
  const matches = [first, second].filter((t) => t + zoneOffset(t, timeZone) === wall);
  return new Date(matches.length > 0 ? Math.min(...matches) : Math.max(first, second));
}

/** `2025-03-30 08:00 Europe/Amsterdam`: unambiguous in the reasons analysts read. */
export function formatInZone(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)} ${timeZone}`;
}

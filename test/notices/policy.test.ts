import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY, decide, decideAllClear, nextDigestTime, policyFor, type PolicyFinding } from '../../src/notices/index.ts';

const at = (iso: string) => new Date(iso);
const finding = (over: Partial<PolicyFinding> = {}): PolicyFinding => ({ kind: 'exposed-service', severity: 'high', tlp: 'AMBER', source: 'shadowserver', ...over });
const now = at('2025-06-02T10:15:00Z');

describe('policy decisions', () => {
  it('sends critical and high findings at once', () => {
    for (const severity of ['critical', 'high'] as const) {
      const d = decide(finding({ severity }), DEFAULT_POLICY, now);
      assert.equal(d.action, 'send-now');
      assert.equal(d.dueAt?.getTime(), now.getTime());
    }
  });

  it('puts medium findings in the digest of 08:00 Amsterdam time the next morning', () => {
    const d = decide(finding({ severity: 'medium' }), DEFAULT_POLICY, now);
    assert.equal(d.action, 'digest');
    assert.equal(d.dueAt?.toISOString(), '2025-06-03T06:00:00.000Z');
    assert.match(d.reason, /2025-06-03 08:00 Europe\/Amsterdam/);
  });

  it('does not send low and info findings, saying why', () => {
    for (const severity of ['low', 'info'] as const) {
      const d = decide(finding({ severity }), DEFAULT_POLICY, now);
      assert.equal(d.action, 'skip');
      assert.match(d.reason, new RegExp(`below threshold: ${severity}`));
    }
  });

  it('never sends TLP:RED, whatever the severity', () => {
    const d = decide(finding({ severity: 'critical', tlp: 'RED' }), DEFAULT_POLICY, now);
    assert.equal(d.action, 'skip');
    assert.match(d.reason, /TLP:RED/);
  });

  it('skips kinds the organisation opted out of', () => {
    const policy = policyFor({ optedOutKinds: ['exposed-service'] });
    const d = decide(finding({ severity: 'critical' }), policy, now);
    assert.equal(d.action, 'skip');
    assert.match(d.reason, /opted out.*exposed-service/);
    assert.equal(decide(finding({ kind: 'infected' }), policy, now).action, 'send-now');
  });

  it('repeats a finding still seen after 7 days for compromised and infected, 30 days otherwise', () => {
    const last = at('2025-06-01T10:00:00Z');
    for (const [kind, days] of [['compromised', 7], ['infected', 7], ['exposed-service', 30], ['phishing', 30]] as const) {
      const justBefore = new Date(last.getTime() + days * 86_400_000 - 1);
      const justAfter = new Date(last.getTime() + days * 86_400_000);
      const held = decide(finding({ kind }), DEFAULT_POLICY, justBefore, last);
      assert.equal(held.action, 'skip', kind);
      assert.match(held.reason, /repeat interval not elapsed/);
      assert.equal(held.dueAt?.getTime(), justAfter.getTime());
      assert.match(held.reason, new RegExp(`every ${days} days, not before \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
      assert.equal(decide(finding({ kind }), DEFAULT_POLICY, justAfter, last).action, 'send-now', kind);
    }
  });

  it('holds notices for review: all, per source, per severity', () => {
    const all = policyFor({ review: { mode: 'all' } });
    const held = decide(finding(), all, now);
    assert.equal(held.action, 'hold-for-review');
    assert.match(held.reason, /analyst/);

    const perSource = policyFor({ review: { mode: 'per-source', sources: ['new-feed'] } });
    assert.equal(decide(finding({ source: 'new-feed' }), perSource, now).action, 'hold-for-review');
    assert.equal(decide(finding({ source: 'shadowserver' }), perSource, now).action, 'send-now');

    const perSeverity = policyFor({ review: { mode: 'per-severity', severities: ['medium'] } });
    const medium = decide(finding({ severity: 'medium' }), perSeverity, now);
    assert.equal(medium.action, 'hold-for-review');
    assert.equal(medium.dueAt?.toISOString(), '2025-06-03T06:00:00.000Z');
    assert.equal(decide(finding({ severity: 'critical' }), perSeverity, now).action, 'send-now');
  });

  it('does not hold what would not be sent anyway', () => {
    const d = decide(finding({ severity: 'low' }), policyFor({ review: { mode: 'all' } }), now);
    assert.equal(d.action, 'skip');
  });

  it('sends the all-clear of a withdrawn advisory at once whatever its severity; TLP:RED, an opt-out and review still decide', () => {
    const vulnerable = (severity: PolicyFinding['severity'], tlp: PolicyFinding['tlp'] = 'AMBER') => finding({ kind: 'vulnerable', severity, tlp, source: 'osv' });
    for (const severity of ['critical', 'medium', 'low'] as const) {
      const d = decideAllClear(vulnerable(severity), DEFAULT_POLICY, now);
      assert.deepEqual([d.action, d.dueAt], ['send-now', now]);
    }
    assert.match(decideAllClear(vulnerable('high', 'RED'), DEFAULT_POLICY, now).reason, /TLP:RED/);
    assert.equal(decideAllClear(vulnerable('high'), policyFor({ optedOutKinds: ['vulnerable'] }), now).action, 'skip');
    assert.equal(decideAllClear(vulnerable('high'), policyFor({ review: { mode: 'per-source', sources: ['osv'] } }), now).action, 'hold-for-review');
  });

  it('lets an organisation override the system-wide defaults and keeps the rest', () => {
    const policy = policyFor({ delivery: { low: 'digest', critical: 'digest' }, digest: { hour: 7 } });
    assert.equal(decide(finding({ severity: 'low' }), policy, now).action, 'digest');
    assert.equal(decide(finding({ severity: 'critical' }), policy, now).action, 'digest');
    assert.equal(decide(finding({ severity: 'high' }), policy, now).action, 'send-now');
    assert.equal(decide(finding({ severity: 'low' }), policy, now).dueAt?.toISOString(), '2025-06-03T05:00:00.000Z');
    const system = policyFor({ delivery: { medium: 'never' } });
    const org = policyFor({ repeatIntervalDays: { phishing: 1 } }, system);
    assert.equal(decide(finding({ severity: 'medium' }), org, now).action, 'skip');
    assert.equal(org.repeatIntervalDays.phishing, 1);
    assert.equal(org.repeatIntervalDays.compromised, 7);
  });
});

describe('nextDigestTime', () => {
  it('is 08:00 today when it is earlier, tomorrow when it is later or exactly 08:00', () => {
    assert.equal(nextDigestTime(at('2025-06-02T05:59:00Z'), DEFAULT_POLICY).toISOString(), '2025-06-02T06:00:00.000Z');
    assert.equal(nextDigestTime(at('2025-06-02T06:00:00Z'), DEFAULT_POLICY).toISOString(), '2025-06-03T06:00:00.000Z');
    assert.equal(nextDigestTime(at('2025-12-31T23:30:00Z'), DEFAULT_POLICY).toISOString(), '2026-01-01T07:00:00.000Z');
  });

  it('follows the spring change (last Sunday of March): 08:00 CET on Saturday, 08:00 CEST on Sunday', () => {
    assert.equal(nextDigestTime(at('2025-03-28T08:00:00Z'), DEFAULT_POLICY).toISOString(), '2025-03-29T07:00:00.000Z');
    assert.equal(nextDigestTime(at('2025-03-29T08:00:00Z'), DEFAULT_POLICY).toISOString(), '2025-03-30T06:00:00.000Z');
    // Just after the clocks went forward (02:00 CET became 03:00 CEST at 01:00 UTC).
    assert.equal(nextDigestTime(at('2025-03-30T01:30:00Z'), DEFAULT_POLICY).toISOString(), '2025-03-30T06:00:00.000Z');
  });

  it('follows the autumn change (last Sunday of October): 08:00 CEST on Saturday, 08:00 CET on Sunday', () => {
    assert.equal(nextDigestTime(at('2025-10-24T08:00:00Z'), DEFAULT_POLICY).toISOString(), '2025-10-25T06:00:00.000Z');
    assert.equal(nextDigestTime(at('2025-10-25T08:00:00Z'), DEFAULT_POLICY).toISOString(), '2025-10-26T07:00:00.000Z');
    // In the repeated hour (02:30 CET, the second time round).
    assert.equal(nextDigestTime(at('2025-10-26T01:30:00Z'), DEFAULT_POLICY).toISOString(), '2025-10-26T07:00:00.000Z');
  });

  it('puts a digest hour that the spring change skips an hour later by the clock, and is never in the past', () => {
    const policy = policyFor({ digest: { hour: 2, minute: 30 } });
    const spring = nextDigestTime(at('2025-03-29T12:00:00Z'), policy);
    assert.equal(spring.toISOString(), '2025-03-30T01:30:00.000Z');
    const autumn = nextDigestTime(at('2025-10-25T12:00:00Z'), policy);
    assert.ok(['2025-10-26T00:30:00.000Z', '2025-10-26T01:30:00.000Z'].includes(autumn.toISOString()));
    for (let hour = 0; hour < 24 * 400; hour += 7) {
      const t = new Date(Date.UTC(2025, 0, 1) + hour * 3_600_000);
      const next = nextDigestTime(t, DEFAULT_POLICY);
      assert.ok(next > t && next.getTime() - t.getTime() <= 25 * 3_600_000, t.toISOString());
    }
  });

  it('works in other time zones', () => {
    const policy = policyFor({ digest: { timeZone: 'America/New_York', hour: 9 } });
    assert.equal(nextDigestTime(at('2025-06-02T12:00:00Z'), policy).toISOString(), '2025-06-02T13:00:00.000Z');
  });
});

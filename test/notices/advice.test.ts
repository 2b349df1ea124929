import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS, type Kind } from '../../src/observations/model.ts';
import { ADVICE_BOOKS, LANGUAGES, TOPICS, adviceFor, adviceTopic, type Advice, type AdviceFinding } from '../../src/notices/index.ts';

const finding = (kind: Kind, type = 'unknown-type', over: Partial<AdviceFinding> = {}): AdviceFinding => ({
  kind,
  type,
  indicator: '192.0.2.10',
  ...over,
});
const all = (a: Advice) => [a.why, ...a.now, ...a.technical].join('\n');
const INFORMAL_DUTCH = /\b(je|jij|jou|jouw|jullie)\b/i;

function assertComplete(advice: Advice, label: string) {
  assert.ok(advice.why.length > 40, `${label}: why`);
  assert.ok(advice.now.length >= 1 && advice.now.every((s) => s.length > 10), `${label}: steps`);
  assert.ok(advice.technical.length >= 1 && advice.technical.every((s) => s.length > 5), `${label}: technical`);
}

describe('advice', () => {
  it('exists for every kind of the taxonomy, in Dutch and English, and differs between them', () => {
    for (const kind of KINDS) {
      const en = adviceFor(finding(kind), 'en');
      const nl = adviceFor(finding(kind), 'nl');
      assertComplete(en, `${kind}/en`);
      assertComplete(nl, `${kind}/nl`);
      assert.notEqual(en.why, nl.why, kind);
      assert.doesNotMatch(all(nl), INFORMAL_DUTCH, `${kind}: Dutch advice addresses the reader as "u"`);
      assert.match(all(nl), /\b(u|uw)\b/, kind);
    }
  });

  it('exists for every topic in both languages, with as many steps in each', () => {
    for (const language of LANGUAGES) {
      for (const [kind, topics] of Object.entries(TOPICS)) {
        for (const topic of topics) {
          const advice = ADVICE_BOOKS[language].topics[topic]({ kind: kind as Kind, type: topic, indicator: '192.0.2[.]10' });
          assertComplete(advice, `${topic}/${language}`);
          const other = ADVICE_BOOKS[language === 'nl' ? 'en' : 'nl'].topics[topic]({ kind: kind as Kind, type: topic, indicator: '192.0.2[.]10' });
          assert.equal(advice.now.length, other.now.length, topic);
        }
      }
    }
  });

  it('recognises the usual names of exposed services', () => {
    const cases: [string, string][] = [
      ['open-rdp', 'rdp'],
      ['accessible-rdp', 'rdp'],
      ['accessible-msrdpeudp', 'rdp'],
      ['open-smb', 'smb'],
      ['accessible-smb', 'smb'],
      ['open-telnet', 'telnet'],
      ['open-mysql', 'database'],
      ['open-mongodb', 'database'],
      ['open_redis', 'database'],
      ['open-memcached', 'memcached'],
      ['open-elasticsearch', 'elasticsearch'],
      ['fortigate', 'vpn-appliance'],
      ['open-ike', 'vpn-appliance'],
      ['dns-open-resolver', 'open-resolver'],
      ['open-resolver', 'open-resolver'],
      ['ntp-monitor', 'amplifier'],
      ['open-docker', 'container-api'],
    ];
    for (const [type, topic] of cases) assert.equal(adviceTopic('exposed-service', type), topic, type);
    assert.equal(adviceTopic('attack-source', 'honeypot-rdp-scan'), 'scanner');
    assert.equal(adviceTopic('compromised', 'compromised-website'), 'website');
    assert.equal(adviceTopic('malicious-infrastructure', 'botnet-c2'), 'c2');
    assert.equal(adviceTopic('infected', 'open-rdp'), undefined);
  });

  it('gives service-specific technical advice: close or firewall the right port', () => {
    assert.match(all(adviceFor(finding('exposed-service', 'open-rdp', { port: 3389 }), 'en')), /Remote Desktop[\s\S]*3389[\s\S]*VPN/);
    assert.match(all(adviceFor(finding('exposed-service', 'open-rdp'), 'nl')), /Extern bureaublad[\s\S]*3389/);
    assert.match(all(adviceFor(finding('exposed-service', 'accessible-smb'), 'en')), /445/);
    assert.match(all(adviceFor(finding('exposed-service', 'open-telnet'), 'nl')), /Telnet[\s\S]*SSH/);
    assert.match(all(adviceFor(finding('exposed-service', 'open-postgres', { port: 5432 }), 'en')), /database/i);
    assert.match(all(adviceFor(finding('exposed-service', 'open-memcached'), 'en')), /-U 0/);
    assert.match(all(adviceFor(finding('exposed-service', 'open-elasticsearch'), 'nl')), /xpack\.security/);
    assert.match(all(adviceFor(finding('exposed-service', 'fortigate'), 'en')), /firmware[\s\S]*MFA/);
  });

  it("falls back to the kind's text for a type without its own", () => {
    for (const language of LANGUAGES) {
      const specific = adviceFor(finding('exposed-service', 'open-rdp'), language);
      const general = adviceFor(finding('exposed-service', 'open-something-new'), language);
      const kind = ADVICE_BOOKS[language].kinds['exposed-service']({ kind: 'exposed-service', type: 'open-something-new', indicator: '192.0.2[.]10' });
      assert.deepEqual(general, kind);
      assert.notDeepEqual(specific.now, general.now);
    }
  });

  it('names the fixed version, the vendor remediation and the KEV required action', () => {
    const vulnerable = finding('vulnerable', 'CVE-2024-3400', {
      vulnerability: {
        cve: 'CVE-2024-3400',
        product: 'PAN-OS',
        version: '10.2.9',
        fixedIn: '10.2.9-h1',
        remediation: 'Apply the hotfix or enable Threat ID 95187.',
        kev: { requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product.', dueDate: '2024-04-19' },
      },
    });
    const en = adviceFor(vulnerable, 'en');
    assert.match(en.now[0], /version 10\.2\.9-h1 or later/);
    assert.match(en.why, /already being exploited/);
    assert.match(en.technical.join('\n'), /Threat ID 95187/);
    assert.match(en.technical.join('\n'), /Required action: Apply mitigations per vendor instructions/);
    assert.match(en.technical.join('\n'), /2024-04-19/);
    const nl = adviceFor(vulnerable, 'nl');
    assert.match(nl.now[0], /versie 10\.2\.9-h1 of nieuwer/);
    assert.match(nl.why, /al bij aanvallen misbruikt/);

    const remedyOnly = adviceFor(finding('vulnerable', 'x', { vulnerability: { product: 'Widget', remediation: 'Disable the widget API.' } }), 'nl');
    assert.match(remedyOnly.now[0], /oplossing van de fabrikant voor Widget/);
    assert.match(remedyOnly.technical.join('\n'), /Disable the widget API/);
    assert.doesNotMatch(all(remedyOnly), /misbruikt \(CISA/);
  });

  it('adds the update to advice of other kinds when the finding carries vulnerability details', () => {
    const advice = adviceFor(finding('exposed-service', 'fortigate', { vulnerability: { product: 'FortiOS', version: '7.0.1', fixedIn: '7.0.14' } }), 'en');
    assert.match(advice.now[0], /FortiOS 7\.0\.1: version 7\.0\.14 or later/);
    assert.match(advice.why, /VPN or firewall/);
  });

  it('names the malware family for compromised and infected machines', () => {
    for (const kind of ['compromised', 'infected'] as const) {
      assert.match(all(adviceFor(finding(kind, 'sinkhole-http', { malware: 'qakbot' }), 'en')), /qakbot/);
      assert.match(all(adviceFor(finding(kind, 'sinkhole-http', { malware: 'qakbot' }), 'nl')), /qakbot/);
      assert.match(adviceFor(finding(kind), 'en').now[0], /IT (specialist|supplier)/);
    }
  });

  it('shows feed values defanged inside the advice', () => {
    const advice = adviceFor(finding('phishing', 'phishing', { indicator: 'https://login.bank.example/', malware: '=cmd' }), 'en');
    assert.doesNotMatch(all(advice), /https?:\/\//);
    assert.match(advice.why, /hxxps:\/\/login\[\.\]bank\[\.\]example\//);
  });
});

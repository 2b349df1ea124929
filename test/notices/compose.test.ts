import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS, RELIABILITIES, SEVERITIES } from '../../src/observations/model.ts';
import { LANGUAGES, composeAllClear, composeNotice, newTicket, normaliseTicket, type AllClearInput, type NoticeFinding, type NoticeInput } from '../../src/notices/index.ts';

const BASE = 'https://koppel.example.nl';

const finding = (over: Partial<NoticeFinding> = {}): NoticeFinding => ({
  kind: 'exposed-service',
  type: 'open-rdp',
  severity: 'high',
  tlp: 'AMBER',
  indicator: '192.0.2.10',
  port: 3389,
  asset: { value: '192.0.2.0/24', registeredAt: '2025-03-01T09:00:00Z' },
  firstSeen: '2025-06-01T12:03:00Z',
  lastSeen: '2025-06-02T06:00:00Z',
  count: 4,
  source: { name: 'Shadowserver', reliability: 'B' },
  ...over,
});

const notice = (over: Partial<NoticeInput> = {}): NoticeInput => ({
  ticket: newTicket(),
  organisation: { name: 'Bakkerij De Korenschoof B.V.', ref: '12345678' },
  contact: { name: 'Jan de Vries', language: 'en' },
  findings: [finding()],
  verificationBase: BASE,
  ...over,
});

const links = (html: string) => [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]);
/** URLs with a live scheme in the plain text, other than our verification link. */
const liveUrls = (text: string, ticket: string) => (text.match(/\b(?:https?|ftp|javascript|data|file):\S*/gi) ?? []).filter((u) => u !== `${BASE}/verify/${ticket}`);

describe('composeNotice', () => {
  for (const [language, words] of [
    ['en', { seen: 'WHAT WE SAW', now: 'WHAT TO DO NOW', it: 'FOR YOUR IT SUPPLIER', why: 'WHY YOU RECEIVE THIS', reliability: 'reliability B (usually reliable)', registered: 'registered with us on 1 March 2025', port: 'port 3389', severity: 'High' }],
    ['nl', { seen: 'WAT WE ZAGEN', now: 'WAT U NU KUNT DOEN', it: 'VOOR UW IT-LEVERANCIER', why: 'WAAROM U DIT ONTVANGT', reliability: 'betrouwbaarheid B (meestal betrouwbaar)', registered: 'op 1 maart 2025 bij ons heeft geregistreerd', port: 'poort 3389', severity: 'Hoog' }],
  ] as const) {
    it(`states what, where, when, source, why and what to do, in ${language}`, () => {
      const input = notice({ contact: { name: 'Jan de Vries', language } });
      const ticket = input.ticket;
      const n = composeNotice(input);
      assert.equal(n.language, language);
      assert.equal(n.tlp, 'TLP:AMBER');
      for (const part of [words.seen, words.now, words.it, words.why, words.reliability, words.registered, words.port, 'Shadowserver', '192.0.2[.]10', '192.0.2.0/24', ticket, `${BASE}/verify/${ticket}`, 'TLP:AMBER', 'Jan de Vries', '3389']) {
        assert.ok(n.text.includes(part), `${language} text lacks ${part}`);
      }
      assert.match(n.text, /\n1\. .+\n[\s\S]*\n2\. /, 'numbered steps');
      assert.match(n.subject, new RegExp(`^\\[TLP:AMBER\\] \\[${ticket}\\] ${words.severity}: `));
      assert.match(n.html, new RegExp(`<html lang="${language}">`));
      assert.ok(n.html.includes('192.0.2[.]10') && n.html.includes(ticket) && n.html.includes('192.0.2.0/24'));
      assert.deepEqual(links(n.html), [`${BASE}/verify/${ticket}`]);
      assert.deepEqual(liveUrls(n.text, ticket), []);
    });
  }

  it('has a translation for every kind, severity and reliability in both languages', () => {
    for (const language of LANGUAGES) {
      for (const kind of KINDS) {
        for (const [i, severity] of SEVERITIES.entries()) {
          const reliability = RELIABILITIES[i];
          const n = composeNotice(notice({ contact: { language }, findings: [finding({ kind, severity, source: { name: 'Feed', reliability } })] }));
          assert.doesNotMatch(`${n.subject}\n${n.text}`, /\b(kind|severity|reliability|field|heading|tlp)\.[\w+-]+/, `${language} ${kind} ${severity}`);
        }
      }
    }
  });

  it('writes the Dutch and English notices differently, each wholly in its language', () => {
    const input = notice();
    const en = composeNotice(input).text;
    const nl = composeNotice({ ...input, contact: { name: 'Jan de Vries', language: 'nl' } }).text;
    assert.notEqual(en, nl);
    assert.doesNotMatch(nl, /\b(the|your|what|seen)\b/i);
    assert.doesNotMatch(en, /\b(uw|wat|gezien|het)\b/i);
  });

  it('wraps plain text at 72 columns, except a word that cannot be broken', () => {
    const long = `http://${'a'.repeat(120)}.example/`;
    const { text } = composeNotice(notice({ findings: [finding({ kind: 'phishing', type: 'phishing', indicator: long })] }));
    for (const line of text.split('\n')) {
      if (line.length > 72) assert.ok(!line.trim().slice(0, -1).includes(' ') || /\S{60,}/.test(line), `line too long: ${line}`);
    }
    assert.ok(text.split('\n').filter((l) => l.length > 72).length <= 4);
  });

  it('keeps hostile feed content inert in text, HTML and subject', () => {
    const hostile = [
      '<script>alert(document.cookie)</script>',
      'javascript:alert(1)',
      '=HYPERLINK("http://evil.example/steal","Click here")',
      'evil.example\r\nBcc: everyone@example.nl\r\n',
      'invoice\u202Egnp.exe',
      `https://evil.example/${'x'.repeat(5000)}`,
      '"><img src=x onerror=alert(1)>',
    ];
    const input = notice({
      organisation: { name: 'Evil\r\nBcc: all@example.nl <b>Corp</b>', ref: '1' },
      findings: hostile.map((indicator, i) =>
        finding({
          indicator,
          type: i === 0 ? '<script>x</script>' : 'open-rdp',
          malware: i === 1 ? '<img src=x>' : undefined,
          source: { name: 'Feed <i>', reliability: 'F' },
          vulnerability: i === 2 ? { product: '<b>Widget</b>', fixedIn: '=1+1', remediation: 'See https://vendor.example/fix and <script>' } : undefined,
        }),
      ),
    });
    const n = composeNotice(input);
    const ticket = input.ticket;

    assert.doesNotMatch(n.html, /<script|<img|<b>|<i>|onerror=alert\(1\)>/i);
    assert.match(n.html, /&lt;script&gt;alert\(document\[\.\]cookie\)&lt;\/script&gt;/);
    assert.deepEqual(links(n.html), [`${BASE}/verify/${ticket}`]);
    assert.doesNotMatch(n.html, /\u202E/);

    assert.deepEqual(liveUrls(n.text, ticket), []);
    assert.deepEqual(liveUrls(n.html.replace(/<[^>]+>/g, ' '), ticket), []);
    assert.match(n.text, /javascript\[:\]alert\(1\)/);
    assert.match(n.text, /'=HYPERLINK\("hxxp:\/\/evil\[\.\]example\/steal"/);
    assert.match(n.text, /'=1\+1/);
    assert.match(n.text, /hxxps:\/\/vendor\[\.\]example\/fix/);
    assert.doesNotMatch(n.text, /\r|\u202E/);
    assert.doesNotMatch(n.text, /^Bcc:/m);
    assert.ok(n.text.length < 40_000, 'very long values are cut');

    assert.doesNotMatch(n.subject, /[\r\n\u0000-\u001f\u007f]/);
    assert.ok(n.subject.length <= 250);
    assert.ok(n.subject.includes(ticket));
  });

  it('makes a digest of several findings, grouped by severity, most serious first, advice told once', () => {
    const input = notice({
      findings: [
        finding({ severity: 'medium', kind: 'attack-source', type: 'scanner', indicator: '192.0.2.20' }),
        finding({ severity: 'high', indicator: '192.0.2.11' }),
        finding({ severity: 'critical', kind: 'compromised', type: 'compromised-website', indicator: 'shop.korenschoof.example', asset: { value: 'korenschoof.example', registeredAt: '2025-02-01T09:00:00Z' } }),
        finding({ severity: 'high', indicator: '192.0.2.12' }),
      ],
    });
    const n = composeNotice(input);
    const order = ['CRITICAL (1)', 'HIGH (2)', 'MEDIUM (1)'].map((h) => n.text.indexOf(`\n${h}\n`));
    assert.ok(order.every((i) => i > 0), 'every severity has its heading');
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.ok(n.text.indexOf('shop[.]korenschoof[.]example') < n.text.indexOf('192.0.2[.]11'));
    assert.match(n.text, /What to do: see finding 2 above\./);
    assert.match(n.subject, /Digest: 4 findings, highest severity Critical/);
    for (const part of ['korenschoof.example', '192.0.2.0/24', '192.0.2[.]12', '192.0.2[.]20', 'registered with us on 1 February 2025']) assert.ok(n.text.includes(part), part);
    const nl = composeNotice({ ...input, contact: { language: 'nl' } });
    assert.match(nl.subject, /Overzicht: 4 meldingen, hoogste ernst Kritiek/);
    assert.match(nl.text, /Geachte heer, mevrouw,/);
  });

  it('carries the strictest TLP label of its findings, at the top and bottom', () => {
    const n = composeNotice(notice({ findings: [finding({ tlp: 'GREEN' }), finding({ tlp: 'AMBER+STRICT' }), finding({ tlp: 'CLEAR' })] }));
    assert.equal(n.tlp, 'TLP:AMBER+STRICT');
    assert.ok(n.text.startsWith('TLP:AMBER+STRICT: '));
    assert.match(n.text.trimEnd().split('\n\n').at(-1) ?? '', /^TLP:AMBER\+STRICT: /);
    assert.match(n.subject, /^\[TLP:AMBER\+STRICT\]/);
  });

  it('names the fixed version and known exploitation of a vulnerability', () => {
    const n = composeNotice(
      notice({
        findings: [
          finding({
            kind: 'vulnerable',
            type: 'CVE-2024-3400',
            severity: 'critical',
            vulnerability: { cve: 'CVE-2024-3400', advisory: 'NCSC-2024-0159', product: 'PAN-OS', version: '10.2.9', fixedIn: '10.2.9-h1', kev: { requiredAction: 'Apply mitigations per vendor instructions.' } },
          }),
        ],
      }),
    );
    for (const part of ['CVE-2024-3400', 'NCSC-2024-0159', 'PAN-OS 10.2.9', 'version 10.2.9-h1 or later', 'Required action: Apply mitigations per vendor instructions.', 'known to be exploited']) {
      assert.ok(n.text.replace(/\s+/g, ' ').includes(part), part);
    }
  });

  it('accepts a ticket as typed, and refuses an invalid ticket or a verification base that is not http(s)', () => {
    const ticket = newTicket();
    const n = composeNotice(notice({ ticket: ticket.toLowerCase().replaceAll('-', ' ') }));
    assert.ok(n.text.includes(`${BASE}/verify/${ticket}`));
    assert.equal(normaliseTicket(ticket), ticket);
    assert.throws(() => composeNotice(notice({ ticket: 'KP-2222-2222-3' })), /ticket/);
    assert.throws(() => composeNotice(notice({ verificationBase: 'javascript:alert(1)' })), /verification base/);
    assert.throws(() => composeNotice(notice({ findings: [] })), /no findings/);
    assert.ok(composeNotice(notice({ verificationBase: `${BASE}/koppel/` })).text.includes(`${BASE}/koppel/verify/`));
  });
});

describe('composeAllClear', () => {
  const allClear = (over: Partial<AllClearInput> = {}): AllClearInput => ({
    ticket: newTicket(),
    organisation: { name: 'Bakkerij De Korenschoof B.V.', ref: '12345678' },
    contact: { language: 'en' },
    withdrawn: [
      { tlp: 'GREEN', asset: 'pkg:npm/widget@1.0.0', vulnerability: { cve: 'CVE-2026-36001', advisory: 'GHSA-wdgt-0000-0001', product: 'pkg:npm/widget', version: '1.0.0' }, earlierTicket: newTicket() },
    ],
    verificationBase: BASE,
    ...over,
  });

  it('says in each language that nothing needs doing, names every earlier ticket once, and carries the strictest label', () => {
    const first = newTicket();
    const second = newTicket();
    const withdrawn: AllClearInput['withdrawn'] = [
      { tlp: 'GREEN', asset: 'pkg:npm/widget@1.0.0', vulnerability: { cve: 'CVE-2026-36001', advisory: 'GHSA-wdgt-0000-0001', product: 'pkg:npm/widget', version: '1.0.0' }, earlierTicket: first.toLowerCase() },
      { tlp: 'AMBER', asset: 'cpe:2.3:a:acme:gadget:2.0:*:*:*:*:*:*:*', vulnerability: { advisory: 'NCSC-2026-0001', product: 'acme gadget' }, earlierTicket: first },
      { tlp: 'CLEAR', asset: 'Acme Sprocket 3', vulnerability: { advisory: 'NCSC-2026-0002', product: 'acme sprocket' }, earlierTicket: second },
    ];
    const en = composeAllClear(allClear({ withdrawn }));
    const nl = composeAllClear(allClear({ withdrawn, contact: { language: 'nl', name: 'Jan de Vries' } }));
    assert.equal(en.tlp, 'TLP:AMBER');
    assert.match(en.subject, new RegExp(`All clear for notices ${first}, ${second}: advisories withdrawn`));
    assert.match(nl.subject, new RegExp(`Alles in orde voor meldingen ${first}, ${second}: adviezen ingetrokken`));
    assert.match(en.text.replace(/\s+/g, ' '), /these 3 warnings .* you do not need to do anything/);
    assert.match(nl.text.replace(/\s+/g, ' '), /deze 3 waarschuwingen .* u hoeft niets te doen/);
    for (const part of ['GHSA-wdgt-0000-0001', 'CVE-2026-36001', 'NCSC-2026-0002', 'Acme Sprocket 3']) assert.ok(en.text.includes(part) && nl.text.includes(part), part);
    assert.doesNotMatch(nl.text, /\b(the|your|what|notice)\b/i);
    assert.doesNotMatch(`${en.subject}\n${en.text}\n${nl.subject}\n${nl.text}`, /\b(allClear|field)\.\w+/);
  });

  it('keeps hostile advisory content inert and links to nothing but its own verification page', () => {
    const input = allClear({
      withdrawn: [{ tlp: 'CLEAR', asset: 'Widget <b>Pro</b>', vulnerability: { advisory: 'javascript:alert(1)', product: '=HYPERLINK("http://evil.example","x")' }, earlierTicket: newTicket() }],
    });
    const n = composeAllClear(input);
    assert.deepEqual(links(n.html), [`${BASE}/verify/${input.ticket}`]);
    assert.deepEqual(liveUrls(n.text, input.ticket), []);
    assert.doesNotMatch(n.html, /<b>/);
    assert.match(n.text, /javascript\[:\]alert\(1\)/);
    assert.throws(() => composeAllClear(allClear({ withdrawn: [] })), /names no withdrawn finding/);
  });
});

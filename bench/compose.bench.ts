/**
 * Composing notices: 100,000 notices for 100,000 organisations (generated input: every kind, Dutch
 * and English, one in ten a digest of three findings, one in twenty with a hostile indicator),
 * median of 3 rounds, against the target of 10,000 notices a second. Beside it a simple reference
 * in the same run: the same notices as bare template literals, without i18next, advice, defanging
 * or wrapping. Single-threaded; the machine's core count is printed for scale.
 */
import { availableParallelism } from 'node:os';
import { KINDS, RELIABILITIES, SEVERITIES, TLP_LABELS } from '../src/observations/model.ts';
import { composeNotice, newTicket, type NoticeFinding, type NoticeInput } from '../src/notices/index.ts';

const NOTICES = Number(process.env.BENCH_NOTICES ?? 100_000);
const ROUNDS = 3;
const TARGET = 10_000;

const TYPES: Record<string, string[]> = {
  'exposed-service': ['open-rdp', 'accessible-smb', 'open-telnet', 'open-mysql', 'open-memcached', 'open-elasticsearch', 'fortigate', 'open-ssh'],
  compromised: ['compromised-website', 'webshell'],
  infected: ['sinkhole-http', 'bot'],
  vulnerable: ['CVE-2024-3400', 'vulnerable-http'],
  'malicious-infrastructure': ['botnet-c2', 'malware-url'],
  'attack-source': ['bruteforce', 'scanner'],
  'leaked-credentials': ['credential-dump'],
  phishing: ['phishing'],
  information: ['device-id'],
};
const HOSTILE = ['http://evil.example/<script>alert(1)</script>', '=HYPERLINK("http://x.example")', 'a.example\r\nBcc: x@y.example', 'x\u202Egpj.exe'];

function finding(org: number, n: number): NoticeFinding {
  const kind = KINDS[(org + n) % KINDS.length];
  const types = TYPES[kind];
  const third = org % 250;
  return {
    kind,
    type: types[org % types.length],
    severity: SEVERITIES[(org + n) % 3],
    tlp: TLP_LABELS[(org + n) % 4],
    indicator: org % 20 === 0 ? HOSTILE[org % HOSTILE.length] : kind === 'phishing' ? `https://login.org${org}.example/x` : `198.51.${third}.${n + 1}`,
    ...(kind === 'exposed-service' ? { port: 3389 } : {}),
    ...(kind === 'infected' ? { malware: 'qakbot' } : {}),
    ...(kind === 'vulnerable' ? { vulnerability: { cve: 'CVE-2024-3400', product: 'PAN-OS', version: '10.2.9', fixedIn: '10.2.9-h1', kev: { requiredAction: 'Apply mitigations per vendor instructions.' } } } : {}),
    asset: { value: `198.51.${third}.0/24`, registeredAt: '2025-03-01T09:00:00Z' },
    firstSeen: `2025-06-0${1 + (org % 3)}T0${org % 10}:1${n}:00Z`,
    lastSeen: '2025-06-04T06:00:00Z',
    count: 1 + (org % 7),
    source: { name: 'Shadowserver', reliability: RELIABILITIES[org % RELIABILITIES.length] },
  };
}

const inputs: NoticeInput[] = Array.from({ length: NOTICES }, (_, org) => ({
  ticket: newTicket(),
  organisation: { name: `Organisation ${org} B.V.`, ref: String(10_000_000 + org) },
  contact: { name: `Contact ${org}`, language: org % 2 === 0 ? 'nl' : 'en' },
  findings: Array.from({ length: org % 10 === 0 ? 3 : 1 }, (_, n) => finding(org, n)),
  verificationBase: 'https://koppel.example.nl',
}));

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The reference: the same facts in template literals, nothing more. */
function reference(input: NoticeInput) {
  const f = input.findings[0];
  const lines = input.findings.map((x) => `${x.kind} ${x.type} ${x.indicator} ${x.asset.value} ${x.firstSeen} ${x.lastSeen} ${x.count} ${x.source.name} ${x.source.reliability}`);
  const subject = `[TLP:${f.tlp}] [${input.ticket}] ${f.severity}: ${f.kind} – ${input.organisation.name}`;
  const text = `Dear ${input.contact.name},\n\n${lines.join('\n')}\n\n${input.verificationBase}/verify/${input.ticket}\n`;
  const html = `<p>Dear ${escape(input.contact.name ?? '')},</p>${lines.map((l) => `<p>${escape(l)}</p>`).join('')}<p><a href="${input.verificationBase}/verify/${input.ticket}">verify</a></p>`;
  return { subject, text, html };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function rounds(compose: (input: NoticeInput) => { text: string }): { rates: number[]; bytes: number } {
  const rates: number[] = [];
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bytes = 0;
    const start = performance.now();
    for (const input of inputs) bytes += compose(input).text.length;
    rates.push(NOTICES / ((performance.now() - start) / 1000));
  }
  return { rates, bytes };
}

console.log(`composing ${NOTICES.toLocaleString('en')} notices for ${NOTICES.toLocaleString('en')} organisations, ${ROUNDS} rounds, one thread of ${availableParallelism()} cores`);
const composed = rounds(composeNotice);
const bare = rounds(reference);
const rate = median(composed.rates);
const verdict = rate >= TARGET ? 'meets' : 'BELOW';
console.log(
  `composeNotice (i18next, advice, defanging, text + HTML): median ${Math.round(rate).toLocaleString('en')} notices/s ` +
    `(rounds: ${composed.rates.map(Math.round).join(', ')}; ${Math.round(composed.bytes / NOTICES)} characters of text a notice); ${verdict} the ${TARGET.toLocaleString('en')}/s target`,
);
console.log(
  `reference, bare template literals: median ${Math.round(median(bare.rates)).toLocaleString('en')} notices/s ` +
    `(rounds: ${bare.rates.map(Math.round).join(', ')}; ${Math.round(bare.bytes / NOTICES)} characters a notice)`,
);
if (rate < TARGET) process.exitCode = 1;

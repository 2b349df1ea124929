import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShadowserver, shadowserver } from '../../src/intake/shadowserver.ts';
import { schemaFromJson } from '../../src/intake/shadowserver-schema.ts';
import { reportFromFileName, reportType } from '../../src/intake/shadowserver-mappings.ts';
import { formatByName } from '../../src/intake/index.ts';
import { chunked, collect, intakeContext, runText } from './intake-run.ts';

const SCAN_HEADER = '"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","detail"';
const SCAN_RDP = [
  `\uFEFF${SCAN_HEADER}`,
  '"2026-11-27 03:00:00","medium","192.0.2.10","tcp",3389,"www.bank.example","rdp",64500,"NL","plain"',
  '"2026-11-27T03:00:01Z","critical","2001:DB8::10","tcp",3389,"","rdp;CVE-2019-0708",64500,"NL","banner ""RDP"" with',
  'a line break"',
  '"2026-11-27 03:00:02","medium","192.0.2.300","tcp",3389,"","rdp",64500,"NL",""',
  '"2026-11-27 03:00:03","","198.51.100.7/24","tcp",3389,"","rdp",0,"NL",""',
  '',
  '"2026-11-27 03:00:04","medium","192.0.2.11"',
  '"yesterday","medium","192.0.2.12","tcp",3389,"","rdp",64500,"NL",""',
  '"2026-11-27 03:00:05","low","192.0.2.13","tcp",3389,"","rdp",64500,"NL",realm="x"',
].join('\r\n');

test('a scan report: kinds, roles, severity, CIDR, IPv6, quoting, BOM and row errors with line and field', async () => {
  const { observations, lines, errors } = await runText(shadowserver, SCAN_RDP, '2026-11-27-scan_rdp-nl-geo.csv');
  assert.deepEqual(lines, [2, 3, 6, 10], 'each observation carries the physical line its row starts on');
  assert.deepEqual(
    errors.map((e) => [e.file, e.line, e.field]),
    [
      ['2026-11-27-scan_rdp-nl-geo.csv', 5, 'ip'],
      ['2026-11-27-scan_rdp-nl-geo.csv', 8, undefined],
      ['2026-11-27-scan_rdp-nl-geo.csv', 9, 'timestamp'],
    ],
  );
  assert.match(errors[0].reason, /192\.0\.2\.300/);
  assert.match(errors[1].reason, /3 fields where the header has 10/);

  const [plain, v6, network, last] = observations;
  assert.deepEqual(plain.subject, { ip: '192.0.2.10', port: 3389, protocol: 'tcp', asn: 64500 });
  assert.equal(plain.kind, 'exposed-service');
  assert.equal(plain.type, 'open-rdp');
  assert.equal(plain.severity, 'medium');
  assert.equal(plain.observedAt, '2026-11-27T03:00:00.000Z');
  assert.equal(plain.hostname, 'www.bank.example', 'the reverse-DNS name is kept as evidence');
  assert.ok(!('domain' in plain.subject), 'and is never the subject’s domain');
  assert.deepEqual(plain.others, []);
  assert.equal(plain.evidence.geo, 'NL', 'the full row is the evidence');
  assert.equal(plain.evidence.timestamp, '2026-11-27 03:00:00');
  assert.equal(plain.source, 'test-source');
  assert.equal(plain.tlp, 'AMBER');

  assert.equal(v6.subject.ip, '2001:db8::10');
  assert.equal(v6.severity, 'critical', 'the row’s severity overrides the default');
  assert.equal(v6.kind, 'vulnerable', 'a CVE in the tag makes an exposed service a vulnerability');
  assert.deepEqual(v6.cve, ['CVE-2019-0708']);
  assert.equal(v6.evidence.detail, 'banner "RDP" with\r\na line break');

  assert.deepEqual(network.subject, { network: '198.51.100.0/24', port: 3389, protocol: 'tcp' }, 'a CIDR in the ip column is the network; AS 0 is none');
  assert.equal(network.severity, 'medium');
  assert.equal(last.evidence.detail, 'realm="x"', 'a stray quote inside an unquoted field is kept');
});

test('the source’s default severity applies when the row has none', async () => {
  const { observations } = await runText(shadowserver, SCAN_RDP, '2026-11-27-scan_rdp-nl-geo.csv', {}, { severity: 'high' });
  assert.deepEqual(
    observations.map((o) => o.severity),
    ['medium', 'critical', 'high', 'low'],
  );
});

const SINKHOLE = [
  '"timestamp","protocol","src_ip","src_port","src_asn","src_hostname","dst_ip","dst_port","dst_asn","dst_hostname","infection","family","tag","http_url","http_host"',
  '"2026-11-27 01:02:03","tcp","203.0.113.5",51515,64501,"pc5.example.nl","198.51.100.80",80,64502,"sinkhole.example.org","","andromeda","avalanche","GET /gate.php HTTP/1.1","c2.example.ru"',
  '"2026-11-27 01:02:04","tcp","2001:db8:1::5",51516,64501,"","2001:db8:ffff::80",80,64502,"","necurs","","","",""',
].join('\n');

test('a sinkhole report: the bot is the subject, the sinkhole only ever the other party', async () => {
  const { observations, errors } = await runText(shadowserver, SINKHOLE, '2026-11-27-event4_sinkhole_http-nl-geo.csv');
  assert.deepEqual(errors, []);
  const [bot, bot6] = observations;
  assert.deepEqual(bot.subject, { ip: '203.0.113.5', port: 51515, asn: 64501, protocol: 'tcp' });
  assert.deepEqual(bot.others, [
    { role: 'sinkhole', indicators: { ip: '198.51.100.80', port: 80, asn: 64502, domain: 'c2.example.ru', url: 'http://c2.example.ru/gate.php' } },
  ]);
  assert.equal(bot.hostname, 'pc5.example.nl');
  assert.equal(bot.kind, 'infected');
  assert.equal(bot.type, 'andromeda');
  assert.equal(bot.malware, 'andromeda');
  assert.equal(bot.severity, 'high');
  assert.equal(bot6.subject.ip, '2001:db8:1::5');
  assert.equal(bot6.others[0].indicators.ip, '2001:db8:ffff::80');
  assert.equal(bot6.type, 'necurs');
  for (const o of observations) assert.ok(!JSON.stringify(o.subject).includes('198.51.100.80') && !JSON.stringify(o.subject).includes('ffff'));
});

test('a compromised website: http_host is the subject’s domain, hostname is not', async () => {
  const csv = [
    '"timestamp","ip","port","hostname","tag","application","asn","url","http_host","category","family"',
    '"2026-11-27 05:00:00","192.0.2.80",443,"ptr.hoster.example","hacked-webserver","https",64500,"/wp-login.php","shop.example.nl","phishing",""',
  ].join('\n');
  const { observations, errors } = await runText(shadowserver, csv, '2026-11-27-compromised_website-nl-geo.csv');
  assert.deepEqual(errors, []);
  assert.deepEqual(observations[0].subject, { ip: '192.0.2.80', port: 443, asn: 64500, domain: 'shop.example.nl', url: 'https://shop.example.nl/wp-login.php' });
  assert.equal(observations[0].hostname, 'ptr.hoster.example');
  assert.equal(observations[0].kind, 'compromised');
  assert.equal(observations[0].description, 'phishing');
});

test('a honeypot report: the attacker is the subject, the honeypot the other party', async () => {
  const csv = [
    '"timestamp","protocol","src_ip","src_port","src_asn","dst_ip","dst_port","infection","application"',
    '"2026-11-27 00:00:00","tcp","192.0.2.66",40000,64500,"198.51.100.22",22,"ssh-brute-force","ssh"',
  ].join('\n');
  const { observations } = await runText(shadowserver, csv, '2026-11-27-event4_honeypot_brute_force-nl-geo.csv');
  assert.equal(observations[0].kind, 'attack-source');
  assert.equal(observations[0].subject.ip, '192.0.2.66');
  assert.deepEqual(observations[0].others, [{ role: 'honeypot', indicators: { ip: '198.51.100.22', port: 22 } }]);
});

test('report families without a schema', async () => {
  const cases: [string, string, string][] = [
    ['2026-11-27-blocklist-nl-geo.csv', '"timestamp","ip","reason"\n"2026-11-27 00:00:00","192.0.2.1","SSH brute force scanner"', 'attack-source'],
    ['2026-11-27-blocklist-nl-geo.csv', '"timestamp","ip","reason"\n"2026-11-27 00:00:00","192.0.2.1","Malicious Host"', 'malicious-infrastructure'],
    ['2026-11-27-device_id-nl-geo.csv', '"timestamp","ip","device_vendor"\n"2026-11-27 00:00:00","192.0.2.1","Acme"', 'information'],
    ['2026-11-27-sandbox_conn-nl-geo.csv', '"timestamp","ip","md5"\n"2026-11-27 00:00:00","192.0.2.1","00"', 'malicious-infrastructure'],
    ['2026-11-27-scan_http_vulnerable-nl-geo.csv', '"timestamp","ip","tag"\n"2026-11-27 00:00:00","192.0.2.1","http"', 'vulnerable'],
    ['2026-11-27-compromised_iot-nl-geo.csv', '"timestamp","ip","family"\n"2026-11-27 00:00:00","192.0.2.1","mirai"', 'compromised'],
  ];
  for (const [file, csv, kind] of cases) {
    const { observations, errors } = await runText(shadowserver, csv, file);
    assert.deepEqual(errors, [], file);
    assert.equal(observations[0].kind, kind, file);
  }
  const url = await runText(shadowserver, '"timestamp","url","hostname","ip"\n"2026-11-27 00:00:00","http://bad.example.com/x.exe","bad.example.com","192.0.2.9"', '2026-11-27-malware_url-nl-geo.csv');
  assert.deepEqual(url.observations[0].subject, { ip: '192.0.2.9', url: 'http://bad.example.com/x.exe' });
  assert.equal(url.observations[0].kind, 'malicious-infrastructure');
});

test('report names come from the file name or the report option', async () => {
  assert.equal(reportFromFileName('/in/2026-11-27-scan_rdp-nl-geo.csv'), 'scan_rdp');
  assert.equal(reportFromFileName('2026-11-27-event4_sinkhole_http-nl-geo.csv'), 'event4_sinkhole_http');
  assert.equal(reportFromFileName('event4_honeypot_brute_force.csv'), 'event4_honeypot_brute_force');
  assert.equal(reportType('scan6_rdp'), 'open-rdp');
  assert.equal(reportType('scan_http_vulnerable'), 'vulnerable-http');
  assert.equal(reportType('event4_sinkhole_http'), 'sinkhole-http');

  const csv = `${SCAN_HEADER}\n"2026-11-27 03:00:00","","192.0.2.10","tcp",3389,"","ssh",64500,"NL",""`;
  const named = await collect(formatByName('shadowserver:scan_ssh').parse(chunked(csv), intakeContext('upload.csv')));
  assert.equal(named.observations[0].type, 'open-ssh');
  const unnamed = await runText(shadowserver, csv, 'upload.csv');
  assert.equal(unnamed.observations[0].kind, 'information', 'an unknown report still yields the subject, as information');
});

const CUSTOM_SCHEMA = {
  _meta: { date_created: '2026-11-01T00:00:00Z' },
  event_custom_bot: {
    feed_name: 'Custom-Bot',
    file_name: 'event4_custom_bot',
    constant_fields: { 'classification.taxonomy': 'malicious-code', 'classification.type': 'infected-system', 'classification.identifier': 'custom-bot' },
    required_fields: [
      ['time.source', 'timestamp', 'add_UTC_to_timestamp'],
      ['source.ip', 'victim', 'validate_ip'],
    ],
    optional_fields: [
      ['destination.ip', 'ip', 'validate_ip'],
      ['source.reverse_dns', 'hostname'],
      ['severity', 'severity', 'validate_to_none'],
      ['extra.', 'note', 'validate_to_none'],
      [false, 'ignored'],
    ],
  },
};

const CUSTOM_CSV = [
  '"timestamp","ip","victim","hostname","severity","note","ignored"',
  '"2026-11-27 02:00:00","198.51.100.1","192.0.2.44","ptr.example","","hello","x"',
].join('\n');

test('with a schema, its roles and classification are used exactly, even against the column conventions', async () => {
  const schema = schemaFromJson(CUSTOM_SCHEMA);
  const file = '2026-11-27-event4_custom_bot-nl-geo.csv';
  const withSchema = await collect(parseShadowserver(chunked(CUSTOM_CSV), intakeContext(file), schema));
  assert.deepEqual(withSchema.errors, []);
  const [o] = withSchema.observations;
  assert.deepEqual(o.subject, { ip: '192.0.2.44' });
  assert.deepEqual(o.others, [{ role: 'destination', indicators: { ip: '198.51.100.1' } }]);
  assert.equal(o.kind, 'infected');
  assert.equal(o.type, 'custom-bot');
  assert.equal(o.severity, 'high');
  assert.equal(o.hostname, 'ptr.example');
  assert.equal(o.evidence.note, 'hello');

  const builtin = await collect(parseShadowserver(chunked(CUSTOM_CSV), intakeContext(file), undefined));
  assert.equal(builtin.observations[0].subject.ip, '198.51.100.1', 'the conventions alone take the ip column');

  const unknown = await collect(parseShadowserver(chunked(SCAN_RDP), intakeContext('2026-11-27-scan_rdp-nl-geo.csv'), schema));
  assert.equal(unknown.observations.length, 0);
  assert.deepEqual(unknown.errors.map((e) => e.line), [1]);
  assert.match(unknown.errors[0].reason, /"scan_rdp" is not in the Shadowserver schema/);
});

test('a schema of another shape is refused with a reason', () => {
  assert.throws(() => schemaFromJson([]), /not a JSON object/);
  assert.throws(() => schemaFromJson({ x: { required_fields: [['source.ip']] } }), /malformed field rule/);
  assert.throws(() => schemaFromJson({ _meta: {} }), /no reports/);
});

test('a very long field is read whole', async () => {
  const long = 'A'.repeat(2_000_000);
  const csv = `${SCAN_HEADER}\n"2026-11-27 03:00:00","","192.0.2.10","tcp",3389,"","rdp",64500,"NL","${long}"\n"2026-11-27 03:00:00","","192.0.2.11","tcp",3389,"","rdp",64500,"NL",""`;
  const { observations, lines } = await collect(shadowserver.parse(chunked(csv, 65536), intakeContext('2026-11-27-scan_rdp-nl-geo.csv')));
  assert.equal((observations[0].evidence.detail as string).length, long.length);
  assert.deepEqual(lines, [2, 3]);
});

test('an unclosed quote ends the file with one error instead of swallowing it silently', async () => {
  const csv = `${SCAN_HEADER}\n"2026-11-27 03:00:00","","192.0.2.10","tcp",3389,"","rdp",64500,"NL",""\n"2026-11-27 03:00:00","","192.0.2.11","tcp",3389,"","rdp",64500,"NL","open`;
  const { observations, errors } = await runText(shadowserver, csv, '2026-11-27-scan_rdp-nl-geo.csv');
  assert.equal(observations.length, 1);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].line, 3);
  assert.match(errors[0].reason, /quote/i);
});

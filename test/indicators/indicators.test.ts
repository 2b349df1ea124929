import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emailDomain, isPublicSuffix, parseAsn, parseCidr, parseDomain, parseIp, rangeToCidrs, refang, urlHost } from '../../src/indicators/index.ts';

const ok = <T>(r: { ok: true; value: T } | { ok: false; reason: string }): T => {
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
};

test('addresses come out in canonical form; odd and invalid forms are refused', () => {
  assert.equal(ok(parseIp('2001:DB8:0:0::1')).address, '2001:db8::1');
  assert.equal(ok(parseIp(' 192.0.2.1 ')).address, '192.0.2.1');
  assert.equal(ok(parseIp('::ffff:192.0.2.1')).address, '192.0.2.1');
  for (const bad of ['999.1.1.1', '010.0.0.1', '10.1', '1.2.3.4.5', 'gggg::1', '', 'example.nl']) assert.equal(parseIp(bad).ok, false, bad);
});

test('networks: canonical, host bits cleared with a warning, bad prefixes refused', () => {
  assert.equal(ok(parseCidr('2001:DB8:0:0::/32')).cidr, '2001:db8::/32');
  const withHostBits = parseCidr('10.0.0.1/24');
  assert.ok(withHostBits.ok && withHostBits.value.cidr === '10.0.0.0/24' && /host bits/.test(withHostBits.warning ?? ''));
  assert.equal((parseCidr('10.0.0.0/24') as { warning?: string }).warning, undefined);
  for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0/24', '10.0.0.0/x']) assert.equal(parseCidr(bad).ok, false, bad);
});

test('an address range becomes the fewest networks that cover it exactly', () => {
  assert.deepEqual(ok(rangeToCidrs('192.0.2.0', '192.0.2.255')).map((n) => n.cidr), ['192.0.2.0/24']);
  assert.deepEqual(ok(rangeToCidrs('10.0.0.1', '10.0.0.6')).map((n) => n.cidr), ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']);
  assert.deepEqual(ok(rangeToCidrs('2001:db8::', '2001:db8::ffff')).map((n) => n.cidr), ['2001:db8::/112']);
  assert.equal(rangeToCidrs('10.0.0.9', '10.0.0.1').ok, false);
});

test('domains: lower-case punycode, no trailing dot; public suffixes recognised', () => {
  assert.equal(ok(parseDomain('München.DE.')), 'xn--mnchen-3ya.de');
  assert.equal(ok(parseDomain('_dmarc.Example.NL')), '_dmarc.example.nl');
  for (const bad of ['', 'a..b', '-a.nl', 'exa mple.nl', '1.2.3.4']) assert.equal(parseDomain(bad).ok, false, bad);
  assert.equal(isPublicSuffix('co.uk'), true);
  assert.equal(isPublicSuffix('github.io'), true);
  assert.equal(isPublicSuffix('example.co.uk'), false);
});

test('URL hosts and e-mail domains, also when defanged', () => {
  assert.equal(urlHost('hxxps://evil[.]example.nl:8443/login?x=1'), 'evil.example.nl');
  assert.equal(urlHost('example.nl/path'), 'example.nl');
  assert.equal(urlHost('http://[2001:db8::1]/'), '2001:db8::1');
  assert.equal(emailDomain('Jan@Example.nl'), 'Example.nl');
  assert.equal(emailDomain('no-at-sign'), undefined);
  assert.equal(refang('user[@]example[.]nl'), 'user@example.nl');
});

test('AS numbers in their usual spellings; reserved and private numbers refused', () => {
  for (const text of ['AS64500', 'as64500', '64500', 'AS 64500']) assert.equal(ok(parseAsn(text)), 64500);
  for (const bad of ['0', 'AS23456', '65000', '4200000001', '4294967295', '4294967296', 'ASX']) assert.equal(parseAsn(bad).ok, false, bad);
});

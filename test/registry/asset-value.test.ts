import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectAssetKind, parseAssetValue } from '../../src/registry/index.ts';

test('the kind is detected from the value', () => {
  const cases: Array<[string, string]> = [
    ['192.0.2.1', 'ip'],
    ['2001:db8::1', 'ip'],
    ['10.0.0.0/8', 'cidr'],
    ['AS64500', 'asn'],
    ['64500', 'asn'],
    ['example.nl', 'domain'],
    ['münchen.de', 'domain'],
    ['pkg:npm/lodash@4.17.15', 'software'],
    ['cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_14:*:*:*:*:*:*', 'software'],
    ['Microsoft Exchange Server 2019 CU14', 'software'],
  ];
  for (const [value, kind] of cases) assert.equal(detectAssetKind(value), kind, value);
});

test('values are stored canonically', () => {
  const canonical = (text: string) => {
    const r = parseAssetValue(text);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r.value;
  };
  assert.deepEqual(canonical('2001:DB8:0:0::/32'), { kind: 'cidr', value: '2001:db8::/32', network: '2001:db8::/32' });
  assert.deepEqual(canonical('192.0.2.7'), { kind: 'ip', value: '192.0.2.7', network: '192.0.2.7/32' });
  assert.deepEqual(canonical('münchen.de'), { kind: 'domain', value: 'xn--mnchen-3ya.de' });
  assert.deepEqual(canonical('Example.NL.'), { kind: 'domain', value: 'example.nl' });
  for (const text of ['AS64500', 'as64500', '64500']) assert.deepEqual(canonical(text), { kind: 'asn', value: '64500', asn: 64500 });
  const warned = parseAssetValue('10.0.0.1/24');
  assert.ok(warned.ok && warned.value.value === '10.0.0.0/24' && warned.warning?.includes('10.0.0.0/24'));
});

test('refused values say what is wrong with them', () => {
  const refused: Array<[string, RegExp]> = [
    ['nl', /public suffix/],
    ['co.uk', /public suffix/],
    ['999.1.1.1', /not an IP address/],
    ['10.0.0.0/33', /out of range/],
    ['AS0', /reserved/],
    ['AS65000', /private use/],
    ['', /empty/],
    ['   ', /empty/],
    ['pkg:', /package URL/],
    ['cpe:2.3:a:only:three', /CPE/],
  ];
  for (const [text, reason] of refused) {
    const r = parseAssetValue(text);
    assert.ok(!r.ok, `${text} should be refused`);
    assert.match(r.reason, reason, text);
  }
});

test('--kind forces the kind', () => {
  const r = parseAssetValue('64500', 'domain');
  assert.equal(r.ok, false);
  const ip = parseAssetValue('192.0.2.1', 'cidr');
  assert.equal(ip.ok, false);
});

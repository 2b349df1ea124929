import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssetIndex, type AssetMatch, type IndexedAsset } from '../../src/matching/index.ts';

let nextId = 1;
const asset = (organisationId: number, kind: IndexedAsset['kind'], value: string, verified = true): IndexedAsset => ({ id: nextId++, organisationId, kind, value, verified });
const values = (matches: AssetMatch[]) => matches.map((m) => m.value).sort();

const HOSTER = 1;
const CUSTOMER = 2;
const OTHER = 3;

test('an IPv4 address matches every range that contains it: the hosting provider and its customer both', () => {
  const index = AssetIndex.build([
    asset(HOSTER, 'cidr', '198.51.0.0/16'),
    asset(CUSTOMER, 'cidr', '198.51.100.0/24'),
    asset(CUSTOMER, 'ip', '198.51.100.7', false),
    asset(OTHER, 'cidr', '198.52.0.0/16'),
  ]);
  assert.deepEqual(values(index.lookupIp('198.51.100.7')), ['198.51.0.0/16', '198.51.100.0/24', '198.51.100.7']);
  assert.deepEqual(values(index.lookupIp('198.51.100.8')), ['198.51.0.0/16', '198.51.100.0/24']);
  assert.deepEqual(values(index.lookupIp('198.51.255.255')), ['198.51.0.0/16']);
  assert.deepEqual(values(index.lookupIp('198.50.255.255')), []);
  const single = index.lookupIp('198.51.100.7').find((m) => m.kind === 'ip');
  assert.deepEqual(single && { ...single }, { assetId: single?.assetId, organisationId: CUSTOMER, kind: 'ip', value: '198.51.100.7', verified: false });
});

test('IPv6 ranges nest as IPv4 ones do, across every 32-bit word, up to single /128 addresses', () => {
  const index = AssetIndex.build([
    asset(HOSTER, 'cidr', '2001:db8::/32'),
    asset(CUSTOMER, 'cidr', '2001:db8:1:2::/64'),
    asset(CUSTOMER, 'cidr', '2001:db8:1:2:ffff:ffff::/96'),
    asset(OTHER, 'ip', '2001:db8:1:2:ffff:ffff:0:1'),
  ]);
  assert.deepEqual(values(index.lookupIp('2001:db8:1:2:ffff:ffff:0:1')), ['2001:db8:1:2:ffff:ffff::/96', '2001:db8:1:2::/64', '2001:db8::/32', '2001:db8:1:2:ffff:ffff:0:1'].sort());
  assert.deepEqual(values(index.lookupIp('2001:db8:1:3::1')), ['2001:db8::/32']);
  assert.deepEqual(values(index.lookupIp('2001:db9::')), []);
  // Non-canonical spellings of the same address match the same assets.
  assert.deepEqual(values(index.lookupIp('2001:DB8:0001:0002:FFFF:FFFF:0000:0001')), values(index.lookupIp('2001:db8:1:2:ffff:ffff:0:1')));
  // An address of one family never matches a range of the other.
  assert.deepEqual(values(index.lookupIp('32.1.13.184')), []);
});

test('the widest ranges and the edges of the address space', () => {
  const index = AssetIndex.build([
    asset(OTHER, 'cidr', '0.0.0.0/0'),
    asset(HOSTER, 'cidr', '128.0.0.0/1'),
    asset(CUSTOMER, 'ip', '255.255.255.255'),
    asset(CUSTOMER, 'ip', '0.0.0.0'),
    asset(OTHER, 'cidr', '::/0'),
    asset(CUSTOMER, 'ip', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
  ]);
  assert.deepEqual(values(index.lookupIp('255.255.255.255')), ['0.0.0.0/0', '128.0.0.0/1', '255.255.255.255']);
  assert.deepEqual(values(index.lookupIp('0.0.0.0')), ['0.0.0.0', '0.0.0.0/0']);
  assert.deepEqual(values(index.lookupIp('127.255.255.255')), ['0.0.0.0/0']);
  assert.deepEqual(values(index.lookupIp('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')), ['::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']);
  assert.deepEqual(values(index.lookupIp('::ffff:128.0.0.1')), ['0.0.0.0/0', '128.0.0.0/1']);
});

test('a network in an observation matches the ranges that contain it and those inside it, not its neighbours', () => {
  const index = AssetIndex.build([
    asset(HOSTER, 'cidr', '203.0.0.0/16'),
    asset(CUSTOMER, 'cidr', '203.0.113.0/24'),
    asset(CUSTOMER, 'ip', '203.0.113.9'),
    asset(OTHER, 'cidr', '203.0.114.0/24'),
    asset(OTHER, 'cidr', '2001:db8:aa::/48'),
  ]);
  assert.deepEqual(values(index.lookupNetwork('203.0.113.0/24')), ['203.0.0.0/16', '203.0.113.0/24', '203.0.113.9']);
  assert.deepEqual(values(index.lookupNetwork('203.0.113.8/29')), ['203.0.0.0/16', '203.0.113.0/24', '203.0.113.9']);
  assert.deepEqual(values(index.lookupNetwork('203.0.113.0/29')), ['203.0.0.0/16', '203.0.113.0/24']);
  assert.deepEqual(values(index.lookupNetwork('203.0.0.0/8')), ['203.0.0.0/16', '203.0.113.0/24', '203.0.113.9', '203.0.114.0/24']);
  assert.deepEqual(values(index.lookupNetwork('2001:db8::/32')), ['2001:db8:aa::/48']);
  assert.deepEqual(values(index.lookupNetwork('2001:db8:aa:1::/64')), ['2001:db8:aa::/48']);
  assert.deepEqual(values(index.lookupNetwork('204.0.0.0/8')), []);
  assert.deepEqual(values(index.lookupNetwork('not a network')), []);
});

test('a domain covers itself and its subdomains, IDN included; nothing matches a public suffix', () => {
  const index = AssetIndex.build([
    asset(CUSTOMER, 'domain', 'example.nl'),
    asset(OTHER, 'domain', 'shop.example.nl'),
    asset(CUSTOMER, 'domain', 'xn--mnchen-3ya.de'),
    asset(OTHER, 'domain', 'example.co.uk'),
  ]);
  assert.deepEqual(values(index.lookupDomain('example.nl')), ['example.nl']);
  assert.deepEqual(values(index.lookupDomain('www.example.nl')), ['example.nl']);
  assert.deepEqual(values(index.lookupDomain('a.b.shop.example.nl')), ['example.nl', 'shop.example.nl']);
  assert.deepEqual(values(index.lookupDomain('WWW.Example.NL.')), ['example.nl']);
  assert.deepEqual(values(index.lookupDomain('www.xn--mnchen-3ya.de')), ['xn--mnchen-3ya.de']);
  assert.deepEqual(values(index.lookupDomain('www.münchen.de')), ['xn--mnchen-3ya.de']);
  assert.deepEqual(values(index.lookupDomain('badexample.nl')), []);
  assert.deepEqual(values(index.lookupDomain('example.nl.evil.com')), []);
  for (const suffix of ['nl', 'co.uk', 'uk', 'de', 'github.io']) assert.deepEqual(values(index.lookupDomain(suffix)), [], suffix);
});

test('a public suffix is never indexed, and no registration above one covers the names below it', () => {
  const index = AssetIndex.empty();
  assert.equal(index.add(asset(OTHER, 'domain', 'nl')), false);
  assert.equal(index.add(asset(OTHER, 'domain', 'co.uk')), false);
  assert.equal(index.add(asset(OTHER, 'domain', 'github.io')), false);
  // amazonaws.com is an ordinary domain, s3.amazonaws.com a (private) public suffix under it.
  assert.equal(index.add(asset(HOSTER, 'domain', 'amazonaws.com')), true);
  assert.deepEqual(values(index.lookupDomain('www.example.co.uk')), []);
  assert.deepEqual(values(index.lookupDomain('nl')), []);
  assert.deepEqual(values(index.lookupDomain('phish.s3.amazonaws.com')), []);
  assert.deepEqual(values(index.lookupDomain('s3.amazonaws.com')), []);
  assert.deepEqual(values(index.lookupDomain('console.amazonaws.com')), ['amazonaws.com']);
  assert.equal(index.size, 1);
});

test('ASNs match by number', () => {
  const index = AssetIndex.build([asset(HOSTER, 'asn', '64500'), asset(CUSTOMER, 'asn', '64500'), asset(OTHER, 'asn', '64501')]);
  assert.deepEqual(index.lookupAsn(64500).map((m) => m.organisationId).sort(), [HOSTER, CUSTOMER]);
  assert.deepEqual(index.lookupAsn(64502), []);
});

test('added, replaced and removed assets take effect at the very next lookup', () => {
  const index = AssetIndex.build([asset(HOSTER, 'cidr', '192.0.2.0/24')]);
  const customer = asset(CUSTOMER, 'ip', '192.0.2.10', false);
  assert.equal(index.add(customer), true);
  assert.deepEqual(values(index.lookupIp('192.0.2.10')), ['192.0.2.0/24', '192.0.2.10']);

  index.add({ ...customer, verified: true });
  assert.deepEqual(index.lookupIp('192.0.2.10').map((m) => m.verified), [true, true]);
  index.add({ ...customer, value: '192.0.2.11' });
  assert.deepEqual(values(index.lookupIp('192.0.2.10')), ['192.0.2.0/24']);
  assert.deepEqual(values(index.lookupIp('192.0.2.11')), ['192.0.2.0/24', '192.0.2.11']);

  assert.equal(index.remove(customer.id), true);
  assert.deepEqual(values(index.lookupIp('192.0.2.11')), ['192.0.2.0/24']);
  assert.equal(index.remove(customer.id), false);

  const domain = asset(CUSTOMER, 'domain', 'example.org');
  const asn = asset(CUSTOMER, 'asn', '64510');
  index.add(domain);
  index.add(asn);
  assert.deepEqual(values(index.lookupDomain('mail.example.org')), ['example.org']);
  assert.equal(index.lookupAsn(64510).length, 1);
  index.remove(domain.id);
  index.remove(asn.id);
  assert.deepEqual(values(index.lookupDomain('mail.example.org')), []);
  assert.deepEqual(index.lookupAsn(64510), []);

  // Removing from the bulk-built part works as well.
  const [bulk] = index.lookupIp('192.0.2.1');
  index.remove(bulk.assetId);
  assert.deepEqual(index.lookupIp('192.0.2.1'), []);
});

test('values that are not what their kind says are refused, not indexed', () => {
  const index = AssetIndex.empty();
  assert.equal(index.add(asset(OTHER, 'ip', 'example.nl')), false);
  assert.equal(index.add(asset(OTHER, 'cidr', '10.0.0.0/33')), false);
  assert.equal(index.add(asset(OTHER, 'asn', 'many')), false);
  assert.equal(index.add(asset(OTHER, 'domain', 'not a domain')), false);
  assert.equal(index.size, 0);
  assert.equal(AssetIndex.build([asset(OTHER, 'cidr', 'nonsense'), asset(OTHER, 'cidr', '10.0.0.0/8')]).size, 1);
});

test('in a bulk build the last record of an id counts, and any numeric id works', () => {
  const index = AssetIndex.build([
    { id: 7, organisationId: OTHER, kind: 'cidr', value: '192.0.2.0/24', verified: true },
    { id: 2 ** 40, organisationId: OTHER, kind: 'domain', value: 'example.net', verified: true },
    { id: -3, organisationId: OTHER, kind: 'asn', value: '64499', verified: true },
    { id: 7, organisationId: CUSTOMER, kind: 'domain', value: 'example.org', verified: true },
  ]);
  assert.deepEqual(index.lookupIp('192.0.2.1'), []);
  assert.deepEqual(index.lookupDomain('www.example.org').map((m) => m.organisationId), [CUSTOMER]);
  assert.equal(index.size, 3);
  assert.equal(index.remove(2 ** 40), true);
  assert.equal(index.remove(-3), true);
  assert.deepEqual([values(index.lookupDomain('example.net')), index.lookupAsn(64499)], [[], []]);
  assert.equal(index.size, 1);
});

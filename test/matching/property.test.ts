/**
 * The index against the obvious answer: a linear scan over every range (BigInt arithmetic) or name,
 * on thousands of random, deeply nested and overlapping ranges and names, while assets come and go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPublicSuffix } from 'tldts';
import { ipBytes, isPublicSuffix, parseCidr } from '../../src/indicators/index.ts';
import { AssetIndex, type IndexedAsset } from '../../src/matching/index.ts';
import { prng } from '../../bench/registry-file.ts';

interface Range {
  first: bigint;
  last: bigint;
  family: 4 | 6;
}

const toBig = (address: string): bigint => ipBytes(address).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);

function rangeOf(asset: IndexedAsset): Range {
  const text = asset.kind === 'ip' ? `${asset.value}/${asset.value.includes(':') ? 128 : 32}` : asset.value;
  const net = parseCidr(text);
  assert.ok(net.ok);
  const bits = net.value.version === 4 ? 32 : 128;
  const first = toBig(net.value.address);
  return { first, last: first + (1n << BigInt(bits - net.value.prefix)) - 1n, family: net.value.version };
}

/** Addresses crowded into a few places, so that ranges nest and overlap a lot, with words at their edges for IPv6. */
function generator(seed: number) {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const v4Bases = [0x0a000000, 0x0a010000, 0xc0000200, 0xffffff00, 0x00000000, 0x7f000000];
  const word = () => pick([0, 1, 0xffffffff, 0x80000000, 0x20010db8, Math.floor(random() * 2 ** 32)]);
  const v4 = () => {
    const n = (pick(v4Bases) + Math.floor(random() * (random() < 0.8 ? 512 : 2 ** 20))) % 2 ** 32;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  };
  const v6 = () => {
    const words = [pick([0x20010db8, 0x2a000000, 0xffffffff, 0]), word(), word(), word()];
    const groups = words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]);
    return groups.join(':');
  };
  const prefix = (max: number) => (random() < 0.3 ? max : random() < 0.05 ? Math.floor(random() * 4) : Math.floor(random() * (max + 1)));
  const asset = (id: number): IndexedAsset => {
    const six = random() < 0.4;
    const address = six ? v6() : v4();
    if (random() < 0.3) {
      const canonical = parseCidr(`${address}/${six ? 128 : 32}`);
      assert.ok(canonical.ok);
      return { id, organisationId: id % 97, kind: 'ip', value: canonical.value.address, verified: random() < 0.5 };
    }
    const net = parseCidr(`${address}/${prefix(six ? 128 : 32)}`);
    assert.ok(net.ok);
    return { id, organisationId: id % 97, kind: 'cidr', value: net.value.cidr, verified: random() < 0.5 };
  };
  const address = () => {
    const six = random() < 0.4;
    const text = six ? v6() : v4();
    const net = parseCidr(`${text}/${six ? 128 : 32}`);
    assert.ok(net.ok);
    return net.value.address;
  };
  const network = () => {
    const six = random() < 0.4;
    const net = parseCidr(`${six ? v6() : v4()}/${prefix(six ? 128 : 32)}`);
    assert.ok(net.ok);
    return net.value.cidr;
  };
  return { asset, address, network, random };
}

/** Every range in a plain array, scanned in full on each lookup; IPv4 bounds as numbers, IPv6 as BigInt. */
class Naive {
  readonly assets = new Map<number, { asset: IndexedAsset; range: Range }>();
  private scan: Array<{ id: number; family: 4 | 6; first: number | bigint; last: number | bigint }> | undefined;
  add(asset: IndexedAsset) {
    this.assets.set(asset.id, { asset, range: rangeOf(asset) });
    this.scan = undefined;
  }
  delete(id: number) {
    this.assets.delete(id);
    this.scan = undefined;
  }
  private matching(family: 4 | 6, first: bigint, last: bigint): number[] {
    this.scan ??= [...this.assets.values()].map(({ asset, range: r }) => ({
      id: asset.id,
      family: r.family,
      first: r.family === 4 ? Number(r.first) : r.first,
      last: r.family === 4 ? Number(r.last) : r.last,
    }));
    const [f, l] = family === 4 ? [Number(first), Number(last)] : [first, last];
    return this.scan.filter((r) => r.family === family && r.first <= l && f <= r.last).map((r) => r.id).sort((a, b) => a - b);
  }
  containing(address: string): number[] {
    const x = toBig(address);
    return this.matching(address.includes(':') ? 6 : 4, x, x);
  }
  overlapping(cidr: string): number[] {
    const n = rangeOf({ id: 0, organisationId: 0, kind: 'cidr', value: cidr, verified: true });
    return this.matching(n.family, n.first, n.last);
  }
}

const ids = (matches: { assetId: number }[]) => matches.map((m) => m.assetId).sort((a, b) => a - b);

test('address and network lookups equal a linear scan over 10,000 nested and overlapping random ranges', () => {
  const g = generator(7);
  // Enough of each family for the search directory of range-forest.ts to be built and used.
  const assets = Array.from({ length: 10000 }, (_, i) => g.asset(i + 1));
  const index = AssetIndex.build(assets);
  const naive = new Naive();
  assets.forEach((a) => naive.add(a));
  let nonEmpty = 0;
  for (let i = 0; i < 1500; i++) {
    const address = g.address();
    const expected = naive.containing(address);
    assert.deepEqual(ids(index.lookupIp(address)), expected, address);
    if (expected.length > 1) nonEmpty++;
    const network = g.network();
    assert.deepEqual(ids(index.lookupNetwork(network)), naive.overlapping(network), network);
  }
  // The check means something only if many lookups hit several nested ranges at once.
  assert.ok(nonEmpty > 250, `only ${nonEmpty} lookups found nested ranges`);
});

test('the index equals a linear scan while assets are added, replaced and removed one at a time', () => {
  const g = generator(11);
  const start = Array.from({ length: 1500 }, (_, i) => g.asset(i + 1));
  const index = AssetIndex.build(start);
  const naive = new Naive();
  start.forEach((a) => naive.add(a));
  let nextId = start.length + 1;
  // Enough changes to pass the merge limits several times over.
  for (let step = 0; step < 2500; step++) {
    const r = g.random();
    const live = [...naive.assets.keys()];
    if (r < 0.45) {
      const asset = g.asset(nextId++);
      assert.equal(index.add(asset), true);
      naive.add(asset);
    } else if (r < 0.55 && live.length > 0) {
      const replaced = g.asset(live[Math.floor(g.random() * live.length)]);
      index.add(replaced);
      naive.add(replaced);
    } else if (live.length > 0) {
      const id = live[Math.floor(g.random() * live.length)];
      assert.equal(index.remove(id), true);
      naive.delete(id);
    }
    const address = g.address();
    assert.deepEqual(ids(index.lookupIp(address)), naive.containing(address), `step ${step}: ${address}`);
    const network = g.network();
    assert.deepEqual(ids(index.lookupNetwork(network)), naive.overlapping(network), `step ${step}: ${network}`);
  }
  assert.equal(index.size, naive.assets.size);
});

test('domain lookups equal a scan of every registered name, public suffixes included, while names come and go', () => {
  const random = prng(13);
  const labels = ['a', 'b', 'www', 'example', 'co', 'uk', 'nl', 'github', 'io', 's3', 'amazonaws', 'com', 'xn--mnchen-3ya', 'de', 'blogspot'];
  const name = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => labels[Math.floor(random() * labels.length)]).join('.');
  const index = AssetIndex.empty();
  const live = new Map<number, string>();
  const suffix = (n: string) => getPublicSuffix(n, { allowPrivateDomains: true }) ?? n;
  const expected = (n: string) =>
    [...live]
      .filter(([, d]) => (n === d || n.endsWith(`.${d}`)) && d.length > suffix(n).length)
      .map(([id]) => id)
      .sort((x, y) => x - y);
  let matched = 0;
  for (let step = 0; step < 4000; step++) {
    if (random() < 0.7 || live.size === 0) {
      const domain = name();
      const added = index.add({ id: step, organisationId: step, kind: 'domain', value: domain, verified: true });
      assert.equal(added, !isPublicSuffix(domain), domain);
      if (added) live.set(step, domain);
    } else {
      const id = [...live.keys()][Math.floor(random() * live.size)];
      index.remove(id);
      live.delete(id);
    }
    const lookup = name();
    const want = expected(lookup);
    if (want.length > 0) matched++;
    assert.deepEqual(ids(index.lookupDomain(lookup)), want, lookup);
  }
  assert.ok(matched > 500, `only ${matched} lookups matched`);
});

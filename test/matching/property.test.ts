/**
 * The index against the obvious answer: a linear scan over every range, with BigInt arithmetic, on
 * thousands of random, deeply nested and overlapping ranges, while assets come and go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipBytes, parseCidr } from '../../src/indicators/index.ts';
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

class Naive {
  readonly assets = new Map<number, { asset: IndexedAsset; range: Range }>();
  add(asset: IndexedAsset) {
    this.assets.set(asset.id, { asset, range: rangeOf(asset) });
  }
  containing(address: string): number[] {
    const x = toBig(address);
    const family = address.includes(':') ? 6 : 4;
    return [...this.assets.values()].filter(({ range: r }) => r.family === family && r.first <= x && x <= r.last).map((e) => e.asset.id).sort((a, b) => a - b);
  }
  overlapping(cidr: string): number[] {
    const n = rangeOf({ id: 0, organisationId: 0, kind: 'cidr', value: cidr, verified: true });
    return [...this.assets.values()].filter(({ range: r }) => r.family === n.family && r.first <= n.last && n.first <= r.last).map((e) => e.asset.id).sort((a, b) => a - b);
  }
}

const ids = (matches: { assetId: number }[]) => matches.map((m) => m.assetId).sort((a, b) => a - b);

test('address and network lookups equal a linear scan over 4,000 nested and overlapping random ranges', () => {
  const g = generator(7);
  const assets = Array.from({ length: 4000 }, (_, i) => g.asset(i + 1));
  const index = AssetIndex.build(assets);
  const naive = new Naive();
  assets.forEach((a) => naive.add(a));
  let nonEmpty = 0;
  for (let i = 0; i < 3000; i++) {
    const address = g.address();
    const expected = naive.containing(address);
    assert.deepEqual(ids(index.lookupIp(address)), expected, address);
    if (expected.length > 1) nonEmpty++;
    const network = g.network();
    assert.deepEqual(ids(index.lookupNetwork(network)), naive.overlapping(network), network);
  }
  // The check means something only if many lookups hit several nested ranges at once.
  assert.ok(nonEmpty > 500, `only ${nonEmpty} lookups found nested ranges`);
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
      naive.assets.delete(id);
    }
    const address = g.address();
    assert.deepEqual(ids(index.lookupIp(address)), naive.containing(address), `step ${step}: ${address}`);
    const network = g.network();
    assert.deepEqual(ids(index.lookupNetwork(network)), naive.overlapping(network), `step ${step}: ${network}`);
  }
  assert.equal(index.size, naive.assets.size);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probesFor, type SummaryTarget } from '../../src/observations/index.ts';
import { mayHold, SummaryBuilder } from '../../src/observations/summary.ts';
import type { Indicators } from '../../src/observations/model.ts';

const summaryOf = (subjects: Indicators[]): Uint8Array => {
  const builder = new SummaryBuilder();
  for (const s of subjects) builder.add(s);
  return builder.bytes();
};

const holds = (subjects: Indicators[], target: SummaryTarget): boolean => mayHold(summaryOf(subjects), probesFor([target])!);

/** A deterministic stream of numbers in [0, 1). */
function numbers(seed: number): () => number {
  let x = seed;
  return () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

test('a block is read for every subject a search would take: addresses, networks either way round, hosts, mail domains, AS numbers', () => {
  const cases: Array<[Indicators, SummaryTarget]> = [
    [{ ip: '192.0.2.77' }, { network: '192.0.2.77/32' }],
    [{ ip: '192.0.2.77' }, { network: '192.0.2.0/24' }],
    [{ ip: '192.0.2.77' }, { network: '192.0.2.64/26' }],
    [{ ip: '192.0.2.77' }, { network: '192.0.0.0/20' }],
    [{ ip: '192.0.2.77' }, { network: '192.0.0.0/16' }],
    [{ ip: '10.200.3.4' }, { network: '10.0.0.0/8' }],
    [{ ip: '10.200.3.4' }, { network: '10.192.0.0/10' }],
    [{ network: '198.51.100.0/22' }, { network: '198.51.96.0/20' }],
    [{ network: '2001:db8:a000::/36' }, { network: '2001:db8:abcd::/48' }],
    [{ network: '198.51.0.0/16' }, { network: '198.51.100.7/32' }],
    [{ network: '198.51.100.0/24' }, { network: '198.51.0.0/16' }],
    [{ network: '198.51.100.128/25' }, { network: '198.51.100.0/24' }],
    [{ network: '100.64.0.0/10' }, { network: '100.100.1.1/32' }],
    [{ network: '0.0.0.0/0' }, { network: '203.0.113.9/32' }],
    [{ ip: '2001:db8:1:2::99' }, { network: '2001:db8:1:2::99/128' }],
    [{ ip: '2001:db8:1:2::99' }, { network: '2001:db8::/32' }],
    [{ ip: '2001:db8:1:2::99' }, { network: '2001:db8:1::/52' }],
    [{ network: '2001:db8::/29' }, { network: '2001:db8:ff::1/128' }],
    [{ domain: 'mail.example.nl' }, { domain: 'example.nl' }],
    [{ domain: 'a.b.example.co.uk' }, { domain: 'b.example.co.uk' }],
    [{ domain: 'xn--caf-dma.example.nl' }, { domain: 'café.example.nl' }],
    [{ url: 'hxxps://login.example.nl/path' }, { domain: 'example.nl' }],
    [{ url: 'http://192.0.2.5:8080/x' }, { network: '192.0.2.0/24' }],
    [{ url: 'http://[2001:db8::5]/x' }, { network: '2001:db8::/48' }],
    [{ email: 'ceo@Example.NL' }, { domain: 'example.nl' }],
    [{ ip: '192.0.2.1', asn: 64500 }, { asn: 64500 }],
  ];
  for (const [subject, target] of cases) assert.ok(holds([{ ip: '203.0.113.1' }, subject], target), `${JSON.stringify(subject)} within ${JSON.stringify(target)}`);
});

test('a block with nothing near the search is not read', () => {
  const random = numbers(1);
  const subjects: Indicators[] = [];
  for (let i = 0; i < 16_384; i++) subjects.push({ ip: `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`, asn: 64500 + (i % 10) });
  const summary = summaryOf(subjects);
  assert.ok(mayHold(summary, probesFor([{ network: `${subjects[500].ip}/32` }])!));
  assert.equal(mayHold(summary, probesFor([{ asn: 64499 }])!), false);
  // A search for another /24 reads the block about once in a few hundred times.
  let maybes = 0;
  for (let i = 0; i < 2000; i++) if (mayHold(summary, probesFor([{ network: `192.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24` }])!)) maybes++;
  assert.ok(maybes < 20, `${maybes} of 2000 searches elsewhere would read the block`);
  assert.equal(mayHold(summaryOf([{ domain: 'example.nl' }]), probesFor([{ domain: 'example.org' }])!), false);
});

test('a search names few neighbourhoods; one it cannot narrow reads every block', () => {
  // The /24s inside, or the network's own, and the marks of networks around it.
  assert.equal(probesFor([{ network: '192.0.2.77/32' }])?.length, 1 + 4);
  assert.equal(probesFor([{ network: '10.0.0.0/12' }])?.length, 16 + 2);
  assert.equal(probesFor([{ network: '10.0.0.0/8' }])?.length, 1 + 2);
  assert.equal(probesFor([{ network: '2001:db8::/40' }])?.length, 256 + 3);
  assert.equal(probesFor([{ network: '2000::/4' }]), undefined);
  assert.equal(probesFor([{ domain: 'nl' }]), undefined);
  assert.equal(probesFor(Array.from({ length: 5000 }, (_, i) => ({ asn: i + 1 }))), undefined);
  assert.ok(probesFor(Array.from({ length: 100 }, (_, i) => ({ network: `192.0.${i}.0/24` })))!.length > 0);
});

test('a block without subjects holds nothing', () => {
  assert.equal(holds([], { network: '192.0.2.0/24' }), false);
});

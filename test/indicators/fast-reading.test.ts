/**
 * Addresses and domain names are read by hand for speed (the index, block summaries); these prove it reads them exactly as
 * `parseIp`, `parseCidr` and `parseDomain` do, on random and awkward inputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressWords, canonicalDomain, ipBytes, networkWords, parseCidr, parseDomain, parseIp } from '../../src/indicators/index.ts';
import { prng } from '../../bench/registry-file.ts';

/** The address's words as the index stores them, from the slow parser's bytes. */
function expectedWords(canonical: string): number[] {
  const bytes = ipBytes(canonical);
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) words.push(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
  return words;
}

function randomAddressText(random: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  if (random() < 0.4) {
    return Array.from({ length: pick([3, 4, 4, 4, 5]) }, () => pick(['0', '1', '00', '010', '255', '256', String(Math.floor(random() * 300)), ''])).join('.');
  }
  const groups = Array.from({ length: pick([2, 3, 6, 7, 8, 8, 9]) }, () => pick(['0', '', 'ffff', 'FFFF', 'db8', '2001', '12345', 'g', '0000', Math.floor(random() * 65536).toString(16)]));
  const text = groups.join(':');
  return pick([text, `::${text}`, `${text}::`, `::ffff:${groups[0]}:1`, '::', '::1', `${text}%eth0`, `::ffff:192.0.2.${Math.floor(random() * 256)}`, ` ${text}`]);
}

test('addresses are read as parseIp reads them: same answer, same value, IPv4-mapped as IPv4', () => {
  const random = prng(3);
  const out = new Uint32Array(4);
  let valid = 0;
  for (let i = 0; i < 20000; i++) {
    const text = randomAddressText(random);
    const slow = parseIp(text);
    const family = addressWords(text, out);
    assert.equal(family !== 0, slow.ok, text);
    if (!slow.ok) continue;
    valid++;
    assert.equal(family, slow.value.version, text);
    assert.deepEqual([...out.subarray(0, family === 4 ? 1 : 4)], expectedWords(slow.value.address), text);
  }
  assert.ok(valid > 3000, `only ${valid} valid addresses generated`);
});

test('networks are read as parseCidr reads them, host bits cleared', () => {
  const random = prng(5);
  const out = new Uint32Array(4);
  for (let i = 0; i < 10000; i++) {
    const text = `${randomAddressText(random)}/${Math.floor(random() * 140)}`;
    const slow = parseCidr(text);
    const fast = networkWords(text, out);
    assert.equal(fast !== undefined, slow.ok, text);
    if (!slow.ok || !fast) continue;
    assert.deepEqual({ family: fast.family, prefix: fast.prefix }, { family: slow.value.version, prefix: slow.value.prefix }, text);
    assert.deepEqual([...out.subarray(0, fast.family === 4 ? 1 : 4)], expectedWords(slow.value.address), text);
  }
  assert.deepEqual(networkWords('::ffff:10.0.0.0/104', out), { family: 4, prefix: 8 });
});

test('domain names are canonicalised as parseDomain does it, punycode checked', () => {
  const random = prng(9);
  const pieces = ['a', 'b', 'z9', '-', '_', 'xn--', 'xn--mnchen-3ya', 'xn--zz', 'ab--c', '1', '123', 'EX', 'ü', '.', '.', '.', ' ', '*', 'x'.repeat(64)];
  for (let i = 0; i < 20000; i++) {
    const text = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const slow = parseDomain(text);
    assert.equal(canonicalDomain(text), slow.ok ? slow.value : undefined, JSON.stringify(text));
  }
  assert.equal(canonicalDomain('www.münchen.de'), 'www.xn--mnchen-3ya.de');
  assert.equal(canonicalDomain('WWW.Example.NL.'), 'www.example.nl');
});

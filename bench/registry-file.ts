/**
 * A seeded, realistic registry file for benchmarks: organisations with IPv4 and IPv6 ranges from
 * /8 to single addresses, domains and AS numbers, written as the CSV `koppel registry import` reads.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';

/** A small fast PRNG (mulberry32): the same seed gives the same file on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One asset value of the mix: mostly single addresses and small networks, a few wide ones. */
export function assetValue(random: () => number, org: number, i: number): string {
  const r = random();
  const octet = () => Math.floor(random() * 256);
  if (r < 0.4) return `${1 + Math.floor(random() * 222)}.${octet()}.${octet()}.${octet()}`;
  if (r < 0.6) {
    const prefix = 24 + Math.floor(random() * 6);
    const size = 2 ** (32 - prefix);
    return `${1 + Math.floor(random() * 222)}.${octet()}.${octet()}.${Math.floor(octet() / size) * size}/${prefix}`;
  }
  if (r < 0.62) {
    const prefix = 8 + Math.floor(random() * 15);
    const a = 1 + Math.floor(random() * 222);
    const bits = (a << 24) | (octet() << 16) | (octet() << 8);
    const masked = (bits & ~((1 << (32 - prefix)) - 1)) >>> 0;
    return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.0/${prefix}`;
  }
  const hex = () => Math.floor(random() * 65536).toString(16);
  if (r < 0.7) return `2001:db8:${hex()}:${hex()}::${hex()}`;
  if (r < 0.78) return `2a0${Math.floor(random() * 10)}:${hex()}:${hex()}::/${[32, 40, 48, 56, 64][Math.floor(random() * 5)]}`;
  if (r < 0.8) return `AS${1000 + ((org * 7 + i) % 60000)}`;
  return i === 0 ? `org${org}.example` : `host${i}.org${org}.example`;
}

/** Writes (or reuses) the CSV; returns its path. */
export async function registryCsv(dir: string, organisations: number, assets: number, seed = 42): Promise<string> {
  const file = path.join(dir, `registry-${organisations}-${assets}-${seed}.csv`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const random = prng(seed);
  const perOrg = assets / organisations;
  let lines: string[] = ['org_ref,org_name,contact_email,asset'];
  for (let org = 0; org < organisations; org++) {
    for (let i = 0; i < perOrg; i++) {
      lines.push(`KVK-${org},Organisation ${org} BV,${i === 0 ? `security@org${org}.example` : ''},${assetValue(random, org, i)}`);
    }
    if (lines.length > 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  out.write(`${lines.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  await rename(partial, file);
  return file;
}

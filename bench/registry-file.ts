/** The seeded registry of generate-registry.ts, written as the CSV `koppel registry import` reads. */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { IndexedAsset } from '../src/matching/index.ts';

/** A small fast PRNG (mulberry32): the same seed gives the same data on every machine. */
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

/** Writes (or reuses) the CSV of these assets; returns its path. */
export async function registryCsvOf(dir: string, assets: IndexedAsset[], organisations: number): Promise<string> {
  const file = path.join(dir, `registry-${organisations}-${assets.length}.csv`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let lines: string[] = ['org_ref,org_name,contact_email,asset,asset_kind,verification'];
  let previous = 0;
  let ofOrganisation = new Set<string>();
  for (const a of assets) {
    const first = a.organisationId !== previous;
    previous = a.organisationId;
    if (first) ofOrganisation = new Set();
    // An organisation registers an asset once; the import refuses a repeat.
    if (ofOrganisation.has(a.value)) continue;
    ofOrganisation.add(a.value);
    lines.push(`KVK-${a.organisationId},Organisation ${a.organisationId} BV,${first ? `security@org${a.organisationId}.example` : ''},${a.value},${a.kind},${a.verified ? 'analyst' : 'unverified'}`);
    if (lines.length >= 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  out.end(lines.length ? `${lines.join('\n')}\n` : '');
  await once(out, 'finish');
  await rename(partial, file);
  return file;
}

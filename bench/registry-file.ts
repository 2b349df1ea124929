/** The seeded registry of generate-registry.ts, written as the CSV `koppel registry import` reads. */
import { existsSync } from 'node:fs';
import { writeLines } from './measure.ts';

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

/** An asset as the registry CSV lists it. */
export interface RegistryRow {
  organisationId: number;
  /** The registry's asset kind: ip, cidr, asn, domain, software. */
  kind: string;
  value: string;
  verified: boolean;
}

const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function* registryLines(assets: Iterable<RegistryRow>): Iterable<string> {
  yield 'org_ref,org_name,contact_email,asset,asset_kind,verification';
  let previous = 0;
  let ofOrganisation = new Set<string>();
  for (const a of assets) {
    const first = a.organisationId !== previous;
    previous = a.organisationId;
    if (first) ofOrganisation = new Set();
    // An organisation registers an asset once; the import refuses a repeat.
    if (ofOrganisation.has(a.value)) continue;
    ofOrganisation.add(a.value);
    yield `KVK-${a.organisationId},Organisation ${a.organisationId} BV,${first ? `security@org${a.organisationId}.example` : ''},${csvField(a.value)},${a.kind},${a.verified ? 'analyst' : 'unverified'}`;
  }
}

/** Writes (or reuses) the registry CSV `koppel registry import` reads of these assets, in organisation order; returns its path. */
export async function registryCsv(file: string, assets: Iterable<RegistryRow>): Promise<string> {
  if (!existsSync(file)) await writeLines(file, registryLines(assets));
  return file;
}

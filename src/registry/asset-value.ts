/** What a typed-in asset value is, and its canonical form. Pure: the registry, API and import share it. */
import { PackageURL } from 'packageurl-js';
import { isPublicSuffix, parseAsn, parseCidr, parseDomain, parseIp, type Parsed } from '../indicators/index.ts';

export const ASSET_KINDS = ['ip', 'cidr', 'asn', 'domain', 'software'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export interface AssetValue {
  kind: AssetKind;
  /** Canonical text: `10.0.0.0/24`, `2001:db8::1`, `64500`, `xn--mnchen-3ya.de`, a purl or CPE. */
  value: string;
  /** For ip and cidr: the range as CIDR (an address is a /32 or /128). */
  network?: string;
  asn?: number;
}

/** The kind a value most plausibly is; `--kind` overrides it. */
const ADDRESS = /^(?:\d+(?:\.\d+)+|[\da-f]*:[\da-f:.]*)$/i;

/** The kind a value most plausibly is (by its shape alone, so that parsing is done once); `--kind` overrides it. */
export function detectAssetKind(text: string): AssetKind | undefined {
  const t = text.trim();
  if (/^(cpe:|pkg:)/i.test(t)) return 'software';
  const slash = t.indexOf('/');
  if (slash > 0 && ADDRESS.test(t.slice(0, slash))) return 'cidr';
  if (ADDRESS.test(t)) return 'ip';
  if (/^(as)?\s*\d+$/i.test(t)) return 'asn';
  if (/\s/.test(t)) return 'software';
  if (t.includes('.') || /^[a-z0-9-]+$/i.test(t)) return 'domain';
  return undefined;
}

export function parseAssetValue(text: string, kind?: AssetKind): Parsed<AssetValue> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'empty value' };
  const chosen = kind ?? detectAssetKind(trimmed);
  switch (chosen) {
    case 'ip': {
      const ip = parseIp(trimmed);
      if (!ip.ok) return ip;
      const bits = ip.value.version === 4 ? 32 : 128;
      return { ok: true, value: { kind: 'ip', value: ip.value.address, network: `${ip.value.address}/${bits}` } };
    }
    case 'cidr': {
      const net = parseCidr(trimmed);
      if (!net.ok) return net;
      return { ok: true, value: { kind: 'cidr', value: net.value.cidr, network: net.value.cidr }, warning: net.warning };
    }
    case 'asn': {
      const asn = parseAsn(trimmed);
      return asn.ok ? { ok: true, value: { kind: 'asn', value: String(asn.value), asn: asn.value } } : asn;
    }
    case 'domain': {
      const domain = parseDomain(trimmed);
      if (!domain.ok) return domain;
      if (isPublicSuffix(domain.value)) {
        return { ok: false, reason: `"${domain.value}" is a public suffix; register a domain under it, such as example.${domain.value}` };
      }
      return { ok: true, value: { kind: 'domain', value: domain.value } };
    }
    case 'software':
      return parseSoftware(trimmed);
    default:
      return { ok: false, reason: `cannot tell what kind of asset "${trimmed}" is; give --kind (${ASSET_KINDS.join(', ')})` };
  }
}

const CPE23 = /^cpe:2\.3:[aho*-](?::(?:[^:\\]|\\.)*){10}$/i;
const CPE22 = /^cpe:\/[aho]?(?::[^:]*){0,6}$/i;

function parseSoftware(text: string): Parsed<AssetValue> {
  if (/^pkg:/i.test(text)) {
    try {
      return { ok: true, value: { kind: 'software', value: PackageURL.fromString(text).toString() } };
    } catch (error) {
      return { ok: false, reason: `not a valid package URL "${text}": ${(error as Error).message}` };
    }
  }
  if (/^cpe:/i.test(text)) {
    if (CPE23.test(text) || CPE22.test(text)) return { ok: true, value: { kind: 'software', value: text } };
    return { ok: false, reason: `not a valid CPE 2.3 name or 2.2 URI: "${text}"` };
  }
  return { ok: true, value: { kind: 'software', value: text.replace(/\s+/g, ' ') } };
}

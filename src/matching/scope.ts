/**
 * What an analyst's search covers: an address or network, a domain with its subdomains, an AS. A
 * search takes the subjects that matching would take for an asset so registered. Pure.
 */
import { emailDomain, parseAsn, parseCidr, parseDomain, parseIp, urlHost } from '../indicators/index.ts';
import type { Indicators } from '../observations/model.ts';
import type { SummaryTarget } from '../observations/summary.ts';
import { AssetIndex, type IndexedAsset } from './asset-index.ts';
import { matchObservation } from './match.ts';

/** An address or network, a domain, an AS: what block summaries narrow a scan to. */
export type Scope = SummaryTarget;

/** A canonical address as the network of it alone. */
const hostNetwork = (address: string): string => `${address}/${address.includes(':') ? 128 : 32}`;

/** The scope of an indicator as typed: an address or network, an AS number, or a domain, URL or e-mail address. */
export function scopeOf(indicator: string): Scope | undefined {
  const text = indicator.trim();
  const net = parseCidr(text);
  if (net.ok) return { network: net.value.cidr };
  const ip = parseIp(text);
  if (ip.ok) return { network: hostNetwork(ip.value.address) };
  if (/^as\s*\d+$/i.test(text)) {
    const asn = parseAsn(text);
    return asn.ok ? { asn: asn.value } : undefined;
  }
  const host = text.includes('@') ? emailDomain(text) : text.includes('/') ? urlHost(text) : text;
  const domain = host ? parseDomain(host) : undefined;
  return domain?.ok ? { domain: domain.value } : undefined;
}

/** Whether a subject is within the scope: a network overlapping it, a domain or its subdomains, the AS. */
export function withinScope(scope: Scope): (subject: Indicators) => boolean {
  const asset: Omit<IndexedAsset, 'kind' | 'value'> = { id: 1, organisationId: 0, verified: true };
  const index = AssetIndex.build([
    'network' in scope
      ? { ...asset, kind: 'cidr', value: scope.network }
      : 'domain' in scope
        ? { ...asset, kind: 'domain', value: scope.domain }
        : { ...asset, kind: 'asn', value: String(scope.asn) },
  ]);
  return (subject) => matchObservation(index, { subject }).length > 0;
}

/** The scope an asset covers for matching; undefined for an AS number that does not read as one. */
export function scopeOfAsset(asset: Pick<IndexedAsset, 'kind' | 'value'>): Scope | undefined {
  switch (asset.kind) {
    case 'ip':
      return { network: hostNetwork(asset.value) };
    case 'cidr':
      return { network: asset.value };
    case 'domain':
      return { domain: asset.value };
    case 'asn': {
      const asn = parseAsn(asset.value);
      return asn.ok ? { asn: asn.value } : undefined;
    }
  }
}

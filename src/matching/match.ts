/**
 * Forward matching of one observation against the asset index. Only the subject's indicators are
 * looked up: other parties (a sinkhole, a honeypot, a C2 server contacted) and the reverse-DNS
 * `hostname`, which whoever holds the address chooses, are evidence and never matched.
 */
import { emailDomain, parseIp, urlHost } from '../indicators/index.ts';
import type { Observation } from '../observations/model.ts';
import type { AssetIndex, AssetMatch } from './asset-index.ts';

export type IndicatorKind = 'ip' | 'network' | 'domain' | 'url' | 'email' | 'asn';

export interface ObservationMatch extends AssetMatch {
  /** The subject's indicator that matched, as reported: an address, network, domain, URL, e-mail address or `AS64500`. */
  readonly indicator: string;
  readonly indicatorKind: IndicatorKind;
}

/** A URL's host or an e-mail domain: an address literal matches as an address, anything else as a domain. */
function lookupHost(index: AssetIndex, host: string): AssetMatch[] {
  return parseIp(host).ok ? index.lookupIp(host) : index.lookupDomain(host);
}

/** Adds the matches of assets not reached before (`seen` holds those); the set, made once there is something to hold. */
function take(out: ObservationMatch[], seen: Set<number> | undefined, matches: AssetMatch[], indicator: string, indicatorKind: IndicatorKind): Set<number> | undefined {
  for (const m of matches) {
    if (seen?.has(m.assetId)) continue;
    (seen ??= new Set()).add(m.assetId);
    // Field by field: a spread copies several times slower.
    out.push({ assetId: m.assetId, organisationId: m.organisationId, kind: m.kind, value: m.value, verified: m.verified, indicator, indicatorKind });
  }
  return seen;
}

/**
 * Every asset the observation's subject concerns, each asset once: when several indicators reach
 * the same asset (an address and a URL on that address), the most specific names it, in the order
 * ip, network, url, domain, email, asn. Assets reached through different indicators all appear.
 */
export function matchObservation(index: AssetIndex, observation: Pick<Observation, 'subject'>): ObservationMatch[] {
  const { ip, network, url, domain, email, asn } = observation.subject;
  const out: ObservationMatch[] = [];
  let seen: Set<number> | undefined;
  if (ip) seen = take(out, seen, index.lookupIp(ip), ip, 'ip');
  if (network) seen = take(out, seen, index.lookupNetwork(network), network, 'network');
  const host = url ? urlHost(url) : undefined;
  if (url && host) seen = take(out, seen, lookupHost(index, host), url, 'url');
  if (domain) seen = take(out, seen, index.lookupDomain(domain), domain, 'domain');
  const mailDomain = email ? emailDomain(email) : undefined;
  if (email && mailDomain) seen = take(out, seen, index.lookupDomain(mailDomain), email, 'email');
  if (asn !== undefined) take(out, seen, index.lookupAsn(asn), `AS${asn}`, 'asn');
  return out;
}

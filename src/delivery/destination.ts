/**
 * Where a webhook may go. An organisation chooses its webhook URL, so without a check it could
 * make Koppel post into the operator's own network (a database admin page, the cloud metadata
 * service at 169.254.169.254). Only globally routable unicast addresses are allowed unless the
 * operator says otherwise; the name is resolved once and the request goes to the address that
 * was checked, so a second DNS answer (DNS rebinding) cannot redirect it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses; `dns.lookup` (the system resolver, /etc/hosts included) by default. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a unique local address (ULA, fc00::/7)',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or documentation address',
  deprecatedSiteLocal: 'a site-local address',
};

const CLOUD_METADATA = '169.254.169.254';
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * Why an address may not receive a webhook (its range, in words), or undefined when it is a
 * globally routable unicast address. ipaddr.js names the range; anything but `unicast` is refused.
 */
export function nonGlobalReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    // An IPv6 form that carries an IPv4 address reaches that IPv4 address: judge that one.
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (v6.match(NAT64)) ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  const range = ip.range();
  if (range === 'unicast') return undefined;
  const text = ip.toString();
  if (text === CLOUD_METADATA) return `${text} is the cloud metadata service (link-local)`;
  return `${text} is ${RANGE_NAMES[range] ?? `not globally routable (${range})`}`;
}

export type DestinationCheck =
  | { ok: true; url: URL; hostname: string; addresses: ResolvedAddress[] }
  | { ok: false; reason: string; permanent: boolean };

export interface DestinationOptions {
  allowPrivateDestinations?: boolean;
  resolve?: Resolver;
}

const ALLOW_HINT = 'private destinations are not allowed (set KOPPEL_WEBHOOK_ALLOW_PRIVATE=1 to allow them)';

/**
 * Checks a webhook URL and resolves its host once. Refusals are permanent (only a change of the
 * organisation's URL or of the operator's settings helps); a failed DNS lookup is transient.
 */
export async function checkWebhookDestination(rawUrl: string, options: DestinationOptions = {}): Promise<DestinationCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, reason: `not a URL: ${JSON.stringify(rawUrl)}`, permanent: true };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `only http and https webhooks are sent, not ${url.protocol}`, permanent: true };
  }
  if (url.username || url.password) {
    return { ok: false, reason: 'a webhook URL may not carry a user name or password (requests are signed instead)', permanent: true };
  }
  // URL keeps IPv6 literals in brackets; net and dns want them bare.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(hostname);
    } catch (error) {
      return { ok: false, reason: `cannot resolve ${hostname}: ${(error as Error).message}`, permanent: false };
    }
    if (addresses.length === 0) return { ok: false, reason: `${hostname} has no addresses`, permanent: false };
  }
  if (!options.allowPrivateDestinations) {
    // One bad address refuses the lot: a name that mixes a public and a private address is a trap.
    for (const { address } of addresses) {
      const why = nonGlobalReason(address);
      if (why) {
        const via = address === hostname ? '' : `${hostname} resolves to `;
        return { ok: false, reason: `${via}${why}; ${ALLOW_HINT}`, permanent: true };
      }
    }
  }
  return { ok: true, url, hostname, addresses };
}

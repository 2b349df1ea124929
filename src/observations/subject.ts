/** What of an observation's subject is matched, in the forms the store indexes. Pure. */
import { emailDomain, parseCidr, parseDomain, parseIp, urlHost } from '../indicators/index.ts';
import type { Observation } from './model.ts';

/** The subject's address as a /32 or /128, or its network. */
export function subjectNetwork(o: Observation): string | undefined {
  if (o.subject.ip) {
    const ip = parseIp(o.subject.ip);
    if (ip.ok) return `${ip.value.address}/${ip.value.version === 4 ? 32 : 128}`;
  }
  if (o.subject.network) {
    const net = parseCidr(o.subject.network);
    if (net.ok) return net.value.cidr;
  }
  const host = o.subject.url ? urlHost(o.subject.url) : undefined;
  const hostIp = host ? parseIp(host) : undefined;
  return hostIp?.ok ? `${hostIp.value.address}/${hostIp.value.version === 4 ? 32 : 128}` : undefined;
}

/** A host as a canonical domain name; nothing for an address literal or what is no name. */
const hostName = (candidate: string | undefined): string | undefined => {
  if (!candidate || parseIp(candidate).ok) return undefined;
  const domain = parseDomain(candidate);
  return domain.ok ? domain.value : undefined;
};

/** The subject's domain, else its URL's host, else its e-mail domain: lower-case ASCII. */
export function subjectHost(o: Observation): string | undefined {
  const { domain, url, email } = o.subject;
  return hostName(domain) ?? (url ? hostName(urlHost(url)) : undefined) ?? (email ? hostName(emailDomain(email)) : undefined);
}

/** `www.example.nl` → `nl.example.www`, so that a domain and all its subdomains share a prefix. */
export const reverseLabels = (domain: string): string => domain.split('.').reverse().join('.');

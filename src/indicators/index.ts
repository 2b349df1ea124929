export { parseIp, parseCidr, rangeToCidrs, ipBytes, type Network, type IpVersion, type Parsed } from './ip.ts';
export { parseDomain, isPublicSuffix, urlHost, emailDomain, refang } from './domain.ts';
export { canonicalDomain } from './domain-name.ts';
export { parseAsn } from './asn.ts';
export { addressWords, networkWords, clearHostBits, hostMask, type Family } from './address-words.ts';

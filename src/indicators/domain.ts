/** Canonical forms of domain names, URLs' hosts and e-mail domains. */
import { domainToASCII } from 'node:url';
import { getPublicSuffix } from 'tldts';
import type { Parsed } from './ip.ts';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * Lower-case ASCII (IDN to punycode, UTS #46), without trailing dot. Underscores are allowed in labels
 * because service names (`_dmarc`) and real-world hostnames carry them.
 */
export function parseDomain(text: string): Parsed<string> {
  const trimmed = text.trim().replace(/\.$/, '');
  if (trimmed === '') return { ok: false, reason: 'empty domain name' };
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii === '' || ascii.length > 253) return { ok: false, reason: `not a valid domain name: "${trimmed}"` };
  const labels = ascii.split('.');
  if (!labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    return { ok: false, reason: `not a valid domain name: "${trimmed}"` };
  }
  return { ok: true, value: ascii };
}

/**
 * True when the name is itself a public suffix (`nl`, `co.uk`, `github.io`): nobody can own it, so
 * it may not be registered and never matches. Private suffixes count: `github.io` is shared by all its users.
 */
export function isPublicSuffix(canonicalDomain: string): boolean {
  return getPublicSuffix(canonicalDomain, { allowPrivateDomains: true }) === canonicalDomain;
}

/** The host of a URL, also for scheme-less (`example.nl/path`) and defanged (`hxxp://`) forms. */
export function urlHost(url: string): string | undefined {
  const text = refang(url.trim());
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const host = new URL(withScheme).hostname;
    return host.startsWith('[') ? host.slice(1, -1) : host || undefined;
  } catch {
    return undefined;
  }
}

/** The domain of an e-mail address. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? email.slice(at + 1) : undefined;
}

/** What every defanged form starts with or holds; text without any is returned at once, as most is. */
const MAYBE_DEFANGED = /^[fh]|[[({]/i;

/** Undoes the usual defanging: `hxxp://`, `[.]`, `(.)`, `[:]`, `[@]`. */
export function refang(text: string): string {
  if (!MAYBE_DEFANGED.test(text)) return text;
  return text
    .replace(/^hxxp(s?):\/\//i, 'http$1://')
    .replace(/^fxp:\/\//i, 'ftp://')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[@\]|\[at\]/gi, '@');
}

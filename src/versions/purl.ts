import { PackageURL } from 'packageurl-js';
import type { Parsed } from '../indicators/index.ts';
import { noMatch, type SoftwareMatch } from './match.ts';
import { schemeForPurlType } from './schemes.ts';
import { canonicalVers, fixedVersion, parseVers, versContains, type VersRange } from './vers.ts';

/** Package URLs through packageurl-js, and matching an inventory purl against an advisory's affected package. */

export interface Purl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string>;
  subpath?: string;
}

export function parsePurl(text: string): Parsed<Purl> {
  try {
    const p = PackageURL.fromString(text.trim());
    return {
      ok: true,
      value: { type: p.type, namespace: p.namespace ?? undefined, name: p.name, version: p.version ?? undefined, qualifiers: p.qualifiers ?? undefined, subpath: p.subpath ?? undefined },
    };
  } catch (error) {
    return { ok: false, reason: `not a purl: ${(error as Error).message}` };
  }
}

export function formatPurl(purl: Purl): string {
  return new PackageURL(purl.type, purl.namespace, purl.name, purl.version, purl.qualifiers, purl.subpath).toString();
}

/** Types whose namespace and name compare without case (purl-spec PURL-TYPES, and NuGet's case-insensitive ids). */
const CASE_INSENSITIVE = new Set(['npm', 'pypi', 'deb', 'apk', 'alpm', 'bitbucket', 'github', 'gitlab', 'composer', 'hex', 'nuget', 'pub']);

/** The identity used to compare packages: type, namespace and name normalised as the type requires. */
export function purlIdentity(p: { type: string; namespace?: string; name: string }): string {
  const type = p.type.toLowerCase();
  const folds = CASE_INSENSITIVE.has(type);
  let name = folds ? p.name.toLowerCase() : p.name;
  // PEP 503: runs of -, _ and . are one -.
  if (type === 'pypi') name = name.replace(/[-_.]+/g, '-');
  const namespace = p.namespace === undefined ? '' : folds || type === 'rpm' ? p.namespace.toLowerCase() : p.namespace;
  return `${type}/${namespace}/${name}`;
}

export interface AffectedPackage {
  type: string;
  namespace?: string;
  name: string;
  /** The affected versions; absent when the advisory names every version. */
  range?: VersRange | string;
  /** Qualifiers of the advisory's purl; `distro` narrows it to one distribution release. */
  qualifiers?: Record<string, string>;
  /** The advisory's id, for the explanation. */
  advisory?: string;
}

const hasEpoch = (v: string): boolean => /^\d+:/.test(v);
const withoutEpoch = (v: string): string => v.replace(/^\d+:/, '');

/** The version to compare: an rpm `epoch` qualifier joins the version as `epoch:version`. */
function comparableVersion(purl: Purl): string | undefined {
  if (purl.version === undefined) return undefined;
  const epoch = purl.qualifiers?.epoch;
  return purl.type === 'rpm' && epoch && !hasEpoch(purl.version) && epoch !== '0' ? `${epoch}:${purl.version}` : purl.version;
}

export function purlMatches(inventoryPurl: string | Purl, affected: AffectedPackage): SoftwareMatch {
  const read = typeof inventoryPurl === 'string' ? parsePurl(inventoryPurl) : ({ ok: true, value: inventoryPurl } as const);
  if (!read.ok) return noMatch(`the inventory purl cannot be read: ${read.reason}`);
  const purl = read.value;
  if (purlIdentity(purl) !== purlIdentity(affected)) return noMatch(`${purlIdentity(purl)} is another package than ${purlIdentity(affected)}`);
  const yours = formatPurl(purl);
  const of = affected.advisory ? ` of ${affected.advisory}` : '';
  const ourDistro = purl.qualifiers?.distro?.toLowerCase();
  const theirDistro = affected.qualifiers?.distro?.toLowerCase();
  if (ourDistro && theirDistro && ourDistro !== theirDistro) {
    return noMatch(`your ${yours} is built for ${ourDistro}, the advisory${of} concerns ${theirDistro}`);
  }
  let range: VersRange | undefined;
  if (typeof affected.range === 'string') {
    const parsed = parseVers(affected.range);
    if (!parsed.ok) return noMatch(`the advisory's range cannot be read: ${parsed.reason}`);
    range = parsed.value;
  } else range = affected.range;
  let version = comparableVersion(purl);
  if (!range || range.anyVersion) {
    return { matched: true, confidence: 'likely', explanation: `your ${yours} is a package that the advisory${of} names for every version` };
  }
  if (version === undefined) {
    return { matched: true, confidence: 'likely', explanation: `your ${yours} is the package of ${canonicalVers(range)}${of}, but its version is not known` };
  }
  const notes: string[] = [];
  // rpm tools often leave the epoch out; when only one side states one, compare without it.
  if (purl.type === 'rpm' && hasEpoch(version) !== range.constraints.some((c) => hasEpoch(c.version))) {
    version = withoutEpoch(version);
    range = { ...range, constraints: range.constraints.map((c) => ({ ...c, version: withoutEpoch(c.version) })) };
    notes.push('epochs left out because only one side states one');
  }
  if (!versContains(range, version)) return noMatch(`your ${yours} is outside ${canonicalVers(range)}${of}`);
  if (!schemeForPurlType(purl.type).isValid(version)) notes.push(`version ${version} is not a valid ${schemeForPurlType(purl.type).name} version`);
  if (!!ourDistro !== !!theirDistro) notes.push('the distribution is stated on one side only');
  const fixed = fixedVersion(range, version);
  const confidence = notes.length > 0 ? 'likely' : 'confirmed';
  return {
    matched: true,
    confidence,
    explanation: `your ${yours} is in ${canonicalVers(range)}${of}${fixed ? `, fixed in ${fixed}` : ''}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
  };
}

import { ANY, CPE_ATTRIBUTES, compareAttribute, formatCpe, NA, parseCpe, unquote, type Wfn } from './cpe.ts';
import { noMatch, type SoftwareMatch } from './match.ts';
import { schemeForVers } from './schemes.ts';
import { canonicalVers, fixedVersion, parseVers, versContains, type VersRange } from './vers.ts';

/**
 * Whether an inventory CPE is affected by an advisory CPE (plus an optional version range, as NVD
 * configurations give with versionStartIncluding … versionEndExcluding). NIST IR 7696 name
 * matching with the advisory as source, and the guards that matchers learned the hard way:
 * - a vendor or product that is ANY, NA or only wildcards (on either side) never matches:
 *   `cpe:2.3:a:*:log4j` would hit every log4j fork, `cpe:2.3:a:apache:*` every Apache product;
 * - an inventory version NA (`-`) only matches an advisory that names NA or every version;
 * - an inventory version ANY (unknown) matches as "likely", never "confirmed".
 */

const onlyWildcards = (v: string): boolean => v === ANY || v === NA || /^[*?]+$/.test(v);

const readCpe = (cpe: string | Wfn): Wfn | string => {
  if (typeof cpe !== 'string') return cpe;
  const parsed = parseCpe(cpe);
  return parsed.ok ? parsed.value : parsed.reason;
};

const readRange = (range: VersRange | string | undefined): VersRange | string | undefined => {
  if (range === undefined || typeof range !== 'string') return range;
  const parsed = parseVers(range);
  return parsed.ok ? parsed.value : parsed.reason;
};

export function cpeMatch(inventoryCpe: string | Wfn, advisoryCpe: string | Wfn, versionRange?: VersRange | string): SoftwareMatch {
  const inventory = readCpe(inventoryCpe);
  const advisory = readCpe(advisoryCpe);
  const range = readRange(versionRange);
  if (typeof inventory === 'string') return noMatch(`the inventory CPE cannot be read: ${inventory}`);
  if (typeof advisory === 'string') return noMatch(`the advisory CPE cannot be read: ${advisory}`);
  if (typeof range === 'string') return noMatch(`the advisory's version range cannot be read: ${range}`);
  const yours = formatCpe(inventory);
  const theirs = formatCpe(advisory);
  for (const [side, wfn] of [['advisory', advisory], ['inventory', inventory]] as const) {
    if (onlyWildcards(wfn.vendor) || onlyWildcards(wfn.product)) {
      return noMatch(`the ${side} CPE ${formatCpe(wfn)} does not name both a vendor and a product, so it is not matched`);
    }
  }
  for (const attribute of CPE_ATTRIBUTES) {
    if (attribute === 'version') continue;
    const relation = compareAttribute(advisory[attribute], inventory[attribute]);
    if (relation === 'DISJOINT') return noMatch(`${attribute} differs: your ${yours} is not covered by ${theirs}`);
  }
  const looseAttributes = CPE_ATTRIBUTES.filter((a) => a !== 'version' && compareAttribute(advisory[a], inventory[a]) !== 'EQUAL' && compareAttribute(advisory[a], inventory[a]) !== 'SUPERSET');
  const identity = `your ${yours} is ${theirs}`;
  const rangeText = range ? ` in ${canonicalVers(range)}` : '';
  const version = inventory.version;
  if (version === ANY) {
    return { matched: true, confidence: 'likely', explanation: `${identity}${rangeText}, but your version is not known` };
  }
  if (version === NA) {
    if (advisory.version === NA) return { matched: true, confidence: 'confirmed', explanation: `${identity}; both name no version (-)` };
    if (advisory.version === ANY && !range) return { matched: true, confidence: 'likely', explanation: `${identity}, which affects every version; yours names none (-)` };
    return noMatch(`your ${yours} names no version (-), so it cannot be placed in ${range ? canonicalVers(range) : theirs}`);
  }
  const versionRelation = compareAttribute(advisory.version, version);
  if (versionRelation === 'UNDEFINED') {
    return { matched: true, confidence: 'likely', explanation: `${identity}${rangeText}, but your version ${unquote(version)} is a pattern` };
  }
  const plainVersion = unquote(version);
  const scheme = schemeForVers(range?.scheme ?? 'generic');
  const sameVersion = advisory.version !== ANY && !/(^|[^\\])[*?]/.test(advisory.version) && scheme.compare(unquote(advisory.version), plainVersion) === 0;
  if (versionRelation === 'DISJOINT' && !sameVersion) return noMatch(`your ${yours} has version ${plainVersion}, the advisory names ${unquote(advisory.version)}`);
  if (range && !versContains(range, plainVersion)) return noMatch(`your ${yours} has version ${plainVersion}, outside ${canonicalVers(range)}`);
  const fixed = range ? fixedVersion(range, plainVersion) : undefined;
  const fixedText = fixed ? `, fixed in ${fixed}` : '';
  const vague = looseAttributes.length > 0 ? ` (${looseAttributes.join(', ')} not stated in your CPE)` : '';
  if (range || sameVersion || versionRelation === 'EQUAL') {
    return { matched: true, confidence: vague ? 'likely' : 'confirmed', explanation: `your ${yours} is in ${range ? canonicalVers(range) : theirs}${fixedText}${vague}` };
  }
  // The advisory names every version (ANY without a range) or a version pattern: the identity is certain, the range vague.
  return { matched: true, confidence: 'likely', explanation: `${identity}, which names ${advisory.version === ANY ? 'every version' : `versions ${unquote(advisory.version)}`}${vague}` };
}

/**
 * The software side of the asset index: every software asset keyed by product identity, so that an
 * advisory fans out with one lookup per identity it names, never a scan over the organisations.
 *
 * Keys, shared by inventory entries and the products an advisory names:
 * - `purl:<type>/<namespace>/<name>` (normalised as the purl type requires);
 * - `cpe:<vendor>:<product>` (WFN values);
 * - `name:<vendor words>|<product words>`: a known vendor/product identity; CPE entries carry one
 *   from their vendor and product, plain names one when the dictionary maps them;
 * - `raw:<words>`: each leading run of words of a plain name the dictionary cannot map, so that an
 *   advisory naming `Voorbeeld Voorbeeldserver` still finds `Voorbeeld Voorbeeldserver 3.1`, by name only.
 */
import type { AffectedProduct, ProductIdentity } from '../advisories/model.ts';
import {
  ANY,
  NA,
  canonicalVers,
  cpeMatch,
  fixedVersion,
  formatPurl,
  parseCpe,
  parsePurl,
  parseVers,
  purlIdentity,
  purlMatches,
  versContains,
  type Confidence,
  type Purl,
  type SoftwareMatch,
  type VersRange,
  type Wfn,
} from '../versions/index.ts';

export interface SoftwareAsset {
  id: number;
  organisationId: number;
  /** The asset as registered: a purl, a CPE or a plain name with its version. */
  value: string;
  verified: boolean;
}

/** Longest run of leading words of a plain name that may name a product. */
const MAX_NAME_WORDS = 6;

/** Lower-case words of a name, punctuation and CPE escapes dropped: `CVRF-CSAF-Converter` → `cvrf csaf converter`. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** The product's words without a leading repeat of the vendor's (`Microsoft` / `Microsoft Exchange Server`). */
function productWords(vendor: string[], product: string[]): string[] {
  const repeats = vendor.length > 0 && vendor.length < product.length && vendor.every((w, i) => product[i] === w);
  return repeats ? product.slice(vendor.length) : product;
}

/** The identity of a vendor/product pair; the vendor may be unknown (an OSV package name). */
export function nameKey(vendor: string | undefined, product: string): string | undefined {
  const v = words(vendor ?? '');
  const p = productWords(v, words(product));
  return p.length === 0 ? undefined : `name:${v.join(' ')}|${p.join(' ')}`;
}

/** The phrases a person may type for a vendor/product identity: vendor and product, or the product alone. */
function phrasesOf(vendor: string | undefined, product: string): string[] {
  const v = words(vendor ?? '');
  const p = productWords(v, words(product));
  if (p.length === 0) return [];
  return [...new Set([[...v, ...p].join(' '), p.join(' ')])];
}

const cpeText = (value: string): string => value.replace(/\\(.)/g, '$1').replace(/_/g, ' ');
const namesCpe = (wfn: Wfn): boolean => ![ANY, NA].includes(wfn.vendor) && ![ANY, NA].includes(wfn.product) && !/(^|[^\\])[*?]/.test(wfn.vendor + wfn.product);

/** Every identity a product description carries, as phrase → identity pairs for the name dictionary. */
export function namesOf(product: ProductIdentity): Array<{ phrase: string; identity: string }> {
  const found: Array<{ phrase: string; identity: string }> = [];
  const add = (vendor: string | undefined, name: string) => {
    const identity = nameKey(vendor, name);
    if (identity) for (const phrase of phrasesOf(vendor, name)) found.push({ phrase, identity });
  };
  if (product.cpe) {
    const cpe = parseCpe(product.cpe);
    if (cpe.ok && namesCpe(cpe.value)) add(cpeText(cpe.value.vendor), cpeText(cpe.value.product));
  }
  if (product.product) add(product.vendor, product.product);
  return found;
}

/**
 * Vendor/product identities by the phrases that name them, built from the advisories and
 * catalogues seen. A phrase that names more than one identity maps nothing.
 */
export class SoftwareNames {
  private readonly byPhrase = new Map<string, Set<string>>();

  identities(phrase: string): string[] {
    return [...(this.byPhrase.get(phrase) ?? [])];
  }

  /** Adds a phrase; true when it is new. */
  learn(phrase: string, identity: string): boolean {
    const set = this.byPhrase.get(phrase) ?? new Set<string>();
    if (set.has(identity)) return false;
    set.add(identity);
    this.byPhrase.set(phrase, set);
    return true;
  }

  /** The identity of the longest leading run of words that names exactly one, with how many words it took. */
  map(nameWords: readonly string[]): { identity: string; length: number } | undefined {
    for (let n = Math.min(MAX_NAME_WORDS, nameWords.length); n >= 1; n--) {
      const ids = this.byPhrase.get(words(nameWords.slice(0, n).join(' ')).join(' '));
      if (ids?.size === 1) return { identity: [...ids][0], length: n };
    }
    return undefined;
  }
}

type Identified =
  | { by: 'purl'; purl: Purl }
  | { by: 'cpe'; wfn: Wfn }
  /** A plain name: `identity` when the dictionary maps its first `length` words, the rest is its version. */
  | { by: 'name'; words: string[]; identity?: string; length?: number };

export type SoftwareEntry = SoftwareAsset & Identified & { keys: string[] };

/** Each field named, not spread: a million entries of one shape each take less memory and time. */
function identify({ id, organisationId, value, verified }: SoftwareAsset, names: SoftwareNames): SoftwareEntry {
  if (/^pkg:/i.test(value)) {
    const purl = parsePurl(value);
    if (purl.ok) return { id, organisationId, value, verified, by: 'purl', purl: purl.value, keys: [`purl:${purlIdentity(purl.value)}`] };
  }
  if (/^cpe:/i.test(value)) {
    const cpe = parseCpe(value);
    if (cpe.ok) {
      const wfn = cpe.value;
      const name = namesCpe(wfn) ? nameKey(cpeText(wfn.vendor), cpeText(wfn.product)) : undefined;
      return { id, organisationId, value, verified, by: 'cpe', wfn, keys: name ? [`cpe:${wfn.vendor}:${wfn.product}`, name] : [`cpe:${wfn.vendor}:${wfn.product}`] };
    }
  }
  const nameWords = value.split(/\s+/).filter((w) => w !== '');
  const mapped = names.map(nameWords);
  if (mapped) return { id, organisationId, value, verified, by: 'name', words: nameWords, identity: mapped.identity, length: mapped.length, keys: [mapped.identity] };
  const prefixes = new Set<string>();
  for (let n = 1; n <= Math.min(MAX_NAME_WORDS, nameWords.length); n++) {
    const phrase = words(nameWords.slice(0, n).join(' ')).join(' ');
    if (phrase) prefixes.add(`raw:${phrase}`);
  }
  return { id, organisationId, value, verified, by: 'name', words: nameWords, keys: [...prefixes] };
}

/** The keys under which the inventory entries an affected product concerns are found. */
export function productKeys(product: ProductIdentity): string[] {
  const keys = new Set<string>();
  if (product.purl) {
    const purl = parsePurl(product.purl);
    if (purl.ok) keys.add(`purl:${purlIdentity(purl.value)}`);
  }
  if (product.cpe) {
    const cpe = parseCpe(product.cpe);
    if (cpe.ok && namesCpe(cpe.value)) keys.add(`cpe:${cpe.value.vendor}:${cpe.value.product}`);
  }
  for (const { phrase, identity } of namesOf(product)) {
    keys.add(identity);
    keys.add(`raw:${phrase}`);
  }
  return [...keys];
}

/** The affected versions as a vers range: the advisory's range, else its listed versions; undefined is every version. */
function rangeOf(product: AffectedProduct, scheme: string): string | undefined {
  if (product.range) return product.range;
  if (!product.versions?.length) return undefined;
  return `vers:${scheme}/${product.versions.map((v) => v.replace(/%/g, '%25').replace(/\|/g, '%7C')).join('|')}`;
}

/** How the product is named in an explanation. */
export function describeProduct(product: ProductIdentity): string {
  return product.purl ?? product.cpe ?? [product.vendor, product.product].filter(Boolean).join(' ');
}

/** The version an entry states, as the name route compares it. */
function statedVersion(entry: SoftwareEntry, nameLength: number): string | undefined {
  if (entry.by === 'purl') return entry.purl.version;
  if (entry.by === 'cpe') return [ANY, NA].includes(entry.wfn.version) ? undefined : cpeText(entry.wfn.version);
  const rest = entry.words.slice(nameLength).join(' ');
  return rest === '' ? undefined : rest;
}

/** Vendor/product name matching, the last resort: a version in range is "likely" for a known identity, anything else "possible". */
function nameMatch(entry: SoftwareEntry, product: AffectedProduct, advisory: string, nameLength: number, known: boolean): SoftwareMatch {
  const yours = `your "${entry.value}"`;
  const theirs = describeProduct(product);
  const version = statedVersion(entry, nameLength);
  const range = parsedProduct(product).nameRange;
  const by = known ? 'by its vendor and product name' : 'by name only';
  if (!range) return { matched: true, confidence: 'possible', explanation: `${yours} is ${theirs} ${by}, which ${advisory} names for every version` };
  if (version === undefined) {
    const shown = typeof range === 'string' ? range : canonicalVers(range);
    return { matched: true, confidence: 'possible', explanation: `${yours} is ${theirs} ${by}, but its version is not known to compare with ${shown} of ${advisory}` };
  }
  if (typeof range === 'string') return { matched: false, explanation: `${yours}: version ${version} cannot be compared with ${range}` };
  if (!versContains(range, version)) return { matched: false, explanation: `${yours} has version ${version}, outside ${canonicalVers(range)} of ${advisory}` };
  const fixed = fixedVersion(range, version) ?? product.fixedIn?.[0];
  return {
    matched: true,
    confidence: known ? 'likely' : 'possible',
    explanation: `${yours} is ${theirs} ${by}, version ${version} in ${canonicalVers(range)} of ${advisory}${fixed ? `, fixed in ${fixed}` : ''}`,
  };
}

/**
 * Whether one inventory entry is affected by one product of an advisory, by the strongest route both
 * sides allow: purl, then CPE, then vendor/product names. A purl or CPE on both sides decides alone.
 */
export function matchEntry(entry: SoftwareEntry, product: AffectedProduct, advisory: string): SoftwareMatch {
  const parsed = parsedProduct(product);
  if (entry.by === 'purl' && product.purl) {
    if (!parsed.purl) return { matched: false, explanation: `the advisory purl ${product.purl} cannot be read` };
    return purlMatches(entry.purl, { type: parsed.purl.type, namespace: parsed.purl.namespace, name: parsed.purl.name, qualifiers: parsed.purl.qualifiers, range: parsed.purlRange, advisory });
  }
  if (entry.by === 'cpe' && product.cpe) {
    if (!parsed.cpe) return { matched: false, explanation: `the advisory CPE ${product.cpe} cannot be read` };
    const match = cpeMatch(entry.wfn, parsed.cpe, parsed.cpeRange);
    return match.matched ? { ...match, explanation: `${match.explanation} (${advisory})` } : match;
  }
  if (entry.by === 'purl') return { matched: false, explanation: `the advisory names ${describeProduct(product)} without a purl to compare with your ${formatPurl(entry.purl)}` };
  const names = parsed.names;
  if (entry.by === 'cpe') {
    if (!names.some((n) => entry.keys.includes(n.identity))) return { matched: false, explanation: `your ${entry.value} does not name ${describeProduct(product)}` };
    return nameMatch(entry, product, advisory, 0, true);
  }
  if (entry.identity && names.some((n) => n.identity === entry.identity)) return nameMatch(entry, product, advisory, entry.length!, true);
  const length = phraseLength(entry.words, parsed.phrases);
  if (length < entry.words.length || parsed.phrases.includes(words(entry.value).join(' '))) return nameMatch(entry, product, advisory, length, false);
  return { matched: false, explanation: `your "${entry.value}" does not name ${describeProduct(product)}` };
}

interface ParsedProduct {
  purl?: Purl;
  purlRange?: VersRange | string;
  cpe?: Wfn;
  cpeRange?: VersRange | string;
  /** The advisory's own range, for the fix above an entry's version. */
  range?: VersRange | string;
  /** The range the name route compares with: the advisory's, else its listed versions. */
  nameRange?: VersRange | string;
  names: Array<{ phrase: string; identity: string }>;
  phrases: string[];
}

/** An advisory product's purl, CPE and ranges, read once however many entries it is compared with. */
const parsedProducts = new WeakMap<AffectedProduct, ParsedProduct>();

function parsedProduct(product: AffectedProduct): ParsedProduct {
  const cached = parsedProducts.get(product);
  if (cached) return cached;
  const read = (text: string | undefined): VersRange | string | undefined => {
    if (text === undefined) return undefined;
    const range = parseVers(text);
    return range.ok ? range.value : text;
  };
  const names = namesOf(product);
  const range = read(product.range);
  const result: ParsedProduct = {
    range,
    nameRange: product.range !== undefined ? range : read(rangeOf(product, 'generic')),
    names,
    phrases: names.map((n) => n.phrase),
  };
  if (product.purl) {
    const purl = parsePurl(product.purl);
    if (purl.ok) Object.assign(result, { purl: purl.value, purlRange: read(rangeOf(product, purl.value.type)) });
  }
  if (product.cpe) {
    const cpe = parseCpe(product.cpe);
    if (cpe.ok) {
      const specificVersion = ![ANY, NA].includes(cpe.value.version);
      Object.assign(result, { cpe: cpe.value, cpeRange: read(product.range ?? (specificVersion ? undefined : rangeOf(product, 'generic'))) });
    }
  }
  parsedProducts.set(product, result);
  return result;
}

export interface SoftwareHit {
  entry: SoftwareEntry;
  product: AffectedProduct;
  advisory: string;
  confidence: Confidence;
  explanation: string;
  /** The version the inventory entry states, when it states one. */
  version?: string;
  /** The first version that is no longer affected, above the entry's. */
  fixedIn?: string;
}

/** How many leading words of a plain name are one of the product's phrases (the rest is its version). */
function phraseLength(nameWords: readonly string[], phrases: readonly string[]): number {
  for (let n = Math.min(MAX_NAME_WORDS, nameWords.length); n >= 1; n--) {
    if (phrases.includes(words(nameWords.slice(0, n).join(' ')).join(' '))) return n;
  }
  return nameWords.length;
}

function versionAndFix(entry: SoftwareEntry, product: AffectedProduct): Pick<SoftwareHit, 'version' | 'fixedIn'> {
  const length = entry.by !== 'name' ? 0 : entry.identity && entry.length ? entry.length : phraseLength(entry.words, parsedProduct(product).phrases);
  const version = entry.by === 'purl' ? entry.purl.version : statedVersion(entry, length);
  const range = parsedProduct(product).range;
  const fixed = (version !== undefined && typeof range === 'object' ? fixedVersion(range, version) : undefined) ?? product.fixedIn?.[0];
  const hit: Pick<SoftwareHit, 'version' | 'fixedIn'> = {};
  if (version !== undefined) hit.version = version;
  if (fixed !== undefined) hit.fixedIn = fixed;
  return hit;
}

const CONFIDENCE_ORDER: Record<Confidence, number> = { confirmed: 0, likely: 1, possible: 2 };
export const strongerMatch = (a: Confidence, b: Confidence): boolean => CONFIDENCE_ORDER[a] < CONFIDENCE_ORDER[b];

export class SoftwareIndex {
  /** Sets, not arrays: taking one entry out of a key that thousands share (a learnt phrase moves them all) must not scan it. */
  private readonly byKey = new Map<string, Set<SoftwareEntry>>();
  private readonly byId = new Map<number, SoftwareEntry>();
  /** Map lookups made by `candidates`, so that a test or benchmark can tell a lookup from a scan. */
  lookups = 0;

  constructor(readonly names: SoftwareNames = new SoftwareNames()) {}

  static build(assets: Iterable<SoftwareAsset>, names = new SoftwareNames()): SoftwareIndex {
    const index = new SoftwareIndex(names);
    for (const asset of assets) index.add(asset);
    return index;
  }

  get size(): number {
    return this.byId.size;
  }

  add(asset: SoftwareAsset): void {
    if (this.byId.has(asset.id)) this.remove(asset.id);
    const entry = identify(asset, this.names);
    this.byId.set(asset.id, entry);
    for (const key of entry.keys) {
      const set = this.byKey.get(key);
      if (set) set.add(entry);
      else this.byKey.set(key, new Set([entry]));
    }
  }

  remove(id: number): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    for (const key of entry.keys) {
      const set = this.byKey.get(key);
      set?.delete(entry);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  entry(id: number): SoftwareEntry | undefined {
    return this.byId.get(id);
  }

  /** Every key some entry is filed under: what a changed inventory looks up among the advisories. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /**
   * Teaches the dictionary a phrase; plain names it now maps (found under that phrase, not by a
   * scan) move from name-only matching to their identity.
   */
  learn(phrase: string, identity: string): void {
    const before = this.names.identities(phrase);
    if (!this.names.learn(phrase, identity)) return;
    // A phrase that named one identity and now names two no longer maps: its entries are read again.
    const remapped = before.length === 1 ? (this.byKey.get(before[0]) ?? []) : [];
    for (const { id, organisationId, value, verified } of [...(this.byKey.get(`raw:${phrase}`) ?? []), ...remapped]) this.add({ id, organisationId, value, verified });
  }

  /** Every entry filed under one of the product's keys, each once. */
  candidates(product: ProductIdentity): SoftwareEntry[] {
    const found = new Map<number, SoftwareEntry>();
    for (const key of productKeys(product)) {
      this.lookups++;
      for (const entry of this.byKey.get(key) ?? []) found.set(entry.id, entry);
    }
    return [...found.values()];
  }

  /** The entries affected by the advisory's affected products, each with its strongest match. */
  affectedBy(advisory: { id: string; affected: readonly AffectedProduct[] }): SoftwareHit[] {
    const best = new Map<number, SoftwareHit>();
    for (const product of advisory.affected) {
      if (product.status !== 'affected') continue;
      for (const entry of this.candidates(product)) {
        const match = matchEntry(entry, product, advisory.id);
        if (!match.matched) continue;
        const current = best.get(entry.id);
        if (!current || strongerMatch(match.confidence, current.confidence)) {
          best.set(entry.id, { entry, product, advisory: advisory.id, confidence: match.confidence, explanation: match.explanation, ...versionAndFix(entry, product) });
        }
      }
    }
    return [...best.values()];
  }
}

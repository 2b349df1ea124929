/**
 * CSAF 2.0 advisories (OASIS; as the BSI, Red Hat, Siemens and the Dutch NCSC publish them).
 * A document is validated with @secvisogram/csaf-validator-lib — the strict schema and the
 * mandatory tests; the informative tests use the network and are left out — and rejected with
 * every failed test named. A valid document gives one advisory per vulnerability: a document
 * often covers several CVEs, and aliases must only join identifiers of one vulnerability.
 */
import type { Readable } from 'node:stream';
import type { DocumentTest, TestResult } from '@secvisogram/csaf-validator-lib/validateStrict.js';
import type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from '../advisories/format.ts';
import type { AffectedProduct, AffectedStatus, Remediation, RemediationCategory, Score } from '../advisories/model.ts';
import { REMEDIATION_CATEGORIES } from '../advisories/model.ts';
import { advisorySeverity, scoreOf } from '../advisories/cvss.ts';
import {
  aliasesOf,
  asArray,
  asString,
  checkedAdvisory,
  cpe23,
  effectiveTlp,
  errorRow,
  isObject,
  languageOf,
  optional,
  parseJson,
  readText,
  splitPurl,
  strings,
  tlpOf,
  versOf,
} from '../advisories/build.ts';
import { baseName } from './feed-input.ts';

let validator: Promise<(doc: unknown) => Promise<{ isValid: boolean; tests: TestResult[] }>> | undefined;

/** The validator loads in seconds (schemas, CWE list), so only when a CSAF document is read. */
function validate(doc: unknown): Promise<{ isValid: boolean; tests: TestResult[] }> {
  validator ??= Promise.all([
    import('@secvisogram/csaf-validator-lib/validateStrict.js'),
    import('@secvisogram/csaf-validator-lib/schemaTests.js'),
    import('@secvisogram/csaf-validator-lib/mandatoryTests.js'),
  ]).then(([{ default: validateStrict }, { csaf_2_0_strict }, mandatory]) => {
    const tests = [csaf_2_0_strict, ...Object.values<unknown>(mandatory).filter((t): t is DocumentTest => typeof t === 'function')];
    return (document: unknown) => validateStrict(tests, document);
  });
  return validator.then((run) => run(doc));
}

/** `mandatoryTest_6_1_27_3` → `6.1.27.3`, the section of the CSAF standard that defines it. */
const testName = (name: string): string => {
  const section = /_(\d+(?:_\d+)+)$/.exec(name);
  return section ? `${name.startsWith('mandatory') ? 'mandatory test' : 'test'} ${section[1].replace(/_/g, '.')}` : name.replace(/_/g, ' ');
};

/** What the product tree says about one product_id. */
interface ProductInfo {
  name: string;
  vendor?: string;
  product?: string;
  version?: string;
  range?: string;
  purl?: string;
  purlType?: string;
  purlVersion?: string;
  cpe?: string;
  platform?: { name: string; cpe?: string };
}

interface Tree {
  products: Map<string, ProductInfo>;
  groups: Map<string, string[]>;
  notes: string[];
}

type Inherited = Pick<ProductInfo, 'vendor' | 'product' | 'version' | 'range'>;

function identify(info: ProductInfo, helper: unknown, where: string, notes: string[]): ProductInfo {
  if (!isObject(helper)) return info;
  const result = { ...info };
  const purlText = asString(helper.purl) ?? strings(helper.purls)[0];
  if (purlText) {
    const purl = splitPurl(purlText);
    if (purl.ok) Object.assign(result, { purl: purl.purl, purlType: purl.type, ...(purl.version ? { purlVersion: purl.version } : {}) });
    else notes.push(`${where}: purl left out: ${purl.reason}`);
  }
  const cpeText = asString(helper.cpe);
  if (cpeText) {
    const cpe = cpe23(cpeText);
    if (cpe.ok) result.cpe = cpe.cpe;
    else notes.push(`${where}: CPE left out: ${cpe.reason}`);
  }
  return result;
}

const RPM_ARCH = 'src|noarch|x86_64|i686|i386|ppc64le|ppc64|s390x|aarch64';
const NEVRA = new RegExp(`^(.+)-((?:\\d+:)?[^-:]+-[^-]+)\\.(${RPM_ARCH})$`);

/**
 * Red Hat and its rebuilds name a package version branch by its NEVRA (`telnet-1:0.17-65.el7_6.x86_64`)
 * and give no product_name: the NEVRA is read as the rpm package and its epoch:version-release.
 */
function rpmPackage(info: ProductInfo): ProductInfo {
  const m = info.product === undefined && !info.purl && info.version ? NEVRA.exec(info.version) : null;
  if (!m) return info;
  const namespace = info.vendor && /red ?hat/i.test(info.vendor) ? 'redhat' : undefined;
  const purl = splitPurl(`pkg:rpm/${namespace ? `${namespace}/` : ''}${encodeURIComponent(m[1])}?arch=${m[3]}`);
  return { ...info, product: m[1], version: m[2], ...(purl.ok ? { purl: purl.purl, purlType: 'rpm' } : {}) };
}

function register(tree: Tree, product: unknown, inherited: Inherited, where: string): void {
  if (!isObject(product)) return;
  const id = asString(product.product_id);
  if (!id) return;
  const info: ProductInfo = rpmPackage({ name: asString(product.name) ?? id, ...inherited });
  tree.products.set(id, identify(info, product.product_identification_helper, `${where}/product`, tree.notes));
}

/** The branches, recursively: vendor, product name (or family), version or version range pass down to the products. */
function walkBranches(tree: Tree, branches: unknown, inherited: Inherited, where: string): void {
  asArray(branches).forEach((branch, i) => {
    if (!isObject(branch)) return;
    const path = `${where}/${i}`;
    const name = asString(branch.name);
    const next: Inherited = { ...inherited };
    switch (branch.category) {
      case 'vendor':
        next.vendor = name;
        break;
      case 'product_name':
        next.product = name;
        break;
      case 'product_family':
        next.product ??= name;
        break;
      case 'product_version':
        next.version = name;
        break;
      case 'product_version_range':
        next.range = name;
        break;
    }
    register(tree, branch.product, next, path);
    walkBranches(tree, branch.branches, next, `${path}/branches`);
  });
}

function readTree(productTree: unknown): Tree {
  const tree: Tree = { products: new Map(), groups: new Map(), notes: [] };
  if (!isObject(productTree)) return tree;
  walkBranches(tree, productTree.branches, {}, '/product_tree/branches');
  asArray(productTree.full_product_names).forEach((p, i) => register(tree, p, {}, `/product_tree/full_product_names/${i}`));
  asArray(productTree.relationships).forEach((r, i) => {
    if (!isObject(r) || !isObject(r.full_product_name)) return;
    const id = asString(r.full_product_name.product_id);
    const component = tree.products.get(asString(r.product_reference) ?? '');
    const platform = tree.products.get(asString(r.relates_to_product_reference) ?? '');
    if (!id || !component) {
      tree.notes.push(`/product_tree/relationships/${i}: refers to an unknown product`);
      return;
    }
    const platformRef = platform ? { platform: { name: platform.name, ...(platform.cpe ? { cpe: platform.cpe } : {}) } } : {};
    tree.products.set(id, { ...component, ...platformRef });
  });
  asArray(productTree.product_groups).forEach((g) => {
    if (isObject(g) && asString(g.group_id)) tree.groups.set(asString(g.group_id)!, strings(g.product_ids));
  });
  return tree;
}

/** product_status groups and what they mean here; `recommended` names versions to move to, which are fixed ones. */
const STATUS_GROUPS: ReadonlyArray<[string, AffectedStatus]> = [
  ['known_affected', 'affected'],
  ['first_affected', 'affected'],
  ['last_affected', 'affected'],
  ['fixed', 'fixed'],
  ['first_fixed', 'fixed'],
  ['recommended', 'fixed'],
  ['known_not_affected', 'not_affected'],
  ['under_investigation', 'under_investigation'],
];

/** Products of one identity share their fixed versions: an affected 1.0.0-rc1 is fixed in the 1.0.0-rc2 the same tree names. */
const identityKey = (p: ProductInfo): string => p.purl ?? (p.product ? `${p.vendor ?? ''}|${p.product}` : (p.cpe?.split(':').slice(2, 5).join(':') ?? p.name));

const versionOf = (p: ProductInfo): string | undefined => p.version ?? p.purlVersion;

function affectedEntry(id: string, info: ProductInfo, status: AffectedStatus, fixedIn: string[], justification: string | undefined, notes: string[]): AffectedProduct | undefined {
  const entry: AffectedProduct = { status, productId: id };
  if (info.purl) entry.purl = info.purl;
  if (info.cpe) entry.cpe = info.cpe;
  if (info.vendor) entry.vendor = info.vendor;
  entry.product = info.product ?? info.name;
  if (info.range) {
    const range = versOf(info.range, info.purlType ?? 'generic');
    if (!range.ok) {
      notes.push(`product ${id}: version range "${info.range}" left out: ${range.reason}`);
      return undefined;
    }
    entry.range = range.vers;
  } else {
    const version = versionOf(info);
    if (version) entry.versions = [version];
  }
  if (status === 'fixed' && entry.versions) entry.fixedIn = entry.versions;
  else if (status === 'affected' && fixedIn.length > 0) entry.fixedIn = fixedIn;
  if (info.platform) entry.platform = info.platform;
  if (justification) entry.justification = justification;
  return entry;
}

function productIdsOf(item: Record<string, unknown>, tree: Tree): string[] {
  return [...new Set([...strings(item.product_ids), ...strings(item.group_ids).flatMap((g) => tree.groups.get(g) ?? [])])];
}

function affectedOf(vulnerability: Record<string, unknown>, tree: Tree, where: string, notes: string[]): AffectedProduct[] {
  const status = isObject(vulnerability.product_status) ? vulnerability.product_status : {};
  const justifications = new Map<string, string>();
  for (const flag of asArray(vulnerability.flags)) {
    if (isObject(flag) && asString(flag.label)) for (const id of productIdsOf(flag, tree)) justifications.set(id, asString(flag.label)!);
  }
  const fixedByIdentity = new Map<string, string[]>();
  for (const group of ['fixed', 'first_fixed']) {
    for (const id of strings(status[group])) {
      const info = tree.products.get(id);
      const version = info && !info.range ? versionOf(info) : undefined;
      if (!info || !version) continue;
      const list = fixedByIdentity.get(identityKey(info)) ?? [];
      if (!list.includes(version)) list.push(version);
      fixedByIdentity.set(identityKey(info), list);
    }
  }
  const entries: AffectedProduct[] = [];
  const seen = new Set<string>();
  for (const [group, meaning] of STATUS_GROUPS) {
    for (const id of strings(status[group])) {
      if (seen.has(`${meaning} ${id}`)) continue;
      seen.add(`${meaning} ${id}`);
      const info = tree.products.get(id);
      if (!info) {
        notes.push(`${where}/product_status/${group}: product ${id} is not in the product tree`);
        continue;
      }
      const entry = affectedEntry(id, info, meaning, fixedByIdentity.get(identityKey(info)) ?? [], justifications.get(id), notes);
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

function remediationsOf(vulnerability: Record<string, unknown>, tree: Tree, where: string, notes: string[]): Remediation[] {
  const result: Remediation[] = [];
  asArray(vulnerability.remediations).forEach((r, i) => {
    if (!isObject(r)) return;
    const category = REMEDIATION_CATEGORIES.find((c) => c === r.category);
    if (!category) {
      notes.push(`${where}/remediations/${i}: category "${String(r.category)}" left out`);
      return;
    }
    const ids = productIdsOf(r, tree);
    result.push({
      category: category as RemediationCategory,
      text: asString(r.details) ?? '',
      ...(asString(r.url) ? { url: asString(r.url) } : {}),
      ...(ids.length > 0 ? { productIds: ids } : {}),
    });
  });
  return result;
}

function scoresOf(vulnerability: Record<string, unknown>, where: string, notes: string[]): Score[] {
  const scores: Score[] = [];
  asArray(vulnerability.scores).forEach((s, i) => {
    if (!isObject(s)) return;
    for (const key of ['cvss_v3', 'cvss_v4']) {
      const cvss = s[key];
      if (!isObject(cvss) || !asString(cvss.vectorString)) continue;
      const score = scoreOf(asString(cvss.vectorString)!, typeof cvss.baseScore === 'number' ? cvss.baseScore : undefined, strings(s.products));
      if ('error' in score) notes.push(`${where}/scores/${i}/${key}: ${score.error}`);
      else scores.push(score);
    }
  });
  return scores;
}

const NOTE_ORDER = ['description', 'summary', 'general', 'details'];

function noteText(notes: unknown): string | undefined {
  const list = asArray(notes).filter(isObject);
  for (const category of NOTE_ORDER) {
    const note = list.find((n) => n.category === category && asString(n.text));
    if (note) return asString(note.text);
  }
  return undefined;
}

const urlsOf = (references: unknown): string[] => asArray(references).flatMap((r) => (isObject(r) && asString(r.url) ? [asString(r.url)!] : []));

async function* parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow> {
  const json = parseJson(await readText(input));
  if (!json.ok) {
    yield errorRow(context, json.line, undefined, json.reason);
    return;
  }
  const doc = json.value;
  const result = await validate(doc);
  if (!result.isValid) {
    for (const test of result.tests.filter((t) => !t.isValid)) {
      const errors = test.errors.length > 0 ? test.errors : [{ instancePath: '', message: 'failed' }];
      for (const e of errors) yield errorRow(context, 1, e.instancePath || '/', `CSAF ${testName(test.name)} failed: ${e.message}`);
    }
    return;
  }
  if (!isObject(doc) || !isObject(doc.document)) return;
  const document = doc.document;
  const tracking = isObject(document.tracking) ? document.tracking : {};
  const trackingId = asString(tracking.id)!;
  const vulnerabilities = asArray(doc.vulnerabilities).filter(isObject);
  if (vulnerabilities.length === 0) {
    yield errorRow(context, 1, '/vulnerabilities', `${trackingId} names no vulnerabilities: not an advisory`);
    return;
  }
  const tree = readTree(doc.product_tree);
  const distribution = isObject(document.distribution) ? document.distribution : {};
  const tlp = effectiveTlp(tlpOf(isObject(distribution.tlp) ? distribution.tlp.label : undefined), context);
  const aggregate = isObject(document.aggregate_severity) ? asString(document.aggregate_severity.text) : undefined;
  const single = vulnerabilities.length === 1;
  for (const [i, vulnerability] of vulnerabilities.entries()) {
    const where = `/vulnerabilities/${i}`;
    const notes = [...tree.notes];
    const cve = asString(vulnerability.cve);
    // Some publishers put a tracker URL in ids; a URL is a reference, not a name of the vulnerability.
    const ids = asArray(vulnerability.ids).flatMap((v) => (isObject(v) && asString(v.text) && !/^https?:/i.test(asString(v.text)!) ? [asString(v.text)!] : []));
    const id = single ? trackingId : `${trackingId}/${cve ?? ids[0] ?? i + 1}`;
    const scores = scoresOf(vulnerability, where, notes);
    const impact = asArray(vulnerability.threats).find((t) => isObject(t) && t.category === 'impact');
    const cwe = isObject(vulnerability.cwe) ? asString(vulnerability.cwe.id) : undefined;
    const vulnerabilityTitle = asString(vulnerability.title) ?? cve;
    yield checkedAdvisory(
      context,
      1,
      {
        id,
        format: 'csaf',
        ...(single ? {} : { document: trackingId }),
        aliases: aliasesOf(id, [single ? trackingId : undefined, cve, ...ids]),
        title: single || !vulnerabilityTitle ? asString(document.title)! : `${asString(document.title)}: ${vulnerabilityTitle}`,
        ...optional('summary', noteText(vulnerability.notes) ?? noteText(document.notes)),
        language: languageOf(document.lang),
        ...optional('publisher', isObject(document.publisher) ? asString(document.publisher.name) : undefined),
        ...optional('published', asString(tracking.initial_release_date)),
        ...optional('modified', asString(tracking.current_release_date)),
        withdrawn: document.category === 'csaf_withdrawn',
        severity: advisorySeverity(scores, [aggregate, isObject(impact) ? asString(impact.details) : undefined].filter(Boolean).join(' ')),
        scores,
        tlp,
        cwes: cwe ? [cwe] : [],
        affected: affectedOf(vulnerability, tree, where, notes),
        remediations: remediationsOf(vulnerability, tree, where, notes),
        references: [...new Set([...urlsOf(vulnerability.references), ...urlsOf(document.references)])],
      },
      notes,
    );
  }
}

export const csaf: AdvisoryFormat = {
  name: 'csaf',
  description: 'CSAF 2.0 security advisories (validated: strict schema and mandatory tests), one advisory per vulnerability',
  detect(fileName, head) {
    if (/"csaf_version"\s*:\s*"2\.0"/.test(head)) return 0.95;
    if (/"document"\s*:/.test(head) && /"csaf_version"/.test(head)) return 0.8;
    return /csaf/.test(baseName(fileName)) && baseName(fileName).endsWith('.json') ? 0.3 : 0;
  },
  parse,
};

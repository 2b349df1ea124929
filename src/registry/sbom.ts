/**
 * Software inventories from SBOMs, pure: a CycloneDX JSON (1.4–1.6) or SPDX JSON (2.2/2.3)
 * document in, its software entries out. Problems name the JSON path of the offending element;
 * an entry with a bad purl or CPE is kept by name.
 */
import type { Problem } from '../errors.ts';
import { formatCpe, formatPurl, parseCpe, parsePurl } from '../versions/index.ts';

export interface SoftwareEntry {
  /** Package URL with its version, as the SBOM gives it (normalised). */
  purl?: string;
  /** CPE 2.3 formatted string (2.2 URIs converted). */
  cpe?: string;
  name: string;
  version?: string;
  /** Supplier, publisher or vendor name. */
  supplier?: string;
}

export interface Sbom {
  format: 'cyclonedx' | 'spdx';
  specVersion: string;
  entries: SoftwareEntry[];
  problems: Problem[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** SPDX writes "unknown" with these. */
const NO_VALUE = new Set(['NOASSERTION', 'NONE']);

function identifiers(purlText: string | undefined, cpeText: string | undefined, path: string, problems: Problem[]): Pick<SoftwareEntry, 'purl' | 'cpe'> & { purlVersion?: string } {
  const result: Pick<SoftwareEntry, 'purl' | 'cpe'> & { purlVersion?: string } = {};
  if (purlText) {
    const purl = parsePurl(purlText);
    if (purl.ok) Object.assign(result, { purl: formatPurl(purl.value), ...(purl.value.version ? { purlVersion: purl.value.version } : {}) });
    else problems.push({ field: `${path}/purl`, value: purlText, reason: purl.reason });
  }
  if (cpeText) {
    const cpe = parseCpe(cpeText);
    if (cpe.ok) result.cpe = formatCpe(cpe.value);
    else problems.push({ field: `${path}/cpe`, value: cpeText, reason: cpe.reason });
  }
  return result;
}

function entry(name: string, version: string | undefined, supplier: string | undefined, ids: ReturnType<typeof identifiers>): SoftwareEntry {
  const v = version ?? ids.purlVersion;
  return { ...(ids.purl ? { purl: ids.purl } : {}), ...(ids.cpe ? { cpe: ids.cpe } : {}), name, ...(v ? { version: v } : {}), ...(supplier ? { supplier } : {}) };
}

function cycloneDx(doc: Json): Sbom {
  const problems: Problem[] = [];
  const entries: SoftwareEntry[] = [];
  const visit = (c: unknown, path: string): void => {
    if (!isObject(c)) return;
    const name = text(c.name);
    const ids = identifiers(text(c.purl), text(c.cpe), path, problems);
    const supplier = (isObject(c.supplier) ? text(c.supplier.name) : undefined) ?? text(c.publisher) ?? text(c.author) ?? text(c.group);
    if (name) entries.push(entry(name, text(c.version), supplier, ids));
    else problems.push({ field: `${path}/name`, reason: 'component without a name' });
    list(c.components).forEach((child, i) => visit(child, `${path}/components/${i}`));
  };
  list(doc.components).forEach((c, i) => visit(c, `/components/${i}`));
  return { format: 'cyclonedx', specVersion: text(doc.specVersion) ?? '', entries, problems };
}

function spdx(doc: Json): Sbom {
  const problems: Problem[] = [];
  const entries: SoftwareEntry[] = [];
  list(doc.packages).forEach((p, i) => {
    const path = `/packages/${i}`;
    if (!isObject(p)) return;
    const name = text(p.name);
    if (!name) {
      problems.push({ field: `${path}/name`, reason: 'package without a name' });
      return;
    }
    const refs = list(p.externalRefs).filter(isObject);
    const locator = (category: string, types: string[]): [string | undefined, number] => {
      const j = refs.findIndex((r) => String(r.referenceCategory).replace(/_/g, '-') === category && types.includes(String(r.referenceType)));
      return [j >= 0 ? text(refs[j].referenceLocator) : undefined, j];
    };
    const [purl, purlAt] = locator('PACKAGE-MANAGER', ['purl']);
    const [cpe, cpeAt] = locator('SECURITY', ['cpe23Type', 'cpe22Type']);
    const ids = identifiers(purl, cpe, path, problems);
    for (const problem of problems.filter((pr) => pr.field === `${path}/purl` || pr.field === `${path}/cpe`)) {
      problem.field = `${path}/externalRefs/${problem.field!.endsWith('purl') ? purlAt : cpeAt}/referenceLocator`;
    }
    const supplierText = text(p.supplier);
    const supplier = supplierText && !NO_VALUE.has(supplierText) ? supplierText.replace(/^(Organization|Person|Tool):\s*/, '') : undefined;
    const version = text(p.versionInfo);
    entries.push(entry(name, version && !NO_VALUE.has(version) ? version : undefined, supplier, ids));
  });
  return { format: 'spdx', specVersion: text(doc.spdxVersion) ?? '', entries, problems };
}

const CYCLONEDX_VERSIONS = /^1\.[4-6]$/;
const SPDX_VERSIONS = /^SPDX-2\.[23]$/;

/** The software entries of an SBOM given as bytes, text or parsed JSON, or only problems when it is neither supported format. */
export function parseSbom(input: Buffer | string | unknown): Sbom | { problems: Problem[] } {
  let doc: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      doc = JSON.parse(String(input).replace(/^\uFEFF/, ''));
    } catch (e) {
      return { problems: [{ reason: `not JSON: ${(e as Error).message}` }] };
    }
  }
  if (!isObject(doc)) return { problems: [{ field: '/', reason: 'an SBOM is a JSON object' }] };
  if (doc.bomFormat === 'CycloneDX') {
    if (!CYCLONEDX_VERSIONS.test(String(doc.specVersion))) return { problems: [{ field: '/specVersion', value: String(doc.specVersion), reason: 'CycloneDX 1.4, 1.5 or 1.6 expected' }] };
    return cycloneDx(doc);
  }
  if (typeof doc.spdxVersion === 'string') {
    if (!SPDX_VERSIONS.test(doc.spdxVersion)) return { problems: [{ field: '/spdxVersion', value: doc.spdxVersion, reason: 'SPDX 2.2 or 2.3 expected' }] };
    return spdx(doc);
  }
  return { problems: [{ field: '/', reason: 'neither CycloneDX (bomFormat) nor SPDX (spdxVersion)' }] };
}

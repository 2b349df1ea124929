/**
 * CycloneDX VEX (JSON, 1.4–1.6): each vulnerability's analysis, for each product it affects,
 * becomes a statement. `not_affected` (and `false_positive`) with its justification is what a later
 * stage turns into a suppression: for one organisation, or for every holder when a vendor says it.
 */
import type { Readable } from 'node:stream';
import type { AdvisoryContext, AdvisoryFormat, AdvisoryRow } from '../advisories/format.ts';
import { VEX_STATES, type AffectedStatus, type ProductIdentity, type VexState } from '../advisories/model.ts';
import { asArray, asString, cpe23, errorRow, isObject, optional, parseJson, readText, splitPurl, strings, versOf } from '../advisories/build.ts';
import { baseName } from './feed-input.ts';

const STATUS: Readonly<Record<VexState, AffectedStatus>> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

interface Component {
  identity: ProductIdentity;
  version?: string;
}

function componentOf(c: Record<string, unknown>): Component {
  const identity: ProductIdentity = {};
  const purl = asString(c.purl) ? splitPurl(asString(c.purl)!) : undefined;
  if (purl?.ok) identity.purl = purl.purl;
  const cpe = asString(c.cpe) ? cpe23(asString(c.cpe)!) : undefined;
  if (cpe?.ok) identity.cpe = cpe.cpe;
  const vendor = (isObject(c.supplier) ? asString(c.supplier.name) : undefined) ?? asString(c.publisher) ?? asString(c.group);
  if (vendor) identity.vendor = vendor;
  if (asString(c.name)) identity.product = asString(c.name);
  const version = asString(c.version) ?? (purl?.ok ? purl.version : undefined);
  return { identity, ...(version ? { version } : {}) };
}

/** Every component by its bom-ref: the described product and the components, nested ones included. */
function componentsByRef(bom: Record<string, unknown>): Map<string, Component> {
  const byRef = new Map<string, Component>();
  const visit = (c: unknown): void => {
    if (!isObject(c)) return;
    if (asString(c['bom-ref'])) byRef.set(asString(c['bom-ref'])!, componentOf(c));
    asArray(c.components).forEach(visit);
  };
  if (isObject(bom.metadata)) visit(bom.metadata.component);
  asArray(bom.components).forEach(visit);
  return byRef;
}

/** A ref as VEX writes it: a bom-ref here, a BOM-Link (`urn:cdx:…#ref`) into another BOM, or a purl. */
function resolve(ref: string, byRef: Map<string, Component>): Component | undefined {
  const local = byRef.get(ref) ?? byRef.get(ref.replace(/^urn:cdx:[^#]*#/, ''));
  if (local) return local;
  if (!/^pkg:/i.test(ref)) return undefined;
  const purl = splitPurl(ref);
  return purl.ok ? { identity: { purl: purl.purl }, ...(purl.version ? { version: purl.version } : {}) } : undefined;
}

function publisherOf(bom: Record<string, unknown>): string | undefined {
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  const named = [metadata.manufacturer, metadata.manufacture, metadata.supplier, asArray(metadata.authors)[0]].find((o) => isObject(o) && asString(o.name));
  return isObject(named) ? asString(named.name) : undefined;
}

async function* parse(input: Readable, context: AdvisoryContext): AsyncIterable<AdvisoryRow> {
  const json = parseJson(await readText(input));
  if (!json.ok) {
    yield errorRow(context, json.line, undefined, json.reason);
    return;
  }
  const bom = json.value;
  if (!isObject(bom) || bom.bomFormat !== 'CycloneDX') {
    yield errorRow(context, 1, '/bomFormat', 'not a CycloneDX document');
    return;
  }
  const byRef = componentsByRef(bom);
  const publisher = publisherOf(bom);
  for (const [i, v] of asArray(bom.vulnerabilities).entries()) {
    const where = `/vulnerabilities/${i}`;
    if (!isObject(v) || !asString(v.id)) {
      yield errorRow(context, 1, `${where}/id`, 'vulnerability without id');
      continue;
    }
    const id = asString(v.id)!;
    const analysis = isObject(v.analysis) ? v.analysis : {};
    const state = VEX_STATES.find((s) => s === analysis.state);
    if (!state) {
      yield errorRow(context, 1, `${where}/analysis/state`, `${id}: no analysis state, so no VEX statement`);
      continue;
    }
    const aliases = [...new Set(asArray(v.references).flatMap((r) => (isObject(r) && asString(r.id) && asString(r.id) !== id ? [asString(r.id)!] : [])))].sort();
    for (const [j, affects] of asArray(v.affects).entries()) {
      const ref = isObject(affects) ? asString(affects.ref) : undefined;
      const component = ref ? resolve(ref, byRef) : undefined;
      if (!component) {
        yield errorRow(context, 1, `${where}/affects/${j}/ref`, `${id}: "${ref ?? ''}" names no component of this BOM`);
        continue;
      }
      const listed = isObject(affects) ? asArray(affects.versions).filter(isObject) : [];
      const versions = listed.flatMap((l) => (asString(l.version) ? [asString(l.version)!] : []));
      const ranges = listed.flatMap((l) => (asString(l.range) ? [asString(l.range)!] : []));
      const scheme = component.identity.purl ? component.identity.purl.slice(4).split('/')[0] : 'generic';
      // Each listed range is a statement of its own: vers ranges do not join by concatenation.
      const targets: Array<{ versions?: string[]; range?: string }> = [];
      for (const text of ranges) {
        const range = versOf(text, scheme);
        if (range.ok) targets.push({ range: range.vers });
        else yield errorRow(context, 1, `${where}/affects/${j}/versions`, `${id}: ${range.reason}`);
      }
      if (versions.length > 0) targets.push({ versions });
      else if (ranges.length === 0) targets.push(component.version ? { versions: [component.version] } : {});
      for (const target of targets) {
        yield {
          line: 1,
          statement: {
            vulnerability: id,
            aliases,
            product: component.identity,
            ...target,
            state,
            status: STATUS[state],
            ...optional('justification', asString(analysis.justification) ?? (state === 'false_positive' ? 'false_positive' : undefined)),
            ...optional('detail', asString(analysis.detail)),
            responses: strings(analysis.response),
            ...optional('publisher', publisher),
            ...optional('timestamp', asString(analysis.lastUpdated) ?? asString(v.updated) ?? asString(v.published) ?? (isObject(bom.metadata) ? asString(bom.metadata.timestamp) : undefined)),
          },
        };
      }
    }
  }
}

export const vex: AdvisoryFormat = {
  name: 'cyclonedx-vex',
  description: 'CycloneDX VEX (JSON): analysis states per product; not_affected suppresses findings',
  detect(fileName, head) {
    if (!/"bomFormat"\s*:\s*"CycloneDX"/.test(head)) return /\.vex\.json$/.test(baseName(fileName)) ? 0.4 : 0;
    return /"vulnerabilities"\s*:/.test(head) || /vex/.test(baseName(fileName)) ? 0.9 : 0.1;
  },
  parse,
};

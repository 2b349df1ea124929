/**
 * The one advisory model every advisory format produces (CSAF, OSV, CVE JSON 5) and the records
 * that enrich it (KEV, EPSS) or speak about one product (VEX). Each field is declared once here,
 * with its type and meaning; validation and the API schema follow from this declaration.
 */
import { Type, type Static } from '@sinclair/typebox';
import { literals } from '../typebox.ts';
import { SeveritySchema, TlpSchema } from '../observations/model.ts';

/** Where a product stands towards a vulnerability, the CSAF product_status groups folded to four. */
export const AFFECTED_STATUSES = ['affected', 'fixed', 'not_affected', 'under_investigation'] as const;
export type AffectedStatus = (typeof AFFECTED_STATUSES)[number];

export const REMEDIATION_CATEGORIES = ['vendor_fix', 'workaround', 'mitigation', 'none_available', 'no_fix_planned'] as const;
export type RemediationCategory = (typeof REMEDIATION_CATEGORIES)[number];

export const CVSS_VERSIONS = ['3.0', '3.1', '4.0'] as const;
export type CvssVersion = (typeof CVSS_VERSIONS)[number];

/** What names a product: any of a package URL, a CPE name and vendor/product names, as the source gives them. */
export const ProductIdentitySchema = Type.Object(
  {
    purl: Type.Optional(
      Type.String({ description: 'Package URL without version (`pkg:npm/lodash`, `pkg:deb/debian/openssl?distro=bookworm`): type, namespace, name and qualifiers.' }),
    ),
    cpe: Type.Optional(Type.String({ description: 'CPE 2.3 formatted string (2.2 URIs are converted), version attribute as the source wrote it.' })),
    vendor: Type.Optional(Type.String({ description: 'Vendor name as the source writes it (`Microsoft`, `CSAF Tools`).' })),
    product: Type.Optional(Type.String({ description: 'Product name as the source writes it (`Exchange Server`, `requests`).' })),
  },
  { additionalProperties: false },
);
export type ProductIdentity = Static<typeof ProductIdentitySchema>;

export const AffectedProductSchema = Type.Object(
  {
    ...ProductIdentitySchema.properties,
    range: Type.Optional(
      Type.String({ description: 'The versions concerned as a canonical vers range (`vers:npm/<4.17.21`, `vers:generic/>=2.0|<2.4.2`); absent when only explicit versions are known.' }),
    ),
    versions: Type.Optional(Type.Array(Type.String(), { description: 'Explicit versions concerned, when the source lists them.' })),
    status: literals(AFFECTED_STATUSES, 'Whether the versions are affected, fixed, not affected or still being investigated.'),
    fixedIn: Type.Optional(Type.Array(Type.String(), { description: 'Versions that fix it: the first fixed version of each range.' })),
    justification: Type.Optional(Type.String({ description: 'Why a product is not affected (`code_not_reachable`, `vulnerable_code_not_present` …).' })),
    productId: Type.Optional(Type.String({ description: "The source's own product reference (a CSAF product_id), which remediations and scores name." })),
    platform: Type.Optional(
      Type.Object(
        { name: Type.String(), cpe: Type.Optional(Type.String()) },
        { additionalProperties: false, description: 'The product this one is a component of, for CSAF relationships (a package as part of an OS release).' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AffectedProduct = Static<typeof AffectedProductSchema>;

export const RemediationSchema = Type.Object(
  {
    category: literals(REMEDIATION_CATEGORIES, 'Kind of remediation, as CSAF names them.'),
    text: Type.String({ description: 'What to do, in the advisory language.' }),
    url: Type.Optional(Type.String({ description: 'Where the fix or instructions are.' })),
    productIds: Type.Optional(Type.Array(Type.String(), { description: 'The affected entries (by productId) it applies to; absent when it applies to all.' })),
  },
  { additionalProperties: false },
);
export type Remediation = Static<typeof RemediationSchema>;

export const ScoreSchema = Type.Object(
  {
    version: literals(CVSS_VERSIONS, 'CVSS version of the vector.'),
    vector: Type.String({ description: 'The CVSS vector string (`CVSS:3.1/AV:N/…`).' }),
    baseScore: Type.Optional(
      Type.Number({ minimum: 0, maximum: 10, description: 'Base score: computed from the vector for v3, taken from the source for v4 (absent when the source gives none).' }),
    ),
    productIds: Type.Optional(Type.Array(Type.String(), { description: 'Products the score applies to, when the source says.' })),
  },
  { additionalProperties: false },
);
export type Score = Static<typeof ScoreSchema>;

export const KevSchema = Type.Object(
  {
    dateAdded: Type.String({ description: 'When CISA added it to the KEV catalogue (YYYY-MM-DD).' }),
    dueDate: Type.String({ description: 'When US federal agencies must have acted (YYYY-MM-DD).' }),
    requiredAction: Type.String({ description: 'What CISA requires; it goes into the advice.' }),
    knownRansomware: Type.Boolean({ description: 'Known to be used in ransomware campaigns.' }),
  },
  { additionalProperties: false },
);
export type Kev = Static<typeof KevSchema>;

export const EpssSchema = Type.Object(
  {
    score: Type.Number({ minimum: 0, maximum: 1, description: 'Probability of exploitation activity in the next 30 days.' }),
    percentile: Type.Number({ minimum: 0, maximum: 1, description: 'Share of scored CVEs with a lower or equal score.' }),
    date: Type.String({ description: 'Score date (YYYY-MM-DD).' }),
  },
  { additionalProperties: false },
);
export type Epss = Static<typeof EpssSchema>;

export const AdvisorySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: "The source's identifier: CSAF tracking id, GHSA/PYSEC/OSV id, CVE id." }),
    format: Type.String({ description: 'Format it was read from (`csaf`, `osv`, `cve5`).' }),
    document: Type.Optional(
      Type.String({ description: 'The document it came from when that holds several vulnerabilities (a CSAF tracking id); a revision replaces them together.' }),
    ),
    aliases: Type.Array(Type.String(), { description: 'Other identifiers of the same vulnerability (CVE, GHSA, OSV, vendor ids), sorted, without `id` itself.' }),
    title: Type.String({ description: 'One-line title.' }),
    summary: Type.Optional(Type.String({ description: 'Description of the vulnerability, in the advisory language.' })),
    language: Type.String({ description: 'Primary language subtag of the text, lower case (`nl`, `en`).' }),
    publisher: Type.Optional(Type.String({ description: 'Who published it (a CERT, a vendor, a database).' })),
    published: Type.Optional(Type.String({ description: 'First published (ISO 8601).' })),
    modified: Type.Optional(Type.String({ description: 'Last revised (ISO 8601); a newer one replaces the older.' })),
    withdrawn: Type.Boolean({ description: 'Withdrawn or rejected: its findings close with an all-clear.' }),
    withdrawnReason: Type.Optional(Type.String({ description: 'Why it was withdrawn, as the source says.' })),
    severity: SeveritySchema,
    scores: Type.Array(ScoreSchema, { description: 'CVSS scores the source gives.' }),
    tlp: TlpSchema,
    cwes: Type.Array(Type.String(), { description: 'Weakness identifiers (`CWE-79`).' }),
    affected: Type.Array(AffectedProductSchema, { description: 'Products with their versions and status.' }),
    remediations: Type.Array(RemediationSchema, { description: 'What to do about it.' }),
    references: Type.Array(Type.String(), { description: 'URLs with more information.' }),
    kev: Type.Optional(KevSchema),
    epss: Type.Optional(EpssSchema),
  },
  { additionalProperties: false },
);

/** One vulnerability record with its affected products, severity and remediations. */
export type Advisory = Static<typeof AdvisorySchema>;

/** A record that adds to the advisories and findings of one CVE without naming versions of its own. */
export const EnrichmentSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('kev'),
      cve: Type.String(),
      kev: KevSchema,
      vendor: Type.String({ description: "KEV's vendorProject: a name for the vendor/product dictionary." }),
      product: Type.String({ description: "KEV's product name." }),
      name: Type.String({ description: "KEV's vulnerabilityName." }),
      description: Type.Optional(Type.String()),
      notes: Type.Optional(Type.String()),
      cwes: Type.Array(Type.String()),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('epss'), cve: Type.String(), epss: EpssSchema }, { additionalProperties: false }),
]);
export type Enrichment = Static<typeof EnrichmentSchema>;

/** CycloneDX analysis states. */
export const VEX_STATES = ['not_affected', 'exploitable', 'resolved', 'resolved_with_pedigree', 'in_triage', 'false_positive'] as const;
export type VexState = (typeof VEX_STATES)[number];

/** What a VEX document says about one product and one vulnerability; `not_affected` becomes a suppression. */
export const VexStatementSchema = Type.Object(
  {
    vulnerability: Type.String({ description: 'The vulnerability id as the VEX names it (usually a CVE).' }),
    aliases: Type.Array(Type.String(), { description: 'Other ids it gives for the same vulnerability.' }),
    product: ProductIdentitySchema,
    versions: Type.Optional(Type.Array(Type.String(), { description: 'Versions of the product the statement covers.' })),
    range: Type.Optional(Type.String({ description: 'Versions covered as a vers range.' })),
    state: literals(VEX_STATES, 'The analysis state as CycloneDX writes it.'),
    status: literals(AFFECTED_STATUSES, 'The state read as an affected status (false_positive is not_affected, resolved is fixed).'),
    justification: Type.Optional(Type.String({ description: 'Why not affected (`code_not_reachable` …).' })),
    detail: Type.Optional(Type.String({ description: 'Free text from the author.' })),
    responses: Type.Array(Type.String(), { description: 'Responses (`update`, `workaround_available` …).' }),
    publisher: Type.Optional(Type.String({ description: 'Who makes the statement (the BOM author or supplier), when given.' })),
    timestamp: Type.Optional(Type.String({ description: 'When the analysis was made or last updated.' })),
  },
  { additionalProperties: false },
);
export type VexStatement = Static<typeof VexStatementSchema>;

/** The registry's records as other folders and the API see them. */
import type { AssetKind } from './asset-value.ts';

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const VERIFICATIONS = ['unverified', 'analyst', 'dns', 'email', 'rdap'] as const;
export type Verification = (typeof VERIFICATIONS)[number];

export type AddedVia = 'cli' | 'api' | 'import' | 'portal';

/** Who does something: an analyst of the centre, or an organisation acting for itself. */
export type Actor = { role: 'analyst'; name: string; via: AddedVia } | { role: 'organisation'; organisationId: number; name: string; via: AddedVia };

export interface OrganisationInput {
  ref: string;
  name: string;
  country?: string;
  sector?: string;
  language?: Language;
}

export interface ContactInput {
  email: string;
  name?: string;
  phone?: string;
  role?: string;
  language?: Language;
}

export interface Organisation {
  ref: string;
  name: string;
  country: string | null;
  sector: string | null;
  language: Language;
  createdAt: string;
}

export interface Contact {
  email: string;
  name: string | null;
  phone: string | null;
  role: string | null;
  language: Language | null;
}

export interface Asset {
  id: number;
  org: string;
  kind: AssetKind;
  value: string;
  addedVia: AddedVia;
  addedBy: string | null;
  addedAt: string;
  verification: Verification;
  verifiedBy: string | null;
  verifiedAt: string | null;
}

/** What a registry change did to the assets, so the matching index can follow at once. */
export interface AssetChanges {
  added: Array<Asset & { organisationId: number }>;
  removed: number[];
  /**
   * Too much changed to list (an import): rebuild from the store. The assets with ids above
   * `addedAfter` are the ones the change added.
   */
  reload?: { addedAfter: number };
}

/** Checks of organisation and contact fields, pure and shared by the command line, API and import. */
import { parseDomain } from '../indicators/index.ts';
import type { Problem } from '../errors.ts';
import { LANGUAGES, type ContactInput, type Language, type OrganisationInput } from './model.ts';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@]+$/;

type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function checkOrganisation(input: { [K in keyof OrganisationInput]?: string }): Checked<OrganisationInput> {
  const problems: Problem[] = [];
  const ref = input.ref?.trim() ?? '';
  const name = input.name?.trim() ?? '';
  if (!ref) problems.push({ field: 'ref', reason: 'empty organisation reference' });
  if (!name) problems.push({ field: 'name', reason: 'empty organisation name' });
  const country = input.country?.trim().toUpperCase() || undefined;
  if (country && !/^[A-Z]{2}$/.test(country)) problems.push({ field: 'country', value: country, reason: `country "${country}" is not an ISO 3166 two-letter code` });
  const language = checkLanguage(input.language, 'language', problems);
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { ref, name, country, sector: input.sector?.trim() || undefined, language } };
}

export function checkContact(input: { [K in keyof ContactInput]?: string }, prefix = ''): Checked<ContactInput> {
  const problems: Problem[] = [];
  const email = checkEmail(input.email ?? '', `${prefix}email`, problems);
  const language = checkLanguage(input.language, `${prefix}language`, problems);
  if (problems.length || !email) return { ok: false, problems };
  return {
    ok: true,
    value: {
      email,
      name: input.name?.trim() || undefined,
      phone: input.phone?.trim() || undefined,
      role: input.role?.trim() || undefined,
      language,
    },
  };
}

function checkEmail(text: string, field: string, problems: Problem[]): string | undefined {
  const email = text.trim().toLowerCase();
  if (!email) {
    problems.push({ field, reason: 'empty e-mail address' });
    return undefined;
  }
  const at = email.lastIndexOf('@');
  if (!EMAIL.test(email) || !parseDomain(email.slice(at + 1)).ok) {
    problems.push({ field, value: text, reason: `not an e-mail address: "${text.trim()}"` });
    return undefined;
  }
  return email;
}

function checkLanguage(text: string | undefined, field: string, problems: Problem[]): Language | undefined {
  const language = text?.trim().toLowerCase() || undefined;
  if (language && !(LANGUAGES as readonly string[]).includes(language)) {
    problems.push({ field, value: language, reason: `language "${language}" is not one of ${LANGUAGES.join(', ')}` });
    return undefined;
  }
  return language as Language | undefined;
}

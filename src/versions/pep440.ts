import { compare as comparePep440, valid } from '@renovatebot/pep440';
import { compareGeneric } from './generic.ts';
import type { VersionScheme } from './scheme.ts';

/** Python versions (PEP 440) through @renovatebot/pep440; what is not PEP 440 falls back to the generic order. */
export const pep440: VersionScheme = {
  name: 'pep440',
  compare: (a, b) => (valid(a.trim()) !== null && valid(b.trim()) !== null ? Math.sign(comparePep440(a.trim(), b.trim())) : compareGeneric(a, b)),
  isValid: (v) => valid(v.trim()) !== null,
};

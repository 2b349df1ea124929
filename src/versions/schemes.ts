import { alpine } from './alpine.ts';
import { debian } from './debian.ts';
import { generic } from './generic.ts';
import { maven } from './maven.ts';
import { nuget } from './nuget.ts';
import { datetime, lexicographic } from './ordinal.ts';
import { pep440 } from './pep440.ts';
import { alpm, rpm } from './rpm.ts';
import { rubygems } from './rubygems.ts';
import type { VersionScheme } from './scheme.ts';
import { semver } from './semver.ts';

export const schemes = { semver, pep440, maven, nuget, debian, rpm, alpine, rubygems, alpm, generic, lexicographic, datetime } as const;

export type SchemeName = keyof typeof schemes;

/** Package types (purl types, which are also vers schemes) and the scheme that orders their versions. */
const BY_PURL_TYPE: Record<string, VersionScheme> = {
  npm: semver,
  cargo: semver,
  golang: semver,
  composer: semver,
  hex: semver,
  pub: semver,
  swift: semver,
  cocoapods: semver,
  pypi: pep440,
  maven: maven,
  nuget: nuget,
  deb: debian,
  rpm: rpm,
  alpm,
  apk: alpine,
  gem: rubygems,
};

/** The scheme for a purl type; unknown types get the generic scheme. */
export function schemeForPurlType(type: string): VersionScheme {
  return BY_PURL_TYPE[type.toLowerCase()] ?? generic;
}

/** The scheme for a vers scheme name: a purl type, or the name of a scheme itself (`semver`, `debian` …). */
export function schemeForVers(name: string): VersionScheme {
  const key = name.toLowerCase();
  if (key in BY_PURL_TYPE) return BY_PURL_TYPE[key];
  if (key === 'alpine') return alpine;
  return Object.hasOwn(schemes, key) ? schemes[key as SchemeName] : generic;
}

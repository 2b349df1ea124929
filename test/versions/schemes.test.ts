import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { alpine, alpm, datetime, debian, generic, lexicographic, maven, nuget, pep440, rpm, rubygems, schemeForPurlType, semver, type VersionScheme } from '../../src/versions/index.ts';
import { orderFailures, readVectors } from './vectors.ts';

/** Asserts that the versions are listed in strictly ascending order under the scheme, both ways round. */
function assertAscending(scheme: VersionScheme, versions: string[]): void {
  for (let i = 0; i + 1 < versions.length; i++) {
    assert.ok(scheme.compare(versions[i], versions[i + 1]) < 0, `${scheme.name}: ${versions[i]} < ${versions[i + 1]}`);
    assert.ok(scheme.compare(versions[i + 1], versions[i]) > 0, `${scheme.name}: ${versions[i + 1]} > ${versions[i]}`);
  }
}

const assertSame = (scheme: VersionScheme, a: string, b: string): void => assert.equal(scheme.compare(a, b), 0, `${scheme.name}: ${a} = ${b}`);

test('semver: pre-releases before the release, a leading v and short versions tolerated', () => {
  assertAscending(semver, ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', 'v2.0.0']);
  assertSame(semver, 'v1.2', '1.2.0');
  assertSame(semver, '1.0.0+build.1', '1.0.0+build.2');
  assertAscending(semver, ['v0.0.0-20191109021931-daa7c04131f5', 'v0.1.0', 'v2.0.0+incompatible']);
  assert.equal(semver.isValid('v1.2.3'), true);
  assert.equal(semver.isValid('1.2'), false);
  assert.equal(semver.isValid('not a version'), false);
});

test('PEP 440: dev < alpha < rc < release < post, epochs first', () => {
  assertAscending(pep440, ['1.0.dev1', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0.post1', '1.1', '1!0.1']);
  assertAscending(pep440, ['2.31.0rc1', '2.31.0']);
  assertSame(pep440, '1.0', '1.0.0');
  assert.equal(pep440.isValid('2.31.0rc1'), true);
  assert.equal(pep440.isValid('1.0-foo-bar'), false);
});

test('Maven: alpha < beta < milestone < rc < snapshot < release < sp, aliases and short forms', () => {
  assertAscending(maven, ['1.0-alpha-1', '1.0-beta-1', '1.0-milestone-1', '1.0-rc-1', '1.0-SNAPSHOT', '1.0', '1.0-sp-1', '1.0-abc', '1.0.1']);
  assertSame(maven, '1.0-cr-1', '1.0-rc-1');
  assertSame(maven, '1.0-ga', '1.0');
  assertSame(maven, '1.0.Final', '1');
  assertSame(maven, '1a1', '1-alpha-1');
  assertSame(maven, '1.0.0', '1');
  assertAscending(maven, ['2.0.0.RC1', '2.0.0', '2.0.0.1']);
});

test('NuGet: four numeric parts, case-insensitive labels, metadata ignored', () => {
  assertAscending(nuget, ['1.0.0-alpha', '1.0.0-alpha.2', '1.0.0-alpha.10', '1.0.0-beta', '1.0.0', '1.0.0.1', '1.0.1']);
  assertSame(nuget, '1.0.0-BETA', '1.0.0-beta');
  assertSame(nuget, '1.0', '1.0.0.0');
  assertSame(nuget, '1.0.0+abc', '1.0.0');
  assert.equal(nuget.isValid('1.2.3.4.5'), false);
});

test('Debian: epochs, tildes before everything, revisions, dpkg character order', () => {
  assertAscending(debian, ['1.0~rc1', '1.0', '1.0-1', '1.0-1+deb11u1', '1.0-2', '1.0a', '1.0+dfsg-1', '1.1', '1:0.1']);
  assertAscending(debian, ['1.0~~', '1.0~', '1.0']);
  assertSame(debian, '0:1.0-1', '1.0-1');
  assertSame(debian, '1.0-0', '1.0');
  assertAscending(debian, ['2.36.1-8+deb11u1', '2.36.1-8+deb11u2']);
  assert.equal(debian.isValid('1:2.3.4-5'), true);
  assert.equal(debian.isValid('a1.0'), false);
});

test('RPM: epoch:version-release, tilde and caret, a missing release matches any', () => {
  assertAscending(rpm, ['1.0~rc1', '1.0', '1.0^git1', '1.0.1', '1:0.5']);
  assertAscending(rpm, ['1.1.1k-5.el8', '1.1.1k-6.el8', '1:1.1.1k-1.el8']);
  assertSame(rpm, '0:2.0-1', '2.0-1');
  assertSame(rpm, '2.0', '2.0-7.fc35');
  assertAscending(rpm, ['10a2', '10b2', '10.1']);
});

test('Alpine: letters, pre- and post-release suffixes, revisions', () => {
  assertAscending(alpine, ['1.0_alpha1', '1.0_beta', '1.0_pre2', '1.0_rc1', '1.0', '1.0-r1', '1.0_p1', '1.0a', '1.01', '1.1']);
  assert.equal(alpine.isValid('1.2.3_rc1-r0'), true);
  assert.equal(alpine.isValid('1.2.3_foo'), false);
});

test('RubyGems: a letter segment makes a pre-release; trailing zeros do not count', () => {
  assertAscending(rubygems, ['1.0.0.a', '1.0.0.b1', '1.0.0.pre', '1.0.0.rc1', '1.0.0', '1.0.1']);
  assertSame(rubygems, '1.0', '1.0.0');
});

test('generic: numbers numerically, pre-release words first, other letters after the release', () => {
  assertAscending(generic, ['1.9', '1.10', '2.0-beta1', '2.0rc1', '2.0', '2.0.1']);
  assertAscending(generic, ['1.0.2', '1.0.2a', '1.0.2g', '1.0.3']);
  assertAscending(generic, ['7.4', '7.4p1', '7.5']);
  assertSame(generic, '2.0', '2.0.0');
  assertSame(generic, '2.0.FINAL', '2.0');
});

test('a scheme is chosen from the purl type', () => {
  const expected: Record<string, VersionScheme> = { npm: semver, cargo: semver, golang: semver, composer: semver, pypi: pep440, maven, nuget, deb: debian, rpm, apk: alpine, gem: rubygems, alpm, github: generic, NPM: semver };
  for (const [type, scheme] of Object.entries(expected)) assert.equal(schemeForPurlType(type), scheme, type);
});

/** Vectors whose expected output contradicts their own inputs (the expected pair is not the input pair). */
const DATETIME_BROKEN_VECTORS = ['2024-01-01T12:00:00+02:00 < 2024-01-01T12:00:00Z', '2024-01-01T00:00:00.090Z < 2024-01-01T00:00:00.123Z'];

const corpusOrder: Array<[string, VersionScheme, string[]]> = [
  ['vers-spec/maven_version_cmp_test.json', maven, []],
  ['vers-spec/nuget_version_cmp_test.json', nuget, []],
  ['vers-spec/alpine_version_cmp_test.json', alpine, []],
  ['vers-spec/alpm_version_cmp_test.json', alpm, []],
  ['vers-spec/lexicographic-test.json', lexicographic, []],
  ['vers-spec/datetime_version_cmp_test.json', datetime, DATETIME_BROKEN_VECTORS],
  ['univers/deb_version_python_pkg_test.json', debian, []],
];

for (const [file, scheme, knownExceptions] of corpusOrder) {
  test(`corpus ${file}: every comparison vector holds under ${scheme.name}`, (t) => {
    const path = corpusFile(file);
    if (!path) return t.skip(CORPUS_ABSENT);
    const failures = orderFailures(readVectors(path), scheme);
    const unexpected = failures.filter((f) => !knownExceptions.some((k) => f.startsWith(k)));
    assert.deepEqual(unexpected, [], unexpected.join('\n'));
    assert.equal(failures.length, knownExceptions.length, 'a known exception no longer fails: remove it from the list');
  });
}

test('corpus univers/rpmvercmp.at: every RPMVERCMP(a, b, result) line holds', (t) => {
  const path = corpusFile('univers/rpmvercmp.at');
  if (!path) return t.skip(CORPUS_ABSENT);
  const cases = [...readFileSync(path, 'utf8').matchAll(/^RPMVERCMP\(([^,]*), ([^,]*), (-?\d)\)$/gm)];
  assert.ok(cases.length > 90, `found ${cases.length} cases`);
  const failures = cases.filter(([, a, b, r]) => rpm.compare(a, b) !== Number(r)).map(([line]) => line);
  assert.deepEqual(failures, []);
});

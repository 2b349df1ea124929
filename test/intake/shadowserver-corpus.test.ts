/**
 * The real Shadowserver files of ../shared/corpus, read with the published schema and with the
 * built-in mappings. Expected counts and roles were read off the files by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { parseShadowserver, shadowserver } from '../../src/intake/shadowserver.ts';
import { loadShadowserverSchema, SCHEMA_VARIABLE, type ShadowserverSchema } from '../../src/intake/shadowserver-schema.ts';
import { detectFormat } from '../../src/intake/index.ts';
import { CORPUS_ABSENT, corpusFile } from '../corpus.ts';
import { collect, intakeContext, type Collected } from './intake-run.ts';

interface Expected {
  rows: number;
  kind: string;
  subjects: string[];
  others: string[];
  role?: string;
}

const EXPECTED: Record<string, Expected> = {
  'blocklist.csv': {
    rows: 3,
    kind: 'malicious-infrastructure',
    subjects: ['198.123.245.134', '198.123.245.171', '198.123.245.0/24'],
    others: [],
  },
  'compromised_website.csv': {
    rows: 3,
    kind: 'compromised',
    subjects: ['203.0.113.1', '203.0.113.1', '66.249.0.0'],
    others: [],
  },
  'event4_honeypot_brute_force.csv': {
    rows: 6,
    kind: 'attack-source',
    subjects: ['141.98.1.2', '5.188.3.4', '45.14.5.6', '5.188.6.7', '45.14.7.8', '5.188.9.10'],
    others: ['162.250.1.2', '162.250.3.4', '82.118.5.6', '102.16.6.7', '82.118.7.8', '60.234.9.10'],
    role: 'honeypot',
  },
  'event4_sinkhole_http.csv': {
    rows: 5,
    kind: 'infected',
    subjects: ['103.196.1.2', '5.14.3.4', '49.145.5.6', '200.44.7.8', '187.189.9.10'],
    others: ['184.105.1.2', '184.105.3.4', '184.105.5.6', '184.105.7.8', '184.105.9.10'],
    role: 'sinkhole',
  },
  'scan_http_vulnerable.csv': {
    rows: 3,
    kind: 'vulnerable',
    subjects: ['192.168.0.1', '192.168.0.2', '192.168.0.3'],
    others: [],
  },
};

const read = async (path: string, schema: ShadowserverSchema | undefined): Promise<Collected> =>
  collect(parseShadowserver(createReadStream(path), intakeContext(path), schema));

function checkRoles(name: string, run: Collected, expected: Expected): void {
  assert.deepEqual(run.errors, [], name);
  assert.equal(run.observations.length, expected.rows, `${name}: one observation per data row`);
  assert.deepEqual(
    run.lines,
    Array.from({ length: expected.rows }, (_, i) => i + 2),
    `${name}: rows on lines 2…`,
  );
  assert.deepEqual(run.observations.map((o) => o.subject.ip ?? o.subject.network), expected.subjects, `${name}: subjects`);
  assert.deepEqual(run.observations.flatMap((o) => o.others.map((p) => p.indicators.ip)), expected.others, `${name}: other parties`);
  for (const o of run.observations) {
    assert.equal(o.kind, expected.kind, name);
    for (const other of o.others) assert.equal(other.role, expected.role, name);
    const subjectText = JSON.stringify(o.subject);
    for (const other of expected.others) assert.ok(!subjectText.includes(`"${other}"`), `${name}: ${other} is never the subject`);
  }
}

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`corpus: ${name} with the published schema and with the built-in mappings`, async (t) => {
    const path = corpusFile(`shadowserver/${name}`);
    const schemaPath = corpusFile('shadowserver/shadowserver-schema.intelmq.json');
    if (!path || !schemaPath) return t.skip(CORPUS_ABSENT);
    assert.equal(detectFormat(path, readFileSync(path, 'utf8').slice(0, 4096)).name, 'shadowserver');

    const withSchema = await read(path, loadShadowserverSchema(schemaPath));
    const builtin = await read(path, undefined);
    checkRoles(`${name} (schema)`, withSchema, expected);
    checkRoles(`${name} (built-in)`, builtin, expected);
    assert.deepEqual(
      withSchema.observations.map((o) => o.kind),
      builtin.observations.map((o) => o.kind),
      'the schema and the built-in mappings agree on kind',
    );
    assert.deepEqual(
      withSchema.observations.map((o) => o.observedAt),
      builtin.observations.map((o) => o.observedAt),
    );
  });
}

test('corpus: reverse DNS stays evidence; http_host of a compromised website is the subject’s domain', async (t) => {
  const scan = corpusFile('shadowserver/scan_http_vulnerable.csv');
  const site = corpusFile('shadowserver/compromised_website.csv');
  const schemaPath = corpusFile('shadowserver/shadowserver-schema.intelmq.json');
  if (!scan || !site || !schemaPath) return t.skip(CORPUS_ABSENT);
  for (const schema of [undefined, loadShadowserverSchema(schemaPath)]) {
    const scanned = await read(scan, schema);
    assert.deepEqual(scanned.observations.map((o) => o.hostname), ['node01.example.com', 'node02.example.com', 'node03.example.com']);
    assert.ok(scanned.observations.every((o) => o.subject.domain === undefined));
    assert.equal(scanned.observations[0].evidence.www_authenticate, '"Basic realm=\\"\\"OpenWebif\\"\\""', 'an odd escape is kept as written');
    assert.equal(scanned.observations[2].evidence.detail, 'repositoryformatversion = 0;filemode = false;bare = false;logallrefupdates = true;symlinks = false;ignorecase = true');

    const sites = await read(site, schema);
    assert.deepEqual(sites.observations.map((o) => o.subject.domain), ['example.com', 'example.com', undefined]);
    assert.deepEqual(sites.observations.map((o) => o.subject.url), ['http://example.com/header.php', 'http://example.com/', undefined]);
    assert.equal(sites.observations[2].hostname, '66-249-0-0.example.com');
  }
});

test('corpus: the format reads the schema named by KOPPEL_SHADOWSERVER_SCHEMA', async (t) => {
  const path = corpusFile('shadowserver/event4_honeypot_brute_force.csv');
  const schemaPath = corpusFile('shadowserver/shadowserver-schema.intelmq.json');
  if (!path || !schemaPath) return t.skip(CORPUS_ABSENT);
  const types = async (): Promise<string[]> => (await collect(shadowserver.parse(createReadStream(path), intakeContext(path)))).observations.map((o) => o.type);
  const previous = process.env[SCHEMA_VARIABLE];
  try {
    delete process.env[SCHEMA_VARIABLE];
    assert.deepEqual(await types(), ['ssh-brute-force', 'ssh-brute-force', 'telnet-brute-force', 'ssh-brute-force', 'telnet-brute-force', 'ssh-brute-force']);
    process.env[SCHEMA_VARIABLE] = schemaPath;
    assert.deepEqual(await types(), ['ssh', 'ssh', 'telnet', 'ssh', 'telnet', 'ssh'], 'the schema takes the identifier from the application column');
    process.env[SCHEMA_VARIABLE] = `${schemaPath}.missing`;
    await assert.rejects(types(), /KOPPEL_SHADOWSERVER_SCHEMA=.*missing: cannot use it/);
  } finally {
    if (previous === undefined) delete process.env[SCHEMA_VARIABLE];
    else process.env[SCHEMA_VARIABLE] = previous;
  }
});

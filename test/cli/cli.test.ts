import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { KOPPEL_BIN, koppel } from './koppel.ts';

let dir: string;
let dataDir: string;
const k = (...args: string[]) => koppel(['--data-dir', dataDir, ...args]);

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'koppel-cli-'));
  dataDir = path.join(dir, 'data');
});
after(() => rm(dir, { recursive: true, force: true }));

test('organisations and assets from the command line, listed as JSON', async () => {
  const added = await k('org', 'add', '--ref', 'KVK-5', '--name', 'Drukkerij Smit', '--email', 'it@smit.example', '--lang', 'en');
  assert.equal(added.code, 0, added.stderr);
  const assets = await k('asset', 'add', '--org', 'KVK-5', '192.0.2.0/24', 'AS64500', 'smit.example', '10.0.0.1/24');
  assert.equal(assets.code, 0, assets.stderr);
  assert.match(assets.stderr, /warning: "10\.0\.0\.1\/24" has host bits set; registered as 10\.0\.0\.0\/24/);
  const list = await k('asset', 'list', '--json');
  assert.equal(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as Array<{ org: string; kind: string; value: string }>;
  assert.deepEqual(rows.map((r) => `${r.org} ${r.kind} ${r.value}`).sort(), ['KVK-5 asn 64500', 'KVK-5 cidr 10.0.0.0/24', 'KVK-5 cidr 192.0.2.0/24', 'KVK-5 domain smit.example']);
  const shown = await k('org', 'show', 'KVK-5', '--json');
  assert.equal(JSON.parse(shown.stdout).language, 'en');
});

test('refused values: non-zero exit, and the message names each value', async () => {
  const refused = await k('asset', 'add', '--org', 'KVK-5', 'nl', '10.0.0.0/33', 'AS23456');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /"nl" is a public suffix/);
  assert.match(refused.stderr, /10\.0\.0\.0\/33/);
  assert.match(refused.stderr, /AS23456 is AS_TRANS/);
  const unknown = await k('org', 'show', 'NOPE');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no organisation with ref "NOPE"/);
  const missingOption = await k('org', 'add', '--name', 'x');
  assert.notEqual(missingOption.code, 0);
  assert.match(missingOption.stderr, /--ref/);
});

test('a bad import names file, line and field, and imports nothing', async () => {
  const file = path.join(dir, 'orgs.csv');
  await writeFile(file, 'org_ref,org_name,contact_email,asset\nA-1,Alfa BV,a@alfa.example,alfa.example\nA-2,Beta BV,b@beta.example,co.uk\n');
  const run = await k('registry', 'import', file);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /orgs\.csv, line 3, field asset: "co\.uk" is a public suffix/);
  assert.equal(JSON.parse((await k('org', 'list', '--json')).stdout).some((o: { ref: string }) => o.ref === 'A-1'), false);
  const skipping = await k('registry', 'import', '--skip-invalid', file);
  assert.equal(skipping.code, 0, skipping.stderr);
  assert.match(skipping.stdout, /1 organisations created/);
});

test('export writes what import reads', async () => {
  const out = path.join(dir, 'export.json');
  assert.equal((await k('registry', 'export', '--json', '--output', out)).code, 0);
  const csv = await k('registry', 'export');
  assert.match(csv.stdout.split('\n')[0], /^org_ref,org_name,contact_email,asset,/);
  const again = await k('registry', 'import', out);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 organisations created, 0 updated, 0 contacts and 0 assets added/);
});

test('while koppel serve owns the data folder, commands go through it', async () => {
  const server = spawn(process.execPath, [KOPPEL_BIN, '--data-dir', dataDir, 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: '', KOPPEL_LOG_LEVEL: 'warn' } });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stderr.on('data', (d) => {
        text += d;
        const m = /serves (http:\/\/\S+)/.exec(text);
        if (m) resolve(m[1]);
      });
      server.on('exit', () => reject(new Error(`serve exited: ${text}`)));
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const added = await k('asset', 'add', '--org', 'KVK-5', '203.0.113.0/24');
    assert.equal(added.code, 0, added.stderr);
    const token = (await k('token', 'create', '--analyst')).stdout.trim();
    const assets = (await (await fetch(`${url}/api/v1/assets?org=KVK-5`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ value: string }>;
    assert.ok(assets.some((a) => a.value === '203.0.113.0/24'), 'the server sees what the command added through it');
    const refused = await k('asset', 'add', '--org', 'KVK-5', 'co.uk');
    assert.equal(refused.code, 1, 'exit codes come back through the server');
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  const afterwards = await k('org', 'list');
  assert.equal(afterwards.code, 0, 'the folder is free again once the server has stopped');
});

test('a folder held by another command is reported clearly, not as a lock error', async () => {
  const busyDir = path.join(dir, 'busy');
  await koppel(['--data-dir', busyDir, 'config']);
  await import('node:fs/promises').then((fs) => fs.mkdir(busyDir, { recursive: true }));
  await writeFile(path.join(busyDir, 'koppel.lock'), JSON.stringify({ pid: process.pid, command: 'registry import big.csv' }));
  const run = await koppel(['--data-dir', busyDir, 'org', 'list']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /in use by `koppel registry import big\.csv` \(process \d+\); try again when it has finished/);
});

test('koppel demo runs the whole loop in a fresh folder and shows what would be sent', async () => {
  const demoDir = path.join(dir, 'demo');
  const run = await koppel(['demo', demoDir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Registry: 12 organisations/);
  assert.match(run.stdout, /KVK-10000001 +192\.0\.2\.16\/29 +192\.0\.2\.18 +exposed-service +open-rdp/);
  assert.doesNotMatch(run.stdout, /gemeente-voorbeeld\.example +http/, 'a look-alike under another domain does not reach the municipality');
  assert.match(run.stdout, /Notices that would be sent \(\d+\)/);
  assert.match(run.stdout, /below threshold: low/);
  assert.match(run.stdout, /192\.0\.2\[\.\]18/);
  const again = await koppel(['demo', demoDir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not empty/);
});

test('koppel finding shows the observations behind a finding, records a decision, and never lets feed text drive the terminal', async () => {
  const hostile = 'Open RDP \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b[2J';
  const line = { source: 'x', observedAt: '2026-11-27T03:00:00.000Z', kind: 'exposed-service', type: 'open-rdp', severity: 'medium', reliability: 'A', tlp: 'GREEN', subject: { ip: '192.0.2.99' }, others: [], evidence: {}, description: hostile };
  const feed = path.join(dir, 'hostile.jsonl');
  await writeFile(feed, `${JSON.stringify(line)}\n`);
  const ingested = await k('ingest', feed);
  assert.equal(ingested.code, 0, ingested.stderr);
  const [finding] = (JSON.parse((await k('findings', '--json')).stdout) as Array<{ id: number; indicator: string }>).filter((f) => f.indicator === '192.0.2.99');

  const decided = await k('finding', String(finding.id), '--status', 'acknowledged', '--reason', 'ticket 42');
  assert.equal(decided.code, 0, decided.stderr);
  assert.match(decided.stdout, /acknowledged\s+ticket 42/);
  assert.ok(decided.stdout.includes('Open RDP \\x1b]8;;https://evil.example\\x07click'), decided.stdout);
  assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(decided.stdout), 'no control character reaches the terminal');
  const shown = JSON.parse((await k('finding', String(finding.id), '--json')).stdout);
  assert.deepEqual([shown.status, shown.observations.length, shown.observations[0].description], ['acknowledged', 1, hostile]);

  const refused = await k('finding', String(finding.id), '--status', 'notified');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /notified/);
});

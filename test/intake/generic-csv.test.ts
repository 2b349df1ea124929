import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genericCsv, parseColumnMap } from '../../src/intake/generic-csv.ts';
import { FILE_TIME, runText } from './intake-run.ts';

const CSV = [
  'src,host,link,dport,time,category,level',
  '192.0.2.5,,,8080,2026-11-26 10:00:00,open-proxy,high',
  ',shop.example.nl,,,2026-11-26T11:00:00Z,defacement,',
  ',,"https://bad.example.com/a,b",,,phishing-kit,',
  '192.0.2.999,,,,,,',
  ',,,,,,',
  '192.0.2.6,,,99999,,,',
  '2001:db8::6,,,443,not a time,,',
  '192.0.2.7,,,,,,urgent',
].join('\n');

const MAP = 'ip=src,domain=host,url=link,port=dport,observedAt=time,type=category,severity=level';

test('generic CSV through a column mapping: fields, defaults and row errors naming the column', async () => {
  const { observations, lines, errors } = await runText(genericCsv, CSV, 'export.csv', { map: MAP, kind: 'exposed-service' });
  assert.deepEqual(lines, [2, 3, 4]);
  assert.deepEqual(observations.map((o) => o.subject), [{ ip: '192.0.2.5', port: 8080 }, { domain: 'shop.example.nl' }, { url: 'https://bad.example.com/a,b' }]);
  assert.deepEqual(observations.map((o) => o.type), ['open-proxy', 'defacement', 'phishing-kit']);
  assert.deepEqual(observations.map((o) => o.observedAt), ['2026-11-26T10:00:00.000Z', '2026-11-26T11:00:00.000Z', FILE_TIME]);
  assert.deepEqual(observations.map((o) => o.severity), ['high', 'medium', 'medium']);
  assert.ok(observations.every((o) => o.kind === 'exposed-service'));
  assert.equal(observations[0].evidence.category, 'open-proxy');
  assert.deepEqual(
    errors.map((e) => [e.line, e.field]),
    [
      [5, 'src'],
      [6, 'src'],
      [7, 'dport'],
      [8, 'time'],
      [9, 'level'],
    ],
  );
});

test('without a mapping, columns named like Koppel’s fields are used', async () => {
  const { observations } = await runText(genericCsv, 'ip,kind,type\n192.0.2.8,attack-source,ssh-scan\n', 'x.csv');
  assert.equal(observations[0].subject.ip, '192.0.2.8');
  assert.equal(observations[0].kind, 'attack-source');
  assert.equal(observations[0].type, 'ssh-scan');
});

test('a mapping is checked against the header before any row is read', async () => {
  await assert.rejects(runText(genericCsv, CSV, 'export.csv', { map: 'ip=source_ip' }), /lacks: source_ip/);
  assert.throws(() => parseColumnMap('colour=src'), /unknown field "colour"/);
  assert.throws(() => parseColumnMap('ip'), /not field=column/);
  assert.deepEqual(parseColumnMap('ip=SRC, url = link'), { ip: 'src', url: 'link' });
});

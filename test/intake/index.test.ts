import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, formatByName, FORMATS } from '../../src/intake/index.ts';
import { chunked, collect, intakeContext } from './intake-run.ts';

const SCAN_HEAD = '"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sector"\n"2026-11-27 03:00:00","medium","192.0.2.1","tcp",3389,"","rdp",64500,"NL","NH","AMSTERDAM",0,""\n';
const OBSERVATION =
  '{"source":"s","observedAt":"2026-11-26T12:00:00Z","kind":"infected","type":"emotet","severity":"high","reliability":"B","tlp":"AMBER","subject":{"ip":"192.0.2.1"},"others":[],"evidence":{}}\n';

test('detection from the file name and from the content', () => {
  assert.equal(detectFormat('/inbox/2026-11-27-scan_rdp-nl-geo.csv', SCAN_HEAD).name, 'shadowserver');
  assert.equal(detectFormat('/inbox/2026-11-27-event4_sinkhole_http-nl-geo.csv', '"timestamp","protocol","src_ip","src_port"\n').name, 'shadowserver');
  assert.equal(detectFormat('upload.csv', SCAN_HEAD).name, 'shadowserver', 'a Shadowserver header is recognised under any name');
  assert.equal(detectFormat('export.csv', 'ip,first_seen,comment\n192.0.2.1,2026-11-26,x\n').name, 'generic-csv');
  assert.equal(detectFormat('peer.txt', OBSERVATION).name, 'jsonl');
  assert.equal(detectFormat('iocs.txt', '# IOCs\n192.0.2.1\nevil[.]example\nhxxp://x.example/a\n').name, 'list');
  assert.equal(detectFormat('iocs', '198.51.100.0/24 ; comment\n2001:db8::1\npartial-li').name, 'list');
});

test('an unrecognised file is an error naming the file and the formats', () => {
  assert.throws(
    () => detectFormat('holiday.png', '\x89PNG\r\n\x1a\n binary'),
    (e: Error) => /holiday\.png/.test(e.message) && FORMATS.every((f) => e.message.includes(f.name)),
  );
});

test('formats by name, with an argument for the Shadowserver report and the generic CSV mapping', async () => {
  for (const format of FORMATS) assert.equal(formatByName(format.name), format);
  const rdp = formatByName('shadowserver:scan_rdp');
  assert.equal(rdp.name, 'shadowserver:scan_rdp');
  const scanned = await collect(rdp.parse(chunked(SCAN_HEAD), intakeContext('upload.csv')));
  assert.equal(scanned.observations[0].type, 'open-rdp');
  assert.equal(scanned.observations[0].kind, 'exposed-service');

  const mapped = await collect(formatByName('generic-csv:ip=addr').parse(chunked('addr,x\n192.0.2.3,1\n'), intakeContext('a.csv')));
  assert.equal(mapped.observations[0].subject.ip, '192.0.2.3');

  assert.throws(() => formatByName('nonsense'), /unknown format "nonsense"; formats: .*shadowserver/);
  assert.throws(() => formatByName('list:something'), /takes no argument/);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translator } from '../../src/notices/i18n.ts';
import { renderHtml, renderText, wrap, WIDTH } from '../../src/notices/render.ts';

const words = 'Laat dit apparaat vandaag nog onderzoeken door een IT-specialist en wacht niet af, want criminelen wachten ook niet op u.';

describe('rendering', () => {
  it('wraps at 72 columns with a hanging indent and keeps an unbreakable word whole', () => {
    const wrapped = wrap(`${words} ${words}`, '1. ', '   ');
    const lines = wrapped.split('\n');
    assert.ok(lines.length >= 3);
    assert.ok(lines.every((l) => l.length <= WIDTH), wrapped);
    assert.ok(lines.slice(1).every((l) => l.startsWith('   ') && !l.startsWith('    ')));
    assert.equal(lines.join(' ').replace(/\s+/g, ' '), `1. ${words} ${words}`);
    const url = `https://koppel.example.nl/${'x'.repeat(100)}`;
    assert.deepEqual(wrap(`see ${url} here`).split('\n'), ['see', url, 'here']);
  });

  it('aligns field values and escapes every string in HTML', () => {
    const blocks = [
      { type: 'fields', rows: [['Where', '<b>192.0.2[.]1</b>'], ['Your asset', 'a & b']] },
      { type: 'steps', items: ['one "two"'] },
      { type: 'link', url: 'https://koppel.example.nl/verify/KP-2222-2222-2' },
    ] as const;
    assert.equal(renderText(blocks).split('\n')[0], 'Where:      <b>192.0.2[.]1</b>');
    const html = renderHtml(blocks, 'en', '<title>');
    assert.match(html, /&lt;b&gt;192\.0\.2\[\.\]1&lt;\/b&gt;/);
    assert.match(html, /a &amp; b/);
    assert.match(html, /one &quot;two&quot;/);
    assert.match(html, /<title>&lt;title&gt;<\/title>/);
    assert.match(html, /<a href="https:\/\/koppel\.example\.nl\/verify\/KP-2222-2222-2">/);
  });
});

describe('translations', () => {
  it('choose the plural form per language', () => {
    assert.match(translator('en')('subjectDigest', { count: 1, tlp: '', ticket: '', severity: '', organisation: '' }), /1 finding,/);
    assert.match(translator('en')('subjectDigest', { count: 3, tlp: '', ticket: '', severity: '', organisation: '' }), /3 findings,/);
    assert.match(translator('nl')('subjectDigest', { count: 1, tlp: '', ticket: '', severity: '', organisation: '' }), /1 melding,/);
    assert.match(translator('nl')('subjectDigest', { count: 2, tlp: '', ticket: '', severity: '', organisation: '' }), /2 meldingen,/);
  });

  it('insert values once, so placeholders inside a value stay text', () => {
    const text = translator('en')('greeting', { name: '{{organisation}} {{name}}' });
    assert.equal(text, 'Dear {{organisation}} {{name}},');
  });

  it('have the same keys in Dutch and English', async () => {
    const en = (await import('../../src/notices/locales/en.json', { with: { type: 'json' } })).default;
    const nl = (await import('../../src/notices/locales/nl.json', { with: { type: 'json' } })).default;
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`])).sort();
    assert.deepEqual(keys(nl), keys(en));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_VALUE_LENGTH, defang, escapeHtml, headerSafe, sanitise, showInvisible } from '../../src/notices/index.ts';

describe('defang', () => {
  it('shows indicators in the usual defanged forms', () => {
    assert.equal(defang('http://evil.example/path'), 'hxxp://evil[.]example/path');
    assert.equal(defang('https://www.evil.example/'), 'hxxps://www[.]evil[.]example/');
    assert.equal(defang('ftp://files.example.nl/x'), 'fxp://files[.]example[.]nl/x');
    assert.equal(defang('example.nl'), 'example[.]nl');
    assert.equal(defang('1.2.3.4'), '1.2.3[.]4');
    assert.equal(defang('user@example.nl'), 'user[@]example[.]nl');
    assert.equal(defang('192.0.2.10:8080'), '192.0.2[.]10:8080');
    assert.equal(defang('2001:db8::1'), '2001:db8::1');
  });

  it('leaves ordinary words, version numbers and already defanged values alone', () => {
    assert.equal(defang('open-rdp'), 'open-rdp');
    assert.equal(defang('Exchange Server 2019 CU14'), 'Exchange Server 2019 CU14');
    assert.equal(defang('4.17.21'), '4.17.21');
    assert.equal(defang('hxxp://evil[.]example'), 'hxxp://evil[.]example');
    assert.equal(defang(defang('https://a.example/b')), defang('https://a.example/b'));
  });

  it('turns other schemes into text, with or without slashes', () => {
    assert.equal(defang('javascript:alert(1)'), 'javascript[:]alert(1)');
    assert.equal(defang('JaVaScRiPt :alert(1)'), 'JaVaScRiPt[:]alert(1)');
    assert.equal(defang('data:text/html;base64,PHNjcmlwdD4='), 'data[:]text/html;base64,PHNjcmlwdD4=');
    assert.equal(defang('file://server/share'), 'file[:]//server/share');
    assert.equal(defang('mailto:a@b.example'), 'mailto[:]a[@]b[.]example');
    assert.doesNotMatch(defang('java\tscript:alert(1)'), /javascript:/i);
  });

  it('neutralises spreadsheet formulas at the start of a value', () => {
    assert.equal(defang('=HYPERLINK("http://evil.example","click")'), `'=HYPERLINK("hxxp://evil[.]example","click")`);
    for (const start of ['=', '+', '-', '@']) assert.ok(defang(`${start}1+1`).startsWith(`'${start}`), start);
    assert.equal(defang('\t=1+1'), `'=1+1`);
    assert.equal(defang('\r=cmd|calc!A1'), `'=cmd|calc!A1`);
    assert.equal(defang('a=1'), 'a=1');
  });

  it('removes line breaks, control and bidirectional characters so a value stays on one line and reads as it is', () => {
    const injected = defang('evil.example\r\nBcc: victim@example.nl\r\n\r\n<html>');
    assert.doesNotMatch(injected, /[\r\n]/);
    assert.equal(injected, 'evil[.]example Bcc: victim[@]example[.]nl <html>');
    assert.equal(defang('invoice\u202Efdp.exe'), 'invoicefdp[.]exe');
    assert.equal(defang('a\u0000b\u0007c\u001bd\u007fe\u0085f\u2028g\u200bh\ufeffi'), 'abcde f ghi');
    assert.doesNotMatch(defang('x\u2066y\u2069z\u200ew'), /[\u2066\u2069\u200e]/);
  });

  it('treats look-alike dots as dots, so they are defanged too', () => {
    assert.equal(defang('evil\u3002example'), 'evil[.]example');
    assert.equal(defang('evil\uff0eexample'), 'evil[.]example');
  });

  it('cuts very long values, also long host names, quickly', () => {
    const long = `http://${'a'.repeat(100_000)}.example/${'b'.repeat(1_000_000)}`;
    const started = performance.now();
    const shown = defang(long);
    assert.ok(performance.now() - started < 100);
    assert.ok([...shown].length <= MAX_VALUE_LENGTH + 10);
    assert.ok(shown.endsWith('…'));
    assert.ok(shown.startsWith('hxxp://'));
    const dotted = `${'a.'.repeat(200_000)}1`;
    assert.ok([...defang(dotted)].length <= MAX_VALUE_LENGTH * 3);
    assert.equal([...sanitise('€'.repeat(400))].length, MAX_VALUE_LENGTH);
    assert.equal(sanitise('😀'.repeat(400)).slice(-1), '…');
    assert.doesNotMatch(sanitise('😀'.repeat(400)), /[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('keeps HTML and scripts as text once escaped', () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & \'';
    const escaped = escapeHtml(defang(hostile));
    assert.doesNotMatch(escaped, /[<>"']/);
    assert.match(escaped, /&lt;script&gt;/);
    assert.match(escaped, /&amp;/);
  });

  it('makes header values single-line and bounded', () => {
    const header = headerSafe(`Acme\r\nBcc: x@example.nl\n${'x'.repeat(500)}`);
    assert.doesNotMatch(header, /[\r\n]/);
    assert.ok(header.length <= 200);
  });
});

describe('showInvisible', () => {
  it('writes every character that would act on a terminal as its escape, and keeps the rest whole', () => {
    const shown = showInvisible('Open RDP \u001b]8;;https://evil.example\u0007click\u001b[2J invoice\u202Efdp.exe\n'.repeat(20));
    assert.ok(shown.startsWith('Open RDP \\x1b]8;;https://evil.example\\x07click\\x1b[2J invoice\\u202efdp.exe\\x0a'));
    assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f\u202e]/);
    assert.ok(shown.length > MAX_VALUE_LENGTH, 'not cut: a person reading a terminal sees all of it');
  });
});

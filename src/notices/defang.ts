/**
 * Feed content in a notice must stay inert text: never a link a mail client makes clickable, a
 * script, an extra header line, or a formula when someone pastes it into a spreadsheet. Every value
 * taken from a feed passes through `defang` on its way into a notice; every value that goes into
 * HTML passes through `escapeHtml` at the very end. The command line shows feed text through
 * `showInvisible`.
 */

/** Longest feed-derived value shown, in code points; longer values are cut with an ellipsis. */
export const MAX_VALUE_LENGTH = 300;

// C0 and C1 controls, DEL, the line and paragraph separators, zero-width and joiner characters,
// and the bidirectional controls (RTL override can make `exe.pdf` read as `fdp.exe`).
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
// Dots that browsers and mail clients also accept between the labels of a host name.
const LOOKALIKE_DOTS = /[\u3002\uff0e\uff61]/g;
const SCHEME_WITH_SLASHES = /\b([a-z][a-z0-9+.-]*):\/\//gi;
const SCHEME_WITHOUT_SLASHES = /\b(javascript|vbscript|livescript|data|file|mailto|tel|sms|callto|news|ms-[a-z-]+|search-ms)\s*:/gi;
const EMAIL_AT = /(?<=[\p{L}\p{N}._%+'-])@(?=[\p{L}\p{N}-]+\.)/gu;
const HOST_NAME = /(?<![\p{L}\p{N}_-])(?:[\p{L}\p{N}_-]+\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]+)(?![\p{L}\p{N}_-])/giu;
const IPV4 = /(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3})\.(\d{1,3})(?![\d])/g;
// Anything but printable ASCII, a doubled space or a space at either end.
const NEEDS_CLEANING = /[^\x20-\x7e]|\x20\x20|^\x20|\x20$/;
// Without a dot, colon or at sign there is nothing to defang.
const MAY_LINK = /[.:@]/;
const FORMULA_START = /^[=+\-@\t\r]/;

const FANGLESS_SCHEME: Record<string, string> = { http: 'hxxp', https: 'hxxps', ftp: 'fxp', ftps: 'fxps', hxxp: 'hxxp', hxxps: 'hxxps', fxp: 'fxp' };

/**
 * A value shown whole where a person reads it raw (a terminal): each of those characters written as
 * its escape (`\x1b`, `\u202e`) instead of acting, so that nothing moves the cursor, clears the
 * screen, makes a link or turns text around.
 */
export const showInvisible = (value: string): string =>
  value.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });

/**
 * A value from any source made safe to show on one line: control, invisible and bidirectional
 * characters removed, line breaks and tabs turned into spaces, runs of white space collapsed, cut to
 * `maxLength` code points. Used for our own registry values too (names, assets), which are not defanged.
 */
export function sanitise(value: string, maxLength = MAX_VALUE_LENGTH): string {
  if (value.length <= maxLength && !NEEDS_CLEANING.test(value)) return value;
  // Cut very long input before the regular expressions see it; the exact cut follows below.
  const head = value.length > maxLength * 4 ? value.slice(0, maxLength * 4) : value;
  const clean = head
    .replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(INVISIBLE, '')
    .replace(LOOKALIKE_DOTS, '.')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(clean, maxLength, head !== value);
}

function truncate(text: string, maxLength: number, alreadyCut: boolean): string {
  if (text.length <= maxLength && !alreadyCut) return text;
  const codePoints = [...text];
  if (codePoints.length <= maxLength && !alreadyCut) return text;
  return `${codePoints.slice(0, maxLength - 1).join('')}…`;
}

function defangScheme(_: string, scheme: string): string {
  const fangless = FANGLESS_SCHEME[scheme.toLowerCase()];
  return fangless ? `${fangless}://` : `${scheme}[:]//`;
}

/** Rewrites URLs, host names, e-mail addresses and IPv4 addresses in a text so they cannot become links. */
export function defangText(text: string): string {
  if (!MAY_LINK.test(text)) return text;
  return text
    .replace(SCHEME_WITH_SLASHES, defangScheme)
    .replace(SCHEME_WITHOUT_SLASHES, '$1[:]')
    .replace(EMAIL_AT, '[@]')
    .replace(HOST_NAME, (host) => host.replaceAll('.', '[.]'))
    .replace(IPV4, '$1[.]$2');
}

/** A value that a spreadsheet would read as a formula gets a leading apostrophe (the OWASP CSV-injection advice). */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/**
 * A feed-derived value (indicator, type, malware family, product, remediation …) as it may appear in
 * a notice: sanitised, defanged (`hxxp://`, `example[.]nl`, `1.2.3[.]4`, `user[@]example[.]nl`) and
 * neutralised as a formula.
 */
export function defang(value: string, maxLength = MAX_VALUE_LENGTH): string {
  return neutraliseFormula(defangText(sanitise(value, maxLength)));
}

/** A value fit for one header line (a subject): no control characters or line breaks, bounded length. */
export const headerSafe = (value: string, maxLength = 200): string => sanitise(value, maxLength);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const HTML_SPECIAL = /[&<>"']/;

export const escapeHtml = (text: string): string => (HTML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]) : text);

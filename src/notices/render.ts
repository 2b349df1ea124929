/**
 * A notice is composed once as a list of blocks holding plain strings, then rendered twice: as
 * plain text wrapped at 72 columns, and as HTML with every string escaped on the way out. Escaping
 * at this one boundary is what keeps feed content inert; the only link is the `link` block, which
 * compose fills with our own verification URL.
 */
import { escapeHtml } from './defang.ts';
import type { TlpMarking } from './tlp.ts';

export type Block =
  | { type: 'banner'; label: TlpMarking; text: string }
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; text: string }
  /** Lines kept apart without a blank line between them, such as a closing and a signature. */
  | { type: 'lines'; lines: readonly string[] }
  | { type: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  | { type: 'steps'; items: readonly string[] }
  | { type: 'bullets'; items: readonly string[] }
  | { type: 'link'; url: string };

export const WIDTH = 72;

/**
 * Greedy word wrap. A word longer than the line (a long URL or hash) keeps a line of its own rather
 * than being broken, so it can still be copied whole.
 */
export function wrap(text: string, first = '', rest = first, width = WIDTH): string {
  if (first.length + text.length <= width) return first + text;
  const end = text.length;
  let start = 0;
  while (start < end && text.charCodeAt(start) === 32) start++;
  let out = '';
  let prefix = first;
  while (end - start > width - prefix.length) {
    const limit = start + width - prefix.length;
    let cut = text.lastIndexOf(' ', limit);
    if (cut <= start) {
      cut = text.indexOf(' ', limit);
      if (cut < 0) break;
    }
    out += `${prefix}${text.slice(start, cut).trimEnd()}\n`;
    start = cut + 1;
    while (start < end && text.charCodeAt(start) === 32) start++;
    prefix = rest;
  }
  return start < end ? `${out}${prefix}${text.slice(start)}` : out.slice(0, -1);
}

function textBlock(block: Block): string {
  switch (block.type) {
    case 'banner':
      return wrap(`${block.label}: ${block.text}`);
    case 'heading':
      if (block.level === 1) return block.text.toUpperCase();
      if (block.level === 2) return `${block.text}\n${'-'.repeat(Math.min(block.text.length, WIDTH))}`;
      return `${block.text}:`;
    case 'paragraph':
      return wrap(block.text);
    case 'lines':
      return block.lines.map((line) => wrap(line)).join('\n');
    case 'fields': {
      const labelWidth = Math.max(...block.rows.map(([label]) => label.length)) + 2;
      const indent = ' '.repeat(labelWidth);
      return block.rows.map(([label, value]) => wrap(value, `${label}:`.padEnd(labelWidth), indent)).join('\n');
    }
    case 'steps': {
      const indent = ' '.repeat(`${block.items.length}. `.length);
      return block.items.map((item, i) => wrap(item, `${i + 1}. `.padEnd(indent.length), indent)).join('\n');
    }
    case 'bullets':
      return block.items.map((item) => wrap(item, '- ', '  ')).join('\n');
    case 'link':
      return block.url;
  }
}

export function renderText(blocks: readonly Block[]): string {
  let out = '';
  let afterHeading = false;
  for (const block of blocks) {
    if (out !== '') out += afterHeading ? '\n' : '\n\n';
    out += textBlock(block);
    afterHeading = block.type === 'heading';
  }
  return `${out}\n`;
}

const TLP_STYLE: Record<TlpMarking, string> = {
  'TLP:CLEAR': 'color:#ffffff',
  'TLP:GREEN': 'color:#33ff00',
  'TLP:AMBER': 'color:#ffc000',
  'TLP:AMBER+STRICT': 'color:#ffc000',
  'TLP:RED': 'color:#ff2b2b',
};

const items = (list: readonly string[]) => list.map((item) => `<li>${escapeHtml(item)}</li>`).join('');

function htmlBlock(block: Block): string {
  switch (block.type) {
    case 'banner':
      return `<p style="background:#000000;padding:6px 10px"><strong style="${TLP_STYLE[block.label]}">${escapeHtml(block.label)}</strong> <span style="color:#ffffff">${escapeHtml(block.text)}</span></p>`;
    case 'heading':
      return `<h${block.level + 1}>${escapeHtml(block.text)}</h${block.level + 1}>`;
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'lines':
      return `<p>${block.lines.map(escapeHtml).join('<br>')}</p>`;
    case 'fields':
      return `<table cellpadding="3">${block.rows
        .map(([label, value]) => `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
        .join('')}</table>`;
    case 'steps':
      return `<ol>${items(block.items)}</ol>`;
    case 'bullets':
      return `<ul>${items(block.items)}</ul>`;
    case 'link':
      return `<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.url)}</a></p>`;
  }
}

export function renderHtml(blocks: readonly Block[], language: string, title: string): string {
  return `<!DOCTYPE html>\n<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;max-width:680px">\n${blocks.map(htmlBlock).join('\n')}\n</body></html>\n`;
}

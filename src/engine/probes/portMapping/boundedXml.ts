/**
 * A bounded XML reader, just enough for a UPnP device description and a SOAP answer: no XML
 * library, every scan linear (indexOf), element values plain text only (no nested markup,
 * no CDATA) and capped. Callers cap the whole input before reading it.
 */

import { MAX_VALUE } from './text';

/** Removes <!-- comments --> (an unclosed one swallows the rest), linearly. */
export function stripComments(xml: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const start = xml.indexOf('<!--', pos);
    if (start < 0) return out + xml.slice(pos);
    out += xml.slice(pos, start);
    const end = xml.indexOf('-->', start + 4);
    if (end < 0) return out;
    pos = end + 3;
  }
}

function isTagEnd(ch: string | undefined): boolean {
  return ch === '>' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '/';
}

/** Index of the next `<name` opening tag (not `<nameSomething`) at or after `from`, or -1. */
export function findOpen(xml: string, name: string, from: number, to = xml.length): number {
  let pos = from;
  for (;;) {
    const i = xml.indexOf(`<${name}`, pos);
    if (i < 0 || i >= to) return -1;
    if (isTagEnd(xml[i + name.length + 1])) return i;
    pos = i + 1;
  }
}

export function decodeEntities(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos);|&/g, (m, ent: string | undefined) => {
    if (!ent) {
      bad = true;
      return m;
    }
    switch (ent) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
    if (!(code >= 0x20 && code < 0x7f)) {
      bad = true;
      return m;
    }
    return String.fromCharCode(code);
  });
  return bad ? undefined : out;
}

/**
 * Plain-text content of the first `<name>` element inside [from, to): undefined when absent,
 * not closed, not plain text (nested markup, CDATA) or over-long.
 */
export function elementText(xml: string, name: string, from = 0, to = xml.length): string | undefined {
  const open = findOpen(xml, name, from, to);
  if (open < 0) return undefined;
  const gt = xml.indexOf('>', open);
  if (gt < 0 || gt >= to) return undefined;
  if (xml[gt - 1] === '/') return '';
  const close = xml.indexOf(`</${name}`, gt + 1);
  if (close < 0 || close >= to || close - gt - 1 > MAX_VALUE) return undefined;
  const raw = xml.slice(gt + 1, close);
  if (raw.includes('<')) return undefined;
  const text = decodeEntities(raw);
  if (text === undefined || hasControl(text)) return undefined;
  return text.trim();
}

/** C0 controls other than tab, CR and LF, and DEL. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

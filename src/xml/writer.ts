// The XML writer: this module owns escaping text and attribute values and
// serialising an element tree read by ./reader.ts back to self-contained XML
// (ISO 20022 builds its messages with these escapes, and hands one part of an
// envelope to the XSD validator as its own document).

import { FORBIDDEN_CHARS, XML_NS, XmlError, type XmlElement } from './reader.js';

const TEXT_ESCAPES = /[&<>\r]/g;
const ATTR_ESCAPES = /[&<>"\t\n\r]/g;
// Everything either escape function treats specially, so the common value (none of it) costs one scan.
const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ATTR_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ESCAPE_MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Escapes character data. A carriage return is written as &#13; so that it survives
 * the reader's line-end normalisation. Characters XML cannot carry are refused.
 */
export function escapeText(value: string): string {
  if (!TEXT_SPECIAL.test(value)) return value;
  if (FORBIDDEN_CHARS.test(value))
    throw new XmlError('XML_INVALID_CHAR', `text contains a character XML cannot carry: ${JSON.stringify(value.slice(0, 40))}`, -1, 0, 0, '/');
  TEXT_ESCAPES.lastIndex = 0;
  return TEXT_ESCAPES.test(value) ? value.replace(TEXT_ESCAPES, (c) => ESCAPE_MAP[c]!) : value;
}

/** Escapes an attribute value for a double-quoted attribute (whitespace escaped so it is not normalised away). */
export function escapeAttr(value: string): string {
  if (!ATTR_SPECIAL.test(value)) return value;
  if (FORBIDDEN_CHARS.test(value))
    throw new XmlError('XML_INVALID_CHAR', `attribute contains a character XML cannot carry: ${JSON.stringify(value.slice(0, 40))}`, -1, 0, 0, '/');
  ATTR_ESCAPES.lastIndex = 0;
  return ATTR_ESCAPES.test(value) ? value.replace(ATTR_ESCAPES, (c) => ESCAPE_MAP[c]!) : value;
}

/**
 * Serialises an element tree as self-contained XML: every namespace an element
 * or attribute uses is declared where it is first needed (default namespace for
 * elements, generated prefixes for attributes). Used to hand one part of an
 * envelope (AppHdr or Document) to the XSD validator as its own document.
 * Text is written from the decoded value, so no entity ever reaches the consumer.
 */
export function serializeElement(el: XmlElement, parentNs: string | null = null, xmlDecl = false): string {
  const out: string[] = [];
  if (xmlDecl) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  writeEl(el, parentNs, out);
  return out.join('');
}

function writeEl(el: XmlElement, parentNs: string | null, out: string[]): void {
  out.push('<', el.local);
  if (el.ns !== parentNs) out.push(' xmlns="', escapeAttr(el.ns), '"');
  let k = 0;
  for (const a of el.attrs) {
    if (a.ns === '') out.push(' ', a.local, '="', escapeAttr(a.value), '"');
    else if (a.ns === XML_NS) out.push(' xml:', a.local, '="', escapeAttr(a.value), '"');
    else {
      const p = `a${k++}`;
      out.push(' xmlns:', p, '="', escapeAttr(a.ns), '" ', p, ':', a.local, '="', escapeAttr(a.value), '"');
    }
  }
  if (el.children.length === 0 && el.text.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  if (el.children.length === 0) out.push(escapeText(el.text));
  else {
    // Element content: the text between children is whitespace or (invalid) mixed content; keep it verbatim.
    if (el.text.trim().length > 0) out.push(escapeText(el.text));
    for (const c of el.children) writeEl(c, el.ns, out);
  }
  out.push('</', el.local, '>');
}

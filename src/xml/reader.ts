// The safe XML reader of the project: this module owns the byte-level trust
// boundary of every XML input — ISO 20022 messages from banks (iso20022/) and the
// UN consolidated sanctions list (compliance/loaders/un_xml.ts). Everything read
// as XML passes through `parseXml` before any other code looks at it. The writer
// (escaping, serialising an element tree) is ./writer.ts.
//
// Safety by construction, not by configuration: there is no DTD processing at
// all. A DOCTYPE is refused outright (so XXE, external DTDs and billion-laughs
// entity bombs never reach an expander — there is none); only the five
// predefined entities and numeric character references are decoded. Size,
// depth, element count and attribute count are bounded (callers may raise the
// bounds, e.g. for a sanctions list). Namespaces are resolved: every element and
// attribute carries its namespace URI, so `p:Document` and `Document` with the
// same URI are the same element.
//
// What is kept: elements, attributes, character data (text and CDATA, with
// line ends normalised as XML requires). Comments and processing instructions are
// skipped. Text is kept as JavaScript strings, so Cyrillic, Chinese and
// Perso-Arabic names survive unchanged.
//
// Speed matters (the bench target is >= 20,000 pacs.008 parses/s on one core):
// the scanner works on char codes and indexOf, builds no intermediate tokens,
// and computes line/column only when an error is raised.
//
// This part imports nothing of the project.

export type XmlErrorCode =
  | 'XML_TRUNCATED'
  | 'XML_MALFORMED'
  | 'XML_DTD_FORBIDDEN'
  | 'XML_ENTITY_DECLARATION'
  | 'XML_EXTERNAL_ENTITY'
  | 'XML_ENTITY_EXPANSION'
  | 'XML_UNDEFINED_ENTITY'
  | 'XML_INVALID_CHAR'
  | 'XML_ENCODING'
  | 'XML_NAMESPACE'
  | 'XML_LIMIT_SIZE'
  | 'XML_LIMIT_DEPTH'
  | 'XML_LIMIT_ELEMENTS'
  | 'XML_LIMIT_ATTRIBUTES';

export class XmlError extends Error {
  readonly code: XmlErrorCode;
  /** Character offset in the decoded text; -1 when not positional (e.g. size). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** XPath-like path of the innermost open element at the error, or "/". */
  readonly path: string;
  constructor(code: XmlErrorCode, reason: string, offset: number, line: number, column: number, path: string) {
    super(offset >= 0 ? `line ${line}, column ${column}: ${reason}` : reason);
    this.code = code;
    this.offset = offset;
    this.line = line;
    this.column = column;
    this.path = path;
    this.name = 'XmlError';
  }
}

export interface XmlAttr {
  /** The name as written, e.g. "xsi:schemaLocation". */
  readonly qname: string;
  readonly local: string;
  /** Namespace URI; "" for an unprefixed attribute (attributes do not take the default namespace). */
  readonly ns: string;
  readonly value: string;
}

export interface XmlElement {
  readonly qname: string;
  readonly local: string;
  /** Namespace URI; "" when the element is in no namespace. */
  readonly ns: string;
  readonly attrs: XmlAttr[];
  readonly children: XmlElement[];
  /** All character data directly inside this element, concatenated (whitespace between children included). */
  text: string;
  /** Character offset of the '<' of the start tag. */
  readonly offset: number;
  /** Namespace declarations made on this element: [prefix ("" = default), uri]. */
  readonly nsDecls: Array<[string, string]>;
}

export interface XmlDocument {
  readonly root: XmlElement;
  /** The decoded source text; offsets refer to it. */
  readonly source: string;
  readonly elementCount: number;
}

export interface XmlLimits {
  /** Bytes of UTF-8 input. */
  readonly max_bytes: number;
  readonly max_depth: number;
  readonly max_elements: number;
  readonly max_attributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  max_bytes: 1024 * 1024,
  max_depth: 64,
  max_elements: 20_000,
  max_attributes: 32,
});

/** The namespace the `xml:` prefix is bound to. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Line and column (1-based, in UTF-16 units) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

// Characters XML 1.0 forbids in documents (C0 controls other than tab, LF, CR; U+FFFE/U+FFFF).
export const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// A surrogate not part of a pair: not a character at all (XML's Char excludes U+D800–U+DFFF).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Any UTF-16 unit other than a character XML allows on its own (tab, LF, CR,
// U+0020–U+D7FF, U+E000–U+FFFD): a forbidden character or a surrogate, paired or not.
const NOT_PLAIN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/;

/**
 * Whether `chunk` holds only characters XML allows on their own: then it has neither
 * a forbidden character nor a surrogate, and checkChars has nothing to look for (one
 * scan instead of two, the second with a lookbehind); anything else takes both.
 */
export function plainChars(chunk: string): boolean {
  return !NOT_PLAIN.test(chunk);
}
// The XML declaration after "<?xml" (XML 1.0 production XMLDecl): version, then an optional
// encoding (EncName), then an optional standalone, in that order, XML whitespace only.
const XML_DECL =
  /^[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*$/;
// A namespace name must be a URI reference (Namespaces in XML 1.0, section 2.2): RFC 3986 characters, % with two hex digits.
// Square brackets (IP literals only) are refused, and a scheme, when there is one, must read as one.
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
/**
 * The last XML declaration (its text after "<?xml") and the last namespace name
 * accepted: an input that repeats them (every message of a kind does) is not read
 * with the regular expressions again. A verdict depends on the text alone.
 */
let lastGoodDecl: string | null = null;
let lastUriReference: string | null = null;

function isUriReference(v: string): boolean {
  if (v === lastUriReference) return true;
  if (!uriReferenceUncached(v)) return false;
  lastUriReference = v;
  return true;
}

function uriReferenceUncached(v: string): boolean {
  if (!URI_REFERENCE.test(v)) return false;
  const colon = v.indexOf(':');
  if (colon < 0) return true;
  const delimiter = v.search(/[/?#]/);
  return (delimiter >= 0 && delimiter < colon) || /^[A-Za-z][A-Za-z0-9+.-]*$/.test(v.slice(0, colon));
}

// XML 1.0 (fifth edition) NameStartChar and NameChar, on UTF-16 code units; a
// character above U+FFFF (allowed up to U+EFFFF) is read as its surrogate pair.
function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}
/** isNameChar of each ASCII code (1: a name character), read first by readName: names are ASCII nearly always. */
const ASCII_NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_NAME_CHAR[c] = isNameChar(c) ? 1 : 0;
/** Code units of the name character at i (0 if none): 2 for a pair encoding U+10000–U+EFFFF. */
function nameCharAt(s: string, i: number, first: boolean): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdb7f) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff ? 2 : 0;
  }
  return (first ? isNameStart(c) : isNameChar(c)) ? 1 : 0;
}
/**
 * Whether a part of a name (the part after its colon, or a declared prefix) is an
 * NCName (Namespaces in XML 1.0): not empty, no colon, and it starts as a name
 * starts. The whole name was read as a Name, so the rest is made of name characters;
 * `p:1d` is a Name but not a qualified name.
 */
function isNcNamePart(s: string): boolean {
  return s.length > 0 && s.indexOf(':') < 0 && nameCharAt(s, 0, true) > 0;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** Decodes UTF-8 strictly; a bad byte sequence is an encoding error, not a U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses `input` (a string, or UTF-8 bytes) into an element tree, or throws XmlError.
 * Only UTF-8 (and its ASCII subset) is accepted: ISO 20022 messages are UTF-8.
 */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlDocument {
  let text: string;
  if (typeof input === 'string') {
    // Cheap bound first: a string of n UTF-16 units has at least n UTF-8 bytes.
    // And a unit is at most 3 bytes: a string of at most a third of the bound is within it without counting.
    if (input.length > limits.max_bytes || (input.length * 3 > limits.max_bytes && Buffer.byteLength(input, 'utf8') > limits.max_bytes)) {
      throw new XmlError('XML_LIMIT_SIZE', `message larger than ${limits.max_bytes} bytes`, -1, 0, 0, '/');
    }
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    if (input.length > limits.max_bytes) throw new XmlError('XML_LIMIT_SIZE', `message larger than ${limits.max_bytes} bytes`, -1, 0, 0, '/');
    if (input.length >= 2 && ((input[0] === 0xfe && input[1] === 0xff) || (input[0] === 0xff && input[1] === 0xfe))) {
      throw new XmlError('XML_ENCODING', 'UTF-16 input is not accepted; ISO 20022 messages are UTF-8', 0, 1, 1, '/');
    }
    try {
      text = UTF8.decode(input); // strips a UTF-8 BOM
    } catch {
      throw new XmlError('XML_ENCODING', 'input is not valid UTF-8', -1, 0, 0, '/');
    }
  }
  return new Parser(text, limits).parseDocument();
}

// The attributes and declarations of every element without any: one frozen empty array each
// (nothing appends to a parsed element's; frozen, an append would throw rather than leak).
const NO_ATTRS: readonly XmlAttr[] = Object.freeze([]);
const NO_DECLS: readonly [string, string][] = Object.freeze([]);

interface OpenFrame {
  el: XmlElement;
  /** Number of namespace bindings in scope before this element. */
  nsMark: number;
  /** Text pieces, joined when the element closes (avoids quadratic concatenation). */
  texts: string[] | null;
  /** The first text piece; `texts` is made only for a second (a leaf's value is one piece). */
  text: string | null;
}

class Parser {
  private pos = 0;
  private elementCount = 0;
  // Namespace bindings in scope as a stack of [prefix, uri]; lookups scan from the top.
  private readonly nsPrefixes: string[] = ['xml'];
  private readonly nsUris: string[] = [XML_NS];
  private readonly stack: OpenFrame[] = [];

  constructor(
    private readonly s: string,
    private readonly limits: XmlLimits,
  ) {}

  private fail(code: XmlErrorCode, reason: string, at = this.pos): never {
    const { line, column } = lineColumn(this.s, at);
    const path = this.stack.length === 0 ? '/' : '/' + this.stack.map((f) => f.el.local).join('/');
    throw new XmlError(code, reason, at, line, column, path);
  }

  private truncated(what: string): never {
    this.fail('XML_TRUNCATED', `input ends inside ${what}`, this.s.length);
  }

  parseDocument(): XmlDocument {
    const s = this.s;
    if (s.startsWith('<?xml') && isSpace(s.charCodeAt(5))) this.parseXmlDecl();
    let root: XmlElement | null = null;
    for (;;) {
      this.skipSpace();
      if (this.pos >= s.length) break;
      if (s.charCodeAt(this.pos) !== 60 /* < */) {
        this.fail('XML_MALFORMED', root === null ? 'text before the root element' : 'text after the root element');
      }
      if (s.startsWith('<!--', this.pos)) this.skipComment();
      else if (s.startsWith('<?', this.pos)) this.skipPi();
      else if (s.startsWith('<!DOCTYPE', this.pos)) this.refuseDoctype();
      else if (s.startsWith('<!', this.pos)) this.fail('XML_MALFORMED', 'markup declaration outside a DTD');
      else if (root !== null) this.fail('XML_MALFORMED', 'a second root element');
      else root = this.parseElementTree();
    }
    if (root === null) {
      if (s.trim().length === 0) this.fail('XML_TRUNCATED', 'empty input: no root element', 0);
      this.fail('XML_TRUNCATED', 'no root element');
    }
    return { root, source: s, elementCount: this.elementCount };
  }

  private parseXmlDecl(): void {
    const end = this.s.indexOf('?>', 5);
    if (end < 0) this.truncated('the XML declaration');
    const decl = this.s.slice(5, end);
    // Most inputs repeat the last declaration read: one accepted before is accepted again.
    if (decl === lastGoodDecl) {
      this.pos = end + 2;
      return;
    }
    if (!/^[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1/.test(decl)) this.fail('XML_MALFORMED', 'XML declaration without version 1.x', 0);
    if (!XML_DECL.test(decl)) this.fail('XML_MALFORMED', 'malformed XML declaration (version, then encoding, then standalone)', 0);
    const enc = /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z0-9._-]+)\1/.exec(decl);
    if (enc !== null && !/^(utf-?8|us-ascii)$/i.test(enc[2]!)) {
      this.fail('XML_ENCODING', `encoding ${JSON.stringify(enc[2])} is not accepted; ISO 20022 messages are UTF-8`, 0);
    }
    lastGoodDecl = decl;
    this.pos = end + 2;
  }

  private skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
  }

  private skipComment(): void {
    const end = this.s.indexOf('-->', this.pos + 4);
    if (end < 0) this.truncated('a comment');
    const body = this.s.slice(this.pos + 4, end);
    // XML 1.0 production Comment: no "--" inside and no "-" just before the closing "-->".
    const dashes = body.indexOf('--');
    if (dashes >= 0 || body.endsWith('-')) this.fail('XML_MALFORMED', "'--' inside a comment", this.pos + 4 + (dashes >= 0 ? dashes : body.length - 1));
    this.checkChars(body, this.pos + 4);
    this.pos = end + 3;
  }

  private skipPi(): void {
    const start = this.pos;
    const end = this.s.indexOf('?>', this.pos + 2);
    if (end < 0) this.truncated('a processing instruction');
    if (/^<\?xml([ \t\r\n]|\?)/i.test(this.s.slice(start, start + 6))) this.fail('XML_MALFORMED', 'XML declaration not at the start of the input', start);
    this.pos = start + 2;
    const target = this.readName('processing instruction target');
    if (target.includes(':')) this.fail('XML_NAMESPACE', `processing instruction target ${target} contains a colon`, start + 2);
    if (this.pos < end && !isSpace(this.s.charCodeAt(this.pos)))
      this.fail('XML_MALFORMED', `expected whitespace after the processing instruction target ${target}`);
    this.checkChars(this.s.slice(this.pos, end), this.pos);
    this.pos = end + 2;
  }

  /**
   * DTDs are never processed. The declaration is only looked at (bounded, never
   * expanded) to say precisely which attack or feature was refused.
   */
  private refuseDoctype(): never {
    const at = this.pos;
    const window = this.s.slice(at, at + 65_536);
    if (/<!ENTITY\s+(%\s*)?[^\s>]+\s+(SYSTEM|PUBLIC)\b/.test(window)) {
      this.fail('XML_EXTERNAL_ENTITY', 'DOCTYPE declares an external entity (XXE); DTDs and entities are refused', at);
    }
    if (/<!ENTITY\s+(%\s*)?[^\s>]+\s+(["'])[^"']*[&%][^"']*\2/.test(window)) {
      this.fail('XML_ENTITY_EXPANSION', 'DOCTYPE declares entities that expand other entities (billion laughs); DTDs and entities are refused', at);
    }
    if (/<!ENTITY/.test(window)) this.fail('XML_ENTITY_DECLARATION', 'DOCTYPE declares entities; DTDs and entities are refused', at);
    this.fail('XML_DTD_FORBIDDEN', 'DOCTYPE is refused: ISO 20022 messages carry no DTD', at);
  }

  private readName(what: string): string {
    const s = this.s;
    const start = this.pos;
    if (start >= s.length) this.truncated(what);
    const head = nameCharAt(s, start, true);
    if (head === 0) this.fail('XML_MALFORMED', `invalid ${what}`);
    let i = start + head;
    // nameCharAt(s, i, false) on each unit, its ASCII answer from a table.
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        if (ASCII_NAME_CHAR[c] === 0) break;
        i++;
      } else {
        const n = nameCharAt(s, i, false);
        if (n === 0) break;
        i += n;
      }
    }
    if (i >= s.length) this.truncated(what);
    this.pos = i;
    return s.slice(start, i);
  }

  private lookupNs(prefix: string, at: number): string {
    for (let i = this.nsPrefixes.length - 1; i >= 0; i--) if (this.nsPrefixes[i] === prefix) return this.nsUris[i]!;
    if (prefix === '') return '';
    this.fail('XML_NAMESPACE', `namespace prefix ${JSON.stringify(prefix)} is not declared`, at);
  }

  /** Decodes entity and character references in `raw` (which contains '&'). */
  private decodeRefs(raw: string, at: number): string {
    let out = '';
    let i = 0;
    for (;;) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) return out + raw.slice(i);
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp + 1);
      if (semi < 0 || semi - amp > 12) this.fail('XML_MALFORMED', "'&' not starting a reference (write &amp;)", at + amp);
      const ref = raw.slice(amp + 1, semi);
      switch (ref) {
        case 'lt':
          out += '<';
          break;
        case 'gt':
          out += '>';
          break;
        case 'amp':
          out += '&';
          break;
        case 'quot':
          out += '"';
          break;
        case 'apos':
          out += "'";
          break;
        default: {
          let cp = NaN;
          if (/^#[0-9]{1,7}$/.test(ref)) cp = Number(ref.slice(1));
          else if (/^#x[0-9A-Fa-f]{1,6}$/.test(ref)) cp = parseInt(ref.slice(2), 16);
          else if (ref.startsWith('#')) this.fail('XML_MALFORMED', `malformed character reference &${ref};`, at + amp);
          else this.fail('XML_UNDEFINED_ENTITY', `entity &${ref}; is not one of the five predefined entities; entities are refused`, at + amp);
          const ok = cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
          if (!ok) this.fail('XML_INVALID_CHAR', `character reference &${ref}; is not an XML character`, at + amp);
          out += String.fromCodePoint(cp);
        }
      }
      i = semi + 1;
    }
  }

  private checkChars(chunk: string, at: number): void {
    if (plainChars(chunk)) return;
    if (FORBIDDEN_CHARS.test(chunk)) {
      const m = FORBIDDEN_CHARS.exec(chunk)!;
      this.fail('XML_INVALID_CHAR', `character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, at + m.index);
    }
    const lone = LONE_SURROGATE.exec(chunk);
    if (lone !== null)
      this.fail('XML_INVALID_CHAR', `unpaired surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} is not a character`, at + lone.index);
  }

  private addText(frame: OpenFrame, t: string): void {
    if (t.length === 0) return;
    if (frame.text === null) frame.text = t;
    else if (frame.texts === null) frame.texts = [frame.text, t];
    else frame.texts.push(t);
  }

  /** Parses the root element and everything inside it, iteratively. */
  private parseElementTree(): XmlElement {
    const s = this.s;
    const root = this.parseStartTag();
    if (root === null) return this.stack.pop()!.el; // <root/>
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1]!;
      // The text up to the next '<', read once: when it holds only characters XML allows on
      // their own and no '>', CR or '&' (a value as a bank writes it), none of the checks and
      // rewrites below applies to it and it is kept as it is.
      let lt = this.pos;
      let plain = true;
      for (; lt < s.length; lt++) {
        const c = s.charCodeAt(lt);
        if (c === 60 /* < */) break;
        if (c < 32 ? c !== 9 && c !== 10 : c === 62 /* > */ || c === 38 /* & */ || (c >= 0xd800 && (c <= 0xdfff || c >= 0xfffe))) plain = false;
      }
      if (lt === s.length) this.truncated(`element <${frame.el.qname}>`);
      if (plain) {
        if (lt > this.pos) this.addText(frame, s.slice(this.pos, lt));
      } else {
        let raw = s.slice(this.pos, lt);
        this.checkChars(raw, this.pos);
        if (raw.indexOf('>') >= 0 && raw.indexOf(']]>') >= 0) this.fail('XML_MALFORMED', "']]>' is not allowed in text", this.pos + raw.indexOf(']]>'));
        if (raw.indexOf('\r') >= 0) raw = raw.replace(/\r\n?/g, '\n');
        this.addText(frame, raw.indexOf('&') >= 0 ? this.decodeRefs(raw, this.pos) : raw);
      }
      this.pos = lt;
      const c1 = s.charCodeAt(lt + 1);
      if (c1 === 47 /* / */) {
        const qname = frame.el.qname;
        const after = lt + 2 + qname.length;
        // The end tag that matches (nearly always): its name is the start tag's, which was read
        // as a Name, followed by a unit that is no name character — readName would read exactly it.
        if (after < s.length && s.startsWith(qname, lt + 2) && nameCharAt(s, after, false) === 0) this.pos = after;
        else {
          this.pos = lt + 2;
          const name = this.readName('end tag name');
          if (name !== qname) this.fail('XML_MALFORMED', `end tag </${name}> does not match <${qname}>`, lt);
        }
        this.skipSpace();
        if (this.pos >= s.length) this.truncated('an end tag');
        if (s.charCodeAt(this.pos) !== 62) this.fail('XML_MALFORMED', 'expected > to close the end tag');
        this.pos++;
        this.closeFrame();
      } else if (c1 === 33 /* ! */) {
        if (s.startsWith('<!--', lt)) this.skipComment();
        else if (s.startsWith('<![CDATA[', lt)) {
          const end = s.indexOf(']]>', lt + 9);
          if (end < 0) this.truncated('a CDATA section');
          let raw = s.slice(lt + 9, end);
          this.checkChars(raw, lt + 9);
          if (raw.indexOf('\r') >= 0) raw = raw.replace(/\r\n?/g, '\n');
          this.addText(frame, raw);
          this.pos = end + 3;
        } else if (s.startsWith('<!DOCTYPE', lt) || s.startsWith('<!ENTITY', lt)) this.refuseDoctype();
        else if (lt + 2 > s.length) this.truncated('markup');
        else this.fail('XML_MALFORMED', 'unexpected markup declaration inside an element');
      } else if (c1 === 63 /* ? */) {
        this.skipPi();
      } else {
        const child = this.parseStartTag();
        frame.el.children.push(this.stack[this.stack.length - 1]!.el);
        if (child === null) this.closeFrame(); // empty-element tag: already complete
      }
    }
    return root.el;
  }

  private closeFrame(): void {
    const frame = this.stack.pop()!;
    if (frame.texts !== null) frame.el.text = frame.texts.join('');
    else if (frame.text !== null) frame.el.text = frame.text;
    if (this.nsPrefixes.length !== frame.nsMark) {
      this.nsPrefixes.length = frame.nsMark;
      this.nsUris.length = frame.nsMark;
    }
  }

  /**
   * Parses a start tag at this.pos and pushes its frame. Returns the frame, or
   * null for an empty-element tag (its frame is pushed too, for the caller to close).
   */
  private parseStartTag(): OpenFrame | null {
    const s = this.s;
    const lt = this.pos;
    if (this.stack.length >= this.limits.max_depth) this.fail('XML_LIMIT_DEPTH', `elements nested deeper than ${this.limits.max_depth}`, lt);
    if (++this.elementCount > this.limits.max_elements) this.fail('XML_LIMIT_ELEMENTS', `more than ${this.limits.max_elements} elements`, lt);
    this.pos = lt + 1;
    const qname = this.readName('element name');
    // Most elements have neither attributes nor declarations: no arrays made for them.
    let rawAttrs: Array<[string, string, number]> | null = null;
    const nsMark = this.nsPrefixes.length;
    let nsDecls: Array<[string, string]> | null = null;
    let empty = false;
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      if (this.pos >= s.length) this.truncated(`start tag <${qname}>`);
      const c = s.charCodeAt(this.pos);
      if (c === 62 /* > */) {
        this.pos++;
        break;
      }
      if (c === 47 /* / */) {
        if (s.charCodeAt(this.pos + 1) !== 62) {
          if (this.pos + 1 >= s.length) this.truncated(`start tag <${qname}>`);
          this.fail('XML_MALFORMED', "expected '>' after '/'");
        }
        this.pos += 2;
        empty = true;
        break;
      }
      if (this.pos === before) this.fail('XML_MALFORMED', 'expected whitespace before an attribute');
      const attrAt = this.pos;
      const name = this.readName('attribute name');
      const value = this.readAttrValue(name);
      if (rawAttrs !== null) for (const a of rawAttrs) if (a[0] === name) this.fail('XML_MALFORMED', `duplicate attribute ${name}`, attrAt);
      if ((rawAttrs === null ? 0 : rawAttrs.length) >= this.limits.max_attributes)
        this.fail('XML_LIMIT_ATTRIBUTES', `more than ${this.limits.max_attributes} attributes on <${qname}>`, attrAt);
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        const prefix = name.length === 5 ? '' : name.slice(6);
        if (name.length > 5 && !isNcNamePart(prefix)) this.fail('XML_NAMESPACE', `malformed namespace declaration ${name}`, attrAt);
        if (prefix === 'xmlns' || (prefix === 'xml' && value !== XML_NS) || value === XMLNS_NS)
          this.fail('XML_NAMESPACE', `reserved namespace binding ${name}`, attrAt);
        if (prefix !== '' && value === '') this.fail('XML_NAMESPACE', `prefix ${prefix} cannot be undeclared in XML 1.0`, attrAt);
        if (nsDecls !== null) for (const d of nsDecls) if (d[0] === prefix) this.fail('XML_MALFORMED', `duplicate attribute ${name}`, attrAt);
        if (!isUriReference(value)) this.fail('XML_NAMESPACE', `namespace name ${JSON.stringify(value.slice(0, 80))} is not a URI reference`, attrAt);
        this.nsPrefixes.push(prefix);
        this.nsUris.push(value);
        if (nsDecls === null) nsDecls = [[prefix, value]];
        else nsDecls.push([prefix, value]);
      } else if (rawAttrs === null) rawAttrs = [[name, value, attrAt]];
      else rawAttrs.push([name, value, attrAt]);
    }
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const local = colon < 0 ? qname : qname.slice(colon + 1);
    if (!isNcNamePart(local) || colon === 0) this.fail('XML_NAMESPACE', `malformed qualified name ${qname}`, lt);
    const ns = this.lookupNs(prefix, lt);
    const attrs = rawAttrs === null ? (NO_ATTRS as XmlAttr[]) : this.resolveAttrs(rawAttrs);
    const el: XmlElement = { qname, local, ns, attrs, children: [], text: '', offset: lt, nsDecls: nsDecls ?? (NO_DECLS as Array<[string, string]>) };
    const frame: OpenFrame = { el, nsMark, texts: null, text: null };
    this.stack.push(frame);
    return empty ? null : frame;
  }

  /** After an attribute's name: `= "value"` (or single quotes), normalised and decoded; leaves pos after the closing quote. */
  private readAttrValue(name: string): string {
    const s = this.s;
    this.skipSpace();
    if (s.charCodeAt(this.pos) !== 61 /* = */) this.fail('XML_MALFORMED', `attribute ${name} without '='`);
    this.pos++;
    this.skipSpace();
    const q = s.charCodeAt(this.pos);
    if (q !== 34 && q !== 39) {
      if (this.pos >= s.length) this.truncated('an attribute value');
      this.fail('XML_MALFORMED', `attribute ${name}: value must be quoted`);
    }
    const end = s.indexOf(q === 34 ? '"' : "'", this.pos + 1);
    if (end < 0) this.truncated('an attribute value');
    let raw = s.slice(this.pos + 1, end);
    if (raw.indexOf('<') >= 0) this.fail('XML_MALFORMED', `attribute ${name}: '<' is not allowed in a value`, this.pos + 1 + raw.indexOf('<'));
    this.checkChars(raw, this.pos + 1);
    // Attribute-value normalisation: literal tab/CR/LF become spaces (before references are decoded).
    if (/[\t\n\r]/.test(raw)) raw = raw.replace(/\r\n|[\t\n\r]/g, ' ');
    const value = raw.indexOf('&') >= 0 ? this.decodeRefs(raw, this.pos + 1) : raw;
    this.pos = end + 1;
    return value;
  }

  /** The attributes of a start tag with their namespaces resolved (after the tag's own declarations); a name twice is an error. */
  private resolveAttrs(rawAttrs: ReadonlyArray<[string, string, number]>): XmlAttr[] {
    const attrs: XmlAttr[] = [];
    for (const [aname, value, at] of rawAttrs) {
      const ac = aname.indexOf(':');
      if (ac < 0) attrs.push({ qname: aname, local: aname, ns: '', value });
      else {
        const alocal = aname.slice(ac + 1);
        if (ac === 0 || !isNcNamePart(alocal)) this.fail('XML_NAMESPACE', `malformed qualified name ${aname}`, at);
        const ans = this.lookupNs(aname.slice(0, ac), at);
        for (const other of attrs) if (other.local === alocal && other.ns === ans) this.fail('XML_NAMESPACE', `attribute {${ans}}${alocal} appears twice`, at);
        attrs.push({ qname: aname, local: alocal, ns: ans, value });
      }
    }
    return attrs;
  }
}

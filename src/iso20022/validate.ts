// Validation of ISO 20022 messages. This module owns the verdict on an incoming
// message, in three steps, each error an {path, code, message}:
//
//  1. Envelope: the XML is read safely (src/xml/reader.ts), the message located and its
//     type recognised from the Document namespace (./envelope.ts).
//  2. Schema, layer (a): always, against the built-in definitions in ./schema/
//     (generated from the official XSDs, complete for each message), so a clone
//     validates with nothing else installed. Layer (b): when an XSD directory is
//     configured (--xsd-dir or SCO_SETTLE_XSD_DIR), the same parts are also
//     checked by libxml2 (WebAssembly) against the official XSD, loaded once per
//     message type and cached. libxml2 only ever sees XML re-serialised from our
//     own tree, so no DTD or entity can reach it.
//  3. Business rules, of two kinds (ValidateOptions.rules). Code sets ('iso'):
//     the currency an active ISO 4217 code (the full list, src/fx/iso4217.ts) and
//     the amount's decimals within its minor units, at most 18 digits, BIC country
//     and LEI check digits, UETR present and unique within the message (pacs.008,
//     pacs.009), AppHdr naming the message it carries — a valid ISO 20022 message
//     in RON or SEK passes. The platform's acceptance ('platform', what submission
//     applies): also the currency one the platform settles or converts (its
//     table), and, given `isParticipant`, the debtor's and creditor's agents of a
//     pacs.008/pacs.009 known participants. Uniqueness against the platform
//     belongs to platform/, which has the state.
//
// Codes: schema violations are FF01 (ISO "invalid file format"); business rules
// use ISO reason codes where one exists (AM03, AM12, RC01, DUPL) and stable
// project codes otherwise (LEI_INVALID, UETR_MISSING, HEADER_MISMATCH); envelope
// and XML problems use the XML_* codes of src/xml/reader.ts and the codes of ./envelope.ts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REASON } from '../platform/errors.js';
import { CURRENCIES, ISO4217, ISO4217_PUBLISHED } from '../platform/reference.js';
import { DEFAULT_XML_LIMITS, XmlError, parseXml, type XmlElement, type XmlLimits } from '../xml/reader.js';
import { escapeAttr, escapeText } from '../xml/writer.js';
import { IsoError, locateMessage, type LocatedMessage } from './envelope.js';
import { SCHEMAS } from './schema/index.js';
import type { ComplexTypeDef, MessageSchema, Particle, SimpleTypeDef } from './schema/types.js';

export interface IsoIssue {
  /** XPath of the element (or attribute) at fault, from the root of the input. */
  path: string;
  code: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  /** e.g. "pacs.008.001.08"; null when the message could not be recognised. */
  message_type: string | null;
  errors: IsoIssue[];
  /** The located message, when the XML could be read and recognised. */
  message: LocatedMessage | null;
}

export interface ValidateOptions {
  /** Folder of official XSDs for layer (b); null/undefined: layer (a) only. */
  xsd_dir?: string | null;
  limits?: XmlLimits;
  /** Stop collecting after this many errors (default 50). */
  max_errors?: number;
  /**
   * The business rules beyond the schema: 'iso', code sets only (is this valid
   * ISO 20022?); 'platform', also what this platform accepts (would it take it?).
   * Default 'platform', what submission applies.
   */
  rules?: BusinessRules;
  /** With rules 'platform': whether a BIC is a participant; the agents of a pacs.008/pacs.009 are checked against it. */
  isParticipant?: (bic: string) => boolean;
}

export type BusinessRules = 'iso' | 'platform';

export const MAX_ERRORS_DEFAULT = 50;
export const SCHEMA_CODE = 'FF01';

/** The XSD folder: the option if given, else SCO_SETTLE_XSD_DIR, else null. */
export function resolveXsdDir(option?: string | null): string | null {
  if (option !== undefined && option !== null && option !== '') return option;
  const env = process.env.SCO_SETTLE_XSD_DIR;
  return env !== undefined && env !== '' ? env : null;
}

/** Steps 1–3 without the XSD layer; synchronous. */
export function validateBuiltIn(input: string | Uint8Array, opts: ValidateOptions = {}): ValidationResult {
  const max = opts.max_errors ?? MAX_ERRORS_DEFAULT;
  let located: LocatedMessage;
  try {
    located = locateMessage(parseXml(input, opts.limits ?? DEFAULT_XML_LIMITS));
  } catch (err) {
    if (err instanceof XmlError || err instanceof IsoError) {
      const message_type = err instanceof IsoError ? err.message_type : null;
      return { valid: false, message_type, errors: [{ path: err.path, code: err.code, message: err.message }], message: null };
    }
    throw err;
  }
  const errors: IsoIssue[] = [];
  const rules = opts.rules ?? 'platform';
  if (located.header !== null) validateTree(SCHEMAS.get('head.001.001.02')!, located.header, located.headerPath!, errors, max, rules);
  validateTree(located.schema, located.document, located.documentPath, errors, max, rules);
  businessRules(located, errors, max);
  if (rules === 'platform' && opts.isParticipant !== undefined) knownAgents(located, opts.isParticipant, errors, max);
  return { valid: errors.length === 0, message_type: located.message_type, errors, message: located };
}

/** Steps 1–3 with layer (b) when an XSD folder is configured. */
export async function validateMessage(input: string | Uint8Array, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const result = validateBuiltIn(input, opts);
  const dir = opts.xsd_dir ?? null;
  if (dir === null || result.message === null) return result;
  const m = result.message;
  const parts: Array<[string, XmlElement, string]> = [];
  if (m.header !== null) parts.push(['head.001.001.02', m.header, m.headerPath!]);
  parts.push([m.message_type, m.document, m.documentPath]);
  for (const [id, el, path] of parts) {
    for (const issue of await xsdValidate(dir, id, el, path)) {
      if (result.errors.length >= (opts.max_errors ?? MAX_ERRORS_DEFAULT)) break;
      result.errors.push(issue);
    }
  }
  result.valid = result.errors.length === 0;
  return result;
}

// --- layer (a): the built-in definitions ----------------------------------------

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

interface Ctx {
  readonly schema: MessageSchema;
  /**
   * The schema's namespace, as the string the root element carries (equal to
   * schema.namespace): a parsed tree shares one string among the elements of a
   * namespace, so comparing a child's with it is a pointer test where the schema's
   * own copy would compare the ~45 characters every time.
   */
  readonly ns: string;
  readonly errors: IsoIssue[];
  readonly max: number;
  readonly rules: BusinessRules;
}

function report(ctx: Ctx, path: string, message: string, code = SCHEMA_CODE): void {
  if (ctx.errors.length < ctx.max) ctx.errors.push({ path, code, message });
}

/** Validates `el` as the schema's global element. */
export function validateTree(
  schema: MessageSchema,
  el: XmlElement,
  path: string,
  errors: IsoIssue[],
  max = MAX_ERRORS_DEFAULT,
  rules: BusinessRules = 'platform',
): void {
  if (el.local !== schema.root || el.ns !== schema.namespace) {
    report({ schema, ns: schema.namespace, errors, max, rules }, path, `root element must be {${schema.namespace}}${schema.root}, found {${el.ns}}${el.local}`);
    return;
  }
  validateElement({ schema, ns: el.ns, errors, max, rules }, el, schema.rootType, path);
}

function isXmlSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function validateElement(ctx: Ctx, el: XmlElement, typeName: string, path: string): void {
  if (ctx.errors.length >= ctx.max) return;
  const complex = ctx.schema.complex[typeName];
  if (complex === undefined) {
    // An element of simple type: no attributes, no children, a valid value.
    checkAttributes(ctx, el, path, undefined);
    if (el.children.length > 0) {
      report(ctx, `${path}/${el.children[0]!.local}`, `element ${el.local} has a simple value and cannot contain element ${el.children[0]!.local}`);
      return;
    }
    const def = ctx.schema.simple[typeName];
    if (def === undefined) throw new Error(`schema ${ctx.schema.id}: no type ${typeName}`);
    const problem = checkSimple(el.text, def);
    if (problem !== null) report(ctx, path, `${el.local}: ${problem}`);
    else businessOnSimple(ctx, typeName, el.text, path);
    return;
  }
  checkAttributes(ctx, el, path, complex);
  if (complex.m === 'simple') {
    if (el.children.length > 0) {
      report(ctx, `${path}/${el.children[0]!.local}`, `element ${el.local} has a simple value and cannot contain element ${el.children[0]!.local}`);
      return;
    }
    const problem = checkSimple(el.text, ctx.schema.simple[complex.s!]!);
    if (problem !== null) report(ctx, path, `${el.local}: ${problem}`);
    else businessOnComplexSimple(ctx, typeName, el, path);
    return;
  }
  if (!isXmlSpace(el.text)) report(ctx, path, `element ${el.local} has element-only content; text is not allowed`);
  if (complex.m === 'empty') {
    if (el.children.length > 0) report(ctx, `${path}/${el.children[0]!.local}`, `element ${el.local} must be empty`);
    return;
  }
  const particles = complex.e!;
  if (complex.m === 'choice') validateChoice(ctx, el, particles, path);
  else validateSequence(ctx, el, particles, path);
}

function checkAttributes(ctx: Ctx, el: XmlElement, path: string, complex: ComplexTypeDef | undefined): void {
  const declared = complex?.a;
  const attrs = el.attrs;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.ns === XSI_NS && (a.local === 'schemaLocation' || a.local === 'noNamespaceSchemaLocation')) continue;
    if (a.ns === XSI_NS) {
      report(ctx, `${path}/@${a.qname}`, `attribute xsi:${a.local} is not supported by this platform's validator`);
      continue;
    }
    const def = a.ns === '' ? declared?.find((d) => d[0] === a.local) : undefined;
    if (def === undefined) {
      report(ctx, `${path}/@${a.qname}`, `attribute ${a.qname} is not allowed on ${el.local}`);
      continue;
    }
    const problem = checkSimple(a.value, ctx.schema.simple[def[1]]!);
    if (problem !== null) report(ctx, `${path}/@${a.local}`, `attribute ${a.local}: ${problem}`);
  }
  if (declared !== undefined) {
    // Read by index: a destructured tuple goes through the iterator protocol, an object per element read (~1.4 kB
    // per payment on the demo's prepare worker, stop 50).
    for (let i = 0; i < declared.length; i++) {
      const d = declared[i]!;
      const name = d[0];
      if (d[2] && !el.attrs.some((a) => a.ns === '' && a.local === name))
        report(ctx, `${path}/@${name}`, `required attribute ${name} is missing on ${el.local}`);
    }
  }
}

function matches(ctx: Ctx, p: Particle, c: XmlElement): boolean {
  if (p[0] !== '#any') return c.local === p[0] && c.ns === ctx.ns;
  const constraint = p[1];
  if (constraint === '##any') return true;
  if (constraint === '##other') return c.ns !== ctx.ns && c.ns !== '';
  return c.ns === constraint;
}

function childPath(path: string, c: XmlElement, p: Particle, n: number): string {
  return p[3] > 1 ? `${path}/${c.local}[${n}]` : `${path}/${c.local}`;
}

function visitChild(ctx: Ctx, p: Particle, c: XmlElement, path: string): void {
  // xs:any is lax: its content is not validated (ISO puts free-form supplementary data there).
  if (p[0] !== '#any') validateElement(ctx, c, p[1], path);
}

/**
 * A sequence, matched greedily (ISO content models are deterministic, so greedy
 * matching is exact). At the first child that does not fit, one error is
 * reported and the rest of this element's content is not matched further.
 */
function validateSequence(ctx: Ctx, el: XmlElement, particles: readonly Particle[], path: string): void {
  let pi = 0;
  let count = 0;
  const kids = el.children;
  const ns = ctx.ns;
  for (let ci = 0; ci < kids.length; ci++) {
    const c = kids[ci]!;
    let placed = false;
    while (pi < particles.length) {
      const p = particles[pi]!;
      // matches(ctx, p, c), its named-element case inline.
      if (count < p[3] && (p[0] !== '#any' ? c.local === p[0] && c.ns === ns : matches(ctx, p, c))) {
        count++;
        visitChild(ctx, p, c, childPath(path, c, p, count));
        placed = true;
        break;
      }
      if (count < p[2]) {
        report(
          ctx,
          `${path}/${c.local}`,
          `element ${c.local} is not expected here: expected ${describe(p)}${count > 0 ? ` (${count} of at least ${p[2]})` : ''}`,
        );
        return;
      }
      pi++;
      count = 0;
    }
    if (!placed) {
      const known = particles.some((p) => matches(ctx, p, c));
      const why = known
        ? 'is out of order or repeated too often'
        : c.ns !== ctx.ns
          ? `is in namespace ${JSON.stringify(c.ns)}, not the message's`
          : 'is not defined here';
      report(ctx, `${path}/${c.local}`, `element ${c.local} ${why} in ${el.local}`);
      return;
    }
  }
  for (; pi < particles.length; pi++, count = 0) {
    const p = particles[pi]!;
    if (count < p[2]) {
      report(ctx, `${path}/${p[0]}`, `missing required element ${describe(p)} in ${el.local}`);
      return;
    }
  }
}

function validateChoice(ctx: Ctx, el: XmlElement, particles: readonly Particle[], path: string): void {
  const kids = el.children;
  if (kids.length === 0) {
    report(ctx, path, `${el.local} must contain one of ${particles.map(describe).join(', ')}`);
    return;
  }
  const first = kids[0]!;
  const p = particles.find((q) => matches(ctx, q, first));
  if (p === undefined) {
    report(ctx, `${path}/${first.local}`, `element ${first.local} is not expected in ${el.local}: expected one of ${particles.map(describe).join(', ')}`);
    return;
  }
  let n = 0;
  for (const c of kids) {
    if (n >= p[3] || !matches(ctx, p, c)) {
      report(ctx, `${path}/${c.local}`, `element ${c.local} is not expected in ${el.local}: it holds only one choice`);
      return;
    }
    n++;
    visitChild(ctx, p, c, childPath(path, c, p, n));
  }
  if (n < p[2]) report(ctx, path, `${el.local}/${p[0]} must occur at least ${p[2]} times`);
}

function describe(p: Particle): string {
  return p[0] === '#any' ? `an element of namespace ${p[1]}` : p[0];
}

// --- simple values ---------------------------------------------------------------

const REGEX_CACHE = new Map<string, RegExp>();

/** XSD patterns are anchored; the ISO ones use only syntax JavaScript reads the same way in 'u' mode. */
function xsdRegex(pattern: string): RegExp {
  let re = REGEX_CACHE.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    REGEX_CACHE.set(pattern, re);
  }
  return re;
}

const DECIMAL_RE = /^[+-]?([0-9]*)(?:\.([0-9]*))?$/;
const TZ = '(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?';
const DATE_RE = new RegExp(`^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})${TZ}$`);
const DATETIME_RE = new RegExp(`^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]+)?${TZ}$`);
const TIME_RE = new RegExp(`^([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]+)?${TZ}$`);
const GYEARMONTH_RE = new RegExp(`^(-?[0-9]{4,})-([0-9]{2})${TZ}$`);
const GYEAR_RE = new RegExp(`^(-?[0-9]{4,})${TZ}$`);

function collapse(v: string): string {
  // Most values hold no XML whitespace at all: then collapsing gives them back as they are.
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) return v.replace(/[\t\n\r ]+/g, ' ').trim();
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function validYear(y: string): boolean {
  // XSD 1.0: no year 0000; a leading zero only in a four-digit year.
  const digits = y.startsWith('-') ? y.slice(1) : y;
  return Number(digits) !== 0 && (digits.length === 4 || !digits.startsWith('0'));
}

function validTime(h: number, mi: number, s: number, frac: string | undefined): boolean {
  if (h === 24) return mi === 0 && s === 0 && (frac === undefined || /^\.0+$/.test(frac));
  return h < 24 && mi < 60 && s < 60;
}

/** Digits of a decimal value: total significant digits and fraction digits (XSD value-space counting). */
export function decimalDigits(v: string): { total: number; fraction: number } | null {
  const m = DECIMAL_RE.exec(v);
  if (m === null) return null;
  const int = m[1]!;
  const frac = m[2] ?? '';
  if (int.length === 0 && frac.length === 0) return null;
  // Significant digits: the fraction without trailing zeros, the integer without leading zeros.
  let fracSig = frac.length;
  while (fracSig > 0 && frac.charCodeAt(fracSig - 1) === 48) fracSig--;
  let lead = 0;
  while (lead < int.length && int.charCodeAt(lead) === 48) lead++;
  return { total: Math.max(1, int.length - lead + fracSig), fraction: fracSig };
}

/** Compares two decimal strings exactly (a < b: -1); both already valid decimals (decimalDigits not null). */
export function compareDecimal(a: string, b: string): number {
  // Sign, integer digits without leading zeros and fraction digits without trailing
  // zeros: a value's exact digits; zero has none and no sign. Compared by sign, then
  // the length of the integer digits, then digit by digit (the longer fraction being
  // larger when the shorter is its prefix). No bigint, no copies of the digits.
  const x = decimalParts(a);
  const xi0 = partsI0;
  const xi1 = partsI1;
  const xf1 = partsF1;
  const y = decimalParts(b);
  if (x !== y) return x < y ? -1 : 1;
  if (x === 0) return 0;
  const m = compareMagnitude(a, xi0, xi1, xf1, b, partsI0, partsI1, partsF1);
  return x > 0 || m === 0 ? m : -m;
}

// decimalParts' answer besides the sign: [partsI0, partsI1) the integer's digits after
// leading zeros; the fraction's digits after the point up to partsF1 (trailing zeros cut).
let partsI0 = 0;
let partsI1 = 0;
let partsF1 = 0;

/** The sign of a decimal string (-1, 0, 1), leaving where its significant digits are in partsI0, partsI1, partsF1. */
function decimalParts(v: string): number {
  let i = 0;
  let neg = false;
  const c0 = v.charCodeAt(0);
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    neg = c0 === 45;
    i = 1;
  }
  while (i < v.length && v.charCodeAt(i) === 48) i++;
  const i0 = i;
  while (i < v.length && v.charCodeAt(i) !== 46) i++;
  const i1 = i;
  let f1 = v.length;
  if (i1 < v.length) while (f1 > i1 + 1 && v.charCodeAt(f1 - 1) === 48) f1--;
  else f1 = i1 + 1;
  partsI0 = i0;
  partsI1 = i1;
  partsF1 = f1;
  if (i1 === i0 && f1 <= i1 + 1) return 0;
  return neg ? -1 : 1;
}

function compareMagnitude(a: string, ai0: number, ai1: number, af1: number, b: string, bi0: number, bi1: number, bf1: number): number {
  if (ai1 - ai0 !== bi1 - bi0) return ai1 - ai0 < bi1 - bi0 ? -1 : 1;
  for (let k = 0; k < ai1 - ai0; k++) {
    const d = a.charCodeAt(ai0 + k) - b.charCodeAt(bi0 + k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const an = af1 - ai1 - 1;
  const bn = bf1 - bi1 - 1;
  const n = Math.min(an, bn);
  for (let k = 0; k < n; k++) {
    const d = a.charCodeAt(ai1 + 1 + k) - b.charCodeAt(bi1 + 1 + k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return an === bn ? 0 : an < bn ? -1 : 1;
}

function codePoints(v: string): number {
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** null when `raw` is a valid value of `def`, else the reason. */
export function checkSimple(raw: string, def: SimpleTypeDef): string | null {
  // Whitespace: strings are kept as written; decimals and booleans are collapsed
  // (XSD whiteSpace=collapse). Date and time values: libxml2, the reference
  // validator of layer (b), accepts trailing whitespace on xs:dateTime only and
  // none on xs:date; the two layers must agree, so we follow it.
  const v = def.b === 'string' ? raw : def.b === 'decimal' || def.b === 'boolean' ? collapse(raw) : def.b === 'dateTime' ? raw.replace(/[\t\n\r ]+$/, '') : raw;
  switch (def.b) {
    case 'string':
      break;
    case 'decimal': {
      const d = decimalDigits(v);
      if (d === null) return `${JSON.stringify(v.slice(0, 40))} is not a decimal number`;
      if (def.td !== undefined && d.total > def.td) return `${v} has ${d.total} digits; at most ${def.td} allowed`;
      if (def.fd !== undefined && d.fraction > def.fd) return `${v} has ${d.fraction} decimals; at most ${def.fd} allowed`;
      if (def.minI !== undefined && compareDecimal(v, def.minI) < 0) return `${v} is less than ${def.minI}`;
      if (def.maxI !== undefined && compareDecimal(v, def.maxI) > 0) return `${v} is greater than ${def.maxI}`;
      if (def.minE !== undefined && compareDecimal(v, def.minE) <= 0) return `${v} must be greater than ${def.minE}`;
      if (def.maxE !== undefined && compareDecimal(v, def.maxE) >= 0) return `${v} must be less than ${def.maxE}`;
      break;
    }
    case 'boolean':
      if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0') return `${JSON.stringify(v.slice(0, 40))} is not a boolean (true or false)`;
      break;
    case 'date': {
      const m = DATE_RE.exec(v);
      if (m === null || !validYear(m[1]!)) return `${JSON.stringify(v.slice(0, 40))} is not a date (YYYY-MM-DD)`;
      const mo = Number(m[2]);
      const d = Number(m[3]);
      if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(Number(m[1]), mo)) return `${v} is not a calendar date`;
      break;
    }
    case 'dateTime': {
      const m = DATETIME_RE.exec(v);
      if (m === null || !validYear(m[1]!)) return `${JSON.stringify(v.slice(0, 40))} is not a date-time (YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm])`;
      const mo = Number(m[2]);
      const d = Number(m[3]);
      if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(Number(m[1]), mo) || !validTime(Number(m[4]), Number(m[5]), Number(m[6]), m[7])) {
        return `${v} is not a valid date-time`;
      }
      break;
    }
    case 'time': {
      const m = TIME_RE.exec(v);
      if (m === null || !validTime(Number(m[1]), Number(m[2]), Number(m[3]), m[4])) return `${JSON.stringify(v.slice(0, 40))} is not a time (hh:mm:ss)`;
      break;
    }
    case 'gYearMonth': {
      const m = GYEARMONTH_RE.exec(v);
      if (m === null || !validYear(m[1]!) || Number(m[2]) < 1 || Number(m[2]) > 12) return `${JSON.stringify(v.slice(0, 40))} is not a year-month (YYYY-MM)`;
      break;
    }
    case 'gYear': {
      const m = GYEAR_RE.exec(v);
      if (m === null || !validYear(m[1]!)) return `${JSON.stringify(v.slice(0, 40))} is not a year`;
      break;
    }
  }
  if (def.en !== undefined && !def.en.includes(v)) {
    return `${JSON.stringify(v.slice(0, 40))} is not in the code list (${def.en.length <= 12 ? def.en.join(', ') : `${def.en.slice(0, 12).join(', ')}, …`})`;
  }
  const length = lengthProblem(v, def);
  if (length !== null) return length;
  if (def.p !== undefined && !xsdRegex(def.p).test(v)) return `${JSON.stringify(v.slice(0, 60))} does not match the pattern ${def.p}`;
  return null;
}

/** The length facets' verdict on a value (null: within them). */
function lengthProblem(v: string, def: SimpleTypeDef): string | null {
  // codePoints(v) is at most v.length, and at least 1 when the first unit is no high surrogate:
  // a value within a maximum and a minimum of at most 1 (ISO's MaxNText, names, remittance)
  // is not counted.
  if (
    def.len !== undefined ||
    (def.minLen !== undefined && def.minLen > 0 && (def.minLen > 1 || v.length === 0 || (v.charCodeAt(0) >= 0xd800 && v.charCodeAt(0) <= 0xdbff))) ||
    (def.maxLen !== undefined && v.length > def.maxLen)
  ) {
    const n = codePoints(v);
    if (def.len !== undefined && n !== def.len) return `length ${n}; exactly ${def.len} required`;
    if (def.minLen !== undefined && n < def.minLen) return n === 0 ? 'must not be empty' : `length ${n}; at least ${def.minLen} required`;
    if (def.maxLen !== undefined && n > def.maxLen) return `${n} characters; at most ${def.maxLen} allowed`;
  }
  return null;
}

// --- business rules ---------------------------------------------------------------

/** ISO 3166-1 alpha-2 country codes, plus XK (Kosovo), which SWIFT assigns in BICs. */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO ' +
    'CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR ' +
    'HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN ' +
    'MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD ' +
    'SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
    'YT ZA ZM ZW XK'
  ).split(' '),
);

export const AMOUNT_DIGITS_MAX = 18;

/** ISO 17442 check digits: the 20 characters, letters as 10..35, read as a number, are 1 mod 97. */
export function leiChecksumOk(lei: string): boolean {
  let rem = 0;
  for (let i = 0; i < lei.length; i++) {
    const c = lei.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

function businessOnSimple(ctx: Ctx, typeName: string, value: string, path: string): void {
  if (typeName === 'BICFIDec2014Identifier' || typeName === 'AnyBICDec2014Identifier') {
    const country = value.slice(4, 6);
    if (!COUNTRIES.has(country)) report(ctx, path, `BIC ${value}: ${country} is not an ISO 3166 country code`, 'RC01');
  } else if (typeName === 'LEIIdentifier') {
    if (!leiChecksumOk(value)) report(ctx, path, `LEI ${value}: check digits do not verify (ISO 17442, mod 97)`, 'LEI_INVALID');
  }
}

function businessOnComplexSimple(ctx: Ctx, typeName: string, el: XmlElement, path: string): void {
  if (!typeName.endsWith('CurrencyAndAmount')) return;
  const ccy = el.attrs.find((a) => a.ns === '' && a.local === 'Ccy')?.value;
  if (ccy === undefined) return; // reported by the schema check
  const iso = ISO4217.get(ccy);
  if (iso === undefined) {
    report(ctx, `${path}/@Ccy`, `currency ${ccy} is not an active ISO 4217 code (list of ${ISO4217_PUBLISHED})`, 'AM03');
    return;
  }
  if (ctx.rules === 'platform' && !CURRENCIES.has(ccy)) {
    report(ctx, `${path}/@Ccy`, `currency ${ccy} is valid ISO 4217 but not one this platform settles or converts (its table, src/fx/iso4217.ts)`, 'AM03');
    return;
  }
  if (iso.minor_units === null) return; // gold, SDR, test codes: ISO sets no minor unit
  const minor_units = iso.minor_units;
  const amount = collapse(el.text);
  const d = decimalDigits(amount);
  if (d === null) return;
  if (d.fraction > minor_units) {
    report(ctx, path, `amount ${amount} ${ccy} has ${d.fraction} decimals; ${ccy} has ${minor_units} minor units`, 'AM12');
  }
  const intDigits = integerDigits(amount);
  if (intDigits + minor_units > AMOUNT_DIGITS_MAX) {
    report(ctx, path, `amount ${amount} ${ccy} exceeds ${AMOUNT_DIGITS_MAX} digits in minor units`, 'AM12');
  }
}

/** Digits before the point of a decimal string, without its sign and leading zeros. */
export function integerDigits(amount: string): number {
  let i = amount.charCodeAt(0) === 43 || amount.charCodeAt(0) === 45 ? 1 : 0;
  while (i < amount.length && amount.charCodeAt(i) === 48) i++;
  const dot = amount.indexOf('.', i);
  return (dot < 0 ? amount.length : dot) - i;
}

function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

/** Rules that look at more than one element. */
function businessRules(m: LocatedMessage, errors: IsoIssue[], max: number): void {
  const push = (path: string, code: string, message: string): void => {
    if (errors.length < max) errors.push({ path, code, message });
  };
  if (m.header !== null) {
    const def = childrenNamed(m.header, 'MsgDefIdr')[0];
    if (def !== undefined && def.text.trim() !== m.message_type) {
      push(`${m.headerPath}/MsgDefIdr`, 'HEADER_MISMATCH', `AppHdr names ${JSON.stringify(def.text.trim())} but the Document is ${m.message_type}`);
    }
  }
  if (m.message_type.startsWith('pacs.008.') || m.message_type.startsWith('pacs.009.')) {
    const body = m.document.children[0];
    if (body === undefined) return;
    const seen = new Map<string, number>();
    const txs = childrenNamed(body, 'CdtTrfTxInf');
    txs.forEach((tx, i) => {
      const txPath = `${m.documentPath}/${body.local}/CdtTrfTxInf[${i + 1}]`;
      const pmtId = childrenNamed(tx, 'PmtId')[0];
      if (pmtId === undefined) return; // a schema error already
      const uetr = childrenNamed(pmtId, 'UETR')[0];
      if (uetr === undefined) {
        push(`${txPath}/PmtId/UETR`, 'UETR_MISSING', 'UETR is required on this platform (every payment is tracked by its UETR)');
        return;
      }
      const prev = seen.get(uetr.text);
      if (prev !== undefined) push(`${txPath}/PmtId/UETR`, 'DUPL', `UETR ${uetr.text} repeats the UETR of transaction ${prev}`);
      else seen.set(uetr.text, i + 1);
    });
  }
}

/** Platform rule: the debtor's and creditor's agents of each pacs.008/pacs.009 transaction are participants (the accounts moved). */
function knownAgents(m: LocatedMessage, isParticipant: (bic: string) => boolean, errors: IsoIssue[], max: number): void {
  if (!m.message_type.startsWith('pacs.008.') && !m.message_type.startsWith('pacs.009.')) return;
  const body = m.document.children[0];
  if (body === undefined) return;
  const known = (bic: string): boolean =>
    isParticipant(bic) || (bic.length === 11 && bic.endsWith('XXX') && isParticipant(bic.slice(0, 8))) || (bic.length === 8 && isParticipant(`${bic}XXX`));
  childrenNamed(body, 'CdtTrfTxInf').forEach((tx, i) => {
    for (const [agent, party] of [
      ['DbtrAgt', 'Dbtr'],
      ['CdtrAgt', 'Cdtr'],
    ] as const) {
      // pacs.009 without an agent: the financial institution itself holds the account (as src/iso20022/mapping.ts maps it).
      const holder = childrenNamed(tx, agent)[0] ?? (m.message_type.startsWith('pacs.009.') ? childrenNamed(tx, party)[0] : undefined);
      const fin = holder === undefined ? undefined : childrenNamed(holder, 'FinInstnId')[0];
      const bicEl = fin === undefined ? undefined : childrenNamed(fin, 'BICFI')[0];
      if (bicEl === undefined || known(bicEl.text.trim()) || errors.length >= max) continue;
      const path = `${m.documentPath}/${body.local}/CdtTrfTxInf[${i + 1}]/${holder!.local}/FinInstnId/BICFI`;
      errors.push({ path, code: REASON.incorrect_agent, message: `${bicEl.text.trim()} is not a participant of this platform` });
    }
  });
}

// --- layer (b): the official XSD via libxml2 (WebAssembly) ---------------------

type Libxml = typeof import('libxml2-wasm');
let libxml: Promise<Libxml> | null = null;
/** The module once loaded, so a validation after the first needs no await for it. */
let libxmlLoaded: Libxml | null = null;
const validators = new Map<string, { validator: import('libxml2-wasm').XsdValidator } | { error: string }>();

async function xsdValidatorFor(dir: string, id: string): Promise<{ validator: import('libxml2-wasm').XsdValidator } | { error: string }> {
  const key = `${dir}\u0000${id}`;
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  libxml ??= import('libxml2-wasm');
  const lib = await libxml;
  libxmlLoaded = lib;
  let entry: { validator: import('libxml2-wasm').XsdValidator } | { error: string };
  try {
    const bytes = readFileSync(join(dir, `${id}.xsd`));
    // The schema document must outlive the validator built from it; both are cached for the process.
    const schemaDoc = lib.XmlDocument.fromBuffer(bytes);
    entry = { validator: lib.XsdValidator.fromDoc(schemaDoc) };
  } catch (err) {
    entry = { error: `cannot load ${join(dir, `${id}.xsd`)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  validators.set(key, entry);
  return entry;
}

/**
 * Serialises `el` with one start tag per line, so that the line libxml2 reports
 * maps back to the XPath of the element (xsdPaths, computed only for a message
 * that fails: a valid one never pays for the paths).
 */
export function serializeForXsd(el: XmlElement): string {
  return writeForXsd(el, null, '');
}

function writeForXsd(e: XmlElement, parentNs: string | null, into: string): string {
  let out = `${into}<${e.local}`;
  if (e.ns !== parentNs) out += ` xmlns="${escapeAttr(e.ns)}"`;
  let k = 0;
  for (const a of e.attrs) {
    if (a.ns === '') out += ` ${a.local}="${escapeAttr(a.value)}"`;
    else out += ` xmlns:n${k}="${escapeAttr(a.ns)}" n${k++}:${a.local}="${escapeAttr(a.value)}"`;
  }
  if (e.children.length === 0) return `${out}>${escapeText(e.text)}</${e.local}>`;
  out += '>';
  if (!isXmlSpace(e.text)) out += escapeText(e.text.trim());
  for (const c of e.children) out = writeForXsd(c, e.ns, `${out}\n`);
  return `${out}</${e.local}>`;
}

/** The XPath of each line of serializeForXsd(el), line 1 first; `path` is el's own. */
export function xsdPaths(el: XmlElement, path: string): string[] {
  const paths: string[] = [path];
  const walk = (e: XmlElement, p: string): void => {
    const totals = new Map<string, number>();
    for (const c of e.children) totals.set(c.local, (totals.get(c.local) ?? 0) + 1);
    const counts = new Map<string, number>();
    for (const c of e.children) {
      const n = (counts.get(c.local) ?? 0) + 1;
      counts.set(c.local, n);
      const cp = totals.get(c.local)! > 1 ? `${p}/${c.local}[${n}]` : `${p}/${c.local}`;
      paths.push(cp);
      walk(c, cp);
    }
  };
  walk(el, path);
  return paths;
}

/** Layer (b) for one part of a message: the XSD verdict as issues (empty when valid). */
export async function xsdValidate(dir: string, id: string, el: XmlElement, path: string): Promise<IsoIssue[]> {
  const verdict = await xsdCheck(dir, id, serializeForXsd(el));
  if ('error' in verdict) return [{ path, code: 'XSD_UNAVAILABLE', message: verdict.error }];
  return verdict.length === 0 ? [] : xsdIssues(el, path, id, verdict);
}

/**
 * libxml2's verdict on one part serialised by serializeForXsd: [line, message] of
 * each error (empty when valid), or why the schema cannot be loaded. Takes and
 * gives plain data, so a worker thread can run it (./xsd_pool.ts).
 */
export async function xsdCheck(dir: string, id: string, xml: string): Promise<Array<[number, string]> | { error: string }> {
  const entry = await xsdValidatorFor(dir, id);
  if ('error' in entry) return entry;
  const lib = libxmlLoaded!;
  // Encoded natively and copied in one move: fromString encodes into the WebAssembly memory character by character.
  const doc = lib.XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'));
  try {
    entry.validator.validate(doc);
    return [];
  } catch (err) {
    if (!(err instanceof lib.XmlValidateError)) throw err;
    return err.details.map((d): [number, string] => [d.line, d.message]);
  } finally {
    doc.dispose();
  }
}

/** libxml2's errors on a part as issues at the XPath of the line each names. */
export function xsdIssues(el: XmlElement, path: string, id: string, lines: ReadonlyArray<[number, string]>): IsoIssue[] {
  const paths = xsdPaths(el, path);
  return lines.map(([line, message]) => ({ path: paths[line - 1] ?? path, code: SCHEMA_CODE, message: `XSD ${id}: ${message.trim()}` }));
}

/** Frees the cached XSD validators (tests, long-running tools). */
export function clearXsdCache(): void {
  for (const v of validators.values()) if ('validator' in v) v.validator.dispose();
  validators.clear();
}

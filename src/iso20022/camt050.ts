// camt.050.001.05 LiquidityCreditTransfer, read: this module owns the structural
// reader of the liquidity transfer a home RTGS sends when a bank moves money from
// home to its settlement account on the platform, and the model it yields. What
// the platform does with it is ./liquidity_transfer.ts.
//
// The official camt.050 XSD is not among the schemas the project validates with,
// so there is no built-in definition generated from it (./schema/) and no XSD
// layer: until the official XSD is provided, the check is structural. The reader
// accepts exactly the elements the platform uses, in the order of the message
// definition (LiquidityCreditTransferV05), each at most once, in the camt.050
// namespace, and refuses any other element — also ones the standard allows (a
// name on the account, supplementary data) — naming it, since nothing would check
// it. Values are checked against the ISO data types of the official XSDs the
// platform has (./schema/common.ts: Max35Text, ISODate, ISODateTime, BICFI, UUIDv4,
// ActiveCurrencyCode, the amount's decimal). A header, if any, is checked as head.001.
//
//   Document/LqdtyCdtTrf
//     MsgHdr/MsgId, MsgHdr/CreDtTm?                       message id (and when it was created)
//     LqdtyCdtTrf/LqdtyTrfId/(InstrId?, EndToEndId, TxId?, UETR?)   the transfer's ids; EndToEndId is its reference
//     LqdtyCdtTrf/Cdtr/FinInstnId/BICFI?                  the bank funded
//     LqdtyCdtTrf/CdtrAcct/Id/Othr/Id                     its settlement account (the id camt.053 statements carry)
//     LqdtyCdtTrf/TrfdAmt/AmtWthCcy[@Ccy]                 the amount and its currency
//     LqdtyCdtTrf/Dbtr/FinInstnId/BICFI?                  the central bank
//     LqdtyCdtTrf/DbtrAcct/Id/Othr/Id                     its mirror account on the platform
//     LqdtyCdtTrf/SttlmDt?                                settlement date
//
// Codes: FF01 for structure and data types, AC03 inside the creditor account, AC02
// inside the debtor account, AM12 for the amount's value, AM03 for its currency;
// envelope and XML problems keep the codes of ./envelope.ts and ../xml/reader.ts.

import { DEFAULT_XML_LIMITS, XmlError, parseXml, type XmlElement, type XmlLimits } from '../xml/reader.js';
import { HEAD_ID, IsoError, locateParts, type MessageParts } from './envelope.js';
import { COMMON_SIMPLE } from './schema/common.js';
import { ISO_NS_PREFIX, SCHEMAS } from './schema/index.js';
import { checkSimple, SCHEMA_CODE, validateTree, type IsoIssue, type ValidationResult } from './validate.js';

export const CAMT050 = 'camt.050.001.05';
export const CAMT050_NS = `${ISO_NS_PREFIX}${CAMT050}`;

/** The liquidity transfer as the platform reads it (amount as written, collapsed). */
export interface LiquidityCreditTransfer {
  message_id: string;
  creation_date_time?: string;
  instruction_id?: string;
  end_to_end_id: string;
  transaction_id?: string;
  uetr?: string;
  creditor_bic?: string;
  creditor_account: string;
  amount: { currency: string; value: string };
  debtor_bic?: string;
  debtor_account: string;
  settlement_date?: string;
}

export interface Camt050Reading {
  /** "camt.050.001.05", another camt.050 version, or null when the input was not recognised. */
  message_type: string | null;
  errors: IsoIssue[];
  /** The transfer, when the message reads without error. */
  transfer: LiquidityCreditTransfer | null;
  /** MsgHdr/MsgId when it could be read (a rejection quotes it). */
  message_id: string | null;
  /** XPath of the Document, for the paths of later refusals (./liquidity_transfer.ts). */
  document_path: string;
}

/** Whether a message id is some version of camt.050. */
export function isCamt050(message_type: string | null): boolean {
  return message_type?.startsWith('camt.050.') === true;
}

/** XPaths of the elements a later check may refuse, under the Document at `documentPath`. */
export function camt050Paths(documentPath: string) {
  const tx = `${documentPath}/LqdtyCdtTrf/LqdtyCdtTrf`;
  return {
    message_id: `${documentPath}/LqdtyCdtTrf/MsgHdr/MsgId`,
    end_to_end_id: `${tx}/LqdtyTrfId/EndToEndId`,
    creditor_bic: `${tx}/Cdtr/FinInstnId/BICFI`,
    creditor_account: `${tx}/CdtrAcct/Id/Othr/Id`,
    amount: `${tx}/TrfdAmt/AmtWthCcy`,
    currency: `${tx}/TrfdAmt/AmtWthCcy/@Ccy`,
    debtor_bic: `${tx}/Dbtr/FinInstnId/BICFI`,
    debtor_account: `${tx}/DbtrAcct/Id/Othr/Id`,
    settlement_date: `${tx}/SttlmDt`,
  };
}

/** One element the reader accepts: a value of `type`, or `kids` in this order; `code` for the problems inside it. */
interface Shape {
  readonly name: string;
  readonly min: 0 | 1;
  readonly type?: string;
  readonly kids?: readonly Shape[];
  readonly code?: string;
  /** The amount: a decimal value (code AM12) with its Ccy attribute (AM03). */
  readonly amount?: true;
}

const AGENT: readonly Shape[] = [{ name: 'FinInstnId', min: 1, kids: [{ name: 'BICFI', min: 1, type: 'BICFIDec2014Identifier' }] }];
const ACCOUNT: readonly Shape[] = [{ name: 'Id', min: 1, kids: [{ name: 'Othr', min: 1, kids: [{ name: 'Id', min: 1, type: 'Max34Text' }] }] }];

const MODEL: Shape = {
  name: 'Document',
  min: 1,
  kids: [
    {
      name: 'LqdtyCdtTrf',
      min: 1,
      kids: [
        {
          name: 'MsgHdr',
          min: 1,
          kids: [
            { name: 'MsgId', min: 1, type: 'Max35Text' },
            { name: 'CreDtTm', min: 0, type: 'ISODateTime' },
          ],
        },
        {
          name: 'LqdtyCdtTrf',
          min: 1,
          kids: [
            {
              name: 'LqdtyTrfId',
              min: 1,
              kids: [
                { name: 'InstrId', min: 0, type: 'Max35Text' },
                { name: 'EndToEndId', min: 1, type: 'Max35Text' },
                { name: 'TxId', min: 0, type: 'Max35Text' },
                { name: 'UETR', min: 0, type: 'UUIDv4Identifier' },
              ],
            },
            { name: 'Cdtr', min: 0, kids: AGENT, code: 'AC03' },
            { name: 'CdtrAcct', min: 1, kids: ACCOUNT, code: 'AC03' },
            { name: 'TrfdAmt', min: 1, kids: [{ name: 'AmtWthCcy', min: 1, type: 'ActiveCurrencyAndAmount_SimpleType', amount: true }], code: 'AM12' },
            { name: 'Dbtr', min: 0, kids: AGENT, code: 'AC02' },
            { name: 'DbtrAcct', min: 1, kids: ACCOUNT, code: 'AC02' },
            { name: 'SttlmDt', min: 0, type: 'ISODate' },
          ],
        },
      ],
    },
  ],
};

function isSpace(text: string): boolean {
  return /^[\t\n\r ]*$/.test(text);
}

/** Checks `el` against `shape`; the first problem in each element is reported, and nothing under it. */
function checkShape(el: XmlElement, shape: Shape, path: string, inherited: string, errors: IsoIssue[]): void {
  const code = shape.code ?? inherited;
  const problem = elementProblem(el, shape, path, code, errors);
  if (problem !== null) errors.push(problem);
}

/** The problem of `el` itself (its children are checked on the way), or null. */
function elementProblem(el: XmlElement, shape: Shape, path: string, code: string, errors: IsoIssue[]): IsoIssue | null {
  const issue = (at: string, message: string, c = code): IsoIssue => ({ path: at, code: c, message });
  if (el.ns !== CAMT050_NS) return issue(path, `element ${el.local} is in namespace ${JSON.stringify(el.ns)}, not ${CAMT050_NS}`);
  if (!checkAttributes(el, shape, path, errors)) return null;
  if (shape.type !== undefined) {
    if (el.children.length > 0) return issue(`${path}/${el.children[0]!.local}`, `element ${el.local} has a simple value and cannot contain elements`);
    const wrong = checkSimple(el.text, COMMON_SIMPLE[shape.type]!);
    return wrong === null ? null : issue(path, `${el.local}: ${wrong}`, shape.amount === true ? 'AM12' : code);
  }
  if (!isSpace(el.text)) return issue(path, `element ${el.local} has element-only content; text is not allowed`);
  const kids = shape.kids!;
  let next = 0;
  for (const c of el.children) {
    const at = kids.findIndex((k, i) => i >= next && k.name === c.local);
    if (at < 0) {
      const known = kids.some((k) => k.name === c.local);
      const why = known
        ? `is out of order or repeated in ${el.local}`
        : `is not one this platform reads in ${el.local} (camt.050 is checked structurally, for the elements the platform uses: ${kids.map((k) => k.name).join(', ')})`;
      return issue(`${path}/${c.local}`, `element ${c.local} ${why}`);
    }
    const missing = kids.slice(next, at).find((k) => k.min === 1);
    if (missing !== undefined) return issue(`${path}/${missing.name}`, `missing required element ${missing.name} in ${el.local}`, missing.code ?? code);
    checkShape(c, kids[at]!, `${path}/${c.local}`, code, errors);
    next = at + 1;
  }
  const missing = kids.slice(next).find((k) => k.min === 1);
  return missing === undefined ? null : issue(`${path}/${missing.name}`, `missing required element ${missing.name} in ${el.local}`, missing.code ?? code);
}

/** The amount's Ccy (AM03 when missing or not a currency code); no attribute elsewhere. False when one was refused. */
function checkAttributes(el: XmlElement, shape: Shape, path: string, errors: IsoIssue[]): boolean {
  for (const a of el.attrs) {
    if (shape.amount === true && a.ns === '' && a.local === 'Ccy') continue;
    errors.push({ path: `${path}/@${a.qname}`, code: SCHEMA_CODE, message: `attribute ${a.qname} is not allowed on ${el.local}` });
    return false;
  }
  if (shape.amount !== true) return true;
  const ccy = el.attrs.find((a) => a.ns === '' && a.local === 'Ccy');
  const problem = ccy === undefined ? `required attribute Ccy is missing on ${el.local}` : checkSimple(ccy.value, COMMON_SIMPLE.ActiveCurrencyCode!);
  if (problem === null) return true;
  errors.push({ path: `${path}/@Ccy`, code: 'AM03', message: problem });
  return false;
}

function child(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = el;
  for (const n of names) at = at?.children.find((c) => c.local === n);
  return at;
}

function textOf(el: XmlElement | undefined, ...names: string[]): string | undefined {
  return child(el, ...names)?.text;
}

/** The model of a message that passed checkShape. */
function modelOf(document: XmlElement): LiquidityCreditTransfer {
  const root = child(document, 'LqdtyCdtTrf');
  const tx = child(root, 'LqdtyCdtTrf');
  const amount = child(tx, 'TrfdAmt', 'AmtWthCcy')!;
  const t: LiquidityCreditTransfer = {
    message_id: textOf(root, 'MsgHdr', 'MsgId')!,
    end_to_end_id: textOf(tx, 'LqdtyTrfId', 'EndToEndId')!,
    creditor_account: textOf(tx, 'CdtrAcct', 'Id', 'Othr', 'Id')!,
    amount: { currency: amount.attrs.find((a) => a.local === 'Ccy')!.value, value: amount.text.replace(/[\t\n\r ]+/g, ' ').trim() },
    debtor_account: textOf(tx, 'DbtrAcct', 'Id', 'Othr', 'Id')!,
  };
  const optional: Array<[keyof LiquidityCreditTransfer, string | undefined]> = [
    ['creation_date_time', textOf(root, 'MsgHdr', 'CreDtTm')],
    ['instruction_id', textOf(tx, 'LqdtyTrfId', 'InstrId')],
    ['transaction_id', textOf(tx, 'LqdtyTrfId', 'TxId')],
    ['uetr', textOf(tx, 'LqdtyTrfId', 'UETR')],
    ['creditor_bic', textOf(tx, 'Cdtr', 'FinInstnId', 'BICFI')],
    ['debtor_bic', textOf(tx, 'Dbtr', 'FinInstnId', 'BICFI')],
    ['settlement_date', textOf(tx, 'SttlmDt')],
  ];
  for (const [k, v] of optional) if (v !== undefined) (t as unknown as Record<string, string>)[k] = v;
  return t;
}

/** The header (head.001), checked as the other messages' are, and naming camt.050. */
function checkHeader(parts: MessageParts, errors: IsoIssue[]): void {
  if (parts.header === null) return;
  validateTree(SCHEMAS.get(HEAD_ID)!, parts.header, parts.headerPath!, errors);
  const def = child(parts.header, 'MsgDefIdr');
  if (def !== undefined && def.text.trim() !== CAMT050)
    errors.push({
      path: `${parts.headerPath}/MsgDefIdr`,
      code: 'HEADER_MISMATCH',
      message: `AppHdr names ${JSON.stringify(def.text.trim())} but the Document is ${CAMT050}`,
    });
}

/** Reads a camt.050 (bytes in); the transfer when it passes the structural check, else every problem found. */
export function readCamt050(input: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): Camt050Reading {
  let parts: MessageParts;
  try {
    parts = locateParts(parseXml(input, limits));
  } catch (err) {
    if (!(err instanceof XmlError || err instanceof IsoError)) throw err;
    const message_type = err instanceof IsoError ? err.message_type : null;
    return { message_type, errors: [{ path: err.path, code: err.code, message: err.message }], transfer: null, message_id: null, document_path: '/Document' };
  }
  const out: Camt050Reading = { message_type: parts.message_type, errors: [], transfer: null, message_id: null, document_path: parts.documentPath };
  if (parts.message_type !== CAMT050) {
    const why = isCamt050(parts.message_type) ? `is not supported; this platform accepts ${CAMT050}` : `is not a liquidity transfer (${CAMT050})`;
    out.errors.push({ path: parts.documentPath, code: 'MESSAGE_UNSUPPORTED', message: `message ${parts.message_type} ${why}` });
    return out;
  }
  const msgId = textOf(parts.document, 'LqdtyCdtTrf', 'MsgHdr', 'MsgId');
  if (msgId !== undefined && checkSimple(msgId, COMMON_SIMPLE.Max35Text!) === null) out.message_id = msgId;
  checkHeader(parts, out.errors);
  checkShape(parts.document, MODEL, parts.documentPath, SCHEMA_CODE, out.errors);
  if (out.errors.length === 0) out.transfer = modelOf(parts.document);
  return out;
}

/** A camt.050 as `iso validate` reports a message: structural, so never an XSD verdict. */
export function validateCamt050(input: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): ValidationResult {
  const r = readCamt050(input, limits);
  return { valid: r.errors.length === 0, message_type: r.message_type, errors: r.errors, message: null };
}

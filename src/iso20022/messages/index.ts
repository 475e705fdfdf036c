// Typed ISO 20022 messages in and out. This module owns the JSON shape of a
// message ({message_type, header?, document}) and the dispatch from message type
// to its model: build (model -> XML, in the BizMsg envelope when there is a
// header, see ../envelope.ts) and parse (XML -> model, amounts as decimal strings).
//
// Typed models: head.001.001.02, pacs.008.001.08, pacs.009.001.08,
// pacs.002.001.10, pacs.004.001.09, camt.053.001.08, camt.054.001.08,
// camt.056.001.08, camt.029.001.09 — every message version the platform
// accepts. `GenericElement` remains the fallback shape for a located message
// of a type without a model (none today).

import { parseXml, type XmlElement, type XmlLimits, DEFAULT_XML_LIMITS } from '../../xml/reader.js';
import { escapeAttr } from '../../xml/writer.js';
import { ENVELOPE_ELEMENT, ENVELOPE_NS, locateMessage, type LocatedMessage } from '../envelope.js';
import { buildAppHdr, parseAppHdr, type AppHdr } from './head001.js';
import { buildPacs008, buildPacs009, parsePacs008, parsePacs009, type Pacs008, type Pacs009 } from './pacs008.js';
import { buildPacs002, parsePacs002, type Pacs002 } from './pacs002.js';
import { buildPacs004, parsePacs004, type Pacs004 } from './pacs004.js';
import { buildCamt053, parseCamt053, type Camt053 } from './camt053.js';
import { buildCamt054, parseCamt054, type Camt054 } from './camt054.js';
import { buildCamt056, parseCamt056, type Camt056 } from './camt056.js';
import { buildCamt029, parseCamt029, type Camt029 } from './camt029.js';
import { BuildError } from './tree.js';

export type { AppHdr } from './head001.js';
export type { Pacs008, Pacs009, CustomerCreditTransfer, InstitutionCreditTransfer, GroupHeader } from './pacs008.js';
export type { Pacs002, TransactionStatus, StatusReason, JournalHeadRef } from './pacs002.js';
export { JOURNAL_HEAD_NS } from './pacs002.js';
export type { Pacs004, ReturnTransaction, ReturnGroupHeader, ReturnChain, OriginalPayment, OriginalPaymentRef, ReturnInput } from './pacs004.js';
export type {
  Camt053,
  AccountReport,
  Entry,
  EntryTransaction,
  Balance,
  BankTransactionCode,
  ReportAccountInput,
  EntryInput,
  StatementInput,
} from './camt053.js';
export type { Camt054, NotificationInput } from './camt054.js';
export type { Camt056, CancellationTransaction, CancellationRequestInput, PaymentToCancel } from './camt056.js';
export type { Camt029, CancellationStatusTransaction, InvestigationStatus, ResolutionInput } from './camt029.js';
export type {
  Amount,
  Party,
  Agent,
  Account,
  PostalAddress,
  CodeOrProprietary,
  PartyOrAgent,
  ReasonInformation,
  CaseAssignment,
  InvestigationCase,
  MinorAmount,
  CreditDebit,
} from './common.js';
export { returnOf, originalRefs } from './pacs004.js';
export { statementFor } from './camt053.js';
export { notificationFor } from './camt054.js';
export { cancellationRequest } from './camt056.js';
export { resolution } from './camt029.js';
export { amountOfMinor, minorOfAmount } from './common.js';
export { BuildError } from './tree.js';

/** A message of a type without a typed model yet: its element tree as JSON. */
export interface GenericElement {
  name: string;
  attributes?: Record<string, string>;
  text?: string;
  children?: GenericElement[];
}

export type IsoMessage =
  | { message_type: 'pacs.008.001.08'; header?: AppHdr; document: Pacs008 }
  | { message_type: 'pacs.009.001.08'; header?: AppHdr; document: Pacs009 }
  | { message_type: 'pacs.002.001.10'; header?: AppHdr; document: Pacs002 }
  | { message_type: 'pacs.004.001.09'; header?: AppHdr; document: Pacs004 }
  | { message_type: 'camt.053.001.08'; header?: AppHdr; document: Camt053 }
  | { message_type: 'camt.054.001.08'; header?: AppHdr; document: Camt054 }
  | { message_type: 'camt.056.001.08'; header?: AppHdr; document: Camt056 }
  | { message_type: 'camt.029.001.09'; header?: AppHdr; document: Camt029 };

export type ParsedIsoMessage = IsoMessage | { message_type: string; header?: AppHdr; document: GenericElement };

export const TYPED_MESSAGES: readonly string[] = [
  'pacs.008.001.08',
  'pacs.009.001.08',
  'pacs.002.001.10',
  'pacs.004.001.09',
  'camt.053.001.08',
  'camt.054.001.08',
  'camt.056.001.08',
  'camt.029.001.09',
];

/** Builds the XML of a message: a bare Document, or BizMsg(AppHdr, Document) when there is a header. */
export function buildMessage(m: IsoMessage): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  if (m.header !== undefined) {
    if (m.header.message_definition_id !== m.message_type) {
      throw new BuildError('/AppHdr/MsgDefIdr', `header names ${m.header.message_definition_id} but the message is ${m.message_type}`);
    }
    out.push('<', ENVELOPE_ELEMENT, ' xmlns="', escapeAttr(ENVELOPE_NS), '">');
    buildAppHdr(m.header, out);
  }
  switch (m.message_type) {
    case 'pacs.008.001.08':
      buildPacs008(m.document, out);
      break;
    case 'pacs.009.001.08':
      buildPacs009(m.document, out);
      break;
    case 'pacs.002.001.10':
      buildPacs002(m.document, out);
      break;
    case 'pacs.004.001.09':
      buildPacs004(m.document, out);
      break;
    case 'camt.053.001.08':
      buildCamt053(m.document, out);
      break;
    case 'camt.054.001.08':
      buildCamt054(m.document, out);
      break;
    case 'camt.056.001.08':
      buildCamt056(m.document, out);
      break;
    case 'camt.029.001.09':
      buildCamt029(m.document, out);
      break;
    default:
      throw new BuildError('/', `no builder for message type ${JSON.stringify((m as { message_type: unknown }).message_type)}`);
  }
  if (m.header !== undefined) out.push('</', ENVELOPE_ELEMENT, '>');
  return out.join('');
}

/** The model of a located message (no validation: call validate first for untrusted input). */
export function modelOf(located: LocatedMessage): ParsedIsoMessage {
  const header = located.header === null ? undefined : parseAppHdr(located.header);
  const withHeader = <T extends object>(o: T): T => (header === undefined ? o : { ...o, header });
  switch (located.message_type) {
    case 'pacs.008.001.08':
      return withHeader({ message_type: 'pacs.008.001.08' as const, document: parsePacs008(located.document) });
    case 'pacs.009.001.08':
      return withHeader({ message_type: 'pacs.009.001.08' as const, document: parsePacs009(located.document) });
    case 'pacs.002.001.10':
      return withHeader({ message_type: 'pacs.002.001.10' as const, document: parsePacs002(located.document) });
    case 'pacs.004.001.09':
      return withHeader({ message_type: 'pacs.004.001.09' as const, document: parsePacs004(located.document) });
    case 'camt.053.001.08':
      return withHeader({ message_type: 'camt.053.001.08' as const, document: parseCamt053(located.document) });
    case 'camt.054.001.08':
      return withHeader({ message_type: 'camt.054.001.08' as const, document: parseCamt054(located.document) });
    case 'camt.056.001.08':
      return withHeader({ message_type: 'camt.056.001.08' as const, document: parseCamt056(located.document) });
    case 'camt.029.001.09':
      return withHeader({ message_type: 'camt.029.001.09' as const, document: parseCamt029(located.document) });
    default:
      return withHeader({ message_type: located.message_type, document: genericElement(located.document) });
  }
}

/** Reads XML (safely, with limits) straight into a model; throws XmlError or IsoError. */
export function parseMessage(input: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): ParsedIsoMessage {
  return modelOf(locateMessage(parseXml(input, limits)));
}

export function genericElement(el: XmlElement): GenericElement {
  const g: GenericElement = { name: el.local };
  if (el.attrs.length > 0) g.attributes = Object.fromEntries(el.attrs.map((a) => [a.local, a.value]));
  if (el.children.length > 0) g.children = el.children.map(genericElement);
  else if (el.text.length > 0) g.text = el.text;
  return g;
}

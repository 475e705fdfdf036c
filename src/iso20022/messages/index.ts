// Typed ISO 20022 messages in and out. This module owns the JSON shape of a
// message ({message_type, header?, document}) and the dispatch from message type
// to its model: build (model -> XML, in the BizMsg envelope when there is a
// header, see ../envelope.ts) and parse (XML -> model, amounts as decimal strings).
//
// Typed models: head.001.001.02, pacs.008.001.08, pacs.009.001.08,
// pacs.002.001.10. The other supported types (pacs.004, camt.053/054/056/029)
// are validated in full but parse to a generic element tree (`GenericElement`)
// until their models arrive with the platform use cases that need them.

import { parseXml, escapeAttr, type XmlElement, type XmlLimits, DEFAULT_XML_LIMITS } from '../xml.js';
import { ENVELOPE_ELEMENT, ENVELOPE_NS, locateMessage, type LocatedMessage } from '../envelope.js';
import { buildAppHdr, parseAppHdr, type AppHdr } from './head001.js';
import { buildPacs008, buildPacs009, parsePacs008, parsePacs009, type Pacs008, type Pacs009 } from './pacs008.js';
import { buildPacs002, parsePacs002, type Pacs002 } from './pacs002.js';
import { BuildError } from './tree.js';

export type { AppHdr } from './head001.js';
export type { Pacs008, Pacs009, CustomerCreditTransfer, InstitutionCreditTransfer, GroupHeader } from './pacs008.js';
export type { Pacs002, TransactionStatus, StatusReason } from './pacs002.js';
export type { Amount, Party, Agent, Account, PostalAddress, CodeOrProprietary } from './common.js';
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
  | { message_type: 'pacs.002.001.10'; header?: AppHdr; document: Pacs002 };

export type ParsedIsoMessage = IsoMessage | { message_type: string; header?: AppHdr; document: GenericElement };

export const TYPED_MESSAGES: readonly string[] = ['pacs.008.001.08', 'pacs.009.001.08', 'pacs.002.001.10'];

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

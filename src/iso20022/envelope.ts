// How a business message travels: this module owns finding the AppHdr
// (head.001.001.02) and the Document in an input, and recognising the message
// type from the Document's namespace.
//
// The envelope. ISO 20022 leaves the pairing of header and document to the
// transport; SWIFTNet (CBPR+) and the Eurosystem's ESMIG (T2) both carry the
// AppHdr and the Document as two sibling XML trees inside a transport wrapper
// (SWIFT's DataPDU <Body>, ESMIG's business-message envelope), each in its own
// namespace and each valid against its own schema. sco-settle does the same:
//
//   <BizMsg xmlns="urn:sco-settle:xsd:bizmsg.001">
//     <AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">…</AppHdr>
//     <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">…</Document>
//   </BizMsg>
//
// Read: a bare <Document> (no header), or any non-ISO wrapper whose element
// children are AppHdr then Document — directly, or one or two wrapper levels
// down (so a SWIFT DataPDU/Body is read as it comes). Written: the BizMsg form.

import type { XmlDocument, XmlElement } from '../xml/reader.js';
import { ISO_NS_PREFIX, SCHEMAS, messageIdOfNamespace, supportedVersionOf, type MessageSchema } from './schema/index.js';

export const ENVELOPE_NS = 'urn:sco-settle:xsd:bizmsg.001';
export const ENVELOPE_ELEMENT = 'BizMsg';
export const HEAD_ID = 'head.001.001.02';

export type IsoErrorCode = 'NAMESPACE_UNKNOWN' | 'MESSAGE_UNSUPPORTED' | 'HEADER_UNSUPPORTED' | 'DOCUMENT_MISSING' | 'ENVELOPE_INVALID';

export class IsoError extends Error {
  readonly code: IsoErrorCode;
  readonly path: string;
  readonly message_type: string | null;
  constructor(code: IsoErrorCode, path: string, message: string, message_type: string | null = null) {
    super(message);
    this.code = code;
    this.path = path;
    this.message_type = message_type;
    this.name = 'IsoError';
  }
}

export interface LocatedMessage {
  readonly message_type: string;
  readonly schema: MessageSchema;
  readonly root: XmlElement;
  readonly header: XmlElement | null;
  readonly headerPath: string | null;
  readonly document: XmlElement;
  readonly documentPath: string;
}

const WRAPPER_DEPTH_MAX = 3;

/** Where the parts of a message are, and the message id its Document's namespace names; no definition looked up. */
export type MessageParts = Omit<LocatedMessage, 'schema'>;

export function locateMessage(doc: XmlDocument): LocatedMessage {
  const parts = locateParts(doc);
  const id = parts.message_type;
  const schema = SCHEMAS.get(id);
  if (schema === undefined || id === HEAD_ID) {
    const alt = supportedVersionOf(id);
    const hint =
      alt !== null && alt !== HEAD_ID ? `; this platform accepts ${alt}` : `; supported: ${[...SCHEMAS.keys()].filter((k) => k !== HEAD_ID).join(', ')}`;
    throw new IsoError('MESSAGE_UNSUPPORTED', parts.documentPath, `message ${id} is not supported${hint}`, id);
  }
  // Written out rather than spread (`{ ...parts, schema }`): the same fields in the same order, without V8's slow copy of a spread with an added field.
  return {
    message_type: parts.message_type,
    root: parts.root,
    header: parts.header,
    headerPath: parts.headerPath,
    document: parts.document,
    documentPath: parts.documentPath,
    schema,
  };
}

/** The AppHdr and Document of an input and the message id; throws IsoError when they cannot be found. */
export function locateParts(doc: XmlDocument): MessageParts {
  const root = doc.root;
  let header: XmlElement | null = null;
  let headerPath: string | null = null;
  let document: XmlElement;
  let documentPath: string;
  if (root.local === 'Document') {
    document = root;
    documentPath = '/Document';
  } else if (root.ns.startsWith(ISO_NS_PREFIX)) {
    throw new IsoError('DOCUMENT_MISSING', `/${root.local}`, `root element ${root.local} is not a Document or an envelope holding one`);
  } else {
    // Descend through wrappers (non-ISO elements with a single element child) to the AppHdr + Document pair.
    let wrapper = root;
    let path = `/${root.local}`;
    for (let depth = 1; ; depth++) {
      const kids = wrapper.children;
      if (kids.length === 1 && !kids[0]!.ns.startsWith(ISO_NS_PREFIX) && kids[0]!.local !== 'Document' && depth < WRAPPER_DEPTH_MAX) {
        wrapper = kids[0]!;
        path += `/${wrapper.local}`;
        continue;
      }
      break;
    }
    const kids = wrapper.children;
    const docIdx = kids.findIndex((k) => k.local === 'Document');
    if (docIdx < 0) throw new IsoError('DOCUMENT_MISSING', path, `no Document element in ${wrapper.local}`);
    if (kids.length > 2 || (kids.length === 2 && (docIdx !== 1 || kids[0]!.local !== 'AppHdr'))) {
      throw new IsoError('ENVELOPE_INVALID', path, `${wrapper.local} must hold AppHdr then Document, found ${kids.map((k) => k.local).join(', ')}`);
    }
    if (wrapper.text.trim().length > 0) throw new IsoError('ENVELOPE_INVALID', path, `${wrapper.local} must not contain text`);
    document = kids[docIdx]!;
    documentPath = `${path}/Document`;
    if (docIdx === 1) {
      header = kids[0]!;
      headerPath = `${path}/AppHdr`;
      const hid = messageIdOfNamespace(header.ns);
      if (hid !== HEAD_ID) {
        throw new IsoError(
          'HEADER_UNSUPPORTED',
          headerPath,
          `AppHdr namespace ${JSON.stringify(header.ns)} is not ${ISO_NS_PREFIX}${HEAD_ID}; accepted header: ${HEAD_ID}`,
        );
      }
    }
  }
  const id = messageIdOfNamespace(document.ns);
  if (id === null) {
    throw new IsoError(
      'NAMESPACE_UNKNOWN',
      documentPath,
      `Document namespace ${JSON.stringify(document.ns)} is not an ISO 20022 message namespace (${ISO_NS_PREFIX}<message id>)`,
    );
  }
  return { message_type: id, root, header, headerPath, document, documentPath };
}

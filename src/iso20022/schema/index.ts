// The registry of message versions the platform reads and writes: message id ->
// built-in definition. A message is recognised by its XML namespace
// (urn:iso:std:iso:20022:tech:xsd:<id>); other versions of the same message are
// not mapped silently — they are refused as MESSAGE_UNSUPPORTED, naming the
// version this platform accepts.

import type { MessageSchema } from './types.js';
import { HEAD_001_001_02 } from './head_001_001_02.js';
import { PACS_008_001_08 } from './pacs_008_001_08.js';
import { PACS_009_001_08 } from './pacs_009_001_08.js';
import { PACS_002_001_10 } from './pacs_002_001_10.js';
import { PACS_004_001_09 } from './pacs_004_001_09.js';
import { CAMT_053_001_08 } from './camt_053_001_08.js';
import { CAMT_054_001_08 } from './camt_054_001_08.js';
import { CAMT_056_001_08 } from './camt_056_001_08.js';
import { CAMT_029_001_09 } from './camt_029_001_09.js';

export type { MessageSchema } from './types.js';

export const ISO_NS_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';

export const SCHEMAS: ReadonlyMap<string, MessageSchema> = new Map(
  [HEAD_001_001_02, PACS_008_001_08, PACS_009_001_08, PACS_002_001_10, PACS_004_001_09, CAMT_053_001_08, CAMT_054_001_08, CAMT_056_001_08, CAMT_029_001_09].map(
    (s) => [s.id, s],
  ),
);

/** The message id a namespace names, e.g. "pacs.008.001.08", or null when it is not an ISO 20022 message namespace. */
export function messageIdOfNamespace(ns: string): string | null {
  if (!ns.startsWith(ISO_NS_PREFIX)) return null;
  const id = ns.slice(ISO_NS_PREFIX.length);
  return /^[a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2}$/.test(id) ? id : null;
}

/** The supported version of the same message (e.g. "pacs.008.001.08" for "pacs.008.001.10"), if any. */
export function supportedVersionOf(id: string): string | null {
  const family = id.slice(0, 12);
  for (const k of SCHEMAS.keys()) if (k.startsWith(family)) return k;
  return null;
}

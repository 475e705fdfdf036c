// Fuzz target `xml`: the project's safe XML reader (src/xml/reader.ts) against a
// second, independent parser (libxml2, through libxml2-wasm, with entity loading
// and network off): both must accept an input or both refuse it. The reader
// refuses on purpose what libxml2 may accept — DTDs, entity declarations, inputs
// past its size/depth/element/attribute limits, and non-UTF-8 encodings — so
// those codes are policy, not disagreements; and libxml2 takes a version "1."
// that XML 1.0's VersionNum does not. Anything else the two answer
// differently is a disagreement, with both answers in the finding.

import { parseXml, XmlError, type XmlErrorCode } from '../xml/reader.js';
import { XML_DICTIONARY, xmlCorpus } from './corpus.js';
import { mutate } from './mutate.js';
import type { FuzzTarget } from './target.js';

type Libxml = typeof import('libxml2-wasm');

/** The reader's refusals by policy: libxml2 may accept these inputs. */
const POLICY_CODES: ReadonlySet<XmlErrorCode> = new Set([
  'XML_DTD_FORBIDDEN',
  'XML_ENTITY_DECLARATION',
  'XML_EXTERNAL_ENTITY',
  'XML_ENTITY_EXPANSION',
  'XML_ENCODING',
  'XML_LIMIT_SIZE',
  'XML_LIMIT_DEPTH',
  'XML_LIMIT_ELEMENTS',
  'XML_LIMIT_ATTRIBUTES',
]);

/** Where libxml2 is more lenient than XML 1.0 and the reader is not: a version number "1." without digits. */
const LIBXML_LENIENT = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.\1/;

export function xmlTarget(): FuzzTarget {
  let corpus: readonly string[] = [];
  let libxml: Libxml | null = null;
  return {
    name: 'xml',
    async setup() {
      corpus = xmlCorpus();
      libxml = await import('libxml2-wasm');
    },
    input(rng) {
      return mutate(rng, corpus[rng.below(corpus.length)]!, XML_DICTIONARY);
    },
    run(input) {
      const ours = readOurs(input);
      const theirs = readLibxml(libxml!, input);
      if (ours === 'ok' && theirs !== 'ok') return { code: 'ok', disagreement: `reader accepted; libxml2: ${theirs}` };
      if (ours !== 'ok' && theirs === 'ok' && !POLICY_CODES.has(ours) && !LIBXML_LENIENT.test(input))
        return { code: ours, disagreement: `reader refused ${ours}; libxml2 accepted` };
      return { code: ours };
    },
  };
}

function readOurs(input: string): 'ok' | XmlErrorCode {
  try {
    parseXml(input);
    return 'ok';
  } catch (err) {
    if (err instanceof XmlError) return err.code;
    throw err;
  }
}

function readLibxml(lib: Libxml, input: string): string {
  const options = lib.ParseOption.XML_PARSE_NONET | lib.ParseOption.XML_PARSE_NO_XXE;
  try {
    const doc = lib.XmlDocument.fromString(input, { option: options });
    doc.dispose();
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0]!.slice(0, 120) : String(err);
  }
}

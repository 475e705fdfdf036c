// The shape of the project's built-in ISO 20022 message definitions (validation
// layer a). The tables themselves (one module per message version, next to this
// file) are generated once by scripts/gen_iso20022_schema.mjs from the official
// XSDs and committed as project code; the XSDs are not part of the repository.
// They are complete for each message (every type the XSD declares), so layer (a)
// gives the XSD verdict without the XSD, and nothing has to be "unsupported".

/** XSD built-in types the ISO 20022 schemas of these versions derive from. */
export type Builtin = 'string' | 'decimal' | 'date' | 'dateTime' | 'boolean' | 'time' | 'gYearMonth' | 'gYear';

/** A named simple type: its built-in base and the facets of its restriction (facets of named bases merged in). */
export interface SimpleTypeDef {
  readonly b: Builtin;
  /** xs:pattern (XSD regular expression, implicitly anchored). */
  readonly p?: string;
  readonly minLen?: number;
  readonly maxLen?: number;
  readonly len?: number;
  /** xs:enumeration values (a code list). */
  readonly en?: readonly string[];
  /** xs:fractionDigits, xs:totalDigits. */
  readonly fd?: number;
  readonly td?: number;
  /** xs:minInclusive, xs:maxInclusive, xs:minExclusive, xs:maxExclusive as decimal strings. */
  readonly minI?: string;
  readonly maxI?: string;
  readonly minE?: string;
  readonly maxE?: string;
}

/**
 * One particle of a content model: [element name, type name, minOccurs, maxOccurs].
 * maxOccurs Infinity is "unbounded". The element name "#any" is an xs:any wildcard
 * whose "type" is its namespace constraint ("##any", "##other" or a URI); ISO uses
 * it with processContents="lax" only, for SupplementaryData and Sgntr.
 */
export type Particle = readonly [string, string, number, number];

/** [attribute name, simple type name, required]. */
export type AttributeDef = readonly [string, string, boolean];

export interface ComplexTypeDef {
  /** seq: xs:sequence; choice: xs:choice (exactly one particle); simple: simpleContent over `s`; empty: no content. */
  readonly m: 'seq' | 'choice' | 'simple' | 'empty';
  readonly e?: readonly Particle[];
  readonly s?: string;
  readonly a?: readonly AttributeDef[];
}

export interface MessageSchema {
  /** Message identifier, e.g. "pacs.008.001.08". */
  readonly id: string;
  readonly namespace: string;
  /** The global element ("Document", or "AppHdr" for head.001) and its type. */
  readonly root: string;
  readonly rootType: string;
  readonly complex: Readonly<Record<string, ComplexTypeDef>>;
  readonly simple: Readonly<Record<string, SimpleTypeDef>>;
}

// The data model of sanctions screening: list entries as every loader produces
// them, list versions, and the error raised for a list file that is refused.
//
// This module owns these shapes and the limits on one list (entries, names per
// entry); it holds no logic.

export type EntryType = 'individual' | 'entity' | 'vessel' | 'aircraft' | 'unknown';

/**
 * How a name belongs to its entry: the primary name; a strong alias (a.k.a., f.k.a.,
 * UN "Good" quality); a weak alias (OFAC's "a.k.a." in remarks, UN "Low" quality,
 * OpenSanctions weakAlias), which scores a little lower; the name in original script.
 */
export type NameKind = 'primary' | 'strong' | 'weak' | 'original';

export interface EntryName {
  name: string;
  kind: NameKind;
}

export type IdentifierScheme = 'bic' | 'lei' | 'passport' | 'national_id' | 'imo' | 'other';

export interface EntryIdentifier {
  scheme: IdentifierScheme;
  /** As normalizeIdentifier() gives it: upper-case alphanumerics. */
  value: string;
}

export interface SanctionsEntry {
  /** Id within its list, as the publisher gives it (OFAC ent_num, UN DATAID, OpenSanctions id). */
  id: string;
  type: EntryType;
  names: EntryName[];
  /** Dates of birth: "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  dob: string[];
  /** ISO 3166 alpha-2 codes of nationality, citizenship or address country, where known. */
  countries: string[];
  identifiers: EntryIdentifier[];
  addresses: string[];
  programs: string[];
}

export type ListFormat = 'ofac-csv' | 'un-xml' | 'opensanctions';

export interface ListVersion {
  /** The list's name: "ofac-sdn", "ofac-cons", "un-sc", "opensanctions", or one given at load. */
  list: string;
  format: ListFormat;
  /** The files loaded (base names). */
  source: string[];
  /** The publication date the file states, when it states one (YYYY-MM-DD). */
  published: string | null;
  /** When this version was loaded (ISO 8601). */
  loaded_at: string;
  entry_count: number;
  name_count: number;
  /** sha256 (hex) over the loaded files' bytes, in the order given. */
  content_hash: string;
  /** `${list}@${loaded_at compact}-${content_hash[0..12]}`: unique per load. */
  version_id: string;
}

export interface SanctionsList {
  version: ListVersion;
  entries: SanctionsEntry[];
}

/** Limits on one list file set. */
export const LIST_ENTRIES_MAX = 2_000_000;
export const ENTRY_NAMES_MAX = 1_000;
export const LIST_BYTES_MAX = 512 * 1024 * 1024;

export type ListErrorCode = 'list_malformed' | 'list_unreadable' | 'list_too_large' | 'list_not_found';

/** A list file refused whole; `where` names the file and line or element. */
export class ListError extends Error {
  readonly code: ListErrorCode;
  readonly where: string;
  constructor(code: ListErrorCode, where: string, reason: string) {
    super(`${where}: ${reason}`);
    this.code = code;
    this.where = where;
    this.name = 'ListError';
  }
}

// Loader for OpenSanctions entity exports in FollowTheMoney JSON lines (one entity
// object per line: {"id", "schema", "properties": {prop: [values…]}, …}).
//
// This module owns the mapping of FtM properties to entries: name (primary, the
// first; others strong), alias and previousName (strong), weakAlias (weak),
// birthDate, nationality/citizenship/country/jurisdiction, swiftBic, leiCode,
// passportNumber, idNumber/registrationNumber/innCode/ogrnCode (other), imoNumber,
// address. Entities of schemas that carry no screenable name (Address, Sanction,
// Ownership, …) are skipped. A line that is not a JSON object of that shape refuses
// the whole file, naming the line.

import { countryCode } from '../countries.js';
import { normalizeIdentifier } from '../normalize.js';
import { ENTRY_NAMES_MAX, LIST_ENTRIES_MAX, ListError, type EntryIdentifier, type EntryName, type EntryType, type SanctionsEntry } from '../types.js';

const SCHEMAS: Record<string, EntryType> = {
  Person: 'individual',
  Company: 'entity',
  Organization: 'entity',
  LegalEntity: 'entity',
  PublicBody: 'entity',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

/** Longest line accepted (one entity). */
export const FTM_LINE_MAX_CHARS = 4 * 1024 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface FtmList {
  published: string | null;
  entries: SanctionsEntry[];
  skipped: number;
}

function strings(props: Record<string, unknown>, key: string, where: string): string[] {
  const v = props[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ListError('list_malformed', where, `property ${key} must be an array of strings`);
  return v as string[];
}

/** Parses FtM JSON lines; throws ListError naming the line. */
export function parseOpenSanctions(bytes: Uint8Array, file: string): FtmList {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new ListError('list_malformed', file, 'not valid UTF-8');
  }
  const entries: SanctionsEntry[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let published: string | null = null;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line.length === 0) {
      if (end >= text.length) break;
      continue;
    }
    const where = `${file} line ${lineNo}`;
    const o = parseEntity(line, where);
    const type = SCHEMAS[o.schema];
    if (type === undefined) {
      skipped++;
      continue;
    }
    if (seen.has(o.id)) throw new ListError('list_malformed', where, `entity ${o.id} appears twice`);
    seen.add(o.id);
    const entry = entryOf(o, type, where);
    if (entry === null) {
      skipped++;
      continue;
    }
    entries.push(entry);
    if (typeof o.last_change === 'string' && /^\d{4}-\d{2}-\d{2}/.test(o.last_change)) {
      const d = o.last_change.slice(0, 10);
      if (published === null || d > published) published = d;
    }
    if (entries.length > LIST_ENTRIES_MAX) throw new ListError('list_too_large', file, `more than ${LIST_ENTRIES_MAX} entries`);
    if (end >= text.length) break;
  }
  return { published, entries, skipped };
}

interface FtmEntity {
  id: string;
  schema: string;
  properties: Record<string, unknown>;
  datasets?: unknown;
  last_change?: unknown;
}

/** One line as an FtM entity object: a string id and schema, an object of properties. */
function parseEntity(line: string, where: string): FtmEntity {
  if (line.length > FTM_LINE_MAX_CHARS) throw new ListError('list_malformed', where, `line longer than ${FTM_LINE_MAX_CHARS} characters`);
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    throw new ListError('list_malformed', where, `not JSON: ${(err as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new ListError('list_malformed', where, 'expected a JSON object (one entity per line)');
  const o = obj as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id.length === 0) throw new ListError('list_malformed', where, 'entity without a string "id"');
  if (typeof o.schema !== 'string') throw new ListError('list_malformed', where, `entity ${o.id} without a string "schema"`);
  if (typeof o.properties !== 'object' || o.properties === null || Array.isArray(o.properties))
    throw new ListError('list_malformed', where, `entity ${o.id}: "properties" must be an object`);
  return o as unknown as FtmEntity;
}

/** The entry of an entity of a screened schema; null when it carries no name. */
function entryOf(o: FtmEntity, type: EntryType, where: string): SanctionsEntry | null {
  const p = o.properties;
  const names: EntryName[] = [];
  const push = (list: string[], kind: EntryName['kind']): void => {
    for (const n of list) if (n.trim().length > 0 && names.length < ENTRY_NAMES_MAX && !names.some((x) => x.name === n)) names.push({ name: n.trim(), kind });
  };
  const main = strings(p, 'name', where);
  push(main.slice(0, 1), 'primary');
  push(main.slice(1), 'strong');
  push(strings(p, 'alias', where), 'strong');
  push(strings(p, 'previousName', where), 'strong');
  push(strings(p, 'weakAlias', where), 'weak');
  if (names.length === 0) return null;
  const countries: string[] = [];
  for (const key of ['nationality', 'citizenship', 'country', 'jurisdiction']) {
    for (const c of strings(p, key, where)) {
      const code = countryCode(c.length === 2 ? c.toUpperCase() : c);
      if (code !== null && !countries.includes(code)) countries.push(code);
    }
  }
  const identifiers: EntryIdentifier[] = [];
  const ids = (key: string, scheme: EntryIdentifier['scheme']): void => {
    for (const v of strings(p, key, where)) {
      const n = normalizeIdentifier(v);
      if (n.length > 0) identifiers.push({ scheme, value: n });
    }
  };
  ids('swiftBic', 'bic');
  ids('leiCode', 'lei');
  ids('passportNumber', 'passport');
  ids('imoNumber', 'imo');
  for (const k of ['idNumber', 'registrationNumber', 'innCode', 'ogrnCode', 'taxNumber']) ids(k, 'other');
  const dob = strings(p, 'birthDate', where).filter((d) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(d));
  const programs = Array.isArray(o.datasets) ? (o.datasets as unknown[]).filter((d): d is string => typeof d === 'string') : [];
  return { id: o.id, type, names, dob, countries, identifiers, addresses: strings(p, 'address', where), programs };
}

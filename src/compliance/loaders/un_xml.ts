// Loader for the UN Security Council Consolidated List XML (root CONSOLIDATED_LIST,
// INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY). The XML is read by the project's
// safe reader (src/xml/reader.ts: no DTD, bounded), with limits raised for a list.
//
// This module owns the mapping of the UN elements to entries: FIRST_NAME..FOURTH_NAME
// joined as the primary name; INDIVIDUAL_ALIAS / ENTITY_ALIAS by QUALITY (Good,
// a.k.a., f.k.a. strong; Low weak); NAME_ORIGINAL_SCRIPT as the original-script name;
// dates of birth (DATE, YEAR, FROM_YEAR..TO_YEAR); nationality; documents (passport,
// national id); addresses. A structural fault (wrong root, an entry without DATAID or
// name, a duplicate DATAID) refuses the whole file, naming the element and its line.

import { lineColumn, parseXml, XmlError, type XmlElement } from '../../xml/reader.js';
import { countryCode } from '../countries.js';
import { normalizeIdentifier } from '../normalize.js';
import { ENTRY_NAMES_MAX, LIST_BYTES_MAX, LIST_ENTRIES_MAX, ListError, type EntryName, type SanctionsEntry } from '../types.js';

export const UN_XML_LIMITS = Object.freeze({
  max_bytes: LIST_BYTES_MAX,
  max_depth: 16,
  max_elements: 20_000_000,
  max_attributes: 16,
});

export interface UnList {
  published: string | null;
  entries: SanctionsEntry[];
}

function child(el: XmlElement, local: string): XmlElement | undefined {
  for (const c of el.children) if (c.local === local) return c;
  return undefined;
}

function children(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

function text(el: XmlElement | undefined): string {
  return el === undefined ? '' : el.text.trim();
}

/** Parses UN consolidated XML; throws ListError naming the element and line. */
export function parseUnXml(bytes: Uint8Array, file: string): UnList {
  let doc: ReturnType<typeof parseXml>;
  try {
    doc = parseXml(bytes, UN_XML_LIMITS);
  } catch (err) {
    if (err instanceof XmlError)
      throw new ListError(
        'list_malformed',
        `${file} ${err.offset >= 0 ? `line ${err.line} column ${err.column}` : ''} element ${err.path}`.replace('  ', ' '),
        `${err.code}: ${err.message.replace(/^line \d+, column \d+: /, '')}`,
      );
    throw err;
  }
  const where = (el: XmlElement, path: string): string => `${file} line ${lineColumn(doc.source, el.offset).line} element ${path}`;
  const root = doc.root;
  if (root.local !== 'CONSOLIDATED_LIST') throw new ListError('list_malformed', where(root, `/${root.local}`), 'root element must be CONSOLIDATED_LIST');
  const generated = root.attrs.find((a) => a.local === 'dateGenerated')?.value ?? '';
  const published = /^\d{4}-\d{2}-\d{2}/.test(generated) ? generated.slice(0, 10) : null;
  const entries: SanctionsEntry[] = [];
  const seen = new Set<string>();
  for (const [groupName, itemName, kind] of [
    ['INDIVIDUALS', 'INDIVIDUAL', 'individual'],
    ['ENTITIES', 'ENTITY', 'entity'],
  ] as const) {
    const groups = children(root, groupName);
    for (const group of groups) {
      let index = 0;
      for (const el of group.children) {
        index++;
        const path = `/CONSOLIDATED_LIST/${groupName}/${el.local}[${index}]`;
        if (el.local !== itemName) throw new ListError('list_malformed', where(el, path), `unexpected element ${el.local} in ${groupName}`);
        entries.push(readEntry(el, kind, path, seen, (at) => where(el, at)));
        if (entries.length > LIST_ENTRIES_MAX) throw new ListError('list_too_large', file, `more than ${LIST_ENTRIES_MAX} entries`);
      }
    }
  }
  return { published, entries };
}

/** One INDIVIDUAL or ENTITY; `where` names its line for an error. */
function readEntry(el: XmlElement, kind: 'individual' | 'entity', path: string, seen: Set<string>, where: (path: string) => string): SanctionsEntry {
  const id = text(child(el, 'DATAID'));
  if (!/^[0-9]{1,12}$/.test(id)) throw new ListError('list_malformed', where(`${path}/DATAID`), `DATAID must be a number, found ${JSON.stringify(id)}`);
  if (seen.has(id)) throw new ListError('list_malformed', where(`${path}/DATAID`), `DATAID ${id} appears twice`);
  seen.add(id);
  const names = readNames(el, kind);
  if (names === null) throw new ListError('list_malformed', where(`${path}/FIRST_NAME`), `entry ${id} has no name`);
  const countries: string[] = [];
  const addCountry = (name: string): void => {
    const c = name.length === 0 ? null : countryCode(name);
    if (c !== null && !countries.includes(c)) countries.push(c);
  };
  for (const n of children(el, 'NATIONALITY')) for (const v of children(n, 'VALUE')) addCountry(text(v));
  const addresses: string[] = [];
  for (const a of children(el, kind === 'individual' ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) {
    const parts = ['STREET', 'CITY', 'STATE_PROVINCE', 'ZIP_CODE', 'COUNTRY'].map((n) => text(child(a, n))).filter((p) => p.length > 0);
    if (parts.length > 0) addresses.push(parts.join(', '));
    addCountry(text(child(a, 'COUNTRY')));
  }
  const programs = [text(child(el, 'UN_LIST_TYPE'))].filter((p) => p.length > 0);
  return { id, type: kind, names, dob: [...new Set(readBirthDates(el))], countries, identifiers: readIdentifiers(el), addresses, programs };
}

/** The primary name (the name parts joined), the original-script one and the aliases; null when there is no name. */
function readNames(el: XmlElement, kind: 'individual' | 'entity'): EntryName[] | null {
  const primary = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
    .map((n) => text(child(el, n)))
    .filter((p) => p.length > 0)
    .join(' ');
  if (primary.length === 0) return null;
  const names: EntryName[] = [{ name: primary, kind: 'primary' }];
  const original = text(child(el, 'NAME_ORIGINAL_SCRIPT'));
  if (original.length > 0) names.push({ name: original, kind: 'original' });
  for (const alias of children(el, kind === 'individual' ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
    const an = text(child(alias, 'ALIAS_NAME'));
    if (an.length === 0 || names.length >= ENTRY_NAMES_MAX) continue;
    const q = text(child(alias, 'QUALITY')).toLowerCase();
    names.push({ name: an, kind: q === 'low' ? 'weak' : 'strong' });
  }
  return names;
}

/** Dates and years of birth; a FROM_YEAR..TO_YEAR range gives at most ten years. */
function readBirthDates(el: XmlElement): string[] {
  const dob: string[] = [];
  for (const d of children(el, 'INDIVIDUAL_DATE_OF_BIRTH')) {
    const date = text(child(d, 'DATE'));
    if (/^\d{4}-\d{2}-\d{2}/.test(date)) dob.push(date.slice(0, 10));
    const year = text(child(d, 'YEAR'));
    if (/^\d{4}$/.test(year)) dob.push(year);
    const from = Number(text(child(d, 'FROM_YEAR')));
    const to = Number(text(child(d, 'TO_YEAR')));
    if (from > 1800 && to >= from) for (let y = from; y <= to && y - from < 10; y++) dob.push(String(y));
  }
  return dob;
}

function readIdentifiers(el: XmlElement): SanctionsEntry['identifiers'] {
  const identifiers: SanctionsEntry['identifiers'] = [];
  for (const d of children(el, 'INDIVIDUAL_DOCUMENT')) {
    const number = normalizeIdentifier(text(child(d, 'NUMBER')));
    if (number.length === 0) continue;
    const type = text(child(d, 'TYPE_OF_DOCUMENT')).toLowerCase();
    identifiers.push({ scheme: /pass|pasaporte/.test(type) ? 'passport' : /national/.test(type) ? 'national_id' : 'other', value: number });
  }
  return identifiers;
}

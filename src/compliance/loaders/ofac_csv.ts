// Loader for OFAC's CSV set: sdn.csv (or cons_prim.csv) with, when given, alt.csv,
// add.csv and sdn_comments.csv (cons_alt/cons_add/cons_comments for the
// consolidated non-SDN list). Layout per OFAC's data specification: no header row,
// CRLF records, comma-separated, text in double quotes (a quote inside doubled),
// null written `-0-` (often with trailing spaces), a 0x1A byte at the end.
//
// This module owns the CSV reader (strict: an unterminated quote, a stray quote, a
// wrong column count or a bad ent_num refuses the whole file set, naming the file
// and line) and the parsing of OFAC's free-text Remarks column: dates of birth,
// nationality and citizenship, passports, national ids, SWIFT/BIC, LEI, IMO numbers
// and weak "a.k.a. '…'" names.

import { countryCode } from '../countries.js';
import { normalizeIdentifier } from '../normalize.js';
import { ENTRY_NAMES_MAX, LIST_ENTRIES_MAX, ListError, type EntryIdentifier, type EntryType, type SanctionsEntry } from '../types.js';

export interface NamedFile {
  /** The file's base name, e.g. "sdn.csv"; decides its role. */
  name: string;
  bytes: Uint8Array;
}

type Role = 'primary' | 'alt' | 'add' | 'comments';

/** The role of an OFAC CSV file from its base name, or null when it is not one. */
export function ofacRole(baseName: string): Role | null {
  const n = baseName.toLowerCase();
  if (/^(sdn|cons_prim)(\b|[._-]).*\.csv$/.test(n) && !/comments/.test(n)) return 'primary';
  if (/^(alt|cons_alt)(\b|[._-]).*\.csv$/.test(n)) return 'alt';
  if (/^(add|cons_add)(\b|[._-]).*\.csv$/.test(n)) return 'add';
  if (/^(sdn_comments|cons_comments)(\b|[._-]).*\.csv$/.test(n)) return 'comments';
  return null;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const CP1252 = new TextDecoder('windows-1252');

function decode(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return CP1252.decode(bytes); // older OFAC files are Windows-1252
  }
}

/** One CSV record: its fields (null for `-0-`) and the line it starts on. */
interface Row {
  line: number;
  fields: Array<string | null>;
}

/** Reads OFAC CSV strictly. */
export function readOfacCsv(text: string, file: string): Row[] {
  let s = text;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const sub = s.lastIndexOf('\x1a');
  if (sub >= 0) {
    if (s.slice(sub + 1).trim().length > 0) throw new ListError('list_malformed', `${file}`, 'data after the end-of-file byte 0x1A');
    s = s.slice(0, sub);
  }
  const rows: Row[] = [];
  let line = 1;
  let i = 0;
  const n = s.length;
  while (i < n) {
    // Skip blank lines between records.
    if (s.charCodeAt(i) === 13 || s.charCodeAt(i) === 10) {
      if (s.charCodeAt(i) === 10) line++;
      i++;
      continue;
    }
    const startLine = line;
    const fields: Array<string | null> = [];
    for (;;) {
      // One field.
      while (i < n && s.charCodeAt(i) === 32) i++;
      if (s.charCodeAt(i) === 34 /* " */) {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = s.indexOf('"', j);
          if (q < 0) throw new ListError('list_malformed', `${file} line ${startLine}`, 'unterminated quoted field');
          value += s.slice(j, q);
          if (s.charCodeAt(q + 1) === 34) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        for (const ch of value) if (ch === '\n') line++;
        while (i < n && s.charCodeAt(i) === 32) i++;
        fields.push(value);
      } else {
        let j = i;
        while (j < n && s.charCodeAt(j) !== 44 && s.charCodeAt(j) !== 13 && s.charCodeAt(j) !== 10) j++;
        const raw = s.slice(i, j).trim();
        if (raw.includes('"'))
          throw new ListError('list_malformed', `${file} line ${startLine}`, `stray quote in unquoted field ${JSON.stringify(raw.slice(0, 40))}`);
        fields.push(raw === '-0-' || raw === '' ? null : raw);
        i = j;
      }
      if (i >= n) break;
      const c = s.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13 || c === 10) {
        if (c === 13 && s.charCodeAt(i + 1) === 10) i++;
        i++;
        line++;
        break;
      }
      throw new ListError('list_malformed', `${file} line ${line}`, `unexpected ${JSON.stringify(s[i])} after a quoted field`);
    }
    rows.push({ line: startLine, fields });
    if (rows.length > LIST_ENTRIES_MAX * 4) throw new ListError('list_too_large', file, `more than ${LIST_ENTRIES_MAX * 4} records`);
  }
  return rows;
}

function expectColumns(row: Row, file: string, n: number): void {
  if (row.fields.length !== n) {
    throw new ListError('list_malformed', `${file} line ${row.line}`, `expected ${n} columns, found ${row.fields.length}`);
  }
}

function entNum(row: Row, file: string): string {
  const v = row.fields[0];
  if (v === null || v === undefined || !/^[0-9]{1,10}$/.test(v)) {
    throw new ListError('list_malformed', `${file} line ${row.line}`, `ent_num must be a positive integer, found ${JSON.stringify(v ?? '-0-')}`);
  }
  return v;
}

const MONTHS: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

/** OFAC date text ("10 Dec 1948", "Dec 1948", "1948", "circa 1960", "1948 to 1950") to ISO dates or years. */
export function parseOfacDates(text: string): string[] {
  const out: string[] = [];
  const full = /(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})/g;
  let m: RegExpExecArray | null;
  let rest = text;
  while ((m = full.exec(text)) !== null) {
    const mon = MONTHS[m[2]!.toLowerCase()];
    if (mon !== undefined) out.push(`${m[3]}-${mon}-${m[1]!.padStart(2, '0')}`);
    rest = rest.replace(m[0], ' ');
  }
  const range = /(\d{4}) to (\d{4})/.exec(rest);
  if (range !== null) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    for (let y = a; y <= b && y - a < 10; y++) out.push(String(y));
    rest = rest.replace(range[0], ' ');
  }
  for (const y of rest.match(/\b(1[89]\d\d|20\d\d)\b/g) ?? []) out.push(y);
  return [...new Set(out)];
}

interface RemarksInfo {
  dob: string[];
  countries: string[];
  identifiers: EntryIdentifier[];
  weakAliases: string[];
}

/** Extracts what screening uses from OFAC's Remarks text. */
export function parseOfacRemarks(remarks: string): RemarksInfo {
  const info: RemarksInfo = { dob: [], countries: [], identifiers: [], weakAliases: [] };
  for (const m of remarks.matchAll(/a\.k\.a\.,? '([^']{1,200})'/g)) info.weakAliases.push(m[1]!);
  for (const raw of remarks.split(';')) {
    const seg = raw
      .trim()
      .replace(/^alt\.\s+/i, '')
      .replace(/\.$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^DOB (.+)$/.exec(seg)) !== null) info.dob.push(...parseOfacDates(m[1]!));
    else if ((m = /^(?:nationality|citizen) (.+)$/i.exec(seg)) !== null) {
      const c = countryCode(m[1]!);
      if (c !== null) info.countries.push(c);
    } else if ((m = /^Passport ([A-Za-z0-9][A-Za-z0-9 \-/.]{2,30}?)(?: \(|$| issued| expires)/.exec(seg)) !== null) {
      info.identifiers.push({ scheme: 'passport', value: normalizeIdentifier(m[1]!) });
    } else if (
      (m = /^(?:National ID No\.|Cedula No\.|Identification Number|National Foreign ID Number) ([A-Za-z0-9][A-Za-z0-9 \-/.]{2,30}?)(?: \(|$)/.exec(seg)) !==
      null
    ) {
      info.identifiers.push({ scheme: 'national_id', value: normalizeIdentifier(m[1]!) });
    } else if ((m = /^SWIFT\/BIC ([A-Za-z0-9]{8,11})\b/.exec(seg)) !== null) {
      info.identifiers.push({ scheme: 'bic', value: normalizeIdentifier(m[1]!) });
    } else if ((m = /^Legal Entity (?:Number|Identifier) ([A-Za-z0-9]+)/.exec(seg)) !== null) {
      const v = normalizeIdentifier(m[1]!);
      info.identifiers.push({ scheme: v.length === 20 ? 'lei' : 'other', value: v });
    } else if ((m = /IMO (\d{7})\b/.exec(seg)) !== null) {
      info.identifiers.push({ scheme: 'imo', value: m[1]! });
    }
  }
  return info;
}

function entryType(sdnType: string | null): EntryType {
  switch ((sdnType ?? '').toLowerCase()) {
    case 'individual':
      return 'individual';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    case '':
      return 'entity';
    default:
      return 'unknown';
  }
}

/** Parses an OFAC CSV file set into entries; throws ListError naming file and line. */
export function parseOfacCsv(files: readonly NamedFile[]): SanctionsEntry[] {
  const byRole = filesByRole(files);
  const primary = byRole.get('primary');
  if (primary === undefined) throw new ListError('list_malformed', files.map((f) => f.name).join(', '), 'no primary file (sdn.csv or cons_prim.csv)');
  const { entries, remarks } = readPrimary(primary);
  const refer = (file: string, row: Row): SanctionsEntry => {
    const id = entNum(row, file);
    const e = entries.get(id);
    if (e === undefined) throw new ListError('list_malformed', `${file} line ${row.line}`, `ent_num ${id} is not in ${primary.name}`);
    return e;
  };
  const comments = byRole.get('comments');
  if (comments !== undefined) {
    for (const row of readOfacCsv(decode(comments.bytes), comments.name)) {
      if (row.fields.length < 2) throw new ListError('list_malformed', `${comments.name} line ${row.line}`, `expected 2 columns, found ${row.fields.length}`);
      const e = refer(comments.name, row);
      remarks.set(e.id, (remarks.get(e.id) ?? '') + (row.fields[1] ?? ''));
    }
  }
  const alt = byRole.get('alt');
  if (alt !== undefined) {
    for (const row of readOfacCsv(decode(alt.bytes), alt.name)) {
      expectColumns(row, alt.name, 5);
      const e = refer(alt.name, row);
      const name = row.fields[3];
      if (name === null || name === undefined || name.trim().length === 0)
        throw new ListError('list_malformed', `${alt.name} line ${row.line}`, 'alt_name is empty');
      const type = (row.fields[2] ?? '').toLowerCase();
      if (e.names.length < ENTRY_NAMES_MAX)
        e.names.push({ name: name.trim(), kind: type === 'aka' || type === 'fka' || type === 'nka' || type === '' ? 'strong' : 'weak' });
    }
  }
  const add = byRole.get('add');
  if (add !== undefined) {
    for (const row of readOfacCsv(decode(add.bytes), add.name)) {
      expectColumns(row, add.name, 6);
      const e = refer(add.name, row);
      const parts = [row.fields[2], row.fields[3], row.fields[4]].filter((p): p is string => p !== null && p !== undefined);
      if (parts.length > 0) e.addresses.push(parts.join(', '));
      const c = row.fields[4] === null || row.fields[4] === undefined ? null : countryCode(row.fields[4]);
      if (c !== null && !e.countries.includes(c)) e.countries.push(c);
    }
  }
  applyRemarks(entries, remarks);
  return [...entries.values()];
}

/** Each file by its role, from its name; one file per role. */
function filesByRole(files: readonly NamedFile[]): Map<Role, NamedFile> {
  const byRole = new Map<Role, NamedFile>();
  for (const f of files) {
    const role = ofacRole(f.name);
    if (role === null)
      throw new ListError('list_malformed', f.name, 'not an OFAC CSV file name (expected sdn.csv, alt.csv, add.csv, sdn_comments.csv or cons_*.csv)');
    if (byRole.has(role)) throw new ListError('list_malformed', f.name, `a second ${role} file (already ${byRole.get(role)!.name})`);
    byRole.set(role, f);
  }
  return byRole;
}

/** The entries of the primary file (sdn.csv or cons_prim.csv), and each one's remarks text. */
function readPrimary(primary: NamedFile): { entries: Map<string, SanctionsEntry>; remarks: Map<string, string> } {
  const entries = new Map<string, SanctionsEntry>();
  const remarks = new Map<string, string>();
  for (const row of readOfacCsv(decode(primary.bytes), primary.name)) {
    expectColumns(row, primary.name, 12);
    const id = entNum(row, primary.name);
    if (entries.has(id)) throw new ListError('list_malformed', `${primary.name} line ${row.line}`, `ent_num ${id} appears twice`);
    const name = row.fields[1];
    if (name === null || name === undefined || name.trim().length === 0)
      throw new ListError('list_malformed', `${primary.name} line ${row.line}`, 'SDN_Name is empty');
    const programs = (row.fields[3] ?? '')
      .split('] [')
      .map((p) => p.replace(/[[\]]/g, '').trim())
      .filter((p) => p.length > 0);
    entries.set(id, {
      id,
      type: entryType(row.fields[2] ?? null),
      names: [{ name: name.trim(), kind: 'primary' }],
      dob: [],
      countries: [],
      identifiers: [],
      addresses: [],
      programs,
    });
    if (row.fields[11] !== null && row.fields[11] !== undefined) remarks.set(id, row.fields[11]);
    if (entries.size > LIST_ENTRIES_MAX) throw new ListError('list_too_large', primary.name, `more than ${LIST_ENTRIES_MAX} entries`);
  }
  return { entries, remarks };
}

/** What the remarks say: dates of birth, countries, identifiers and weak aliases. */
function applyRemarks(entries: Map<string, SanctionsEntry>, remarks: Map<string, string>): void {
  for (const [id, text] of remarks) {
    const e = entries.get(id)!;
    const info = parseOfacRemarks(text);
    e.dob.push(...info.dob);
    for (const c of info.countries) if (!e.countries.includes(c)) e.countries.push(c);
    e.identifiers.push(...info.identifiers);
    for (const w of info.weakAliases) if (e.names.length < ENTRY_NAMES_MAX) e.names.push({ name: w, kind: 'weak' });
  }
}

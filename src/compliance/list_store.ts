// List versions: parsing a file set into a new version, and keeping versions in the
// store's documents area.
//
// This module owns the document layout and the replacement protocol:
//   compliance/lists/<list>/versions/<version_id>   gzip JSON {version, entries}
//   compliance/active/<list>                        JSON ListVersion (the pointer)
// A load parses and checks the whole file set first (a malformed file throws
// ListError before anything is written), then writes the version document, then
// replaces the pointer — one atomic document write. Until that last write the
// previous version stays in force; a crash in between leaves an unreferenced
// version document and nothing else. Screening reads only what pointers name, and
// checks the document's content hash against its pointer.

import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DocumentStore } from '../store/types.js';
import { parseOfacCsv, type NamedFile } from './loaders/ofac_csv.js';
import { parseOpenSanctions } from './loaders/opensanctions.js';
import { parseUnXml } from './loaders/un_xml.js';
import { LIST_BYTES_MAX, ListError, type ListFormat, type ListVersion, type SanctionsEntry, type SanctionsList } from './types.js';

export type { NamedFile } from './loaders/ofac_csv.js';

export const LIST_FORMATS: readonly ListFormat[] = ['ofac-csv', 'un-xml', 'opensanctions'];
const LIST_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const ACTIVE_PREFIX = 'compliance/active/';

export function defaultListName(format: ListFormat, files: readonly NamedFile[]): string {
  if (format === 'un-xml') return 'un-sc';
  if (format === 'opensanctions') return 'opensanctions';
  return files.some((f) => /^cons_/i.test(basename(f.name))) ? 'ofac-cons' : 'ofac-sdn';
}

/**
 * Parses a file set into a list version (pure: no store, the clock is an argument).
 * Throws ListError, naming the file and line or element, for any malformed input.
 */
export function parseListFiles(format: ListFormat, files: readonly NamedFile[], now: Date, list?: string): SanctionsList {
  if (files.length === 0) throw new ListError('list_not_found', format, 'no files given');
  let total = 0;
  for (const f of files) total += f.bytes.length;
  if (total > LIST_BYTES_MAX) throw new ListError('list_too_large', files.map((f) => f.name).join(', '), `more than ${LIST_BYTES_MAX} bytes`);
  const name = list ?? defaultListName(format, files);
  if (!LIST_NAME.test(name)) throw new ListError('list_malformed', name, 'list name must match [a-z0-9][a-z0-9_.-]{0,63}');
  const named = files.map((f) => ({ name: basename(f.name), bytes: f.bytes }));
  let entries: SanctionsEntry[];
  let published: string | null = null;
  switch (format) {
    case 'ofac-csv':
      entries = parseOfacCsv(named);
      break;
    case 'un-xml': {
      if (named.length !== 1) throw new ListError('list_malformed', named.map((f) => f.name).join(', '), 'the UN list is one XML file');
      const r = parseUnXml(named[0]!.bytes, named[0]!.name);
      entries = r.entries;
      published = r.published;
      break;
    }
    case 'opensanctions': {
      entries = [];
      for (const f of named) {
        const r = parseOpenSanctions(f.bytes, f.name);
        entries.push(...r.entries);
        if (r.published !== null && (published === null || r.published > published)) published = r.published;
      }
      break;
    }
    default:
      throw new ListError('list_malformed', String(format), `unknown format; expected one of ${LIST_FORMATS.join(', ')}`);
  }
  if (entries.length === 0)
    throw new ListError('list_malformed', named.map((f) => f.name).join(', '), 'no entries: refusing to replace a list with an empty one');
  const hash = createHash('sha256');
  for (const f of named) hash.update(f.bytes);
  const content_hash = hash.digest('hex');
  const loaded_at = now.toISOString();
  const version: ListVersion = {
    list: name,
    format,
    source: named.map((f) => f.name),
    published,
    loaded_at,
    entry_count: entries.length,
    name_count: entries.reduce((n, e) => n + e.names.length, 0),
    content_hash,
    version_id: `${name}@${loaded_at.replace(/[-:.]/g, '').replace('T', 'T')}-${content_hash.slice(0, 12)}`,
  };
  return { version, entries };
}

function versionDoc(v: ListVersion): string {
  return `compliance/lists/${v.list}/versions/${v.version_id}`;
}

/** Stores a parsed list version and makes it the active one (see the module header). */
export async function saveListVersion(store: DocumentStore, list: SanctionsList): Promise<void> {
  const body = gzipSync(Buffer.from(JSON.stringify(list), 'utf8'));
  await store.putDocument(versionDoc(list.version), body);
  await store.putDocument(ACTIVE_PREFIX + list.version.list, Buffer.from(JSON.stringify(list.version), 'utf8'));
}

/** The active version of every list, by list name. */
export async function activeVersions(store: DocumentStore): Promise<ListVersion[]> {
  const out: ListVersion[] = [];
  for (const name of await store.listDocuments(ACTIVE_PREFIX)) {
    const body = await store.getDocument(name);
    if (body === null) continue;
    out.push(JSON.parse(body.toString('utf8')) as ListVersion);
  }
  return out;
}

/** Every stored version of `list` (ids), oldest first by load time. */
export async function storedVersionIds(store: DocumentStore, list: string): Promise<string[]> {
  const prefix = `compliance/lists/${list}/versions/`;
  return (await store.listDocuments(prefix)).map((n) => n.slice(prefix.length));
}

/** Reads the active lists (all of them, or those named). */
export async function loadActiveLists(store: DocumentStore, only?: readonly string[]): Promise<SanctionsList[]> {
  const out: SanctionsList[] = [];
  for (const v of await activeVersions(store)) {
    if (only !== undefined && only.length > 0 && !only.includes(v.list)) continue;
    const body = await store.getDocument(versionDoc(v));
    if (body === null) throw new ListError('list_not_found', versionDoc(v), 'the active pointer names a version that is not stored');
    const list = JSON.parse(gunzipSync(body).toString('utf8')) as SanctionsList;
    if (list.version.content_hash !== v.content_hash || list.version.version_id !== v.version_id) {
      throw new ListError('list_malformed', versionDoc(v), 'stored version does not match its active pointer');
    }
    out.push(list);
  }
  return out;
}

// The documents-table index of API users and keys ("api/users/<name>",
// "api/keys/<keyid>", and "api/index" with the directory version it reflects):
// derived from the journaled directory state (./api_directory.ts), never read
// to authorize anything. This module writes it after each directory command,
// rebuilds it when it lags the journal (an abrupt stop between a journal write
// and its documents), adopts a previous release's documents into the journal,
// and checks it for `verify`: any record that disagrees with the journal fails
// with code api_directory_mismatch, naming the user or key.

import type { DocumentStore } from '../store/types.js';
import {
  KEY_DOC_PREFIX,
  parseKeyDocument,
  parseUserDocument,
  USER_DOC_PREFIX,
  userView,
  type ApiDirectoryState,
  type ApiKeyRecord,
  type ApiUser,
  type DirectoryCommand,
} from './api_directory.js';

const INDEX_DOC = 'api/index';

function userDocument(u: ApiUser): Buffer {
  return Buffer.from(JSON.stringify(userView(u)));
}

function keyDocument(k: ApiKeyRecord): Buffer {
  const { id, user, salt, hash, created_at, revoked_at } = k;
  return Buffer.from(JSON.stringify({ id, user, salt, hash, created_at, revoked_at }));
}

/** Writes the documents of the records a successful directory command changed. */
export async function writeRecordsOf(store: DocumentStore, dir: ApiDirectoryState, cmd: DirectoryCommand): Promise<void> {
  const users = cmd.type === 'create_user' || cmd.type === 'update_user' ? [cmd.name] : cmd.type === 'adopt_api_directory' ? cmd.users.map((u) => u.name) : [];
  const keys = cmd.type === 'create_key' || cmd.type === 'revoke_key' ? [cmd.id] : cmd.type === 'adopt_api_directory' ? cmd.keys.map((k) => k.id) : [];
  for (const name of users) {
    const u = dir.users.get(name);
    if (u !== undefined) await store.putDocument(USER_DOC_PREFIX + name, userDocument(u));
  }
  for (const id of keys) {
    const k = dir.keys.get(id);
    if (k !== undefined) await store.putDocument(KEY_DOC_PREFIX + id, keyDocument(k));
  }
}

/** Records that the index reflects the directory as it is now (written when no directory command is in flight). */
export async function writeIndexVersion(store: DocumentStore, dir: ApiDirectoryState): Promise<void> {
  await store.putDocument(INDEX_DOC, Buffer.from(JSON.stringify({ version: dir.version })));
}

async function indexVersion(store: DocumentStore): Promise<number> {
  const body = await store.getDocument(INDEX_DOC);
  if (body === null) return 0;
  try {
    const v = (JSON.parse(body.toString('utf8')) as { version?: unknown }).version;
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : 0;
  } catch {
    return 0;
  }
}

/** Rewrites the whole index from the directory when it lags the journal; returns the number of records rewritten. */
export async function rebuildIndexIfBehind(store: DocumentStore, dir: ApiDirectoryState): Promise<number> {
  if (!dir.adopted || (await indexVersion(store)) >= dir.version) return 0;
  for (const u of dir.users.values()) await store.putDocument(USER_DOC_PREFIX + u.name, userDocument(u));
  for (const k of dir.keys.values()) await store.putDocument(KEY_DOC_PREFIX + k.id, keyDocument(k));
  await writeIndexVersion(store, dir);
  return dir.users.size + dir.keys.size;
}

/** A previous release's users and keys (documents only), and the names of documents that are not readable records. */
export async function readUnadopted(store: DocumentStore): Promise<{ users: ApiUser[]; keys: ApiKeyRecord[]; unreadable: string[] }> {
  const out: { users: ApiUser[]; keys: ApiKeyRecord[]; unreadable: string[] } = { users: [], keys: [], unreadable: [] };
  for (const name of await store.listDocuments(USER_DOC_PREFIX)) {
    const body = await store.getDocument(name);
    const u = body === null ? null : parseUserDocument(body);
    if (u !== null && USER_DOC_PREFIX + u.name === name) out.users.push(u);
    else out.unreadable.push(name);
  }
  for (const name of await store.listDocuments(KEY_DOC_PREFIX)) {
    const body = await store.getDocument(name);
    const k = body === null ? null : parseKeyDocument(body);
    if (k !== null && KEY_DOC_PREFIX + k.id === name) out.keys.push(k);
    else out.unreadable.push(name);
  }
  return out;
}

/** The first field on which two records differ, as "field is X in the documents table, Y in the journal"; null when equal. */
function difference(doc: Record<string, unknown>, journal: Record<string, unknown>): string | null {
  for (const [field, want] of Object.entries(journal)) {
    if (doc[field] !== want) return `${field} is ${JSON.stringify(doc[field] ?? null)} in the documents table, ${JSON.stringify(want)} in the journal`;
  }
  return null;
}

async function checkKind<T extends object>(
  store: DocumentStore,
  what: 'user' | 'key',
  prefix: string,
  records: ReadonlyMap<string, T>,
  parse: (b: Buffer) => T | null,
): Promise<string | null> {
  const seen = new Set<string>();
  for (const name of await store.listDocuments(prefix)) {
    const id = name.slice(prefix.length);
    seen.add(id);
    const rec = records.get(id);
    if (rec === undefined) return `${what} ${id} is in the documents table but not in the journal`;
    const body = await store.getDocument(name);
    const doc = body === null ? null : parse(body);
    if (doc === null) return `${what} ${id}: its document is not a readable ${what} record`;
    const diff = difference(
      doc as Record<string, unknown>,
      what === 'user' ? (userView(rec as ApiUser) as unknown as Record<string, unknown>) : (rec as Record<string, unknown>),
    );
    if (diff !== null) return `${what} ${id}: ${diff}`;
  }
  for (const id of records.keys()) if (!seen.has(id)) return `${what} ${id} is in the journal but missing from the documents table`;
  return null;
}

/**
 * verify's check of the index against the replayed directory: a problem (code
 * api_directory_mismatch, naming the user or key) or null, and a note for a
 * previous release's documents not yet adopted.
 */
export async function checkApiIndex(store: DocumentStore, dir: ApiDirectoryState): Promise<{ problem: string | null; note: string | null }> {
  if (!dir.adopted && dir.users.size === 0 && dir.keys.size === 0) {
    const pending = await readUnadopted(store);
    const n = pending.users.length + pending.keys.length + pending.unreadable.length;
    return {
      problem: null,
      note: n === 0 ? null : `${n} API user and key documents of an earlier release are not in the journal yet; the next open adopts them`,
    };
  }
  const problem =
    (await checkKind(store, 'user', USER_DOC_PREFIX, dir.users, parseUserDocument)) ??
    (await checkKind(store, 'key', KEY_DOC_PREFIX, dir.keys, parseKeyDocument));
  if (problem === null) return { problem: null, note: null };
  const at = await indexVersion(store);
  const lag = at < dir.version ? ` (the index reflects directory version ${at} of ${dir.version}: after an abrupt stop the next open rewrites it)` : '';
  return { problem: `api_directory_mismatch: ${problem}${lag}`, note: null };
}

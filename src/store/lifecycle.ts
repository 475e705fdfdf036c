// A store's life as the operator sees it: whether one exists at a URL, creating
// one on purpose (`init`, never as a side effect of a typing mistake in --store),
// and the mark a demo store carries so that `demo --file X` only ever replaces a
// store the demo made itself.

import { Database, type SqliteDatabase } from './sqlite_driver.js';
import { existsSync, rmSync } from 'node:fs';
import { openStore, redactUrl } from './open.js';

/** The meta key and value a store made by the demo carries. */
const PURPOSE_KEY = 'purpose';
const PURPOSE_DEMO = 'demo';
/** The files a SQLite store may have beside its main file. */
export const SQLITE_SIDE_FILES = ['-wal', '-shm', '-writer.lock', '.head'] as const;

export class StoreLifecycleError extends Error {
  readonly code: 'store_not_found' | 'store_exists' | 'not_a_demo_store';
  constructor(code: StoreLifecycleError['code'], message: string) {
    super(message);
    this.code = code;
    this.name = 'StoreLifecycleError';
  }
}

/** The file of a sqlite: URL (or a bare .db/.sqlite path), or null for another kind of store. */
export function sqlitePathOf(url: string): string | null {
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (url.startsWith('postgres://') || url.startsWith('postgresql://') || url === 'memory:' || url === 'memory') return null;
  return url.endsWith('.db') || url.endsWith('.sqlite') ? url : null;
}

/** Whether a store has been created at `url` (memory: always; PostgreSQL: its schema holds the meta table). */
export async function storeExists(url: string): Promise<boolean> {
  if (url === 'memory:' || url === 'memory') return true;
  const path = sqlitePathOf(url);
  if (path !== null) return path === ':memory:' || existsSync(path);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { postgresSchemaHasStore } = await import('./postgres_presence.js');
    return postgresSchemaHasStore(url);
  }
  // Let openStore name what is wrong with the URL.
  (await openStore(url)).close();
  return true;
}

/** Throws store_not_found unless a store exists at `url`. */
export async function requireStore(url: string): Promise<void> {
  if (!(await storeExists(url)))
    throw new StoreLifecycleError(
      'store_not_found',
      `no store at ${redactUrl(url)}; create one with: sco-settle init --store ${redactUrl(url)} (or check --store / SCO_SETTLE_STORE)`,
    );
}

/** Creates an empty store at `url`; refuses one that exists. A demo store is marked as such. */
export async function initStore(url: string, purpose: 'operations' | 'demo' = 'operations'): Promise<string> {
  if (await storeExists(url)) throw new StoreLifecycleError('store_exists', `a store exists at ${redactUrl(url)}; init never replaces one`);
  const store = await openStore(url);
  const display = store.display;
  await store.close();
  const path = sqlitePathOf(url);
  if (purpose === 'demo' && path !== null) {
    const db = new Database(path);
    try {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(PURPOSE_KEY, PURPOSE_DEMO);
    } finally {
      db.close();
    }
  }
  return display;
}

/** Whether the SQLite file at `path` is a store the demo made (it carries the demo mark). */
export function isDemoStore(path: string): boolean {
  let db: SqliteDatabase | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const v = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(PURPOSE_KEY);
    return v === PURPOSE_DEMO;
  } catch {
    // Not SQLite, or no meta table: not a store the demo made.
    return false;
  } finally {
    db?.close();
  }
}

/**
 * Removes the demo store at `path` with its side files, so the demo can begin
 * anew; refuses anything else that is there (a real store, any other file).
 */
export function removeDemoStore(path: string): void {
  if (!existsSync(path)) {
    for (const suffix of SQLITE_SIDE_FILES) rmSync(path + suffix, { force: true });
    return;
  }
  if (!isDemoStore(path))
    throw new StoreLifecycleError(
      'not_a_demo_store',
      `${path} exists and is not a store the demo made; the demo replaces only its own stores: give another --file or move it away`,
    );
  for (const suffix of ['', ...SQLITE_SIDE_FILES]) rmSync(path + suffix, { force: true });
}

export interface BackupSummary {
  kind: 'sqlite' | 'postgres';
  from: string;
  to: string;
  bytes: number;
  /** The last journal entry in the copy. */
  journal_seq: number;
}

export class BackupError extends Error {
  readonly code: 'not_a_backup' | 'backup_exists';
  constructor(code: BackupError['code'], message: string) {
    super(message);
    this.code = code;
    this.name = 'BackupError';
  }
}

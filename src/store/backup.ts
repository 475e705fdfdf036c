// Backups of a store and their restore, for the operator (`sco-settle backup`,
// `sco-settle restore`; the CLI verifies the copy after each).
//
// SQLite: SQLite's online backup API (better-sqlite3's db.backup) copies the file
// page by page while the platform keeps serving; the copy is one consistent state
// of the database. The head file (PATH.head, ./head_record.ts) lives outside the
// database, so the copy gets its own: the source's last head record at or before
// the copy's last journal entry (with its hash checked against the copy), written
// as a head file of one record. The head record may lag the journal, never lead
// it, which is exactly what a head file may do after a crash.
// PostgreSQL: ./backup_postgres.ts (a file of the schema's rows read in one
// REPEATABLE READ snapshot).
// A backup never overwrites a file, and a restore never overwrites a store.

import { Database, type SqliteDatabase } from './sqlite_driver.js';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { HeadFile, headRecordsIn, nextHeadRecord, type HeadRecord } from './head_record.js';
import { BackupError, type BackupSummary, SQLITE_SIDE_FILES, sqlitePathOf, StoreLifecycleError, storeExists } from './lifecycle.js';
import { redactUrl } from './open.js';

function refuseExisting(path: string): void {
  for (const suffix of ['', ...SQLITE_SIDE_FILES, '.partial'])
    if (existsSync(path + suffix)) throw new BackupError('backup_exists', `${path + suffix} exists; a backup never overwrites a file`);
}

/** Copies the store at `url` to the file `to` (SQLite: a SQLite file and its head file; PostgreSQL: a backup file). */
export async function backupStore(url: string, to: string): Promise<BackupSummary> {
  refuseExisting(to);
  const path = sqlitePathOf(url);
  if (path === null) {
    const { backupPostgres } = await import('./backup_postgres.js');
    return backupPostgres(url, to);
  }
  const partial = `${to}.partial`;
  mkdirSync(dirname(to), { recursive: true });
  try {
    const before = readHeadText(path);
    const src = new Database(path, { readonly: true, fileMustExist: true });
    try {
      await src.backup(partial);
    } finally {
      src.close();
    }
    const seq = writeCopyHead(partial, [...headRecordsIn(before), ...headRecordsIn(readHeadText(path))]);
    renameSync(partial, to);
    if (existsSync(`${partial}.head`)) renameSync(`${partial}.head`, `${to}.head`);
    return { kind: 'sqlite', from: `sqlite:${path}`, to, bytes: statSync(to).size, journal_seq: seq };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '.head', '.head.tmp']) rmSync(partial + suffix, { force: true });
  }
}

function readHeadText(path: string): string {
  try {
    return readFileSync(`${path}.head`, 'latin1');
  } catch {
    return '';
  }
}

/** Gives the copy at `copy` the head record that matches it; returns the copy's last journal seq. */
function writeCopyHead(copy: string, records: HeadRecord[]): number {
  const db = new Database(copy);
  let seq = 0;
  let start: HeadRecord | null = null;
  try {
    const last = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Buffer } | undefined;
    seq = last === undefined ? 0 : Number(last.seq);
    const kept = db.prepare(`SELECT value FROM meta WHERE key = 'head_record'`).pluck().get() !== undefined;
    if (!kept) return seq;
    const hashAt = db.prepare('SELECT hash FROM journal WHERE seq = ?').pluck();
    for (const r of records) {
      if (r.seq > seq) continue;
      const matches = r.seq === 0 || (hashAt.get(r.seq) as Buffer | undefined)?.equals(r.hash) === true;
      if (matches && (start === null || r.seq >= start.seq)) start = r;
    }
    // No record of the source matches (it was rewritten past the copy): one that begins a new chain at the copy's head.
    if (start === null && last !== undefined) start = nextHeadRecord(null, seq, last.hash);
  } finally {
    db.close();
  }
  if (start !== null) {
    const head = new HeadFile(copy);
    head.begin(start);
    head.close();
  }
  return seq;
}

/** Restores a backup made by backupStore into a store that does not exist yet at `url`. */
export async function restoreStore(from: string, url: string): Promise<BackupSummary> {
  if (!existsSync(from)) throw Object.assign(new Error(`${from}: no such backup file`), { code: 'ENOENT' });
  if (await storeExists(url)) throw new StoreLifecycleError('store_exists', `a store exists at ${redactUrl(url)}; restore never replaces one`);
  const path = sqlitePathOf(url);
  if (path === null) {
    const { restorePostgres } = await import('./backup_postgres.js');
    return restorePostgres(from, url);
  }
  const seq = checkSqliteBackup(from);
  const partial = `${path}.partial`;
  mkdirSync(dirname(path), { recursive: true });
  try {
    const src = new Database(from, { readonly: true, fileMustExist: true });
    try {
      await src.backup(partial);
    } finally {
      src.close();
    }
    for (const suffix of SQLITE_SIDE_FILES) rmSync(path + suffix, { force: true });
    if (existsSync(`${from}.head`)) {
      const records = headRecordsIn(readFileSync(`${from}.head`, 'latin1'));
      if (records.length > 0) {
        const head = new HeadFile(path);
        head.begin(records[records.length - 1]!);
        head.close();
      }
    }
    renameSync(partial, path);
    return { kind: 'sqlite', from, to: `sqlite:${path}`, bytes: statSync(path).size, journal_seq: seq };
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  }
}

/** The backup's last journal seq; refuses a file that is not a SQLite store. */
function checkSqliteBackup(from: string): number {
  let db: SqliteDatabase | null = null;
  try {
    db = new Database(from, { readonly: true, fileMustExist: true });
    const format = db.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get();
    if (typeof format !== 'string') throw new Error('no store format');
    const seq = db.prepare('SELECT max(seq) FROM journal').pluck().get() as number | bigint | null;
    return seq === null ? 0 : Number(seq);
  } catch (err) {
    throw new BackupError('not_a_backup', `${from} is not a SQLite store backup (${(err as Error).message})`);
  } finally {
    db?.close();
  }
}

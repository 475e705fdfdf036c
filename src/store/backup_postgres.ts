// Backup and restore of a PostgreSQL store without pg_dump (which the platform's
// hosts need not have, and whose version must match the server's): every table
// of the store's schema is read in one REPEATABLE READ READ ONLY transaction, so
// the file holds one consistent state (the journal and its journal_head row
// included), as NDJSON:
//   line 1  {"format":"sco-settle postgres backup","version":1,"schema":…,"store_format":…}
//   then    {"table":NAME,"columns":[[name,type],…]} and one JSON array per row
//           (bytea as base64, every other value as PostgreSQL's text form)
//   last    {"end":true,"rows":N,"sha256":hex of every byte before this line}
// A restore checks the checksum first, creates the schema as `init` does, and
// inserts every row in one transaction: a failed restore leaves no store.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { connectPlain } from './postgres_presence.js';
import { PostgresStore } from './postgres.js';
import { BackupError, type BackupSummary } from './lifecycle.js';
import { StoreError } from './types.js';

const FORMAT = 'sco-settle postgres backup';
const VERSION = 1;
/** Rows fetched from the cursor, and inserted, at a time. */
const ROWS_PER_FETCH = 1000;
const ROWS_PER_INSERT = 200;
/** A backup line longer than this is refused (a journal entry is at most a few MiB, base64 included). */
const LINE_CHARS_MAX = 64 * 1024 * 1024;
const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

const connect = connectPlain;

interface Column {
  name: string;
  type: string;
}

async function tablesOf(client: pg.Client, schema: string): Promise<Map<string, Column[]>> {
  const res = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = $1 ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const out = new Map<string, Column[]>();
  for (const r of res.rows) {
    if (!IDENT.test(r.table_name) || !IDENT.test(r.column_name))
      throw new StoreError('corrupt', `unexpected name ${r.table_name}.${r.column_name} in the schema`);
    const cols = out.get(r.table_name) ?? [];
    cols.push({ name: r.column_name, type: r.data_type });
    out.set(r.table_name, cols);
  }
  return out;
}

function selectList(cols: Column[]): string {
  return cols.map((c) => (c.type === 'bytea' ? `encode("${c.name}", 'base64')` : `"${c.name}"::text`)).join(', ');
}

export async function backupPostgres(url: string, to: string): Promise<BackupSummary> {
  const { client, schema, display } = await connect(url);
  const partial = `${to}.partial`;
  mkdirSync(dirname(to), { recursive: true });
  const out = createWriteStream(partial, { flags: 'wx' });
  const hash = createHash('sha256');
  const write = async (value: unknown): Promise<void> => {
    const line = `${JSON.stringify(value)}\n`;
    hash.update(line);
    if (!out.write(line)) await once(out, 'drain');
  };
  let rows = 0;
  let journal_seq = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesOf(client, schema);
    if (!tables.has('meta') || !tables.has('journal')) throw new StoreError('corrupt', `${display} (schema ${schema}) holds no sco-settle store`);
    const format = await client.query<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'format'`);
    const seq = await client.query<{ s: string | null }>(`SELECT max(seq)::text AS s FROM "${schema}".journal`);
    journal_seq = Number(seq.rows[0]?.s ?? 0);
    await write({ format: FORMAT, version: VERSION, schema, store_format: format.rows[0]?.value ?? null, journal_seq });
    for (const [table, cols] of tables) {
      await write({ table, columns: cols.map((c) => [c.name, c.type]) });
      await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${selectList(cols)} FROM "${schema}"."${table}"`);
      for (;;) {
        const batch = await client.query({ text: `FETCH ${ROWS_PER_FETCH} FROM backup_rows`, rowMode: 'array' });
        for (const r of batch.rows as unknown[][]) await write(r);
        rows += batch.rows.length;
        if (batch.rows.length < ROWS_PER_FETCH) break;
      }
      await client.query('CLOSE backup_rows');
    }
    await client.query('COMMIT');
    const end = `${JSON.stringify({ end: true, rows, sha256: hash.digest('hex') })}\n`;
    out.end(end);
    await once(out, 'finish');
    renameSync(partial, to);
    return { kind: 'postgres', from: `${display} (schema ${schema})`, to, bytes: statSync(to).size, journal_seq };
  } catch (err) {
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

interface Parsed {
  header: { schema: string; store_format: string | null; journal_seq: number };
  tables: Array<{ table: string; columns: Column[]; rows: unknown[][] }>;
  rows: number;
}

/** Reads and checks a backup file whole (its checksum, its shape) before anything is written. */
async function readBackup(from: string): Promise<Parsed> {
  const bad = (why: string): BackupError => new BackupError('not_a_backup', `${from} is not a PostgreSQL store backup: ${why}`);
  const hash = createHash('sha256');
  const lines = createInterface({ input: createReadStream(from, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let header: Parsed['header'] | null = null;
  const tables: Parsed['tables'] = [];
  let end: { rows: number; sha256: string } | null = null;
  let rows = 0;
  for await (const line of lines) {
    if (end !== null) throw bad('text after the end line');
    if (line.length > LINE_CHARS_MAX) throw bad('a line is too long');
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw bad(header === null ? 'the first line is not JSON' : 'a line is not JSON');
    }
    if (header === null) {
      const h = v as { format?: unknown; version?: unknown; schema?: unknown; store_format?: unknown; journal_seq?: unknown };
      if (h.format !== FORMAT || h.version !== VERSION) throw bad('no backup header');
      header = { schema: String(h.schema), store_format: typeof h.store_format === 'string' ? h.store_format : null, journal_seq: Number(h.journal_seq) };
    } else if (Array.isArray(v)) {
      const t = tables[tables.length - 1];
      if (t === undefined || v.length !== t.columns.length) throw bad('a row outside a table or of the wrong width');
      t.rows.push(v);
      rows++;
    } else if (typeof (v as { table?: unknown }).table === 'string') {
      const t = v as { table: string; columns: unknown };
      if (!IDENT.test(t.table) || !Array.isArray(t.columns)) throw bad('a table line does not read');
      const columns = (t.columns as unknown[]).map((c) => {
        if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string' || !IDENT.test(c[0])) throw bad(`a column of ${t.table} does not read`);
        return { name: c[0], type: c[1] };
      });
      tables.push({ table: t.table, columns, rows: [] });
    } else if ((v as { end?: unknown }).end === true) {
      end = v as { rows: number; sha256: string };
      if (end.sha256 !== hash.digest('hex')) throw bad('its checksum does not match (the file is damaged or cut)');
      continue;
    } else throw bad('a line does not read');
    hash.update(`${line}\n`);
  }
  if (header === null || end === null) throw bad(header === null ? 'it is empty' : 'it has no end line (cut short)');
  if (end.rows !== rows) throw bad(`it says ${end.rows} rows and holds ${rows}`);
  return { header, tables, rows };
}

function insertSql(schema: string, table: string, columns: Column[], n: number): string {
  const values: string[] = [];
  for (let r = 0; r < n; r++) {
    const cells = columns.map((c, i) => {
      const p = `$${r * columns.length + i + 1}`;
      return c.type === 'bytea' ? `decode(${p}, 'base64')` : `${p}::${c.type === 'USER-DEFINED' ? 'text' : c.type}`;
    });
    values.push(`(${cells.join(', ')})`);
  }
  return `INSERT INTO "${schema}"."${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES ${values.join(', ')}`;
}

export async function restorePostgres(from: string, url: string): Promise<BackupSummary> {
  const backup = await readBackup(from);
  // Creates the schema with the current tables (as init does), then replaces their rows.
  await (await PostgresStore.connect(url)).close();
  const { client, schema, display } = await connect(url);
  try {
    const tables = await tablesOf(client, schema);
    const format = await client.query<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'format'`);
    if (backup.header.store_format !== format.rows[0]?.value)
      throw new BackupError(
        'not_a_backup',
        `${from} holds store format ${backup.header.store_format}; this release writes ${format.rows[0]?.value}: restore it with the release that made it, then upgrade`,
      );
    await client.query('BEGIN');
    for (const t of backup.tables) {
      const have = tables.get(t.table);
      if (have === undefined || have.map((c) => c.name).join() !== t.columns.map((c) => c.name).join())
        throw new BackupError('not_a_backup', `${from}: table ${t.table} does not match this release's tables`);
      await client.query(`DELETE FROM "${schema}"."${t.table}"`);
      for (let i = 0; i < t.rows.length; i += ROWS_PER_INSERT) {
        const chunk = t.rows.slice(i, i + ROWS_PER_INSERT);
        await client.query(insertSql(schema, t.table, t.columns, chunk.length), chunk.flat());
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
  return { kind: 'postgres', from, to: `${display} (schema ${schema})`, bytes: statSync(from).size, journal_seq: backup.header.journal_seq };
}

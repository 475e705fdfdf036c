// The store backends every durable-ledger test runs on: memory, a real SQLite
// file, and the real PostgreSQL server (a fresh schema per test). PostgreSQL is
// required when SCO_SETTLE_TEST_POSTGRES is set (as CI does); otherwise it is
// skipped, with the reason, when no local server answers.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';

export interface Backend {
  name: 'memory' | 'sqlite' | 'postgres';
  /** Opens the backend's store; a second call opens the same data again (as after a restart). */
  open(): Promise<Store>;
  /** The URL the CLI would take, where there is one. */
  url: string | null;
  cleanup(): Promise<void>;
}

export const POSTGRES_URL = process.env.SCO_SETTLE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_REQUIRED = process.env.SCO_SETTLE_TEST_POSTGRES !== undefined;

let postgresChecked: string | null | undefined;

/** null when PostgreSQL can be used; otherwise why not. Throws if it is required and down. */
export async function postgresSkipReason(): Promise<string | null> {
  if (postgresChecked !== undefined) return postgresChecked;
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    postgresChecked = null;
  } catch (err) {
    if (POSTGRES_REQUIRED) throw new Error(`SCO_SETTLE_TEST_POSTGRES=${POSTGRES_URL} is set but unreachable: ${(err as Error).message}`);
    postgresChecked = `PostgreSQL at ${POSTGRES_URL} is unreachable (${(err as Error).message}); set SCO_SETTLE_TEST_POSTGRES to require it`;
  } finally {
    await client.end().catch(() => undefined);
  }
  return postgresChecked;
}

let counter = 0;

export function makeBackend(name: Backend['name']): Backend {
  if (name === 'memory') {
    const store = new MemoryStore();
    return { name, url: null, open: async () => store, cleanup: async () => undefined };
  }
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-test-'));
    const path = join(dir, 'ledger.db');
    return {
      name,
      url: `sqlite:${path}`,
      open: async () => new SqliteStore(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    name,
    url,
    open: async () => {
      const { PostgresStore } = await import('../../src/store/postgres.js');
      return PostgresStore.connect(url);
    },
    cleanup: async () => {
      const { PostgresStore } = await import('../../src/store/postgres.js');
      await PostgresStore.dropSchema(url);
    },
  };
}

export const BACKEND_NAMES: ReadonlyArray<Backend['name']> = ['memory', 'sqlite', 'postgres'];

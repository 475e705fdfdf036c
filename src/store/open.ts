// Chooses and opens a store from one connection string:
//   sqlite:PATH (or a bare path ending in .db), postgres://… / postgresql://…, memory:
// PostgreSQL URLs may carry ?schema=NAME to keep the platform's tables in their own schema.

import { StoreError, type Store } from './types.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';

export const DEFAULT_STORE_URL = 'sqlite:./data/sco-settle.db';

export async function openStore(url: string): Promise<Store> {
  if (url === 'memory:' || url === 'memory') return new MemoryStore();
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length === 0) throw new StoreError('bad_url', `store "${url}": sqlite: needs a file path, e.g. sqlite:./data/sco-settle.db`);
    return new SqliteStore(path);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PostgresStore } = await import('./postgres.js');
    return PostgresStore.connect(url);
  }
  if (url.endsWith('.db') || url.endsWith('.sqlite')) return new SqliteStore(url);
  throw new StoreError('bad_url', `store "${url}": expected sqlite:PATH, postgres://… or memory:`);
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

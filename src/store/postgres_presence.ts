// Whether a PostgreSQL schema holds a store, without creating anything (the
// store's own connect() creates the schema, which `init` alone may do).

import pg from 'pg';
import { parsePostgresUrl } from './postgres.js';
import { StoreError } from './types.js';

export async function postgresSchemaHasStore(url: string): Promise<boolean> {
  const target = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new StoreError('unreachable', `cannot connect to ${target.display}: ${(err as Error).message}`);
  }
  try {
    const res = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${target.schema}".meta`]);
    return res.rows[0]?.t !== null && res.rows[0]?.t !== undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

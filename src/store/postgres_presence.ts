// Whether a PostgreSQL schema holds a store, without creating anything (the
// store's own connect() creates the schema, which `init` alone may do).

import pg from 'pg';
import { parsePostgresUrl } from './postgres.js';
import { StoreError } from './types.js';

/** A plain connection to the server a store URL names (no schema created); unreachable as a StoreError. Shared with the PostgreSQL backup. */
export async function connectPlain(url: string): Promise<{ client: pg.Client; schema: string; display: string }> {
  const target = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new StoreError('unreachable', `cannot connect to ${target.display}: ${(err as Error).message}`);
  }
  return { client, schema: target.schema, display: target.display };
}

export async function postgresSchemaHasStore(url: string): Promise<boolean> {
  const { client, schema } = await connectPlain(url);
  try {
    const res = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema}".meta`]);
    return res.rows[0]?.t !== null && res.rows[0]?.t !== undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

// What the fault-injection tests share (test/fault_*.test.ts): a load of payment
// batches on a platform that records which were acknowledged, a check made at
// every acknowledgement through an independent connection that the journal
// already holds it, the recovery step (reopen, find every acknowledged payment,
// verify), the readiness answer of the API over the platform, and the fault table
// each test prints a row of ("FAULT | fault | acknowledged payments | lost | verify after recovery | note").

import assert from 'node:assert/strict';
import { Database } from '../../src/store/sqlite_driver.js';
import pg from 'pg';
import { Platform } from '../../src/platform/platform.js';
import { buildApi } from '../../src/api/server.js';
import { parsePostgresUrl } from '../../src/store/postgres.js';
import type { Store } from '../../src/store/types.js';
import { POSTGRES_URL } from './backends.js';
import { BANKS, payment, setupScheme, TestClock } from './platform.js';

export interface LoadResult {
  /** UETRs of every acknowledged batch. */
  acked: string[];
  batches_acked: number;
  batches_failed: number;
  /** The first error a batch got. */
  first_error: (Error & { code?: string }) | null;
}

/** The journal's last seq as another connection sees it: what is committed, not what this process believes. */
export interface JournalReader {
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

export async function journalReader(url: string): Promise<JournalReader> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    const stmt = db.prepare('SELECT coalesce(max(seq), 0) FROM journal').pluck();
    return { lastSeq: async () => Number(stmt.get()), close: async () => void db.close() };
  }
  const { schema } = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  return {
    lastSeq: async () => Number((await client.query<{ n: string }>(`SELECT coalesce(max(seq), 0) AS n FROM "${schema}".journal`)).rows[0]!.n),
    close: () => client.end(),
  };
}

/** A platform with the test scheme and BANKS[0] funded in CNY. */
export async function seededPlatform(store: Store | string, clock = new TestClock()): Promise<Platform> {
  const p = await Platform.open(store, { clock: clock.read });
  await setupScheme(p);
  await p.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '100000000.00' });
  return p;
}

/**
 * Submits `batches` batches of `per` payments, `concurrency` at a time, until they
 * are done or one fails (those queued behind it fail with it). At each
 * acknowledgement the reader must already see the platform's durable head.
 * `onAck(n)` runs after the n-th acknowledgement (to inject the fault).
 */
export async function runLoad(
  p: Platform,
  reader: JournalReader,
  opts: { batches: number; per: number; concurrency: number; onAck?: (n: number) => void | Promise<void> },
): Promise<LoadResult> {
  const out: LoadResult = { acked: [], batches_acked: 0, batches_failed: 0, first_error: null };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.batches && out.first_error === null) {
      next++;
      const list = Array.from({ length: opts.per }, () => payment(BANKS[0], BANKS[1], 'CNY', '1.00'));
      try {
        await p.execute({ type: 'submit_payments', payments: list });
      } catch (err) {
        out.batches_failed++;
        out.first_error ??= err as Error;
        continue;
      }
      const head = p.journalHead().seq;
      const seen = await reader.lastSeq();
      assert.ok(seen >= head, `acknowledged at journal entry ${head}, but another connection sees the journal end at ${seen}`);
      out.batches_acked++;
      for (const x of list) out.acked.push(x.uetr as string);
      await opts.onAck?.(out.batches_acked);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return out;
}

export interface Readiness {
  /** What `GET /readyz` answers now. */
  probe(): Promise<{ status: number; body: { code?: string; message?: string; status?: string } }>;
  close(): Promise<void>;
}

/** The API built over the platform (not listening), before the fault, as a running server has it. */
export async function readiness(p: Platform): Promise<Readiness> {
  const api = await buildApi({ platform: p, logLevel: false, rateLimit: null });
  return {
    probe: async () => {
      const res = await api.app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    },
    close: () => api.app.close(),
  };
}

/** Reopens the store: how many acknowledged payments are missing, and whether verify passes. */
export async function recover(open: () => Promise<Store>, acked: readonly string[]): Promise<{ lost: number; verify: string; durable_payments: number }> {
  const p = await Platform.open(await open(), { clock: new TestClock().read });
  let lost = 0;
  let durable_payments = 0;
  try {
    for (const u of acked) if (p.payment(u) === undefined) lost++;
    durable_payments = p.paymentCount();
  } finally {
    await p.close();
  }
  const store = await open();
  try {
    const report = await Platform.verify(store);
    return { lost, durable_payments, verify: report.ok ? 'ok' : `${report.code}: ${report.problem}` };
  } finally {
    await store.close();
  }
}

/** The cause a ledger_failed error names: what the failed journal write said. */
export function cause(err: Error): string {
  const m = /failed journal write \((.*)\); reopen/.exec(err.message);
  return (m === null ? err.message : m[1]!).slice(0, 100);
}

/** One row of the fault table (`node --test dist/test/fault_*.test.js | grep 'FAULT |'` gathers them). */
export function faultRow(fault: string, acknowledged: number, lost: number, verify: string, note = ''): void {
  process.stdout.write(`FAULT | ${fault} | ${acknowledged} | ${lost} | ${verify}${note === '' ? '' : ` | ${note}`}\n`);
}

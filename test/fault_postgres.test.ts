// Faults on the PostgreSQL store in the middle of a load (issue 20, campaign item 2):
// the store's connection is cut from the client side (its socket destroyed), and
// the server terminates the store's session (pg_terminate_backend from a second
// connection; the shared server itself keeps running). Each time: no batch was
// acknowledged that another connection could not already read; the ledger stopped
// (health not writable, /readyz 503 naming the failure, later writes refused with
// ledger_failed); a reopened store holds every acknowledged payment, and verify
// passes. A batch whose commit reached the server but whose answer was lost is
// durable and unacknowledged: allowed (its sender retries by UETR), counted apart.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { Platform } from '../src/platform/platform.js';
import { LedgerError } from '../src/journal/durable_ledger.js';
import { PostgresStore } from '../src/store/postgres.js';
import { makeBackend, POSTGRES_URL, postgresSkipReason } from './support/backends.js';
import { cause, faultRow, journalReader, readiness, recover, runLoad, seededPlatform } from './support/faults.js';

const pgSkip = await postgresSkipReason();

type Cut = (p: Platform, app: string) => Promise<void>;

/** The client side: the store's socket is destroyed, as a dropped network link would. */
const cutSocket: Cut = async (p) => {
  const store = Platform.internals(p).store as unknown as { client: { connection: { stream: { destroy(): void } } } };
  store.client.connection.stream.destroy();
};

/** The server side: a second connection terminates the store's session. */
const terminate: Cut = async (_p, app) => {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const r = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [app]);
    assert.equal(r.rows.length, 1, 'exactly the store session is terminated');
  } finally {
    await admin.end();
  }
};

async function faultRun(name: string, cut: Cut): Promise<void> {
  const backend = makeBackend('postgres');
  // The store's session carries a name of its own, so the fault hits it and nothing else on the shared server.
  const app = `sco_fault_${process.pid}_${Date.now().toString(36)}`;
  const url = `${backend.url!}&application_name=${app}`;
  try {
    const p = await seededPlatform(await PostgresStore.connect(url));
    const ready = await readiness(p);
    assert.equal((await ready.probe()).status, 200, 'ready before the fault');
    const reader = await journalReader(backend.url!);
    let cutDone = false;
    const load = await runLoad(p, reader, {
      batches: 200,
      per: 20,
      concurrency: 4,
      onAck: async (n) => {
        // After some acknowledgements, while the other workers' batches are committing.
        if (n === 8 && !cutDone) {
          cutDone = true;
          await cut(p, app);
        }
      },
    });
    await reader.close();
    assert.ok(load.first_error !== null, 'the fault stopped the load');
    const err = load.first_error;
    assert.ok(err instanceof LedgerError && err.code === 'ledger_failed', `${err?.name} ${err?.code}: ${err?.message}`);
    assert.equal(p.health().writable, false);
    const answer = await ready.probe();
    await ready.close();
    assert.equal(answer.status, 503);
    assert.match(answer.body.message!, /failed journal write/);
    await assert.rejects(
      p.run({ type: 'fund', participant: 'BKCHCNBJ', currency: 'CNY', amount: '1.00' }),
      (e: unknown) => (e as LedgerError).code === 'ledger_failed',
    );
    await p.close().catch(() => undefined);

    const after = await recover(() => PostgresStore.connect(backend.url!), load.acked);
    assert.equal(after.lost, 0, 'every acknowledged payment is in the store');
    assert.equal(after.verify, 'ok');
    faultRow(
      name,
      load.acked.length,
      after.lost,
      after.verify,
      `${after.durable_payments - load.acked.length} durable but unacknowledged; ${err.code}: ${cause(err)}`,
    );
  } finally {
    await backend.cleanup();
  }
}

describe('PostgreSQL faults mid-batch', { skip: pgSkip ?? false }, () => {
  it('the connection cut from the client side', { timeout: 60_000 }, () => faultRun('PostgreSQL connection cut (client socket destroyed)', cutSocket));
  it('the session terminated by the server (pg_terminate_backend)', { timeout: 60_000 }, () =>
    faultRun('PostgreSQL session terminated by the server (pg_terminate_backend)', terminate),
  );
});

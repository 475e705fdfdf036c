// The API's Prometheus metrics on a real SQLite store: Node's default process
// metrics under their standard names (no project prefix), per-currency RTGS queue
// depth and value computed from real queued payments, the journal commit latency
// histogram counting real commits, the index backlog and build_info; and health,
// readiness and metrics polls are not logged at info while other requests are.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { buildApi } from '../src/api/server.js';
import { UserDirectory } from '../src/http/auth.js';
import { BUILD_INFO } from '../src/platform/build_info.js';
import { makeBackend } from './support/backends.js';
import { BANKS, openPlatform, payment, setupScheme, uetr } from './support/platform.js';

/** The value of one sample line `name{labels} value` in an exposition text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels === '' ? ' ' : `{${labels}} `}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('metrics: standard process names, per-currency queue, journal commit latency, index backlog, build_info; polls are not logged at info', async () => {
  const backend = makeBackend('sqlite');
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  try {
    const { platform } = await openPlatform(await backend.open());
    await setupScheme(platform);
    await platform.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '100.00' });
    const users = await UserDirectory.load(platform);
    const api = await buildApi({ platform, users, logLevel: 'info', logStream, rateLimit: null });
    try {
      // The payer has 100.00: the first payment does not fit and queues, the others queue behind it (FIFO).
      await platform.run({
        type: 'submit_payments',
        payments: [
          payment(BANKS[0], BANKS[1], 'CNY', '150.00', { uetr: uetr() }),
          payment(BANKS[0], BANKS[1], 'CNY', '250.25', { uetr: uetr() }),
          payment(BANKS[0], BANKS[1], 'CNY', '10.00', { uetr: uetr() }),
        ],
      });
      const queued = platform.queuedPayments();
      assert.equal(queued.length, 3);
      const res = await api.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      const text = res.body;

      // Node's defaults under the names every Prometheus setup knows.
      for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds'])
        assert.ok(sample(text, name) !== undefined, `${name} is exposed`);
      assert.doesNotMatch(text, /^sco_settle_(process|nodejs)_/m, 'no renamed default metrics');

      assert.equal(sample(text, 'sco_settle_rtgs_queue_depth', 'currency="CNY"'), 3);
      assert.equal(sample(text, 'sco_settle_rtgs_queue_value_minor', 'currency="CNY"'), 15_000 + 25_025 + 1_000);
      assert.equal(sample(text, 'sco_settle_rtgs_queue_depth', 'currency="RUB"'), undefined, 'a currency with nothing queued has no series');

      // Every command since the API was built committed: the histogram counted it.
      const commits = sample(text, 'sco_settle_journal_commit_duration_seconds_count');
      assert.ok(commits !== undefined && commits >= 1, `commit count ${commits}`);
      assert.ok((sample(text, 'sco_settle_journal_commit_duration_seconds_sum') ?? -1) >= 0);
      const backlog = sample(text, 'sco_settle_index_backlog_entries');
      assert.ok(backlog !== undefined && backlog >= 0 && backlog <= platform.journalHead().seq, `backlog ${backlog}`);
      // Records held: this small platform keeps every transfer in memory and spills nothing.
      const transfersInMemory = sample(text, 'sco_settle_records_held_bytes', 'records="transfers",where="memory"');
      assert.ok(transfersInMemory !== undefined && transfersInMemory > 0, `transfers in memory ${transfersInMemory}`);
      assert.equal(sample(text, 'sco_settle_records_held_bytes', 'records="transfers",where="spill_file"'), 0);
      assert.equal(sample(text, 'sco_settle_records_held_bytes', 'records="payments",where="spill_file"'), 0);
      // The transfer id index: a table in memory, nothing frozen yet.
      const idIndex = sample(text, 'sco_settle_records_held_bytes', 'records="transfer_ids",where="memory"');
      assert.ok(idIndex !== undefined && idIndex >= 8 * 1024, `transfer id index ${idIndex}`);
      assert.equal(sample(text, 'sco_settle_records_held_bytes', 'records="transfer_ids",where="spill_file"'), 0);
      // The payments' UETR index and columns: one block of columns and the smallest table, nothing frozen yet.
      const paymentIndex = sample(text, 'sco_settle_records_held_bytes', 'records="payment_ids",where="memory"');
      assert.ok(paymentIndex !== undefined && paymentIndex >= 8 * 1024, `payment id index ${paymentIndex}`);
      assert.equal(sample(text, 'sco_settle_records_held_bytes', 'records="payment_ids",where="spill_file"'), 0);
      assert.equal(sample(text, 'sco_settle_build_info', `version="${BUILD_INFO.version}",node="${process.versions.node}"`), 1);
      assert.match(BUILD_INFO.version, /^\d+\.\d+\.\d+/);

      // Probes and scrapes are quiet at info; an ordinary request is logged.
      logs.length = 0;
      for (const url of ['/healthz', '/readyz', '/metrics']) assert.equal((await api.app.inject({ method: 'GET', url })).statusCode, 200);
      assert.deepEqual(logs, [], 'no log lines for health, readiness and metrics polls');
      await api.app.inject({ method: 'GET', url: '/v1/me' });
      assert.ok(
        (logs as string[]).some((l) => l.includes('/v1/me')),
        'other requests are still logged',
      );
    } finally {
      await api.shutdown().catch(() => undefined);
    }
  } finally {
    await backend.cleanup();
  }
});

// Fault: the clock jumps back and forth (issue 20, campaign item 2). The platform's
// only time source is its clock input; here it jumps by hours, forwards and back,
// between batches of payments, and the process restarts with a clock a day behind
// the journal. Asserted on a real SQLite file and the real PostgreSQL server: every
// batch is acknowledged and durable; ledger timestamps still strictly increase
// (the ledger never stamps a transfer before an earlier one); a replay of the
// journal gives the same platform state (clock readings are journaled, not
// re-read); verify passes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Platform } from '../src/platform/platform.js';
import { makeBackend, postgresSkipReason } from './support/backends.js';
import { faultRow, journalReader, recover, runLoad, seededPlatform } from './support/faults.js';
import { BANKS, DAY_START_NS, TestClock } from './support/platform.js';

const pgSkip = await postgresSkipReason();
const HOUR_NS = 3_600n * 1_000_000_000n;
/** Clock offsets from 06:00 on the business day, one per batch: forwards, back, back past the day's start, forwards again. */
const JUMPS_H = [0n, 5n, 1n, 8n, -3n, 9n, 2n, -20n, 4n, 10n, 0n, 7n];

function transferTimestamps(p: Platform): bigint[] {
  return [...Platform.internals(p).ledger.state.transfersInOrder()].map((t) => t.timestamp);
}

function assertIncreasing(ts: readonly bigint[]): void {
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! > ts[i - 1]!, `transfer ${i} is stamped ${ts[i]}, not after ${ts[i - 1]}`);
}

for (const name of ['sqlite', 'postgres'] as const) {
  const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;
  describe(`the clock jumping on ${name}`, { skip }, () => {
    it('jumps of hours back and forth, and a restart a day behind: everything acknowledged is durable, timestamps increase, replay agrees', {
      timeout: 60_000,
    }, async () => {
      const backend = makeBackend(name);
      try {
        const clock = new TestClock();
        const p = await seededPlatform(await backend.open(), clock);
        const reader = await journalReader(backend.url!);
        const acked: string[] = [];
        for (const h of JUMPS_H) {
          clock.now_ns = DAY_START_NS + h * HOUR_NS;
          const load = await runLoad(p, reader, { batches: 3, per: 5, concurrency: 3 });
          assert.equal(load.first_error, null, String(load.first_error));
          acked.push(...load.acked);
        }
        await reader.close();
        assertIncreasing(transferTimestamps(p));
        const digest = p.stateDigest();
        const last = transferTimestamps(p).at(-1)!;
        await p.close();

        // A restart with the clock a day behind what the journal holds.
        const behind = new TestClock();
        behind.now_ns = DAY_START_NS - 24n * HOUR_NS;
        const q = await Platform.open(await backend.open(), { clock: behind.read });
        try {
          assert.equal(q.stateDigest(), digest, 'replay of the journal gives the state the jumping clock produced');
          await q.run({ type: 'fund', participant: BANKS[1], currency: 'CNY', amount: '1.00' });
          const ts = transferTimestamps(q);
          assert.ok(ts.at(-1)! > last, 'a transfer after the restart is stamped after every earlier one');
          assertIncreasing(ts);
        } finally {
          await q.close();
        }
        const after = await recover(() => backend.open(), acked);
        assert.equal(after.lost, 0);
        assert.equal(after.verify, 'ok');
        faultRow(
          `clock jumps of -20 h to +10 h, restart a day behind (${name})`,
          acked.length,
          after.lost,
          after.verify,
          'timestamps strictly increase; replay digest equal',
        );
      } finally {
        await backend.cleanup();
      }
    });
  });
}

// An active engine renews its lease on the event loop that digests and snapshots
// the whole state: it may pause for one only when it knows what it costs. The
// estimate (src/journal/whole_state_cost.ts) and the ledger's use of it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import type { JournalReplicator, ReplicatedEntry } from '../src/journal/replicated.js';
import { WholeStateCost } from '../src/journal/whole_state_cost.js';
import { emptyAccount, emptyTransfer, type Transfer } from '../src/ledger/types.js';
import { makeBackend } from './support/backends.js';

describe('whole-state cost estimate', () => {
  it('knows nothing before a measurement: only a small state fits', () => {
    const c = new WholeStateCost(100);
    assert.equal(c.estimate(5), null);
    assert.equal(c.fits(100, 1_000), true);
    assert.equal(c.fits(101, 1_000), false);
  });

  it('scales the last pass by the growth of the state, never below what it took', () => {
    const c = new WholeStateCost();
    c.measured(200, 1_000);
    assert.equal(c.estimate(4_000), 800);
    assert.equal(c.estimate(10), 200);
    assert.equal(c.fits(1_500, 300), true);
    assert.equal(c.fits(1_501, 300), false);
  });

  it('takes the rate of a small state over the floor weight, so an empty state does not make a large one look dear', () => {
    const c = new WholeStateCost(2_000);
    c.measured(2, 30);
    assert.equal(c.estimate(30), 2);
    assert.equal(c.estimate(80_000), 80);
    const bare = new WholeStateCost();
    bare.measured(2, 30);
    assert.ok(bare.estimate(80_000)! > 5_000);
    assert.throws(() => new WholeStateCost(0));
  });

  it('a pass costing at least several: the largest timed estimate decides; none timed, only a small state', () => {
    const snapshot = new WholeStateCost(100);
    const digest = new WholeStateCost(100);
    assert.equal(WholeStateCost.fitsAll([snapshot, digest], 100, 0), true);
    assert.equal(WholeStateCost.fitsAll([snapshot, digest], 101, 1e9), false);
    digest.measured(100, 1_000);
    assert.equal(WholeStateCost.fitsAll([snapshot, digest], 3_000, 300), true);
    snapshot.measured(400, 1_000);
    assert.equal(WholeStateCost.fitsAll([snapshot, digest], 500, 300), false);
    assert.equal(WholeStateCost.fitsAll([snapshot, digest], 500, 400), true);
  });

  it('refuses what is not a measurement', () => {
    assert.throws(() => new WholeStateCost().measured(Number.NaN, 10));
    assert.throws(() => new WholeStateCost().measured(5, -1));
  });

  it('an estimate grows with the weight and is at least the last pass (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.nat(1e7), fc.nat(1e7), fc.nat(1e7), (ms, w0, a, b) => {
        const c = new WholeStateCost();
        c.measured(ms, w0);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        assert.ok(c.estimate(lo)! <= c.estimate(hi)!);
        assert.ok(c.estimate(lo)! >= ms);
      }),
    );
  });
});

/** Records what an active engine publishes: the state digest each entry carries (or null). */
class Recorder implements JournalReplicator {
  readonly digests: Array<Buffer | null> = [];
  async publish(entries: readonly ReplicatedEntry[]): Promise<void> {
    for (const e of entries) this.digests.push(e.state_digest);
  }
}

const TRANSFERS = 12_000;

function clock(): () => bigint {
  let t = 1_700_000_000_000_000_000n;
  return () => (t += 1_000_000n);
}

function transfer(id: number): Transfer {
  return { ...emptyTransfer(BigInt(id)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 };
}

/** A store whose state is larger than an engine that timed no pass may digest (accounts and 12,000 transfers). */
async function grownStore(): Promise<ReturnType<typeof makeBackend>> {
  const backend = makeBackend('sqlite');
  const l = await DurableLedger.open(await backend.open(), { clock: clock() });
  await l.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
  for (let i = 0; i < TRANSFERS; i += 4_000) await l.createTransfers(Array.from({ length: 4_000 }, (_, k) => transfer(1_000 + i + k)));
  await l.close();
  return backend;
}

describe('an active engine pauses for a whole-state digest only when it knows the cost', () => {
  it('an engine that never timed one does not digest a large state while it writes', async () => {
    const backend = await grownStore();
    try {
      const rec = new Recorder();
      const l = await DurableLedger.open(await backend.open(), { clock: clock(), replicator: rec, state_digest_interval_ms: 0, active_pause_max_ms: 60_000 });
      for (let i = 0; i < 3; i++) await l.createTransfers([transfer(100_000 + i)]);
      await l.close();
      assert.equal(rec.digests.length, 3);
      assert.deepEqual(rec.digests, [null, null, null]);
    } finally {
      await backend.cleanup();
    }
  });

  it('an engine that never timed one digests a small state, and times it', async () => {
    const backend = makeBackend('sqlite');
    try {
      const rec = new Recorder();
      const l = await DurableLedger.open(await backend.open(), { clock: clock(), replicator: rec, state_digest_interval_ms: 0, active_pause_max_ms: 60_000 });
      assert.equal(l.whole_state_digest_ms, null);
      await l.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
      const ms = l.whole_state_digest_ms;
      await l.close();
      assert.equal(rec.digests.length, 1);
      assert.notEqual(rec.digests[0], null);
      assert.ok(ms !== null && ms >= 0, `estimate ${ms}`);
    } finally {
      await backend.cleanup();
    }
  });
});

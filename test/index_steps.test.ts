// The query index under steady load: what keeps the commit thread free for
// appends at a fixed request rate (issue #18). The durable ledger indexes, after
// each commit, only the entries that waited index_lag_max_ms (not the whole
// backlog behind them, which made one large write every half second). The active
// engine's steps carry their entries (IndexBatch.parts) so its store may let an
// append run between them; a follower's do not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { MemoryStore } from '../src/store/memory.js';
import type { IndexBatch } from '../src/store/types.js';
import { DAY_START_NS } from './support/platform.js';

const LAG_MS = 40;

test('under steady load the index takes only the entries that waited index_lag_max_ms, not the younger ones behind them, a step at a time', async () => {
  let t = DAY_START_NS;
  const clock = (): bigint => (t += 1_000n);
  const store = new MemoryStore();
  // When each transfer's batch was acknowledged (after it joined the backlog), and how old each was when indexed.
  const acked = new Map<bigint, number>();
  const ages: number[] = [];
  let writes = 0;
  const apply = store.applyIndex.bind(store);
  store.applyIndex = async (batch: IndexBatch): Promise<void> => {
    writes++;
    const now = performance.now();
    for (const tr of batch.transfers) ages.push(now - (acked.get(tr.id) ?? now));
    return apply(batch);
  };
  // index_idle_ms far beyond the run: only the lag bound indexes.
  const ledger = await DurableLedger.open(store, { clock, index_idle_ms: 600_000, index_lag_max_ms: LAG_MS });
  try {
    await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
    for (let i = 0; i < 60; i++) {
      const id = BigInt(100 + i);
      const r = await ledger.createTransfers([{ ...emptyTransfer(id), debit_account_id: 1n, credit_account_id: 2n, amount: 5n, ledger: 156, code: 1 }]);
      assert.equal(r[0], 0);
      acked.set(id, performance.now());
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    assert.ok(ages.length >= 30, `indexed ${ages.length} transfers under load`);
    // Acknowledged a little after it joined the backlog: a margin of a few ms. The whole backlog taken at once indexes entries of 0-4 ms.
    const youngest = Math.min(...ages);
    assert.ok(youngest >= LAG_MS - 8, `a transfer was indexed ${youngest.toFixed(1)} ms after its commit (lag bound ${LAG_MS} ms)`);
    // Fewer than a step's worth come of age per commit: they wait until the oldest waited twice the lag (about 10 a write), not a write per commit.
    assert.ok(writes <= 20, `${writes} index writes for ${ages.length} transfers`);
  } finally {
    await ledger.close();
  }
});

/** `n` ledger entries of `per` transfers each, journaled by a leader (a follower's input), the accounts first. */
async function leaderEntries(n: number, per: number): Promise<import('../src/store/types.js').JournalEntry[]> {
  let t = DAY_START_NS;
  const leader = await DurableLedger.open(new MemoryStore(), { clock: () => (t += 1_000n) });
  await leader.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
  for (let i = 0; i < n; i++) {
    const batch = [];
    for (let k = 0; k < per; k++)
      batch.push({ ...emptyTransfer(BigInt(1_000 + i * per + k)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 });
    await leader.createTransfers(batch);
  }
  const entries = await leader.store.readJournal(0, n + 1);
  await leader.close();
  return entries;
}

/** The transfers of each index write a store receives. */
function indexWrites(store: MemoryStore): number[] {
  const sizes: number[] = [];
  const apply = store.applyIndex.bind(store);
  store.applyIndex = async (batch: IndexBatch): Promise<void> => {
    sizes.push(batch.transfers.length);
    return apply(batch);
  };
  return sizes;
}

/** Each index write's parts (IndexBatch.parts) checked against its rows: present and adding up, or absent. */
function indexParts(store: MemoryStore): Array<'parts' | 'none'> {
  const seen: Array<'parts' | 'none'> = [];
  const apply = store.applyIndex.bind(store);
  store.applyIndex = async (batch: IndexBatch): Promise<void> => {
    const parts = batch.parts;
    if (parts === undefined) seen.push('none');
    else {
      assert.equal(
        parts.reduce((a, p) => a + p.transfers, 0),
        batch.transfers.length,
      );
      assert.equal(
        parts.reduce((a, p) => a + p.balances, 0),
        batch.balances.length,
      );
      assert.equal(parts[parts.length - 1]!.seq, batch.through_seq);
      seen.push('parts');
    }
    return apply(batch);
  };
  return seen;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('a follower under steady load indexes in steps of thousands of events (up to 8,192), after four times the lag, every transfer once and in order', async () => {
  const PER = 100;
  const N = 300;
  const LAG = 50;
  const entries = await leaderEntries(N, PER);
  const store = new MemoryStore();
  const sizes = indexWrites(store);
  const parts = indexParts(store);
  // How old each entry was (since it was applied) when indexed.
  const appliedAt = new Map<bigint, number>();
  const ages: number[] = [];
  const apply = store.applyIndex;
  store.applyIndex = async (batch: IndexBatch): Promise<void> => {
    const now = performance.now();
    for (const tr of batch.transfers) ages.push(now - (appliedAt.get(tr.id) ?? now));
    return apply(batch);
  };
  let t = DAY_START_NS;
  const follower = await DurableLedger.open(store, {
    clock: () => (t += 1_000n),
    follower: true,
    index_idle_ms: 600_000,
    index_lag_max_ms: LAG,
    snapshot_min_events: 1e9,
  });
  try {
    // About 25,000 transfers a second, an entry at a time, as a stream delivers them.
    for (const [i, entry] of entries.entries()) {
      const now = performance.now();
      if (i > 0) for (let k = 0; k < PER; k++) appliedAt.set(BigInt(1_000 + (i - 1) * PER + k), now);
      await follower.applyFollowed([{ entry, state_digest: null }]);
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    const underLoad = [...sizes];
    const agesUnderLoad = [...ages];
    await follower.catchUpIndex();
    assert.ok(underLoad.length >= 2, `${underLoad.length} index writes under load`);
    // The writer's lag bound (and the former follower steps of 1,024 events) would write about 1,000 a write here.
    assert.ok(median(underLoad) >= 2_000, `index writes under load of ${underLoad.join(', ')} transfers`);
    assert.ok(Math.max(...underLoad) <= 8_192 + PER, `index writes under load of ${underLoad.join(', ')} transfers`);
    // None indexed by the lag path before it waited four times the lag (a few ms of margin).
    const youngest = Math.min(...agesUnderLoad);
    assert.ok(youngest >= 4 * LAG - 10, `a transfer was indexed ${youngest.toFixed(1)} ms after it was applied (follower lag bound ${4 * LAG} ms)`);
    // Every transfer indexed, once, in order; a query sees them all.
    const all = await follower.lookupTransfers(entries.slice(1, 81).flatMap((_, i) => Array.from({ length: PER }, (_, k) => BigInt(1_000 + i * PER + k))));
    assert.equal(all.length, 80 * PER);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      N * PER,
    );
    // A follower's steps are written whole: no entries for its store to commit one by one.
    assert.deepEqual(new Set(parts), new Set(['none']));
  } finally {
    await follower.close();
  }
});

test("a member replica's query sees every entry its follower applied, however young (it catches the index up first)", async () => {
  const PER = 10;
  const entries = await leaderEntries(20, PER);
  const store = new MemoryStore();
  let t = DAY_START_NS;
  const follower = await DurableLedger.open(store, { clock: () => (t += 1_000n), follower: true, index_idle_ms: 600_000, snapshot_min_events: 1e9 });
  try {
    for (const entry of entries) await follower.applyFollowed([{ entry, state_digest: null }]);
    // Applied just now: the lag path has written nothing of it.
    const ids = Array.from({ length: 20 * PER }, (_, i) => BigInt(1_000 + i));
    assert.equal((await follower.lookupTransfers(ids)).length, 20 * PER);
    const debits = await follower.accountTransfers({
      account_id: 1n,
      timestamp_min: 0n,
      timestamp_max: 0n,
      limit: 8_000,
      debits: true,
      credits: false,
      reversed: false,
    });
    assert.equal(debits.length, 20 * PER);
  } finally {
    await follower.close();
  }
});

test('the active engine keeps its short lag steps under the same load (its appends wait behind an index write)', async () => {
  let t = DAY_START_NS;
  const store = new MemoryStore();
  const sizes = indexWrites(store);
  const parts = indexParts(store);
  const ledger = await DurableLedger.open(store, { clock: () => (t += 1_000n), index_idle_ms: 600_000, index_lag_max_ms: 200 });
  try {
    await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
    for (let i = 0; i < 150; i++) {
      const batch = [];
      for (let k = 0; k < 100; k++)
        batch.push({ ...emptyTransfer(BigInt(1_000 + i * 100 + k)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 });
      await ledger.createTransfers(batch);
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    assert.ok(sizes.length >= 3, `${sizes.length} index writes under load`);
    assert.ok(median(sizes) < 1_000, `index writes under load of ${sizes.join(', ')} transfers`);
    // The active engine's steps carry their entries, adding up to their rows (checked as each is written).
    assert.deepEqual(new Set(parts), new Set(['parts']));
  } finally {
    await ledger.close();
  }
});

// A follower (cluster standby or member replica) appends the entries it applied
// to its local store a few batches at a time (FOLLOWER_APPEND_MS in
// src/journal/durable_ledger.ts), not once per batch: fewer appends than batches
// under a steady arrival, none of them past what it applied, the store reaching
// the last entry applied without another arriving, the query tables and
// snapshots never ahead of the local journal, and everything applied in the store
// before it becomes active. A reopened store replays to the same head.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { openStore } from '../src/store/open.js';
import type { JournalEntry, Store } from '../src/store/types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function leaderEntries(n: number): Promise<JournalEntry[]> {
  let t = 1n;
  const leader = await DurableLedger.open(await openStore('memory:'), { clock: () => (t += 1000n) });
  await leader.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
  for (let i = 0; i < n; i++)
    await leader.createTransfers([{ ...emptyTransfer(BigInt(100 + i)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 }]);
  const entries = await leader.store.readJournal(0, n + 1);
  await leader.close();
  return entries;
}

/** The store's appends as the follower makes them: the seqs of each. */
function countAppends(store: Store): number[][] {
  const appends: number[][] = [];
  const append = store.appendJournal.bind(store);
  store.appendJournal = (entries, options) => {
    appends.push(entries.map((e) => e.seq));
    return append(entries, options);
  };
  return appends;
}

test('a follower appends what it applied a few batches at a time, and its store reaches the last entry without another arriving', async () => {
  const entries = await leaderEntries(60);
  const store = await openStore('memory:');
  const appends = countAppends(store);
  let t = 1n;
  const follower = await DurableLedger.open(store, { clock: () => (t += 1000n), follower: true, index_idle_ms: 600_000, snapshot_min_events: 1e9 });
  // One entry a batch, a batch every 5 ms: about 60 batches in 300 ms.
  for (const entry of entries) {
    await follower.applyFollowed([{ entry, state_digest: null }]);
    await sleep(5);
  }
  assert.equal(follower.journal_seq, entries.length);
  assert.ok(appends.length <= 15, `${appends.length} local appends for ${entries.length} batches`);
  // In order, no gap, no entry twice.
  assert.deepEqual(
    appends.flat(),
    entries.slice(0, appends.flat().length).map((e) => e.seq),
  );
  // The durable head is the store's, and reaches the last entry applied on its own.
  const deadline = Date.now() + 2_000;
  while (follower.durable_head.seq < entries.length && Date.now() < deadline) await sleep(10);
  assert.equal(follower.durable_head.seq, entries.length);
  assert.deepEqual(
    (await store.readJournal(0, entries.length + 5)).map((e) => e.seq),
    entries.map((e) => e.seq),
  );
  await follower.close();
});

test('the query index and a snapshot never pass the local journal; becoming active appends what was applied first', async () => {
  const entries = await leaderEntries(30);
  const store = await openStore('memory:');
  let t = 1n;
  const clock = (): bigint => (t += 1000n);
  const follower = await DurableLedger.open(store, { clock, follower: true, index_idle_ms: 600_000, snapshot_min_events: 1e9 });
  await follower.applyFollowed(entries.slice(0, 10).map((entry) => ({ entry, state_digest: null })));
  // Applied in one batch just now: not in the store yet; an index catch-up appends the journal first.
  await follower.catchUpIndex();
  const indexed = await store.indexPosition();
  const stored = (await store.readJournal(0, 100)).length;
  assert.ok(indexed <= stored, `index through ${indexed}, journal through ${stored}`);
  assert.equal(stored, 10);
  await follower.applyFollowed(entries.slice(10, 20).map((entry) => ({ entry, state_digest: null })));
  await follower.snapshot();
  const snap = await store.loadSnapshot();
  assert.ok(snap !== null && snap.seq <= (await store.readJournal(0, 100)).length, 'the snapshot is within the local journal');
  await follower.applyFollowed(entries.slice(20).map((entry) => ({ entry, state_digest: null })));
  // Becoming active: its next entry follows every entry applied, in the store.
  await follower.activate();
  await follower.createTransfers([{ ...emptyTransfer(999n), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 }]);
  assert.deepEqual(
    (await store.readJournal(0, 100)).map((e) => e.seq),
    Array.from({ length: entries.length + 1 }, (_, i) => i + 1),
  );
  await follower.close();
});

test('a read on a follower does not wait for its local append: what it applied is durable in the replicated log', async () => {
  const entries = await leaderEntries(5);
  let t = 1n;
  const follower = await DurableLedger.open(await openStore('memory:'), { clock: () => (t += 1000n), follower: true, index_idle_ms: 600_000 });
  await follower.applyFollowed(entries.map((entry) => ({ entry, state_digest: null })));
  assert.ok(follower.durable_head.seq < follower.journal_seq, 'applied just now: not in its store yet');
  let waited = true;
  await Promise.race([follower.whenDurable().then(() => (waited = false)), sleep(50)]);
  assert.equal(waited, false, 'whenDurable resolved at once');
  await follower.close();
});

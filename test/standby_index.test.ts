// A standby defers its query index (FollowerIndexing 'deferred' in
// src/journal/durable_ledger.ts): it applies and checks every entry but writes the
// index rows only in large steps, so when it becomes active its index is behind.
// Its queries must still answer exactly as an engine that never failed over does:
// right after it becomes active (a read indexes the backlog first) and after both
// took the same further writes (the writer's lag path and reads on top of the
// deferred backlog). The standby's store must also reopen to the same answers.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { AccountFlags, emptyAccount, emptyTransfer, TransferFlags, type Transfer } from '../src/ledger/types.js';
import { openStore } from '../src/store/open.js';

const ACCOUNTS = 12;
const ids = Array.from({ length: ACCOUNTS }, (_, i) => BigInt(i + 1));

/** A deterministic day's writes, `from` to `to` (batches), each at its own clock reading. */
async function write(ledger: DurableLedger, clock: { now: bigint }, from: number, to: number): Promise<void> {
  for (let b = from; b < to; b++) {
    clock.now = 1_000_000n * BigInt(b + 1);
    if (b === 0) {
      await ledger.createAccounts(ids.map((id) => emptyAccount(id, 156, 1, AccountFlags.history)));
      continue;
    }
    const batch: Transfer[] = [];
    for (let k = 0; k < 7; k++) {
      const n = b * 16 + k;
      const debit = ids[(n * 5) % ACCOUNTS]!;
      let credit = ids[(n * 7 + 3) % ACCOUNTS]!;
      if (credit === debit) credit = ids[(n * 7 + 4) % ACCOUNTS]!;
      const pending = n % 5 === 0;
      batch.push({
        ...emptyTransfer(BigInt(10_000 + n)),
        debit_account_id: debit,
        credit_account_id: credit,
        amount: BigInt(1 + ((n * 37) % 1_000)),
        ledger: 156,
        code: 1,
        flags: pending ? TransferFlags.pending : 0,
      });
      // Post or void the pending transfer of two batches before.
      const earlier = (b - 2) * 16 + k;
      if (b >= 3 && earlier % 5 === 0)
        batch.push({
          ...emptyTransfer(BigInt(50_000 + n)),
          pending_id: BigInt(10_000 + earlier),
          flags: earlier % 10 === 0 ? TransferFlags.post_pending_transfer : TransferFlags.void_pending_transfer,
        });
    }
    await ledger.createTransfers(batch);
  }
}

/** Every query the index answers, for every account and transfer written. */
async function answers(ledger: DurableLedger): Promise<unknown> {
  const transferIds: bigint[] = [];
  for (let n = 0; n < 400 * 16; n++) if (n % 16 < 7) transferIds.push(BigInt(10_000 + n), BigInt(50_000 + n));
  const lookups: Transfer[] = [];
  for (let i = 0; i < transferIds.length; i += 8_000) lookups.push(...(await ledger.lookupTransfers(transferIds.slice(i, i + 8_000))));
  const perAccount = [];
  for (const account_id of ids) {
    const filter = { account_id, timestamp_min: 0n, timestamp_max: 0n, limit: 8_000, debits: true, credits: true, reversed: false };
    perAccount.push({ transfers: await ledger.accountTransfers(filter), balances: await ledger.accountBalances(filter) });
  }
  return { accounts: await ledger.lookupAccounts(ids), transfers: lookups, perAccount };
}

test('a standby made active answers every query as an engine that never failed over, though its index was deferred', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'standby-index-'));
  try {
    const clockA = { now: 0n };
    const never = await DurableLedger.open(await openStore(`sqlite:${join(dir, 'a.db')}`), { clock: () => clockA.now });
    await write(never, clockA, 0, 200);
    const entries = await never.store.readJournal(0, 10_000);
    assert.equal(entries.length, 200);

    const clockB = { now: 0n };
    const standby = await DurableLedger.open(await openStore(`sqlite:${join(dir, 'b.db')}`), { clock: () => clockB.now, follower: true });
    standby.setFollowerIndexing('deferred');
    for (let i = 0; i < entries.length; i += 8) await standby.applyFollowed(entries.slice(i, i + 8).map((entry) => ({ entry, state_digest: null })));
    assert.equal(standby.journal_seq, 200);
    // Deferred: the index holds (almost) nothing of what was applied, so becoming active has the backlog to index.
    assert.ok((await standby.store.indexPosition()) < 100, `standby index at ${await standby.store.indexPosition()}`);

    await standby.activate();
    assert.deepEqual(await answers(standby), await answers(never), 'right after it became active');

    // The same further writes on both; the new active engine's reads stay equal to the never-failed one's.
    await write(never, clockA, 200, 400);
    await write(standby, clockB, 200, 400);
    assert.deepEqual(await answers(standby), await answers(never), 'after 200 more batches on each');
    await never.close();
    await standby.close();

    // Its store reopens to the same answers (index and journal agree).
    const reopened = await DurableLedger.open(await openStore(`sqlite:${join(dir, 'b.db')}`), { clock: () => clockB.now });
    const reference = await DurableLedger.open(await openStore(`sqlite:${join(dir, 'a.db')}`), { clock: () => clockA.now });
    assert.deepEqual(await answers(reopened), await answers(reference), 'reopened');
    await reopened.close();
    await reference.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a standby writes its deferred index in large steps while following, never ahead of its local journal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'standby-index-'));
  try {
    const clock = { now: 0n };
    const writer = await DurableLedger.open(await openStore('memory:'), { clock: () => clock.now });
    await write(writer, clock, 0, 60);
    const entries = await writer.store.readJournal(0, 10_000);
    await writer.close();
    const store = await openStore(`sqlite:${join(dir, 's.db')}`);
    const standby = await DurableLedger.open(store, { clock: () => 0n, follower: true, index_idle_ms: 10 });
    standby.setFollowerIndexing('deferred');
    await standby.applyFollowed(entries.map((entry) => ({ entry, state_digest: null })));
    // A standby does not index on an idle stream (a failover's quiet): still nothing after many idle periods
    // (its local append and the store's worker take their time on a loaded host: a second, not a tenth).
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await store.indexPosition(), 0);
    // A snapshot indexes everything first, and only what is in the local journal.
    await standby.snapshot();
    assert.equal(await store.indexPosition(), 60);
    assert.equal((await store.readJournal(0, 100)).length, 60);
    await standby.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

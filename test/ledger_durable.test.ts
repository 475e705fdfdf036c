// The durable ledger on every backend (memory, a real SQLite file, the real
// PostgreSQL server): the same tests, the same expectations.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DurableLedger, LedgerError } from '../src/journal/durable_ledger.js';
import { verifyStore } from '../src/journal/verify.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { AccountFlags, BATCH_EVENTS_MAX, emptyAccount, emptyTransfer, RESULT_CODES, TransferFlags, type Account, type Transfer } from '../src/ledger/types.js';
import type { AccountFilter } from '../src/store/types.js';
import { BACKEND_NAMES, makeBackend, postgresSkipReason, type Backend } from './support/backends.js';

const pgSkip = await postgresSkipReason();

function clockFrom(start: bigint, step = 1_000_000n): { now: () => bigint; advance: (ns: bigint) => void } {
  let t = start;
  return {
    now: () => (t += step),
    advance: (ns) => {
      t += ns;
    },
  };
}

function account(id: number, flags = 0, ledger = 156): Account {
  return emptyAccount(BigInt(id), ledger, 1, flags);
}

function transfer(id: number, dr: number, cr: number, amount: bigint, extra: Partial<Transfer> = {}): Transfer {
  return { ...emptyTransfer(BigInt(id)), debit_account_id: BigInt(dr), credit_account_id: BigInt(cr), amount, ledger: 156, code: 1, ...extra };
}

function codes(results: Uint8Array): string[] {
  return [...results].map((r) => RESULT_CODES[r]!);
}

/** Verifies the backend's store from its first entry (it must pass); its report. */
async function verified(backend: Backend): Promise<Awaited<ReturnType<typeof verifyStore>>> {
  const store = await backend.open();
  try {
    const report = await verifyStore(store);
    assert.equal(report.ok, true, report.problem ?? '');
    return report;
  } finally {
    await store.close();
  }
}

async function withLedger<T>(backend: Backend, clock: () => bigint, fn: (l: DurableLedger) => Promise<T>): Promise<T> {
  const ledger = await DurableLedger.open(await backend.open(), { clock, index_idle_ms: 10 });
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

const ALL: AccountFilter = {
  account_id: 0n,
  timestamp_min: 0n,
  timestamp_max: 0n,
  limit: BATCH_EVENTS_MAX,
  debits: true,
  credits: true,
  reversed: false,
};

for (const name of BACKEND_NAMES) {
  const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;

  describe(`durable ledger on ${name}`, { skip }, () => {
    it('acknowledges batches, serves queries from the store, and survives a restart', async () => {
      const backend = makeBackend(name);
      try {
        const clock = clockFrom(1_000_000_000_000n);
        await withLedger(backend, clock.now, async (l) => {
          assert.deepEqual(
            codes(await l.createAccounts([account(1), account(2, AccountFlags.debits_must_not_exceed_credits | AccountFlags.history), account(3)])),
            ['ok', 'ok', 'ok'],
          );
          const r = await l.createTransfers([
            transfer(10, 1, 2, 500n),
            transfer(11, 2, 3, 200n),
            transfer(12, 2, 3, 400n), // would leave account 2 at -100
            transfer(13, 2, 3, 100n, { flags: TransferFlags.pending }),
          ]);
          assert.deepEqual(codes(r), ['ok', 'ok', 'exceeds_credits', 'ok']);
          const [a2] = await l.lookupAccounts([2n]);
          assert.equal(a2!.credits_posted, 500n);
          assert.equal(a2!.debits_posted, 200n);
          assert.equal(a2!.debits_pending, 100n);
        });
        // Reopen: the state comes back from disk, and retries are recognised.
        await withLedger(backend, clock.now, async (l) => {
          const [a2] = await l.lookupAccounts([2n]);
          assert.equal(a2!.debits_pending, 100n);
          assert.deepEqual(codes(await l.createTransfers([transfer(10, 1, 2, 500n), transfer(11, 2, 3, 201n)])), ['exists', 'exists_with_different_fields']);
          assert.deepEqual(
            codes(await l.createTransfers([transfer(14, 0, 0, 0n, { pending_id: 13n, flags: TransferFlags.post_pending_transfer, ledger: 0, code: 0 })])),
            ['ok'],
          );
          const ts = await l.accountTransfers({ ...ALL, account_id: 2n });
          assert.deepEqual(
            ts.map((t) => t.id),
            [10n, 11n, 13n, 14n],
          );
          const debitsReversed = await l.accountTransfers({ ...ALL, account_id: 2n, credits: false, reversed: true, limit: 2 });
          assert.deepEqual(
            debitsReversed.map((t) => t.id),
            [14n, 13n],
          );
          const creditsOnly = await l.accountTransfers({ ...ALL, account_id: 2n, debits: false });
          assert.deepEqual(
            creditsOnly.map((t) => t.id),
            [10n],
          );
          const window = await l.accountTransfers({ ...ALL, account_id: 2n, timestamp_min: ts[1]!.timestamp, timestamp_max: ts[2]!.timestamp });
          assert.deepEqual(
            window.map((t) => t.id),
            [11n, 13n],
          );
          const history = await l.accountBalances({ ...ALL, account_id: 2n });
          assert.deepEqual(
            history.map((h) => [h.debits_pending, h.debits_posted, h.credits_posted]),
            [
              [0n, 0n, 500n],
              [0n, 200n, 500n],
              [100n, 200n, 500n],
              [0n, 300n, 500n],
            ],
          );
          const [posted] = await l.lookupTransfers([14n]);
          assert.equal(posted!.amount, 100n);
          assert.equal(posted!.debit_account_id, 2n);
        });
        assert.equal((await verified(backend)).transfers, 4);
      } finally {
        await backend.cleanup();
      }
    });

    it('expires pending transfers by timeout with the clock as input', async () => {
      const backend = makeBackend(name);
      try {
        const clock = clockFrom(5_000_000_000n);
        await withLedger(backend, clock.now, async (l) => {
          await l.createAccounts([account(1), account(2)]);
          await l.createTransfers([transfer(1, 1, 2, 70n, { flags: TransferFlags.pending, timeout: 2 })]);
          clock.advance(3_000_000_000n);
          const [a1] = await l.lookupAccounts([1n]); // a query pulses expiry first
          assert.equal(a1!.debits_pending, 0n);
          const r = await l.createTransfers([transfer(2, 0, 0, 0n, { pending_id: 1n, flags: TransferFlags.post_pending_transfer, ledger: 0, code: 0 })]);
          assert.deepEqual(codes(r), ['pending_transfer_expired']);
        });
      } finally {
        await backend.cleanup();
      }
    });

    it('rejects an oversized or empty batch without changing anything', async () => {
      const backend = makeBackend(name);
      try {
        await withLedger(backend, clockFrom(1n).now, async (l) => {
          await l.createAccounts([account(1), account(2)]);
          const tooMany = Array.from({ length: BATCH_EVENTS_MAX + 1 }, (_, i) => transfer(100 + i, 1, 2, 1n));
          await assert.rejects(l.createTransfers(tooMany), (e: unknown) => e instanceof LedgerError && e.code === 'batch_too_large');
          await assert.rejects(l.createTransfers([]), (e: unknown) => e instanceof LedgerError && e.code === 'batch_empty');
          const [a1] = await l.lookupAccounts([1n]);
          assert.equal(a1!.debits_posted, 0n);
          assert.equal(l.journal_seq, 1);
        });
      } finally {
        await backend.cleanup();
      }
    });

    it('replays from a snapshot plus the journal after it', async () => {
      const backend = makeBackend(name);
      try {
        const clock = clockFrom(1n);
        await withLedger(backend, clock.now, async (l) => {
          await l.createAccounts([account(1), account(2), account(3)]);
          await l.createTransfers([transfer(1, 1, 2, 10n), transfer(2, 2, 3, 4n)]);
          await l.snapshot();
          await l.createTransfers([transfer(3, 3, 1, 1n), transfer(4, 1, 3, 5n, { flags: TransferFlags.pending })]);
        });
        await withLedger(backend, clock.now, async (l) => {
          const accounts = await l.lookupAccounts([1n, 2n, 3n]);
          assert.deepEqual(
            accounts.map((a) => [a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending]),
            [
              [10n, 1n, 5n, 0n],
              [4n, 10n, 0n, 0n],
              [1n, 4n, 0n, 5n],
            ],
          );
          assert.deepEqual(codes(await l.createTransfers([transfer(2, 2, 3, 4n)])), ['exists']);
        });
        assert.notEqual((await verified(backend)).snapshot_seq, null);
      } finally {
        await backend.cleanup();
      }
    });

    it('fails stop when a journal write fails, and recovers what was durable', async () => {
      const backend = makeBackend(name);
      try {
        const clock = clockFrom(1n);
        const store = await backend.open();
        const ledger = await DurableLedger.open(store, { clock: clock.now });
        await ledger.createAccounts([account(1), account(2)]);
        await ledger.createTransfers([transfer(1, 1, 2, 3n)]);
        const realAppend = store.appendJournal.bind(store);
        store.appendJournal = async () => {
          throw new Error('disk full (injected)');
        };
        await assert.rejects(ledger.createTransfers([transfer(2, 1, 2, 4n)]), (e: unknown) => e instanceof LedgerError && e.code === 'ledger_failed');
        store.appendJournal = realAppend;
        await assert.rejects(ledger.createTransfers([transfer(3, 1, 2, 5n)]), (e: unknown) => e instanceof LedgerError && e.code === 'ledger_failed');
        await ledger.close();
        await withLedger(backend, clock.now, async (l) => {
          const [a1] = await l.lookupAccounts([1n]);
          assert.equal(a1!.debits_posted, 3n, 'only the durable transfer survives');
          assert.equal((await l.lookupTransfers([2n])).length, 0);
        });
      } finally {
        await backend.cleanup();
      }
    });

    it('agrees with the bare state machine on random batches, before and after a restart', async () => {
      const runs = name === 'memory' ? 60 : name === 'sqlite' ? 25 : 12;
      await fc.assert(
        fc.asyncProperty(batchesArb, async (batches) => {
          const backend = makeBackend(name);
          try {
            const reference = new LedgerStateMachine();
            const clockA = clockFrom(1_000n, 1_000_000_000n);
            const clockB = clockFrom(1_000n, 1_000_000_000n);
            await withLedger(backend, clockA.now, async (l) => {
              for (const b of batches) {
                const expected = reference.execute(b.op, b.events, clockB.now()).results;
                const got = b.op === 'create_accounts' ? await l.createAccounts(b.events as Account[]) : await l.createTransfers(b.events as Transfer[]);
                assert.deepEqual(codes(got), codes(expected));
              }
            });
            // The reopened ledger's clock stands still at the last batch's reading: a query
            // journals due expiries first, and the reference has seen no time pass since.
            const lastReading = clockB.now() - 1_000_000_000n;
            await withLedger(
              backend,
              () => lastReading,
              async (l) => {
                const ids = [...reference.accounts.keys()];
                for (let i = 0; i < ids.length; i += BATCH_EVENTS_MAX) {
                  const got = await l.lookupAccounts(ids.slice(i, i + BATCH_EVENTS_MAX));
                  assert.deepEqual(
                    got,
                    ids.slice(i, i + BATCH_EVENTS_MAX).map((id) => ({ ...reference.accounts.get(id)! })),
                  );
                }
                for (const id of ids.slice(0, 3)) {
                  const expected = [...reference.transfersInOrder()].filter((t) => t.debit_account_id === id || t.credit_account_id === id);
                  assert.deepEqual(await l.accountTransfers({ ...ALL, account_id: id }), expected);
                }
              },
            );
            await verified(backend);
          } finally {
            await backend.cleanup();
          }
        }),
        { numRuns: runs },
      );
    });
  });
}

interface Batch {
  op: 'create_accounts' | 'create_transfers';
  events: Account[] | Transfer[];
}

const ACCOUNT_IDS = 6;
const accountArb = fc
  .record({
    id: fc.integer({ min: 1, max: ACCOUNT_IDS }),
    flags: fc.constantFrom(0, AccountFlags.debits_must_not_exceed_credits, AccountFlags.history, AccountFlags.credits_must_not_exceed_debits),
    ledger: fc.constantFrom(156, 156, 643),
  })
  .map(({ id, flags, ledger }) => account(id, flags, ledger));

const transferArb = fc
  .record({
    id: fc.integer({ min: 1, max: 40 }),
    dr: fc.integer({ min: 1, max: ACCOUNT_IDS }),
    cr: fc.integer({ min: 1, max: ACCOUNT_IDS }),
    amount: fc.bigInt({ min: 0n, max: 1000n }),
    kind: fc.constantFrom('plain', 'plain', 'pending', 'post', 'void', 'balancing'),
    pending: fc.integer({ min: 1, max: 40 }),
    linked: fc.boolean(),
    timeout: fc.constantFrom(0, 1, 5),
  })
  .map((x) => {
    const linked = x.linked ? TransferFlags.linked : 0;
    if (x.kind === 'post' || x.kind === 'void') {
      const flag = x.kind === 'post' ? TransferFlags.post_pending_transfer : TransferFlags.void_pending_transfer;
      return transfer(x.id, 0, 0, x.kind === 'post' ? x.amount % 300n : 0n, { pending_id: BigInt(x.pending), flags: flag | linked, ledger: 0, code: 0 });
    }
    if (x.kind === 'pending') return transfer(x.id, x.dr, x.cr, x.amount, { flags: TransferFlags.pending | linked, timeout: x.timeout });
    if (x.kind === 'balancing') return transfer(x.id, x.dr, x.cr, x.amount, { flags: TransferFlags.balancing_debit | linked });
    return transfer(x.id, x.dr, x.cr, x.amount, { flags: linked });
  });

const batchesArb: fc.Arbitrary<Batch[]> = fc
  .tuple(
    fc.array(accountArb, { minLength: 1, maxLength: ACCOUNT_IDS }),
    fc.array(
      fc.oneof(
        { weight: 1, arbitrary: fc.array(accountArb, { minLength: 1, maxLength: 3 }).map((events): Batch => ({ op: 'create_accounts', events })) },
        { weight: 5, arbitrary: fc.array(transferArb, { minLength: 1, maxLength: 12 }).map((events): Batch => ({ op: 'create_transfers', events })) },
      ),
      { minLength: 1, maxLength: 8 },
    ),
  )
  .map(([first, rest]) => [{ op: 'create_accounts' as const, events: first }, ...rest]);

describe('one writer per store', () => {
  for (const name of ['sqlite', 'postgres'] as const) {
    const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;
    it(`on ${name}: a second writer is refused while the first runs, and admitted after it closes`, { skip }, async () => {
      const backend = makeBackend(name);
      try {
        const first = await DurableLedger.open(await backend.open(), { clock: clockFrom(1n).now });
        const second = await backend.open();
        const refusedIn = (second as unknown as { acquireWriter(wait_ms: number): Promise<void> }).acquireWriter(200);
        await assert.rejects(refusedIn, (e: unknown) => (e as { code?: string }).code === 'writer_busy');
        await first.close();
        await second.acquireWriter();
        await second.close();
      } finally {
        await backend.cleanup();
      }
    });
  }
});

/** A store whose appends wait until the test lets each one finish (or fail): the commit pipeline seen step by step. */
function gateAppends(store: { appendJournal: (...a: never[]) => Promise<void> }): {
  calls: Array<{ seqs: number[]; finish: () => void; fail: (err: Error) => void }>;
} {
  const real = store.appendJournal.bind(store) as (entries: Array<{ seq: number }>, ...rest: unknown[]) => Promise<void>;
  const calls: Array<{ seqs: number[]; finish: () => void; fail: (err: Error) => void }> = [];
  (store as { appendJournal: unknown }).appendJournal = (entries: Array<{ seq: number }>, ...rest: unknown[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({
        seqs: entries.map((e) => e.seq),
        finish: () => void real(entries, ...rest).then(resolve, reject),
        fail: reject,
      });
    });
  return { calls };
}

/** Lets the event loop turn `n` times (timers, I/O, immediates). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setTimeout(r, 1));
}

/** Turns the event loop until `done` holds: a SQLite append crosses to the commit thread, so on a loaded machine it may take more than a few turns. */
async function until(done: () => boolean, limit_ms = 10_000): Promise<void> {
  const deadline = Date.now() + limit_ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${limit_ms} ms`);
    await new Promise<void>((r) => setTimeout(r, 1));
  }
}

describe('the commit pipeline', () => {
  for (const name of ['memory', 'sqlite'] as const) {
    it(`on ${name}: groups arriving while one commits execute meanwhile, are appended together after it, and nobody is answered before their own append`, async () => {
      const backend = makeBackend(name);
      try {
        const store = await backend.open();
        const ledger = await DurableLedger.open(store, { clock: clockFrom(1n).now, run_ahead_bytes: 1 });
        await ledger.createAccounts([account(1), account(2)]);
        const { calls } = gateAppends(store as never);
        const answered: string[] = [];
        const p1 = ledger.createTransfers([transfer(1, 1, 2, 3n)]).then((r) => answered.push(`1:${codes(r)}`));
        await until(() => calls.length === 1);
        const p2 = ledger.createTransfers([transfer(2, 1, 2, 4n)]).then((r) => answered.push(`2:${codes(r)}`));
        await turns();
        assert.equal(ledger.state.transfers.has(2n), true, 'the second group ran while the first committed');
        const p3 = ledger.createTransfers([transfer(3, 1, 2, 5n), transfer(3, 1, 2, 5n)]).then((r) => answered.push(`3:${codes(r)}`));
        await turns();
        assert.equal(ledger.state.transfers.has(3n), true, 'and a third');
        assert.equal(calls.length, 1, 'their append waits for the first to be durable');
        assert.deepEqual(answered, [], 'nobody answered before a durable append');
        calls[0]!.finish();
        await until(() => answered.length > 0 && calls.length === 2);
        assert.deepEqual(answered, ['1:ok']);
        assert.deepEqual(
          calls.map((c) => c.seqs),
          [[2], [3, 4]],
          'what ran ahead is one append',
        );
        assert.equal(ledger.durable_head.seq, 2);
        calls[1]!.finish();
        await Promise.all([p1, p2, p3]);
        assert.deepEqual(answered, ['1:ok', '2:ok', '3:ok,exists']);
        assert.equal(ledger.durable_head.seq, 4);
        await ledger.close();
        await withLedger(backend, clockFrom(1_000_000n).now, async (l) => {
          assert.equal((await l.lookupTransfers([1n, 2n, 3n])).length, 3);
          const [a1] = await l.lookupAccounts([1n]);
          assert.equal(a1!.debits_posted, 12n);
        });
      } finally {
        await backend.cleanup();
      }
    });

    it(`on ${name}: a failed append refuses the group executed behind it, which never reaches the journal`, async () => {
      const backend = makeBackend(name);
      try {
        const store = await backend.open();
        const ledger = await DurableLedger.open(store, { clock: clockFrom(1n).now, run_ahead_bytes: 1 });
        await ledger.createAccounts([account(1), account(2)]);
        const { calls } = gateAppends(store as never);
        const failed = (e: unknown) => e instanceof LedgerError && e.code === 'ledger_failed';
        const p1 = assert.rejects(ledger.createTransfers([transfer(1, 1, 2, 3n)]), failed);
        await until(() => calls.length === 1);
        const p2 = assert.rejects(ledger.createTransfers([transfer(2, 1, 2, 4n)]), failed);
        await turns();
        assert.equal(ledger.state.transfers.has(2n), true, 'the second group ran ahead');
        calls[0]!.fail(new Error('disk full (injected)'));
        await Promise.all([p1, p2]);
        await turns();
        assert.equal(calls.length, 1, 'the group behind the failed one was never appended');
        assert.equal(ledger.durable_head.seq, 1);
        await assert.rejects(ledger.createTransfers([transfer(3, 1, 2, 5n)]), failed);
        await ledger.close();
        await withLedger(backend, clockFrom(1_000_000n).now, async (l) => {
          assert.equal((await l.lookupTransfers([1n, 2n, 3n])).length, 0, 'only durable entries survive');
          const [a1] = await l.lookupAccounts([1n]);
          assert.equal(a1!.debits_posted, 0n);
        });
        await verified(backend);
      } finally {
        await backend.cleanup();
      }
    });
  }

  it('small requests below run_ahead_bytes wait for the commit and execute together after it', async () => {
    const backend = makeBackend('memory');
    try {
      const store = await backend.open();
      const ledger = await DurableLedger.open(store, { clock: clockFrom(1n).now, run_ahead_bytes: 3 * 128 });
      await ledger.createAccounts([account(1), account(2)]);
      const { calls } = gateAppends(store as never);
      const p1 = ledger.createTransfers([transfer(1, 1, 2, 3n)]);
      await turns();
      const p2 = ledger.createTransfers([transfer(2, 1, 2, 4n)]);
      await turns();
      const p3 = ledger.createTransfers([transfer(3, 1, 2, 5n)]);
      await turns();
      assert.equal(ledger.state.transfers.has(2n) || ledger.state.transfers.has(3n), false, 'two events queued: below the bound, nothing ran ahead');
      const p4 = ledger.createTransfers([transfer(4, 1, 2, 6n)]);
      await turns();
      assert.equal(ledger.state.transfers.has(4n), true, 'three events queued: they ran ahead');
      assert.equal(calls.length, 1);
      calls[0]!.finish();
      await turns();
      assert.deepEqual(
        calls.map((c) => c.seqs),
        [[2], [3, 4, 5]],
      );
      calls[1]!.finish();
      await Promise.all([p1, p2, p3, p4]);
      await ledger.close();
    } finally {
      await backend.cleanup();
    }
  });
});

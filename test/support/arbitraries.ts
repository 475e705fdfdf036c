// fast-check arbitraries for the ledger: random sequences of batches over small
// pools of ids (so that collisions, `exists` and post/void of real pending
// transfers happen often), two ledgers (so `ledger_must_match` happens), amounts
// near 2^128 (so the overflow checks are reached) and a clock that jumps forward,
// stalls, or goes back between batches.
//
// The generated events are plain data: generation does not depend on ledger state,
// so every scenario can be replayed against any implementation or model.

import fc from 'fast-check';
import { AccountFlags, emptyAccount, emptyTransfer, TransferFlags, U128_MAX, U32_MAX, type Account, type Transfer } from '../../src/ledger/types.js';

export const ACCOUNT_ID_POOL: readonly bigint[] = [1n, 2n, 3n, 4n, 5n, 6n];
export const TRANSFER_ID_POOL: readonly bigint[] = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n];
/** Ids pending transfers mostly use, and posts/voids mostly name as pending_id. */
export const PENDING_ID_POOL: readonly bigint[] = [1n, 2n, 3n, 4n];
/** Ids single-phase transfers, posts and voids mostly use. */
export const OTHER_ID_POOL: readonly bigint[] = [5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n];
export const LEDGERS: readonly number[] = [1, 2];
/** The ledger each pool account is usually opened on (accounts 1-4: ledger 1, 5-6: ledger 2). */
export const HOME_LEDGER: ReadonlyMap<bigint, number> = new Map([
  [1n, 1],
  [2n, 1],
  [3n, 1],
  [4n, 1],
  [5n, 2],
  [6n, 2],
]);
export const NS = 1_000_000_000n;
/** A start clock so late that a timeout of U32_MAX seconds overflows u64. */
export const HUGE_START_CLOCK = 15_000_000_000_000_000_000n;
/** First bit outside the known flags, for `reserved_flag`. */
export const ACCOUNT_RESERVED_FLAG = 1 << 5;
export const TRANSFER_RESERVED_FLAG = 1 << 6;

export type Step =
  | { kind: 'create_accounts'; events: Account[]; clockDelta: bigint }
  | { kind: 'create_transfers'; events: Transfer[]; clockDelta: bigint }
  | { kind: 'pulse'; clockDelta: bigint }
  /** Submit again the batch executed `index` batches ago (modulo the batches so far). */
  | { kind: 'resubmit'; index: number; clockDelta: bigint };

export interface Scenario {
  startClock: bigint;
  steps: Step[];
}

// ---- building blocks --------------------------------------------------------------------

export function account(id: bigint, ledger: number, code = 1, flags = 0, more: Partial<Account> = {}): Account {
  return { ...emptyAccount(id, ledger, code, flags), ...more };
}

export function transfer(fields: Partial<Transfer> & { id: bigint }): Transfer {
  return { ...emptyTransfer(fields.id), ...fields };
}

/** Mostly small bigints, sometimes huge ones near 2^128 to reach the overflow checks. */
export const arbAmount: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 12, arbitrary: fc.bigInt(0n, 20n) },
  { weight: 1, arbitrary: fc.constant(U128_MAX) },
  { weight: 1, arbitrary: fc.bigInt(0n, 15n).map((k) => U128_MAX - k) },
  { weight: 1, arbitrary: fc.constant(1n << 127n) },
);

/** An account id from the pool, or (rarely) an invalid one. */
export const arbAccountRef: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...ACCOUNT_ID_POOL) },
  { weight: 2, arbitrary: fc.constant(7n) }, // never created valid: not found
  { weight: 1, arbitrary: fc.constant(0n) },
  { weight: 1, arbitrary: fc.constant(U128_MAX) },
);

export const arbTransferId: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...TRANSFER_ID_POOL) },
  { weight: 1, arbitrary: fc.constant(0n) },
  { weight: 1, arbitrary: fc.constant(U128_MAX) },
);

const arbSmallUserData = fc.record({
  user_data_128: fc.oneof({ weight: 4, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.bigInt(1n, 2n) }),
  user_data_64: fc.oneof({ weight: 6, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constant(1n) }),
  user_data_32: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
});

function rarely<T>(usual: T, odd: fc.Arbitrary<T>, oddsAgainst = 25): fc.Arbitrary<T> {
  return fc.oneof({ weight: oddsAgainst, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: odd });
}

// ---- accounts ---------------------------------------------------------------------------

/** Flags of a created account: mostly plain, some limits / history / closed, rarely invalid. */
export const arbAccountFlagSet: fc.Arbitrary<number> = fc.oneof(
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constant(AccountFlags.debits_must_not_exceed_credits) },
  { weight: 3, arbitrary: fc.constant(AccountFlags.credits_must_not_exceed_debits) },
  { weight: 2, arbitrary: fc.constant(AccountFlags.history) },
  { weight: 1, arbitrary: fc.constant(AccountFlags.history | AccountFlags.debits_must_not_exceed_credits) },
  { weight: 1, arbitrary: fc.constant(AccountFlags.closed) },
  {
    weight: 1,
    arbitrary: fc.constant(AccountFlags.debits_must_not_exceed_credits | AccountFlags.credits_must_not_exceed_debits),
  },
  { weight: 1, arbitrary: fc.constant(ACCOUNT_RESERVED_FLAG) },
);

/** One create_accounts event, sometimes invalid in one field. */
export const arbAccountEvent: fc.Arbitrary<Account> = fc
  .record({
    id: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...ACCOUNT_ID_POOL) },
      // not opened at the start: new accounts (7 is also a transfer's "not found" account)
      { weight: 10, arbitrary: fc.constantFrom(7n, 8n) },
      { weight: 1, arbitrary: fc.constant(0n) },
      { weight: 1, arbitrary: fc.constant(U128_MAX) },
    ),
    ledger: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...LEDGERS) }, { weight: 1, arbitrary: fc.constant(0) }),
    code: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constant(0) }),
    flags: arbAccountFlagSet,
    linked: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    ud: arbSmallUserData,
    timestamp: rarely(0n, fc.constant(1n), 40),
    balance: fc.oneof(
      { weight: 60, arbitrary: fc.constant<null>(null) },
      { weight: 1, arbitrary: fc.constantFrom('debits_pending', 'debits_posted', 'credits_pending', 'credits_posted' as const) },
    ),
  })
  .map((r) => {
    const a = account(r.id, r.ledger, r.code, r.flags | (r.linked ? AccountFlags.linked : 0), {
      ...r.ud,
      timestamp: r.timestamp,
    });
    if (r.balance !== null) a[r.balance] = 1n;
    return a;
  });

export const arbAccountBatch: fc.Arbitrary<Account[]> = fc.array(arbAccountEvent, { minLength: 1, maxLength: 6 });

/**
 * A valid opening batch: every pool account, each on one of the two ledgers with a
 * random (valid) flag set, so that most later transfers find their accounts.
 */
export const arbOpeningAccounts: fc.Arbitrary<Account[]> = fc
  .tuple(
    ...ACCOUNT_ID_POOL.map((id) =>
      fc
        .record({
          ledger: fc.oneof({ weight: 20, arbitrary: fc.constant(HOME_LEDGER.get(id)!) }, { weight: 1, arbitrary: fc.constant(3 - HOME_LEDGER.get(id)!) }),
          flags: fc.oneof(
            { weight: 10, arbitrary: fc.constant(0) },
            { weight: 2, arbitrary: fc.constant(AccountFlags.debits_must_not_exceed_credits) },
            { weight: 2, arbitrary: fc.constant(AccountFlags.credits_must_not_exceed_debits) },
            { weight: 2, arbitrary: fc.constant(AccountFlags.history) },
            { weight: 1, arbitrary: fc.constant(AccountFlags.closed) },
          ),
        })
        .map((r) => account(id, r.ledger, 1, r.flags)),
    ),
  )
  .map((accounts) => accounts);

// ---- transfers --------------------------------------------------------------------------

const arbTimeoutForPending: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) },
  { weight: 1, arbitrary: fc.constant(U32_MAX) },
);

const accountsOn = (ledger: number): bigint[] => ACCOUNT_ID_POOL.filter((id) => HOME_LEDGER.get(id) === ledger);

/** Debit and credit accounts: usually two accounts of one ledger, sometimes anything. */
export const arbAccountPair: fc.Arbitrary<{ dr: bigint; cr: bigint; ledger: number }> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) })
      .chain((ledger) =>
        fc.uniqueArray(fc.constantFrom(...accountsOn(ledger)), { minLength: 2, maxLength: 2 }).map(([dr, cr]) => ({ dr: dr!, cr: cr!, ledger })),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ dr: arbAccountRef, cr: arbAccountRef, ledger: fc.constantFrom(0, ...LEDGERS) }),
  },
);

/** A single-phase or pending transfer, possibly balancing, sometimes invalid. */
export const arbPlainTransfer: fc.Arbitrary<Transfer> = fc
  .record({
    pending: fc.oneof({ weight: 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    pendingId: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PENDING_ID_POOL) }, { weight: 1, arbitrary: arbTransferId }),
    otherId: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...OTHER_ID_POOL) }, { weight: 1, arbitrary: arbTransferId }),
    accounts: arbAccountPair,
    amount: arbAmount,
    code: rarely(1, fc.constant(0), 30),
    balancing: fc.oneof(
      { weight: 10, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constant(TransferFlags.balancing_debit) },
      { weight: 1, arbitrary: fc.constant(TransferFlags.balancing_credit) },
      { weight: 1, arbitrary: fc.constant(TransferFlags.balancing_debit | TransferFlags.balancing_credit) },
    ),
    linked: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    timeout: arbTimeoutForPending,
    strayTimeout: rarely(0, fc.constant(1), 30),
    strayPendingId: rarely(0n, fc.constantFrom(...TRANSFER_ID_POOL), 40),
    reserved: rarely(0, fc.constant(TRANSFER_RESERVED_FLAG), 60),
    timestamp: rarely(0n, fc.constant(5n), 60),
    ud: arbSmallUserData,
  })
  .map((r) =>
    transfer({
      id: r.pending ? r.pendingId : r.otherId,
      debit_account_id: r.accounts.dr,
      credit_account_id: r.accounts.cr,
      amount: r.amount,
      ledger: r.accounts.ledger,
      code: r.code,
      pending_id: r.strayPendingId,
      timeout: r.pending ? r.timeout : r.strayTimeout,
      flags: (r.linked ? TransferFlags.linked : 0) | (r.pending ? TransferFlags.pending : 0) | r.balancing | r.reserved,
      timestamp: r.timestamp,
      ...r.ud,
    }),
  );

/** A post or void of a (hopefully) pending transfer: full, partial, over amount, mismatched fields. */
export const arbResolveTransfer: fc.Arbitrary<Transfer> = fc
  .record({
    id: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...OTHER_ID_POOL) }, { weight: 1, arbitrary: arbTransferId }),
    pendingId: fc.oneof(
      { weight: 24, arbitrary: fc.constantFrom(...PENDING_ID_POOL) },
      { weight: 6, arbitrary: fc.constantFrom(...TRANSFER_ID_POOL) },
      { weight: 1, arbitrary: fc.constant(0n) },
      { weight: 1, arbitrary: fc.constant(U128_MAX) },
    ),
    post: fc.boolean(),
    amount: fc.oneof({ weight: 6, arbitrary: fc.constant(0n) }, { weight: 4, arbitrary: fc.bigInt(1n, 20n) }, { weight: 1, arbitrary: fc.constant(U128_MAX) }),
    dr: fc.oneof({ weight: 8, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constantFrom(...ACCOUNT_ID_POOL) }),
    cr: fc.oneof({ weight: 8, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constantFrom(...ACCOUNT_ID_POOL) }),
    ledger: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(...LEDGERS) }),
    code: fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2) }),
    linked: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    badFlags: fc.oneof(
      { weight: 40, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constant(TransferFlags.pending) },
      { weight: 1, arbitrary: fc.constant(TransferFlags.balancing_debit) },
      { weight: 1, arbitrary: fc.constant(TransferFlags.post_pending_transfer | TransferFlags.void_pending_transfer) },
    ),
    timeout: rarely(0, fc.constant(1), 40),
    ud: arbSmallUserData,
  })
  .map((r) =>
    transfer({
      id: r.id,
      pending_id: r.pendingId,
      amount: r.amount,
      debit_account_id: r.dr,
      credit_account_id: r.cr,
      ledger: r.ledger,
      code: r.code,
      timeout: r.timeout,
      flags: (r.post ? TransferFlags.post_pending_transfer : TransferFlags.void_pending_transfer) | (r.linked ? TransferFlags.linked : 0) | r.badFlags,
      ...r.ud,
    }),
  );

export const arbTransferEvent: fc.Arbitrary<Transfer> = fc.oneof({ weight: 3, arbitrary: arbPlainTransfer }, { weight: 2, arbitrary: arbResolveTransfer });

/** A valid pending transfer between two accounts of one ledger (it may still hit a limit). */
export const arbCleanPending: fc.Arbitrary<Transfer> = fc
  .record({
    id: fc.constantFrom(...PENDING_ID_POOL),
    ledger: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
    amount: fc.oneof({ weight: 10, arbitrary: fc.bigInt(0n, 20n) }, { weight: 1, arbitrary: arbAmount }),
    timeout: arbTimeoutForPending,
    pick: fc.nat(),
    ud: arbSmallUserData,
  })
  .map((r) => {
    const pool = accountsOn(r.ledger);
    const dr = pool[r.pick % pool.length]!;
    const cr = pool[(r.pick + 1 + ((r.pick >> 3) % (pool.length - 1))) % pool.length]!;
    return transfer({
      id: r.id,
      debit_account_id: dr,
      credit_account_id: cr,
      amount: r.amount,
      ledger: r.ledger,
      code: 1,
      timeout: r.timeout,
      flags: TransferFlags.pending,
      ...r.ud,
    });
  });

/**
 * A pending transfer followed by one or two posts/voids of it: partial, full and over
 * amounts, post-after-post and post-after-void.
 */
export const arbTwoPhaseGroup: fc.Arbitrary<Transfer[]> = fc
  .tuple(arbCleanPending, arbResolveTransfer, fc.option(arbResolveTransfer, { freq: 3 }))
  .map(([p, r1, r2]) => [p, { ...r1, pending_id: p.id }, ...(r2 === null ? [] : [{ ...r2, pending_id: p.id }])]);

/** Up to 10 events: single events, and pending + post/void pairs that make two-phase paths likely. */
export const arbTransferBatch: fc.Arbitrary<Transfer[]> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: arbTransferEvent.map((e) => [e]) },
      { weight: 1, arbitrary: arbTwoPhaseGroup },
      { weight: 1, arbitrary: arbCleanPending.map((e) => [e]) },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((units) => units.flat().slice(0, 10));

// ---- clock and scenarios ----------------------------------------------------------------

/** Nanoseconds to move the clock before a batch: stall, tiny, around timeouts, far, or backwards. */
export const arbClockDelta: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0n) },
  { weight: 2, arbitrary: fc.bigInt(1n, 10n) },
  { weight: 4, arbitrary: fc.bigInt(1n, 4n).map((s) => s * NS) },
  { weight: 2, arbitrary: fc.bigInt(1n, 4n * NS) },
  { weight: 1, arbitrary: fc.constant(100n * NS) },
  { weight: 2, arbitrary: fc.bigInt(1n, 5n).map((s) => -s * NS) },
);

export const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('create_accounts' as const), events: arbAccountBatch, clockDelta: arbClockDelta }),
  },
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('create_transfers' as const), events: arbTransferBatch, clockDelta: arbClockDelta }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pulse' as const), clockDelta: arbClockDelta }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('resubmit' as const), index: fc.nat(20), clockDelta: arbClockDelta }),
  },
);

export interface ScenarioOptions {
  minSteps?: number;
  maxSteps?: number;
}

/** An opening batch of valid accounts followed by random steps. */
export function arbScenario(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  return fc
    .record({
      startClock: fc.oneof({ weight: 12, arbitrary: fc.bigInt(1n, 1_000n).map((s) => s * NS) }, { weight: 1, arbitrary: fc.constant(HUGE_START_CLOCK) }),
      opening: arbOpeningAccounts,
      steps: fc.array(arbStep, { minLength: options.minSteps ?? 1, maxLength: options.maxSteps ?? 12 }),
    })
    .map(({ startClock, opening, steps }) => ({
      startClock,
      steps: [{ kind: 'create_accounts' as const, events: opening, clockDelta: 0n }, ...steps],
    }));
}

/** A batch as actually executed: what a resubmit step resolves to. */
export interface ExecutedBatch {
  op: 'create_accounts' | 'create_transfers' | 'pulse';
  events: Array<Account | Transfer>;
  clock: bigint;
}

/**
 * Turns a scenario into concrete batches with absolute clocks (never below 0), resolving
 * each resubmit step to a copy of an earlier batch. Both implementation and model can
 * then be driven from the same list.
 */
export function materialize(s: Scenario): ExecutedBatch[] {
  const out: ExecutedBatch[] = [];
  let clock = s.startClock;
  for (const step of s.steps) {
    clock += step.clockDelta;
    if (clock < 0n) clock = 0n;
    if (step.kind === 'pulse') {
      out.push({ op: 'pulse', events: [], clock });
    } else if (step.kind === 'resubmit') {
      const earlier = out.filter((b) => b.op !== 'pulse');
      if (earlier.length === 0) continue;
      const b = earlier[earlier.length - 1 - (step.index % earlier.length)]!;
      out.push({ op: b.op, events: b.events.map((e) => ({ ...e })), clock });
    } else {
      out.push({ op: step.kind, events: step.events.map((e) => ({ ...e })), clock });
    }
  }
  return out;
}

/** The arbitraries of a record's integer fields, by width: codecs and tables test their edges their own way. */
export interface FieldArbs {
  u128: fc.Arbitrary<bigint>;
  u64: fc.Arbitrary<bigint>;
  u32: fc.Arbitrary<number>;
  u16: fc.Arbitrary<number>;
}

/** Any transfer record (not a valid event): every field of its width, `id` as given or any u128. */
export function arbTransferRecord(f: FieldArbs, id: fc.Arbitrary<bigint> = f.u128): fc.Arbitrary<Transfer> {
  return fc
    .record({
      id,
      debit_account_id: f.u128,
      credit_account_id: f.u128,
      amount: f.u128,
      pending_id: f.u128,
      user_data_128: f.u128,
      user_data_64: f.u64,
      user_data_32: f.u32,
      timeout: f.u32,
      ledger: f.u32,
      code: f.u16,
      flags: f.u16,
      timestamp: f.u64,
    })
    .map((t) => ({ ...t })); // fc.record builds null-prototype objects
}

/** Any account record (not a valid event): every field of its width. */
export function arbAccountRecord(f: FieldArbs): fc.Arbitrary<Account> {
  return fc
    .record({
      id: f.u128,
      debits_pending: f.u128,
      debits_posted: f.u128,
      credits_pending: f.u128,
      credits_posted: f.u128,
      user_data_128: f.u128,
      user_data_64: f.u64,
      user_data_32: f.u32,
      ledger: f.u32,
      code: f.u16,
      flags: f.u16,
      timestamp: f.u64,
    })
    .map((a) => ({ ...a }));
}

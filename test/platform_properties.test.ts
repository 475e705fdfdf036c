// Property-based tests of the platform's invariants over random sequences of
// funding, payments (RTGS, DNS, PvP, urgent), LSM runs, window closes,
// cancellations and a business-day close: value conserved per currency, no
// settlement account below zero, no payment settled twice, both PvP legs or
// neither — also when a failure is injected in the middle of a command.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStore } from '../src/store/memory.js';
import { Platform } from '../src/platform/platform.js';
import { PlatformStateMachine, uetrBits } from '../src/platform/state_machine.js';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import type { CommandExecutor, CommandGiven, CommandOutput, LedgerAccess } from '../src/journal/command.js';
import { ACCOUNT_KIND, accountId, OPERATOR_NO } from '../src/platform/accounts.js';
import { add, equals, rational, ZERO, type Rational } from '../src/fx/rational.js';
import { memberCurrency } from '../src/fx/iso4217.js';
import { BANKS, LP, setupScheme, TestClock } from './support/platform.js';

const PAYERS = [...BANKS, LP];
const CCYS = ['CNY', 'RUB', 'KZT'] as const;

type Op =
  | { k: 'fund'; who: number; ccy: number; amount: number }
  | { k: 'pay'; from: number; to: number; ccy: number; payee_ccy: number; amount: number; urgent: boolean; dns: boolean }
  | { k: 'lsm'; ccy: number }
  | { k: 'close_window'; ccy: number }
  | { k: 'cancel'; pick: number }
  | { k: 'bypass'; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('fund' as const), who: fc.nat(PAYERS.length - 1), ccy: fc.nat(2), amount: fc.integer({ min: 1, max: 50_000 }) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('pay' as const),
      from: fc.nat(PAYERS.length - 1),
      to: fc.nat(PAYERS.length - 1),
      ccy: fc.nat(2),
      payee_ccy: fc.nat(2),
      amount: fc.integer({ min: 1, max: 80_000 }),
      urgent: fc.boolean(),
      dns: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('lsm' as const), ccy: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('close_window' as const), ccy: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('bypass' as const), on: fc.boolean() }) },
);

let uetrCounter = 0;
function nextUetr(): string {
  const n = (uetrCounter++).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${n}`;
}

async function apply(p: Platform, op: Op): Promise<void> {
  switch (op.k) {
    case 'fund': {
      const who = PAYERS[op.who]!;
      const ccy = CCYS[op.ccy]!;
      if (!p.participant(who)!.currencies.includes(ccy)) return;
      await p.execute({ type: 'fund', participant: who, currency: ccy, amount: (op.amount / 100).toFixed(2) });
      return;
    }
    case 'pay': {
      const ccy = CCYS[op.ccy]!;
      const pccy = CCYS[op.payee_ccy]!;
      const raw: Record<string, unknown> = {
        uetr: nextUetr(),
        end_to_end_id: 'E2E',
        payer: PAYERS[op.from]!,
        payee: PAYERS[op.to]!,
        currency: ccy,
        amount: (op.amount / 100).toFixed(2),
        priority: op.urgent ? 'urgent' : 'normal',
      };
      if (pccy !== ccy) raw.payee_currency = pccy;
      else if (op.dns) raw.settlement = 'dns';
      await p.execute({ type: 'submit_payments', payments: [raw] });
      return;
    }
    case 'lsm':
      await p.execute({ type: 'run_lsm', currency: CCYS[op.ccy]! });
      return;
    case 'close_window':
      await p.execute({ type: 'close_window', currency: CCYS[op.ccy]! });
      return;
    case 'cancel': {
      const queued = Platform.internals(p).state.allQueued();
      if (queued.length === 0) return;
      await p.execute({ type: 'cancel_payment', uetr: queued[op.pick % queued.length]!.instruction.uetr });
      return;
    }
    case 'bypass':
      await p.execute({ type: 'set_config', bypass_fifo: op.on });
      return;
  }
}

function checkInvariants(p: Platform): void {
  for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor, `value conserved in ${c.currency}`);
  for (const a of Platform.internals(p).ledger.state.accountLog) {
    if (a.code === ACCOUNT_KIND.settlement) assert.ok(a.credits_posted >= a.debits_posted + a.debits_pending, `settlement account ${a.id} below zero`);
    if (a.code === ACCOUNT_KIND.lsm_transit || a.code === ACCOUNT_KIND.dns_settlement) {
      assert.equal(a.debits_posted, a.credits_posted, `transit/window account ${a.id} nets to zero`);
      assert.equal(a.credits_pending, 0n);
    }
  }
  // FX rounding residue: what settled conversions left over equals what was booked to
  // the residue accounts plus what is still pending (a fraction per provider), exactly.
  const residueOf = new Map<string, Rational>();
  for (const pay of Platform.internals(p).state.payments.values()) {
    if (pay.fx === null || (pay.state !== 'settled' && pay.state !== 'returned')) continue;
    const c = pay.instruction.payee_currency;
    residueOf.set(c, add(residueOf.get(c) ?? ZERO, { num: pay.fx.residue_num, den: pay.fx.residue_den }));
  }
  for (const c of CCYS) {
    const acct = Platform.internals(p).ledger.state.lookupAccount(accountId(OPERATOR_NO, memberCurrency(c).numeric, ACCOUNT_KIND.fx_residue))!;
    let accounted = rational(acct.credits_posted - acct.debits_posted);
    for (const [key, r] of Platform.internals(p).state.residues) if (key.endsWith(`:${c}`)) accounted = add(accounted, r);
    assert.ok(
      equals(residueOf.get(c) ?? ZERO, accounted),
      `FX residue in ${c}: settled ${JSON.stringify(residueOf.get(c) ?? ZERO, (_k, v) => (typeof v === 'bigint' ? String(v) : v))} vs booked + pending`,
    );
  }
  const byUetr = new Map<bigint, number>();
  for (const t of Platform.internals(p).ledger.state.transfersInOrder())
    if (t.user_data_128 !== 0n) byUetr.set(t.user_data_128, (byUetr.get(t.user_data_128) ?? 0) + 1);
  const seen = new Set<bigint>();
  for (const pay of Platform.internals(p).state.payments.values()) {
    const settledCount = pay.history.filter((h) => h.state === 'settled').length;
    assert.ok(settledCount <= 1, `payment ${pay.instruction.uetr} settled ${settledCount} times`);
    for (const id of pay.transfer_ids) {
      assert.ok(!seen.has(id), `transfer ${id} settles two payments`);
      seen.add(id);
      assert.ok(Platform.internals(p).ledger.state.lookupTransfer(id) !== undefined, `transfer ${id} of ${pay.instruction.uetr} is on the ledger`);
    }
    const onLedger = byUetr.get(uetrBits(pay.instruction.uetr)) ?? 0;
    if (pay.state === 'settled') {
      // PvP: both legs; RTGS: one transfer, or the two halves of an LSM release; DNS: settled net, no own transfer.
      // PvP: both legs, or (rules 3) both legs' halves of an LSM release.
      if (pay.fx !== null) assert.ok(onLedger === 2 || onLedger === 4, `both PvP legs of ${pay.instruction.uetr}: ${onLedger} transfers`);
      else if (pay.instruction.settlement === 'rtgs')
        assert.ok(onLedger === 1 || onLedger === 2, `RTGS payment ${pay.instruction.uetr} has ${onLedger} transfers`);
      else assert.equal(onLedger, 0);
    } else {
      assert.equal(onLedger, 0, `a ${pay.state} payment has no transfer on the ledger`);
    }
  }
}

test('platform invariants hold after every step of random operation sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 60 }), async (ops) => {
      const clock = new TestClock();
      const p = await Platform.open(new MemoryStore(), { clock: clock.read });
      try {
        await setupScheme(p);
        for (const op of ops) {
          await apply(p, op);
          checkInvariants(p);
        }
        await p.execute({ type: 'close_day' });
        checkInvariants(p);
        assert.equal(Platform.internals(p).state.allQueued().length, 0, 'nothing queued after the close');
      } finally {
        await p.close();
      }
    }),
    { numRuns: 60 },
  );
});

/** An executor whose ledger access throws at the n-th transfer batch: a crash in the middle of a command. */
class FaultyExecutor implements CommandExecutor {
  calls = 0;
  constructor(
    readonly inner: PlatformStateMachine,
    readonly failAt: number,
  ) {}
  get rules_versions() {
    return this.inner.rules_versions;
  }
  execute(command: Buffer, clock_ns: bigint, ledger: LedgerAccess, rules_version: number, given?: CommandGiven): CommandOutput {
    const faulty: LedgerAccess = {
      machine: ledger.machine,
      createAccounts: (a) => ledger.createAccounts(a),
      createTransfers: (t) => {
        if (++this.calls === this.failAt) throw new Error('injected failure');
        return ledger.createTransfers(t);
      },
    };
    return this.inner.execute(command, clock_ns, faulty, rules_version, given);
  }
  encodeState(): Buffer {
    return this.inner.encodeState();
  }
  readsState(state: Buffer): boolean {
    return this.inner.readsState(state);
  }
  restoreState(state: Buffer): void {
    this.inner.restoreState(state);
  }
}

test('a failure injected between ledger steps of a command leaves nothing half-done after recovery', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), fc.integer({ min: 1, max: 40 }), async (ops, failAt) => {
      const store = new MemoryStore();
      const clock = new TestClock();
      const p = await Platform.open(store, { clock: clock.read });
      await setupScheme(p);
      await p.close();
      // Reopen with the faulty executor through the journal directly.
      const state = new PlatformStateMachine();
      const faulty = new FaultyExecutor(state, failAt);
      const ledger = await DurableLedger.open(store, { clock: clock.read, executor: faulty });
      state.machine = ledger.state;
      let failed = false;
      const journalBefore: number[] = [];
      for (const op of ops) {
        journalBefore.push(ledger.journal_seq);
        try {
          const asPlatform = {
            execute: (cmd: Record<string, unknown>) => ledger.submitCommand(Buffer.from(JSON.stringify({ by: 'test', ...cmd }))),
            state,
            participant: (id: string) => state.participant(id),
          };
          await apply(asPlatform as unknown as Platform, op);
        } catch (err) {
          assert.match((err as Error).message, /injected failure|stopped/);
          failed = true;
          break;
        }
      }
      await ledger.close().catch(() => undefined);
      // Recovery: what is on disk is a prefix of whole commands; invariants hold there.
      const recovered = await Platform.open(store, { clock: clock.read });
      try {
        checkInvariants(recovered);
        // The failed command is not on disk: recovery ends just before it.
        if (failed) assert.equal(Platform.internals(recovered).ledger.journal_seq, journalBefore[journalBefore.length - 1]);
        const report = await Platform.verify(store);
        assert.equal(report.ok, true, report.problem ?? '');
      } finally {
        await recovered.close();
      }
    }),
    { numRuns: 40 },
  );
});

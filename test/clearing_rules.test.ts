// Tests of the clearing rules on their own (src/clearing: rtgs, dns_window, pvp,
// business_day): pure functions, no platform, ledger results given by hand.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { ACCOUNT_KIND, accountId, OPERATOR_NO, settlementAccountOf, TRANSFER_CODE } from '../src/clearing/accounts.js';
import { cutoffOf, openBusinessDay, pastCutoff } from '../src/clearing/business_day.js';
import { dnsPool, postingPlan, reservationOutcome, reservationPlan, voidPlan, windowPositions, withoutDefaulters } from '../src/clearing/dns_window.js';
import { bestProvider, pricePayment, pvpLegs, residueBooking, withResidue, type PricingView } from '../src/clearing/pvp.js';
import { ClearingRefusal } from '../src/clearing/refusal.js';
import { attemptOutcome, lsmReleaseTransfers, mayOvertake, queueOrder, RtgsQueue } from '../src/clearing/rtgs.js';
import type { Participant, Payment, Priority } from '../src/clearing/types.js';
import type { QuoteLockRecord } from '../src/fx/quote_locks.js';
import { RateBook } from '../src/fx/rates.js';
import { RESULT_CODES, TransferFlags, type Transfer } from '../src/ledger/types.js';

const CODE = (name: string): number => RESULT_CODES.indexOf(name as (typeof RESULT_CODES)[number]);

function participant(no: number, kind: Participant['kind'] = 'bank', currencies = ['CNY']): Participant {
  return { id: `BANK${String(no).padStart(2, '0')}XX`, no, kind, name: `bank ${no}`, country: 'CN', currencies, issues: null, suspended: false };
}

let seq = 0;
function payment(
  payer: Participant,
  payee: Participant,
  amount_minor: bigint,
  priority: Priority = 'normal',
  currency = 'CNY',
  payee_currency = currency,
): Payment {
  seq++;
  const uetr = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  return {
    instruction: {
      uetr,
      end_to_end_id: `E${seq}`,
      payer: payer.id,
      payee: payee.id,
      currency,
      amount_minor,
      payee_currency,
      value_date: '2025-08-29',
      priority,
      settlement: 'rtgs',
    },
    seq,
    state: 'queued',
    history: [],
    window_id: null,
    fx: null,
    transfer_ids: [],
    settled_at_ns: null,
    case_id: null,
    submitted_by: 'test',
  };
}

function ids(start = 1n): () => bigint {
  let n = start;
  return () => n++;
}

const banks = Array.from({ length: 6 }, (_, i) => participant(i + 1));
const byId = new Map(banks.map((b) => [b.id, b]));
const lookup = (id: string): Participant => byId.get(id)!;

describe('rtgs', () => {
  test('queue order: urgent before normal, then arrival', () => {
    const [a, b] = banks;
    const n1 = payment(a!, b!, 1n);
    const u1 = payment(a!, b!, 1n, 'urgent');
    const n2 = payment(a!, b!, 1n);
    const u2 = payment(a!, b!, 1n, 'urgent');
    assert.deepEqual([n2, u2, n1, u1].sort(queueOrder), [u1, u2, n1, n2]);
    const q = new RtgsQueue();
    for (const p of [n1, u1, n2, u2]) q.push(p);
    assert.deepEqual(
      q.live(() => true),
      [u1, u2, n1, n2],
    );
  });

  test('FIFO: a new payment overtakes nothing of its priority or higher; bypass lets it try', () => {
    const [a, b] = banks;
    const q = new RtgsQueue();
    assert.equal(mayOvertake(q, 'normal', false), true);
    q.push(payment(a!, b!, 1n));
    assert.equal(mayOvertake(q, 'normal', false), false);
    assert.equal(mayOvertake(q, 'urgent', false), true);
    assert.equal(mayOvertake(q, 'normal', true), true);
  });

  test('examination stops at the first payment that cannot settle under FIFO, goes on with bypass', () => {
    const [a, b] = banks;
    const ps = [payment(a!, b!, 5n), payment(a!, b!, 1n), payment(a!, b!, 1n)];
    for (const bypass of [false, true]) {
      const q = new RtgsQueue();
      for (const p of ps) q.push({ ...p });
      const tried: bigint[] = [];
      q.examine(
        bypass,
        (p) => p.state === 'queued',
        (p) => {
          tried.push(p.instruction.amount_minor);
          return p.instruction.amount_minor < 5n;
        },
      );
      assert.deepEqual(tried, bypass ? [5n, 1n, 1n] : [5n]);
    }
  });

  test('a settlement attempt reads as settled, wait (liquidity) or impossible', () => {
    assert.deepEqual(attemptOutcome(new Uint8Array([0, 0])), { kind: 'settled' });
    assert.deepEqual(attemptOutcome(new Uint8Array([CODE('exceeds_credits'), CODE('linked_event_failed')])), { kind: 'wait' });
    assert.deepEqual(attemptOutcome(new Uint8Array([CODE('linked_event_failed'), CODE('exceeds_credits')])), { kind: 'wait' });
    assert.equal(attemptOutcome(new Uint8Array([CODE('accounts_must_have_the_same_ledger')])).kind, 'impossible');
  });

  test('an LSM release credits every payee from transit before debiting any payer, one linked chain', () => {
    const [a, b, c] = banks;
    const chosen = [payment(a!, b!, 10n), payment(b!, c!, 7n), payment(c!, a!, 3n)];
    const t = lsmReleaseTransfers('CNY', chosen, { participant: (id) => byId.get(id) }, ids(100n));
    const transit = accountId(OPERATOR_NO, 156, ACCOUNT_KIND.lsm_transit);
    assert.deepEqual(
      t.map((x) => x.id),
      [100n, 101n, 102n, 103n, 104n, 105n],
    );
    assert.ok(t.slice(0, 3).every((x) => x.debit_account_id === transit && x.code === TRANSFER_CODE.lsm_credit));
    assert.ok(t.slice(3).every((x) => x.credit_account_id === transit && x.code === TRANSFER_CODE.lsm_debit));
    assert.deepEqual(
      t.map((x) => (x.flags & TransferFlags.linked) !== 0),
      [true, true, true, true, true, false],
    );
  });
});

describe('dns window', () => {
  const arbWindow = fc.array(
    fc
      .record({ from: fc.integer({ min: 0, max: 5 }), to: fc.integer({ min: 0, max: 5 }), amount: fc.bigInt({ min: 1n, max: 10n ** 12n }) })
      .filter((x) => x.from !== x.to),
    { maxLength: 60 },
  );
  const members = (xs: Array<{ from: number; to: number; amount: bigint }>): Payment[] => xs.map((x) => payment(banks[x.from]!, banks[x.to]!, x.amount));

  test('property: net positions sum to zero and come in participant order', () => {
    fc.assert(
      fc.property(arbWindow, (xs) => {
        const positions = windowPositions(members(xs), 'CNY', lookup);
        assert.equal(
          positions.reduce((s, [, v]) => s + v, 0n),
          0n,
        );
        const nos = positions.map(([id]) => lookup(id).no);
        assert.deepEqual(
          nos,
          [...nos].sort((a, b) => a - b),
        );
      }),
      { numRuns: 200 },
    );
  });

  test('property: the posting plan is balanced — the DNS account receives what it pays', () => {
    fc.assert(
      fc.property(arbWindow, (xs) => {
        const positions = windowPositions(members(xs), 'CNY', lookup);
        const reserve = reservationPlan(positions, 'CNY', lookup, ids(1n));
        const { failed, held } = reservationOutcome(reserve, new Uint8Array(reserve.transfers.length));
        assert.deepEqual(failed, []);
        const chain = postingPlan(held, positions, 'CNY', lookup, ids(1_000n));
        const pool = dnsPool('CNY');
        const into = chain.filter((t) => t.credit_account_id === pool).reduce((s, t) => s + t.amount, 0n);
        const out = chain.filter((t) => t.debit_account_id === pool).reduce((s, t) => s + t.amount, 0n);
        assert.equal(into, out);
        assert.equal(
          into,
          positions.reduce((s, [, v]) => (v > 0n ? s + v : s), 0n),
        );
        if (chain.length > 0) {
          assert.ok(chain.slice(0, -1).every((t) => (t.flags & TransferFlags.linked) !== 0));
          assert.equal(chain[chain.length - 1]!.flags & TransferFlags.linked, 0);
        }
        chain
          .filter((t) => t.credit_account_id === pool)
          .forEach((t, i) => {
            assert.equal(t.pending_id, held[i]!.id);
          });
      }),
      { numRuns: 200 },
    );
  });

  test('the default rule: a failed reservation defaults its participant, the held ones are voided, its payments leave, the rest re-nets', () => {
    const [a, b, c] = banks;
    // a owes 100 to b; c owes 30 to b; b owes 20 to c.
    const ps = [payment(a!, b!, 100n), payment(c!, b!, 30n), payment(b!, c!, 20n)];
    const positions = windowPositions(ps, 'CNY', lookup);
    assert.deepEqual(positions, [
      [a!.id, -100n],
      [b!.id, 110n],
      [c!.id, -10n],
    ]);
    const plan = reservationPlan(positions, 'CNY', lookup, ids(1n));
    assert.deepEqual(plan.debtors, [a!.id, c!.id]);
    assert.deepEqual(
      plan.transfers.map((t) => [t.id, t.amount, t.debit_account_id, t.flags]),
      [
        [1n, 100n, settlementAccountOf(a!, 'CNY'), TransferFlags.pending],
        [2n, 10n, settlementAccountOf(c!, 'CNY'), TransferFlags.pending],
      ],
    );
    // The ledger refuses a's reservation, holds c's.
    const { failed, held } = reservationOutcome(plan, new Uint8Array([CODE('exceeds_credits'), 0]));
    assert.deepEqual(failed, [a!.id]);
    const voids = voidPlan(held, 'CNY', ids(3n));
    assert.deepEqual(
      voids.map((v) => [v.id, v.pending_id, v.amount, v.flags]),
      [[3n, 2n, 0n, TransferFlags.void_pending_transfer]],
    );
    const step = withoutDefaulters(ps, new Set(failed), 7);
    assert.deepEqual(step.stay, [ps[1], ps[2]]);
    assert.deepEqual(
      step.rejected.map((r) => [r.payment, r.reason, r.detail]),
      [[ps[0], 'AM04', `${a!.id} could not cover its net debit in window 7`]],
    );
    // Re-netted without a: b receives 10 net from c.
    assert.deepEqual(windowPositions(step.stay, 'CNY', lookup), [
      [b!.id, 10n],
      [c!.id, -10n],
    ]);
  });

  test('property: after the default rule no remaining payment touches a defaulter', () => {
    fc.assert(
      fc.property(arbWindow, fc.subarray(banks.map((b) => b.id)), (xs, out) => {
        const ps = members(xs);
        const step = withoutDefaulters(ps, new Set(out), 1);
        assert.equal(step.stay.length + step.rejected.length, ps.length);
        for (const p of step.stay) assert.ok(!out.includes(p.instruction.payer) && !out.includes(p.instruction.payee));
        for (const r of step.rejected) assert.ok(out.includes(r.payment.instruction.payer) || out.includes(r.payment.instruction.payee));
      }),
      { numRuns: 100 },
    );
  });
});

describe('pvp', () => {
  const lpA = { ...participant(10, 'liquidity_provider', ['CNY', 'RUB']), id: 'LPAAAAAAXX' };
  const lpB = { ...participant(11, 'liquidity_provider', ['CNY', 'RUB']), id: 'LPBBBBBBXX' };
  const payer = participant(1, 'bank', ['CNY']);
  const payee = { ...participant(2, 'bank', ['RUB']), id: 'PAYEERUBXX' };
  const all = [payer, payee, lpA, lpB];
  const rates = RateBook.reference();
  function view(balances: Record<string, bigint>, locks: QuoteLockRecord[] = []): PricingView {
    return {
      participants: all,
      participant: (id) => all.find((p) => p.id === id),
      available: (p, c) => balances[`${p.id}:${c}`] ?? 0n,
      crossRate: (f, t, d) => rates.crossRate(f, t, d),
      quoteLock: (id) => locks.find((l) => l.id === id),
    };
  }
  const date = '2025-08-29';
  const ins = (extra: Partial<Payment['instruction']> = {}): Payment['instruction'] => ({
    ...payment(payer, payee, 1_000_00n, 'normal', 'CNY', 'RUB').instruction,
    value_date: date,
    ...extra,
  });

  test('without a named provider: the one with the most of the payee currency, ties to the first registered', () => {
    assert.equal(bestProvider(ins(), view({ 'LPAAAAAAXX:RUB': 5n, 'LPBBBBBBXX:RUB': 9n }))?.id, lpB.id);
    assert.equal(bestProvider(ins(), view({ 'LPAAAAAAXX:RUB': 9n, 'LPBBBBBBXX:RUB': 9n }))?.id, lpA.id);
    const priced = pricePayment(ins(), view({ 'LPBBBBBBXX:RUB': 1n }), 0n);
    assert.ok(priced.outcome.ok);
    if (priced.outcome.ok) {
      assert.equal(priced.outcome.fx.provider, lpB.id);
      // Exact: rounded amount + residue = amount * rate.
      const fx = priced.outcome.fx;
      assert.equal((fx.payee_amount_minor * fx.residue_den + fx.residue_num) * fx.rate_den * 100n, 1_000_00n * fx.rate_num * 100n * fx.residue_den);
    }
  });

  test('a named provider that does not convert between the two currencies is AGNT', () => {
    const priced = pricePayment(ins({ fx_provider: payee.id }), view({}), 0n);
    assert.deepEqual(priced.outcome, { ok: false, reason: 'AGNT', detail: `${payee.id} is not a liquidity provider in CNY and RUB` });
  });

  test('a locked quote fixes provider and rate and is used up; a bad lock is refused and kept', () => {
    const lock: QuoteLockRecord = {
      id: 'Q1',
      provider: lpA.id,
      base: 'CNY',
      quote: 'RUB',
      amount_minor: 1_000_00n,
      price_num: 12n,
      price_den: 1n,
      price_text: '12',
      expires_at_ns: 100n,
    };
    const ok = pricePayment(ins({ quote_id: 'Q1' }), view({}, [lock]), 99n);
    assert.equal(ok.consumed_lock, 'Q1');
    assert.ok(ok.outcome.ok && ok.outcome.fx.provider === lpA.id && ok.outcome.fx.payee_amount_minor === 12_000_00n);
    const late = pricePayment(ins({ quote_id: 'Q1' }), view({}, [lock]), 100n);
    assert.deepEqual(late, { consumed_lock: null, outcome: { ok: false, reason: 'NARR', detail: 'quote Q1 expired at 100' } });
    const other = pricePayment(ins({ quote_id: 'Q1', amount_minor: 5n }), view({}, [lock]), 0n);
    assert.equal(other.outcome.ok, false);
    assert.equal(pricePayment(ins({ quote_id: 'Q9' }), view({}, [lock]), 0n).consumed_lock, null);
  });

  test('property: a priced conversion is exact — rounded payee amount + residue = amount x rate', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (amount, num, den) => {
          const lock: QuoteLockRecord = {
            id: 'Q1',
            provider: lpA.id,
            base: 'CNY',
            quote: 'RUB',
            amount_minor: amount,
            price_num: num,
            price_den: den,
            price_text: '',
            expires_at_ns: 1n,
          };
          const priced = pricePayment(ins({ quote_id: 'Q1', amount_minor: amount }), view({}, [lock]), 0n);
          if (!priced.outcome.ok) {
            assert.equal(priced.outcome.reason, 'AM12', 'only a conversion to zero is refused');
            assert.ok(amount * num < den * 2n, 'refused a conversion worth at least half a minor unit');
            return;
          }
          const fx = priced.outcome.fx;
          // CNY and RUB both have 2 minor units: exact = amount * num / den.
          assert.equal((fx.payee_amount_minor * fx.residue_den + fx.residue_num) * den, amount * num * fx.residue_den);
          assert.ok(2n * (fx.residue_num < 0n ? -fx.residue_num : fx.residue_num) <= fx.residue_den, 'rounded to the nearest minor unit');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the legs: payer to provider linked to provider to payee, both carrying the UETR', () => {
    const p = payment(payer, payee, 100n, 'normal', 'CNY', 'RUB');
    p.fx = { provider: lpA.id, rate_num: 12n, rate_den: 1n, rate_source: 'x', payee_amount_minor: 1200n, residue_num: 0n, residue_den: 1n };
    const [a, b] = pvpLegs(p, { participant: (id) => all.find((x) => x.id === id) }, ids(5n)) as [Transfer, Transfer];
    assert.deepEqual(
      [a.id, a.amount, a.flags, a.code, b.id, b.amount, b.flags, b.code],
      [5n, 100n, TransferFlags.linked, TRANSFER_CODE.pvp_payer_leg, 6n, 1200n, 0, TRANSFER_CODE.pvp_payee_leg],
    );
    assert.equal(a.credit_account_id, settlementAccountOf(lpA, 'CNY'));
    assert.equal(b.debit_account_id, settlementAccountOf(lpA, 'RUB'));
    assert.equal(a.user_data_128, b.user_data_128);
  });

  test('residues: whole units are booked (either way), the fraction is carried', () => {
    const fx = { provider: lpA.id, rate_num: 1n, rate_den: 1n, rate_source: '', payee_amount_minor: 1n, residue_num: 3n, residue_den: 4n };
    let r = withResidue(undefined, fx);
    assert.equal(residueBooking(lpA, 'RUB', r, 1n), null);
    r = withResidue(r, fx);
    const up = residueBooking(lpA, 'RUB', r, 1n)!;
    assert.deepEqual([up.transfer.amount, up.transfer.debit_account_id, up.rest], [1n, settlementAccountOf(lpA, 'RUB'), { num: 1n, den: 2n }]);
    const down = residueBooking(lpA, 'RUB', { num: -5n, den: 2n }, 2n)!;
    assert.deepEqual([down.transfer.amount, down.transfer.credit_account_id], [2n, settlementAccountOf(lpA, 'RUB')]);
  });
});

describe('business day', () => {
  test('cut-offs: the named ones, the default for the other active currencies, end of the minute', () => {
    const d = openBusinessDay({ date: '2026-11-30', cutoffs: { CNY: '16:00', INR: '12:00' }, default_cutoff: '17:00' }, [], ['RUB', 'CNY'], 5n);
    const midnight = BigInt(Date.parse('2026-11-30T00:00:00Z')) * 1_000_000n;
    const at = (h: number, m: number): bigint => midnight + BigInt((h * 60 + m) * 60 + 59) * 1_000_000_000n;
    assert.deepEqual(d.cutoffs, [
      ['CNY', at(16, 0)],
      ['RUB', at(17, 0)],
      ['INR', at(12, 0)],
    ]);
    assert.equal(cutoffOf(d, 'RUB'), at(17, 0));
    assert.equal(cutoffOf(d, 'KZT'), 0n);
    assert.equal(pastCutoff(d, 'CNY', at(16, 0)), false);
    assert.equal(pastCutoff(d, 'CNY', at(16, 0) + 1n), true);
    assert.equal(cutoffOf(null, 'CNY'), 0n);
  });

  test('refusals: a day still open, a date not after the last, a bad time, a non-member currency', () => {
    const d = openBusinessDay({ date: '2026-11-30', cutoffs: {}, default_cutoff: '17:00' }, [], ['CNY'], 0n);
    const refused = (f: () => unknown, code: string, field: string): void => {
      assert.throws(f, (e: unknown) => e instanceof ClearingRefusal && e.code === code && e.field === field);
    };
    refused(() => openBusinessDay({ date: '2026-12-01', cutoffs: {}, default_cutoff: '17:00' }, [d], ['CNY'], 0n), 'day_open', 'date');
    const closed = { ...d, state: 'closed' as const };
    refused(() => openBusinessDay({ date: '2026-11-30', cutoffs: {}, default_cutoff: '17:00' }, [closed], ['CNY'], 0n), 'invalid_field', 'date');
    refused(() => openBusinessDay({ date: '2026-12-01', cutoffs: {}, default_cutoff: '24:00' }, [closed], ['CNY'], 0n), 'invalid_field', 'default_cutoff');
    refused(
      () => openBusinessDay({ date: '2026-12-01', cutoffs: { USD: '10:00' }, default_cutoff: '17:00' }, [closed], ['CNY'], 0n),
      'unknown_currency',
      'cutoffs.USD',
    );
  });
});

// Tests of the financing core (src/financing): collateral and credit lines,
// intraday credit, central-bank swap lines. Every transfer the modules produce is
// executed on a real LedgerStateMachine; expected figures are worked out here from
// the stated formulas (independent bigint arithmetic), not taken from the modules.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { AccountFlags, RESULT_CODES, TransferFlags, emptyAccount, emptyTransfer, type ResultCode, type Transfer } from '../src/ledger/types.js';
import { parseDecimal, rational, type Rational } from '../src/fx/rational.js';
import { RateBook } from '../src/fx/rates.js';
import {
  COLLATERAL_LIMITS,
  CollateralRegistry,
  FinancingError,
  creditLine,
  emptyPool,
  registerItem,
  withdrawItem,
  type CollateralItem,
  type CollateralPool,
} from '../src/financing/collateral.js';
import {
  FINANCING_TRANSFER_CODES as CODES,
  atDayOpen,
  autoDrawAmount,
  drawdown,
  headroom,
  repayment,
  repaymentOrder,
  withLine,
  type Facility,
} from '../src/financing/intraday_credit.js';
import { accruedInterest, drawSwap, openSwapLine, remaining, unwindAtMaturity, type SwapLine, type SwapLineTerms } from '../src/financing/swap_lines.js';

const CNY = 156;
const RUB = 643;
const DMNEC = AccountFlags.debits_must_not_exceed_credits;

// ---- a real ledger ---------------------------------------------------------------------------

class Ledger {
  readonly sm = new LedgerStateMachine();
  private clock = 1_000_000_000n;
  private nextTransferId = 1_000_000n;

  open(id: bigint, ledger: number, flags = 0): void {
    const r = this.sm.execute('create_accounts', [emptyAccount(id, ledger, 1, flags)], this.tick()).results;
    assert.equal(RESULT_CODES[r[0]!], 'ok');
  }

  apply(transfers: readonly Transfer[]): ResultCode[] {
    if (transfers.length === 0) return [];
    const r = this.sm.execute('create_transfers', transfers, this.tick()).results;
    return [...r].map((n) => RESULT_CODES[n]!);
  }

  /** A plain transfer not produced by financing/ (payments, funding). */
  move(debit: bigint, credit: bigint, amount: bigint, ledger: number): ResultCode {
    const t = emptyTransfer(this.nextTransferId++);
    Object.assign(t, { debit_account_id: debit, credit_account_id: credit, amount, ledger, code: 1 });
    return this.apply([t])[0]!;
  }

  /** credits_posted - debits_posted. */
  balance(id: bigint): bigint {
    const a = this.sm.lookupAccount(id)!;
    return a.credits_posted - a.debits_posted;
  }

  /** debits_posted - credits_posted. */
  net_debit(id: bigint): bigint {
    return -this.balance(id);
  }

  /** Value is conserved: per ledger, the sum of debits equals the sum of credits. */
  assertConserved(): void {
    const sums = new Map<number, { d: bigint; c: bigint }>();
    for (const a of this.sm.accounts.values_in_order) {
      const s = sums.get(a.ledger) ?? { d: 0n, c: 0n };
      s.d += a.debits_posted + a.debits_pending;
      s.c += a.credits_posted + a.credits_pending;
      sums.set(a.ledger, s);
    }
    for (const [ledger, s] of sums) assert.equal(s.d, s.c, `ledger ${ledger} debits ${s.d} != credits ${s.c}`);
  }

  transferCount(): number {
    return this.sm.transfers.size;
  }

  private tick(): bigint {
    this.clock += 1_000n;
    return this.clock;
  }
}

function idGen(start = 1n): () => bigint {
  let n = start;
  return () => n++;
}

function throwsFinancing(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof FinancingError && e.code === code && e.field.length > 0 && e.reason.length > 0);
}

/** Independent half-even rounding of n/d (n >= 0, d > 0). */
function halfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = 2n * (n - q * d);
  if (r2 < d) return q;
  if (r2 > d) return q + 1n;
  return q % 2n === 0n ? q : q + 1n;
}

// ---- collateral ------------------------------------------------------------------------------

describe('collateral and credit lines', () => {
  const bond: CollateralItem = { id: 'cgb-2030', kind: 'government_bond', currency: 'CNY', market_value_minor: 100_000_000n, haircut_bp: 500 };

  test('line = sum after haircut, converted exactly, rounded down once', () => {
    let pool = registerItem(emptyPool('bank-a'), bond); // 1,000,000.00 CNY - 5% = 950,000.00
    pool = registerItem(pool, { id: 'ust-1', kind: 'government_bond', currency: 'USD', market_value_minor: 10_001n, haircut_bp: 333 });
    const usdCny = parseDecimal('7.1063');
    const line = creditLine(pool, 'CNY', (from, to) => {
      assert.deepEqual([from, to], ['USD', 'CNY']);
      return usdCny;
    });
    // 100.01 USD * 0.9667 * 7.1063 CNY = exact 10001 * 9667 * 71063 / 10^8 minor units of CNY.
    const usdPart = (10_001n * 9_667n * 71_063n) / 100_000_000n; // floor (positive)
    assert.equal(line.line_minor, 95_000_000n + usdPart);
    assert.equal(line.rounding, 'down');
    assert.ok(line.residue.num >= 0n && line.residue.num < line.residue.den);
    assert.equal(line.items.length, 2);
  });

  test('cross rate from the reference RateBook; a 100% haircut counts for nothing', () => {
    const book = RateBook.reference();
    let pool = registerItem(emptyPool('bank-b'), { id: 'ofz-1', kind: 'government_bond', currency: 'RUB', market_value_minor: 80_440_000n, haircut_bp: 0 });
    pool = registerItem(pool, { id: 'junk', kind: 'other', currency: 'CNY', market_value_minor: 5_000_000n, haircut_bp: 10_000 });
    const line = creditLine(pool, 'CNY', (f, t) => book.crossRate(f, t, '2025-08-29').rate);
    // 804,400.00 RUB at 7.1063/80.44 CNY per RUB = 71,063.00 CNY exactly.
    assert.equal(line.line_minor, 7_106_300n);
    assert.equal(line.residue.num, 0n);
  });

  test('bad input: haircut out of range, duplicate id, unknown item, limit on items', () => {
    const pool = registerItem(emptyPool('bank-a'), bond);
    throwsFinancing(() => registerItem(pool, { ...bond, id: 'x', haircut_bp: 10_001 }), 'invalid_haircut');
    throwsFinancing(() => registerItem(pool, { ...bond, id: 'x', haircut_bp: -1 }), 'invalid_haircut');
    throwsFinancing(() => registerItem(pool, { ...bond, id: 'x', haircut_bp: 1.5 }), 'invalid_haircut');
    throwsFinancing(() => registerItem(pool, { ...bond, id: 'x', market_value_minor: -1n }), 'invalid_amount');
    throwsFinancing(() => registerItem(pool, bond), 'duplicate_id');
    throwsFinancing(() => registerItem(pool, { ...bond, id: '' }), 'invalid_id');
    throwsFinancing(() => withdrawItem(pool, 'nope'), 'not_found');
    assert.throws(() => registerItem(pool, { ...bond, id: 'x', currency: 'XXX' }), /currency/);
    let full: CollateralPool = emptyPool('bank-c');
    for (let i = 0; i < COLLATERAL_LIMITS.items_per_participant_max; i++) full = registerItem(full, { ...bond, id: `i${i}` });
    throwsFinancing(() => registerItem(full, { ...bond, id: 'one-more' }), 'limit_reached');
    assert.equal(withdrawItem(pool, 'cgb-2030').items.length, 0);
  });

  test('registry: per participant, refused changes leave it unchanged', () => {
    const reg = new CollateralRegistry();
    reg.register('bank-a', bond);
    throwsFinancing(() => reg.register('bank-a', { ...bond, haircut_bp: 20_000 }), 'invalid_haircut');
    assert.equal(reg.pool('bank-a').items.length, 1);
    reg.revalue('bank-a', 'cgb-2030', 50_000_000n, 1_000);
    assert.equal(reg.creditLine('bank-a', 'CNY', () => rational(1n)).line_minor, 45_000_000n);
    assert.equal(reg.creditLine('bank-z', 'CNY', () => rational(1n)).line_minor, 0n);
    reg.withdraw('bank-a', 'cgb-2030');
    assert.equal(reg.size, 0);
  });

  test('property: the line never exceeds the exact value after haircut, by less than one minor unit', () => {
    const arbItem = fc.record({
      currency: fc.constantFrom('CNY', 'RUB', 'USD', 'KZT'),
      value: fc.bigInt({ min: 0n, max: 10n ** 20n }),
      haircut: fc.integer({ min: 0, max: 10_000 }),
    });
    const rates: Record<string, Rational> = { RUB: parseDecimal('0.0883'), USD: parseDecimal('7.1063'), KZT: parseDecimal('0.01327') };
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 20 }), (items) => {
        let pool = emptyPool('p');
        items.forEach((it, i) => {
          pool = registerItem(pool, { id: `c${i}`, kind: 'cash', currency: it.currency, market_value_minor: it.value, haircut_bp: it.haircut });
        });
        const line = creditLine(pool, 'CNY', (f) => rates[f]!);
        // Independent exact sum over a common denominator: value * (10000-h) * r.num / (10000 * r.den).
        let num = 0n;
        let den = 1n;
        for (const it of items) {
          const r = it.currency === 'CNY' ? rational(1n) : rates[it.currency]!;
          const n = it.value * BigInt(10_000 - it.haircut) * r.num;
          const d = 10_000n * r.den;
          num = num * d + n * den;
          den *= d;
        }
        assert.ok(line.line_minor * den <= num, 'line exceeds the collateral value');
        assert.ok((line.line_minor + 1n) * den > num, 'line leaves a whole minor unit unused');
      }),
      { numRuns: 200 },
    );
  });
});

// ---- intraday credit: the scheme's one rule -------------------------------------------------

const ISSUE = 1n; // the central bank's issuance account (CNY), unconstrained
const SETTLE = 10n; // the participant's settlement account: must not go negative
const CREDIT = 11n; // the participant's intraday-credit account at the central bank
const PAYEE = 20n; // another participant
const ACCOUNTS = { credit_account_id: CREDIT, settlement_account_id: SETTLE, ledger: CNY };

function intradaySetup(line: bigint, auto_draw = true, openingBalance = 0n): { ledger: Ledger; facility: Facility } {
  const ledger = new Ledger();
  ledger.open(ISSUE, CNY);
  ledger.open(SETTLE, CNY, DMNEC);
  ledger.open(CREDIT, CNY);
  ledger.open(PAYEE, CNY);
  if (openingBalance > 0n) assert.equal(ledger.move(ISSUE, SETTLE, openingBalance, CNY), 'ok');
  const facility = withLine(undefined, 'bank-a', 'CNY', line, auto_draw)!;
  return { ledger, facility };
}

describe('intraday credit', () => {
  test('a blocked payment draws its whole shortfall, settles, and end of day repays it', () => {
    const { ledger, facility } = intradaySetup(1_000_000n, true, 300_000n);
    // Payment of 500,000 with 300,000 on the account: blocked for 200,000.
    assert.equal(ledger.move(SETTLE, PAYEE, 500_000n, CNY), 'exceeds_credits');
    const amount = autoDrawAmount(facility, 200_000n, true);
    assert.equal(amount, 200_000n);
    const step = drawdown(facility, ACCOUNTS, amount!, 1n);
    const t = step.transfer;
    assert.deepEqual(
      [t.id, t.debit_account_id, t.credit_account_id, t.amount, t.ledger, t.code, t.flags],
      [1n, CREDIT, SETTLE, 200_000n, CNY, CODES.intraday_drawdown, 0],
    );
    assert.deepEqual(ledger.apply([t]), ['ok']);
    assert.equal(ledger.move(SETTLE, PAYEE, 500_000n, CNY), 'ok');
    assert.equal(ledger.net_debit(CREDIT), 200_000n);
    assert.deepEqual([step.facility.outstanding_minor, step.facility.drawdowns, headroom(step.facility)], [200_000n, 1, 800_000n]);
    // Incoming funds, then end of day.
    assert.equal(ledger.move(ISSUE, SETTLE, 250_000n, CNY), 'ok');
    const eod = repayment(step.facility, ACCOUNTS, ledger.balance(SETTLE), 2n)!;
    assert.deepEqual([eod.transfer.id, eod.transfer.amount, eod.transfer.code], [2n, 200_000n, CODES.intraday_repayment]);
    assert.deepEqual(ledger.apply([eod.transfer]), ['ok']);
    assert.equal(ledger.net_debit(CREDIT), 0n);
    assert.equal(eod.facility.outstanding_minor, 0n);
    assert.equal(ledger.balance(SETTLE), 50_000n);
    ledger.assertConserved();
  });

  test('no partial auto-draw: a shortfall beyond the unused line draws nothing', () => {
    const { facility } = intradaySetup(100_000n);
    assert.equal(autoDrawAmount(facility, 100_000n, true), 100_000n);
    assert.equal(autoDrawAmount(facility, 100_001n, true), null);
    const used = drawdown(facility, ACCOUNTS, 60_000n, 1n).facility;
    assert.equal(autoDrawAmount(used, 40_000n, true), 40_000n);
    assert.equal(autoDrawAmount(used, 40_001n, true), null);
  });

  test('no auto-draw without a facility, with auto-draw off, or outside an open business day', () => {
    const { facility } = intradaySetup(100_000n);
    assert.equal(autoDrawAmount(undefined, 1n, true), null);
    assert.equal(autoDrawAmount({ ...facility, auto_draw: false }, 1n, true), null);
    assert.equal(autoDrawAmount(facility, 1n, false), null);
  });

  test('no daily cap: drawdowns are counted, never refused, and the count restarts each day', () => {
    let f = intradaySetup(1_000_000_000n).facility;
    for (let i = 0; i < 20_000; i++) f = drawdown(f, ACCOUNTS, 1n, BigInt(i + 1)).facility;
    assert.equal(f.drawdowns, 20_000);
    assert.equal(autoDrawAmount(f, 1n, true), 1n);
    assert.deepEqual(atDayOpen(f), { ...f, drawdowns: 0 });
  });

  test('end-of-day repayment goes as far as the account allows; the rest stays outstanding', () => {
    const { ledger, facility } = intradaySetup(500_000n);
    const drawn = drawdown(facility, ACCOUNTS, 300_000n, 1n);
    assert.deepEqual(ledger.apply([drawn.transfer]), ['ok']);
    assert.equal(ledger.move(SETTLE, PAYEE, 180_000n, CNY), 'ok');
    const eod = repayment(drawn.facility, ACCOUNTS, ledger.balance(SETTLE), 2n)!;
    assert.equal(eod.transfer.amount, 120_000n);
    assert.deepEqual(ledger.apply([eod.transfer]), ['ok']);
    assert.equal(eod.facility.outstanding_minor, 180_000n);
    assert.equal(ledger.net_debit(CREDIT), 180_000n);
    assert.equal(repayment(eod.facility, ACCOUNTS, 0n, 3n), null, 'nothing to pay with: no transfer');
    assert.equal(repayment({ ...eod.facility, outstanding_minor: 0n }, ACCOUNTS, 10n, 3n), null, 'nothing outstanding: no transfer');
  });

  test('repayment order is by participant, then currency', () => {
    const f = (participant: string, currency: string): Facility => withLine(undefined, participant, currency, 1n, true)!;
    const order = repaymentOrder([f('B', 'CNY'), f('A', 'RUB'), f('A', 'CNY')]).map((x) => `${x.participant}:${x.currency}`);
    assert.deepEqual(order, ['A:CNY', 'A:RUB', 'B:CNY']);
  });

  test('a new line below what is outstanding is refused; otherwise it replaces the line and the auto-draw setting', () => {
    const { facility } = intradaySetup(100_000n);
    const used = drawdown(facility, ACCOUNTS, 70_000n, 1n).facility;
    assert.equal(withLine(used, 'bank-a', 'CNY', 69_999n, true), null);
    assert.deepEqual(withLine(used, 'bank-a', 'CNY', 70_000n, false), { ...used, line_minor: 70_000n, auto_draw: false });
  });

  type Op = { kind: 'pay'; amount: bigint } | { kind: 'receive'; amount: bigint } | { kind: 'draw'; amount: bigint };
  const arbOp: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('pay' as const), amount: fc.bigInt({ min: 1n, max: 2_000_000n }) }),
    fc.record({ kind: fc.constant('receive' as const), amount: fc.bigInt({ min: 1n, max: 1_000_000n }) }),
    fc.record({ kind: fc.constant('draw' as const), amount: fc.bigInt({ min: 1n, max: 2_000_000n }) }),
  );

  test('property: the line is never exceeded, every planned transfer is accepted, the credit account mirrors what is outstanding, value is conserved', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 3_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.boolean(),
        fc.array(arbOp, { maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        (line, opening, auto, ops, days) => {
          const { ledger, facility: f0 } = intradaySetup(line, auto, opening);
          const ids = idGen(1n);
          let f = f0;
          for (let day = 0; day < days; day++) {
            if (day > 0) f = atDayOpen(f);
            for (const op of ops) {
              if (op.kind === 'receive') {
                assert.equal(ledger.move(ISSUE, SETTLE, op.amount, CNY), 'ok');
              } else if (op.kind === 'pay') {
                const bal = ledger.balance(SETTLE);
                const shortfall = op.amount > bal ? op.amount - bal : 0n;
                const draw = shortfall > 0n ? autoDrawAmount(f, shortfall, true) : null;
                if (draw !== null) {
                  const step = drawdown(f, ACCOUNTS, draw, ids());
                  assert.deepEqual(ledger.apply([step.transfer]), ['ok']);
                  f = step.facility;
                }
                // The payment settles exactly when it was covered, or its whole shortfall drawn.
                assert.equal(ledger.move(SETTLE, PAYEE, op.amount, CNY), shortfall === 0n || draw !== null ? 'ok' : 'exceeds_credits');
              } else if (op.amount <= headroom(f)) {
                const step = drawdown(f, ACCOUNTS, op.amount, ids());
                assert.deepEqual(ledger.apply([step.transfer]), ['ok']);
                f = step.facility;
              }
              assert.equal(ledger.net_debit(CREDIT), f.outstanding_minor);
              assert.ok(f.outstanding_minor <= line, 'credit line exceeded');
            }
            const eod = repayment(f, ACCOUNTS, ledger.balance(SETTLE), ids());
            if (eod !== null) {
              assert.deepEqual(ledger.apply([eod.transfer]), ['ok']);
              f = eod.facility;
            }
            assert.equal(ledger.net_debit(CREDIT), f.outstanding_minor);
            assert.ok(f.outstanding_minor === 0n || ledger.balance(SETTLE) === 0n, 'repayment stopped short with money left');
          }
          ledger.assertConserved();
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---- swap lines ------------------------------------------------------------------------------

// Provider: People's Bank of China lends CNY; drawer: Bank of Russia, against RUB.
const PBOC_CNY = 100n;
const CBR_CNY = 101n;
const PBOC_INTEREST = 102n;
const MARKET_CNY = 103n; // where the drawer buys the CNY for interest
const CBR_RUB = 200n;
const PBOC_RUB = 201n;

function swapSetup(overrides: Partial<SwapLineTerms> = {}): { ledger: Ledger; line: SwapLine } {
  const ledger = new Ledger();
  ledger.open(PBOC_CNY, CNY); // the issuer: unconstrained
  ledger.open(CBR_CNY, CNY, DMNEC);
  ledger.open(PBOC_INTEREST, CNY, DMNEC);
  ledger.open(MARKET_CNY, CNY);
  ledger.open(CBR_RUB, RUB); // the issuer: unconstrained
  ledger.open(PBOC_RUB, RUB, DMNEC);
  const line = openSwapLine({
    id: 'pboc-cbr-2025',
    provider: 'PBOC',
    drawer: 'CBR',
    provider_currency: 'CNY',
    drawer_currency: 'RUB',
    limit_minor: 100_000_000n, // 1,000,000.00 CNY
    rate: parseDecimal('11.25'), // RUB per CNY
    interest_rate: parseDecimal('0.035'),
    start_date: '2025-09-01',
    maturity_date: '2025-12-01',
    accounts: {
      provider_p_account_id: PBOC_CNY,
      drawer_p_account_id: CBR_CNY,
      provider_p_interest_account_id: PBOC_INTEREST,
      drawer_d_account_id: CBR_RUB,
      provider_d_account_id: PBOC_RUB,
    },
    ...overrides,
  });
  return { ledger, line };
}

function unwindAndCheck(ledger: Ledger, line: SwapLine, ids: () => bigint): bigint {
  const acc = accruedInterest(line, line.terms.maturity_date);
  // The drawer buys the CNY it owes as interest before maturity.
  if (acc.interest_minor > 0n) assert.equal(ledger.move(MARKET_CNY, CBR_CNY, acc.interest_minor, CNY), 'ok');
  const u = unwindAtMaturity(line, line.terms.maturity_date, ids);
  assert.ok(ledger.apply(u.transfers).every((r) => r === 'ok'));
  for (const id of [PBOC_CNY, CBR_CNY, PBOC_RUB, CBR_RUB]) assert.equal(ledger.balance(id), 0n, `account ${id} does not net to zero`);
  assert.equal(ledger.balance(PBOC_INTEREST), u.interest.interest_minor);
  assert.equal(u.line.status, 'matured');
  ledger.assertConserved();
  return u.interest.interest_minor;
}

describe('central-bank swap lines', () => {
  test('example: one drawing, ACT/360, legs, interest, unwind', () => {
    const { ledger, line } = swapSetup();
    const ids = idGen(500n);
    const d = drawSwap(line, 50_000_000n, '2025-09-01', ids); // 500,000.00 CNY
    const [p, r] = d.transfers;
    assert.deepEqual(
      [p.id, p.debit_account_id, p.credit_account_id, p.amount, p.ledger, p.flags],
      [500n, PBOC_CNY, CBR_CNY, 50_000_000n, CNY, TransferFlags.linked],
    );
    assert.deepEqual([r.id, r.debit_account_id, r.credit_account_id, r.amount, r.ledger, r.flags], [501n, CBR_RUB, PBOC_RUB, 562_500_000n, RUB, 0]); // 5,625,000.00 RUB
    assert.deepEqual(ledger.apply(d.transfers), ['ok', 'ok']);
    assert.equal(remaining(d.line), 50_000_000n);
    // 91 days: 50,000,000 * 91 * 0.035 / 360 = 442,361.11... -> 442,361 (4,423.61 CNY).
    const interest = unwindAndCheck(ledger, d.line, ids);
    assert.equal(interest, 442_361n);
  });

  test('ACT/365 and a half-even tie', () => {
    const { line } = swapSetup({ day_count: 'ACT/365' });
    const d = drawSwap(line, 50_000_000n, '2025-09-01', idGen());
    assert.equal(accruedInterest(d.line, '2025-12-01').interest_minor, 436_301n); // 436,301.37
    // Exact ties, a * days * r / 360 = x.5, round to the even neighbour.
    const { line: l2 } = swapSetup({ interest_rate: parseDecimal('0.1'), maturity_date: '2025-09-10' }); // 9 days
    // 1000 * 9 * 0.1 / 360 = 2.5 -> 2 (even); 1400 * 9 * 0.1 / 360 = 3.5 -> 4 (even).
    assert.equal(accruedInterest(drawSwap(l2, 1_000n, '2025-09-01', idGen()).line, '2025-09-10').interest_minor, 2n);
    assert.equal(accruedInterest(drawSwap(l2, 1_400n, '2025-09-01', idGen()).line, '2025-09-10').interest_minor, 4n);
  });

  test('drawing over the limit is a clear error with no transfer; the ledger is unchanged', () => {
    const { ledger, line } = swapSetup();
    let n = 0;
    const ids = () => BigInt(1000 + ++n);
    const d = drawSwap(line, 80_000_000n, '2025-09-15', ids);
    assert.deepEqual(ledger.apply(d.transfers), ['ok', 'ok']);
    const before = ledger.transferCount();
    throwsFinancing(() => drawSwap(d.line, 20_000_001n, '2025-09-16', ids), 'swap_limit_exceeded');
    assert.equal(n, 2);
    assert.equal(ledger.transferCount(), before);
    throwsFinancing(() => drawSwap(d.line, 1n, '2025-12-01', ids), 'invalid_date'); // at maturity
    throwsFinancing(() => drawSwap(d.line, 1n, '2025-08-31', ids), 'invalid_date'); // before start
    throwsFinancing(() => unwindAtMaturity(d.line, '2025-11-30', ids), 'invalid_date');
    const u = unwindAtMaturity(d.line, '2025-12-01', ids);
    throwsFinancing(() => drawSwap(u.line, 1n, '2025-11-01', ids), 'invalid_state');
    throwsFinancing(() => unwindAtMaturity(u.line, '2025-12-01', ids), 'invalid_state');
  });

  test('bad terms', () => {
    throwsFinancing(() => swapSetup({ limit_minor: 0n }), 'invalid_amount');
    throwsFinancing(() => swapSetup({ rate: rational(0n) }), 'invalid_rate');
    throwsFinancing(() => swapSetup({ interest_rate: rational(-1n, 100n) }), 'invalid_rate');
    throwsFinancing(() => swapSetup({ interest_rate: rational(101n, 100n) }), 'invalid_rate');
    throwsFinancing(() => swapSetup({ maturity_date: '2025-09-01' }), 'invalid_date');
    throwsFinancing(() => swapSetup({ maturity_date: '2040-09-01' }), 'invalid_date');
    throwsFinancing(() => swapSetup({ drawer: 'PBOC' }), 'invalid_input');
    throwsFinancing(() => swapSetup({ drawer_currency: 'CNY' }), 'invalid_input');
    throwsFinancing(() => swapSetup({ day_count: 'ACT/ACT' as never }), 'invalid_input');
    assert.throws(() => swapSetup({ drawer_currency: 'USD' }), /member/);
  });

  test('property: legs are ok, balances net to zero at maturity, interest equals the day-count formula', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.record({ num: fc.bigInt({ min: 1n, max: 10n ** 6n }), den: fc.bigInt({ min: 1n, max: 10n ** 6n }) }),
        fc.record({ num: fc.bigInt({ min: 0n, max: 1000n }), den: fc.constantFrom(100n, 1000n, 10_000n) }),
        fc.constantFrom('ACT/360' as const, 'ACT/365' as const),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.record({ amount: fc.bigInt({ min: 1n, max: 10n ** 12n }), offset: fc.integer({ min: 0, max: 399 }) }), { maxLength: 12 }),
        (limit, rate, ir, dayCount, tenor, draws) => {
          const interest_rate = rational(ir.num < ir.den ? ir.num : ir.den, ir.den);
          const start = Date.UTC(2025, 0, 1) / 86_400_000;
          const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
          const { ledger, line: l0 } = swapSetup({
            limit_minor: limit,
            rate: rational(rate.num, rate.den),
            interest_rate,
            day_count: dayCount,
            start_date: iso(start),
            maturity_date: iso(start + tenor),
          });
          const ids = idGen(1n);
          let line = l0;
          let drawn = 0n;
          const taken: Array<{ amount: bigint; day: number }> = [];
          const offsets = draws.map((d) => d.offset % tenor).sort((a, b) => a - b);
          draws.forEach((dr, i) => {
            const day = start + offsets[i]!;
            const before = ledger.transferCount();
            if (dr.amount > limit - drawn) {
              throwsFinancing(() => drawSwap(line, dr.amount, iso(day), ids), 'swap_limit_exceeded');
              assert.equal(ledger.transferCount(), before);
              return;
            }
            let step: ReturnType<typeof drawSwap>;
            try {
              step = drawSwap(line, dr.amount, iso(day), ids);
            } catch (e) {
              // Only a counter amount that rounds to zero RUB is refused within the limit.
              assert.ok(e instanceof FinancingError && e.code === 'invalid_amount');
              return;
            }
            assert.deepEqual(ledger.apply(step.transfers), ['ok', 'ok']);
            line = step.line;
            drawn += dr.amount;
            taken.push({ amount: dr.amount, day });
            assert.ok(line.drawn_minor <= limit);
          });
          const interest = unwindAndCheck(ledger, line, ids);
          // Independent formula: round_half_even(sum a_i * days_i * r / basis).
          const basis = dayCount === 'ACT/360' ? 360n : 365n;
          let sum = 0n;
          for (const t of taken) sum += t.amount * BigInt(start + tenor - t.day);
          assert.equal(interest, halfEven(sum * interest_rate.num, interest_rate.den * basis));
        },
      ),
      { numRuns: 150 },
    );
  });
});

// The cross-currency liquidity optimiser (issue 16 item 5): a proposal never
// moves more USD-equivalent than the queued value it releases, and what it
// says it releases is what the LSM then settles; on the platform the proposals
// are read-only, execution is refused until the scheme allows it, and an
// executed proposal converts through the provider and releases the queue.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { optimiseLiquidity, type LiquidityOffer } from '../src/clearing/liquidity_optimiser.js';
import { solveRunProblem, usdMicro, type LsmNode, type LsmRunProblem } from '../src/clearing/lsm_release.js';
import type { Rational } from '../src/fx/rational.js';
import { Harness, scheme } from './support/lsm_harness.js';
import { BANKS, BUSINESS_DATE, CB, LP, payment } from './support/platform.js';

const [A, B, S] = BANKS;

// CNY 7.1 per USD, RUB 80 per USD (exact rationals).
const RATES: Record<string, Rational> = { CNY: { num: 71n, den: 10n }, RUB: { num: 80n, den: 1n } };

const arbCase = fc.record({
  balances: fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 4, maxLength: 4 }),
  items: fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), amount: fc.integer({ min: 1, max: 3_000 }) }), { minLength: 1, maxLength: 12 }),
  stock: fc.integer({ min: 0, max: 5_000 }),
  surplus: fc.array(fc.integer({ min: 0, max: 500_000 }), { minLength: 4, maxLength: 4 }),
  // RUB minor units per CNY minor unit, times 100 (a spread over ~11.27).
  price_x100: fc.integer({ min: 900, max: 1_500 }),
  fifo: fc.boolean(),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

/** Four CNY payers (nodes 0..3) and a provider's CNY node (4); single-currency items, weight = amount. */
function problemOf(c: Case): LsmRunProblem {
  const nodes: LsmNode[] = c.balances.map((b, i) => ({ participant: `P${i}`, currency: 'CNY', balance: BigInt(b), headroom: 0n }));
  nodes.push({ participant: 'LP', currency: 'CNY', balance: BigInt(c.stock), headroom: 0n });
  const items = c.items
    .filter((it) => it.from !== it.to)
    .map((it, k) => ({ id: `i${k}`, legs: [{ from: it.from, to: it.to, amount: BigInt(it.amount) }], weight: BigInt(it.amount), urgent: false }));
  return { currencies: ['CNY'], nodes, items, payments: [], fifo: c.fifo, weight_unit: 'minor' };
}

function offersOf(c: Case): LiquidityOffer[] {
  return c.surplus.map((rub, i) => ({
    kind: 'pvp' as const,
    via: 'LP',
    counterparty: 'LP',
    buyer: `P${i}`,
    buy_currency: 'CNY',
    sell_currency: 'RUB',
    buy_max_minor: BigInt(c.stock),
    sell_max_minor: BigInt(rub),
    price: (b: bigint) => ({ sell_minor: (b * BigInt(c.price_x100) + 99n) / 100n, source: 'test price' }),
  }));
}

test('property: a proposal never moves more than it releases (USD-equivalent), and the LSM re-solved with it releases exactly that', () => {
  let proposed = 0;
  fc.assert(
    fc.property(arbCase, (c) => {
      const problem = problemOf(c);
      const r = optimiseLiquidity({ currency: 'CNY', problem, offers: offersOf(c), unitsPerUsd: (x) => RATES[x] ?? null, work_budget: 50_000 });
      const base = solveRunProblem(problem, 50_000).settled_weight;
      assert.equal(r.baseline_usd_micro, usdMicro(base, 'CNY', RATES.CNY!));
      proposed += r.proposals.length;
      for (const p of r.proposals) {
        assert.ok(p.released_usd_micro > 0n);
        assert.ok(p.released_usd_micro >= p.moved_usd_micro, `moves ${p.moved_usd_micro} for ${p.released_usd_micro}`);
        assert.ok(p.moved_usd_micro >= usdMicro(p.buy_minor, 'CNY', RATES.CNY!), 'moved is rounded up');
        assert.ok(p.buy_minor <= BigInt(c.stock));
        assert.ok(p.sell_minor <= BigInt(c.surplus[Number(p.participant.slice(1))]!));
        // Independently: the buyer gains, the provider loses, what the LSM then settles.
        const extra = new Map<number, bigint>([
          [Number(p.participant.slice(1)), p.buy_minor],
          [4, -p.buy_minor],
        ]);
        const after = solveRunProblem(problem, 50_000, extra).settled_weight;
        assert.equal(usdMicro(after, 'CNY', RATES.CNY!) - usdMicro(base, 'CNY', RATES.CNY!), p.released_usd_micro);
      }
      for (let i = 1; i < r.proposals.length; i++) {
        const a = r.proposals[i - 1]!;
        const b = r.proposals[i]!;
        assert.ok(a.released_usd_micro * b.moved_usd_micro >= b.released_usd_micro * a.moved_usd_micro, 'ranked by released per moved');
      }
    }),
    { numRuns: 150, seed: 5 },
  );
  assert.ok(proposed > 20, `the cases exercise proposals (${proposed})`);
});

test('no rate, nothing queued, nobody short: no proposals, with the reason', () => {
  const c: Case = { balances: [10, 10, 10, 10], items: [{ from: 0, to: 1, amount: 5 }], stock: 100, surplus: [1, 1, 1, 1], price_x100: 1000, fifo: true };
  const ok = optimiseLiquidity({ currency: 'CNY', problem: problemOf(c), offers: offersOf(c), unitsPerUsd: (x) => RATES[x] ?? null, work_budget: 10_000 });
  assert.deepEqual(ok.proposals, []);
  assert.equal(ok.note, 'no payer is short in this currency');
  const noRate = optimiseLiquidity({ currency: 'CNY', problem: problemOf(c), offers: offersOf(c), unitsPerUsd: () => null, work_budget: 10_000 });
  assert.match(noRate.note!, /no reference rate/);
  const empty = optimiseLiquidity({
    currency: 'CNY',
    problem: { ...problemOf(c), items: [] },
    offers: [],
    unitsPerUsd: (x) => RATES[x] ?? null,
    work_budget: 10_000,
  });
  assert.equal(empty.note, 'nothing is queued');
});

/** S is short of CNY but holds RUB; its payment to A would let A pay B: a conversion of 100 CNY releases 250. */
function gridlock(h: Harness): { uetrs: string[] } {
  scheme(h);
  h.run({ type: 'fund', participant: S, currency: 'RUB', amount: '100000.00' });
  h.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1000.00' });
  h.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
  const r = h.run({ type: 'submit_payments', payments: [payment(S, A, 'CNY', '100.00'), payment(A, B, 'CNY', '150.00')] }) as {
    payments: Array<{ uetr: string; state: string }>;
  };
  assert.deepEqual(
    r.payments.map((x) => x.state),
    ['queued', 'queued'],
  );
  return { uetrs: r.payments.map((x) => x.uetr) };
}

test('platform: proposals are read-only; execution is refused until the scheme allows it; then it converts and releases the queue', async () => {
  const { liquidityProposals } = await import('../src/platform/liquidity_commands.js');
  const h = new Harness(3);
  const { uetrs } = gridlock(h);
  const before = h.sm.encodeState();
  const r = liquidityProposals(h.sm, 'CNY', h.now);
  assert.ok(h.sm.encodeState().equals(before), 'reading proposals changes nothing');
  const best = r.proposals[0]!;
  assert.equal(best.participant, S);
  assert.equal(best.kind, 'pvp');
  assert.equal(best.via, LP);
  assert.equal(best.buy_minor, 10_000n, 'exactly the shortfall');
  assert.equal(best.released_payments, 2);
  assert.ok(best.released_usd_micro >= 2n * best.moved_usd_micro, 'releases 250 CNY for 100 moved');
  const cmd = {
    type: 'execute_liquidity_proposal',
    kind: best.kind,
    via: best.via,
    participant: best.participant,
    sell_currency: best.sell_currency,
    buy_currency: best.buy_currency,
    buy_amount: '100.00',
  };
  const refused = h.exec(cmd);
  assert.equal(refused.ok, false);
  assert.equal(refused.error!.code, 'invalid_state');
  h.run({ type: 'set_liquidity_execution', enabled: true });
  const rub = h.avail(S, 'RUB');
  const out = h.run(cmd) as { released_payments: number; released_value: Array<{ currency: string; value_minor: string }> };
  assert.equal(out.released_payments, 2);
  assert.deepEqual(out.released_value, [{ currency: 'CNY', value_minor: '25000' }]);
  for (const u of uetrs) assert.equal(h.state(u), 'settled');
  assert.equal(rub - h.avail(S, 'RUB'), best.sell_minor, 'S paid what the proposal said');
  assert.equal(h.avail(LP, 'CNY'), 90_000n);
  // The setting survives a snapshot.
  const copy = new (h.sm.constructor as new () => typeof h.sm)();
  copy.restoreState(h.sm.encodeState());
  assert.equal(copy.liquidity_execution, true);
});

test('platform: executing is refused when the participant cannot pay, and under rules 2', () => {
  const h = new Harness(3);
  gridlock(h);
  h.run({ type: 'set_liquidity_execution', enabled: true });
  const tooMuch = h.exec({
    type: 'execute_liquidity_proposal',
    kind: 'pvp',
    via: LP,
    participant: S,
    sell_currency: 'RUB',
    buy_currency: 'CNY',
    buy_amount: '999999.00',
  });
  assert.equal(tooMuch.ok, false);
  assert.equal(tooMuch.error!.code, 'insufficient_funds');
  const h2 = new Harness(2);
  scheme(h2);
  const old = h2.exec({
    type: 'execute_liquidity_proposal',
    kind: 'pvp',
    via: LP,
    participant: S,
    sell_currency: 'RUB',
    buy_currency: 'CNY',
    buy_amount: '1.00',
  });
  assert.equal(old.ok, false);
  assert.equal(old.error!.code, 'invalid_command');
});

test('platform: money a participant has queued to pay in the other currency is not offered for conversion', async () => {
  const { liquidityProposals } = await import('../src/platform/liquidity_commands.js');
  const h = new Harness(3);
  gridlock(h);
  assert.equal(liquidityProposals(h.sm, 'CNY', h.now).proposals.length > 0, true);
  const r = h.run({ type: 'submit_payments', payments: [payment(S, BANKS[3], 'RUB', '150000.00')] }) as { payments: Array<{ state: string }> };
  assert.equal(r.payments[0]!.state, 'queued');
  const after = liquidityProposals(h.sm, 'CNY', h.now);
  assert.deepEqual(after.proposals, []);
  assert.equal(after.note, 'no conversion releases at least the value it moves');
});

/** S (a Russian bank) is short of CNY and no provider holds any; the Bank of Russia has a CNY swap line with headroom. */
function swapGridlock(h: Harness): { uetrs: string[] } {
  scheme(h);
  h.run({
    type: 'open_swap_line',
    id: 'CNY-RUB-1',
    provider: CB.CNY,
    drawer: CB.RUB,
    limit: '1000.00',
    interest_rate: '0.035',
    day_count: 'ACT/360',
    start_date: BUSINESS_DATE,
    maturity_date: '2025-11-30',
  });
  h.run({ type: 'fund', participant: S, currency: 'RUB', amount: '100000.00' });
  h.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
  const r = h.run({ type: 'submit_payments', payments: [payment(S, A, 'CNY', '100.00'), payment(A, B, 'CNY', '150.00')] }) as {
    payments: Array<{ uetr: string; state: string }>;
  };
  return { uetrs: r.payments.map((x) => x.uetr) };
}

test('platform: with no provider holding the currency, the optimiser proposes a swap-line drawing passed on to the short bank, and executing it releases the queue', async () => {
  const { liquidityProposals } = await import('../src/platform/liquidity_commands.js');
  const h = new Harness(3);
  const { uetrs } = swapGridlock(h);
  for (const u of uetrs) assert.equal(h.state(u), 'queued');
  const r = liquidityProposals(h.sm, 'CNY', h.now);
  const best = r.proposals[0];
  assert.ok(best !== undefined, JSON.stringify(r.note));
  assert.equal(best.kind, 'swap');
  assert.equal(best.via, 'CNY-RUB-1');
  assert.equal(best.participant, S, 'the bank short of CNY, not the drawer central bank');
  assert.equal(best.sell_currency, 'RUB');
  assert.equal(best.buy_minor, 10_000n, 'exactly the shortfall');
  assert.equal(best.released_payments, 2);
  assert.ok(best.released_usd_micro >= best.moved_usd_micro);
  h.run({ type: 'set_liquidity_execution', enabled: true });
  const rub = h.avail(S, 'RUB');
  const cmd = {
    type: 'execute_liquidity_proposal',
    kind: 'swap',
    via: best.via,
    participant: S,
    sell_currency: 'RUB',
    buy_currency: 'CNY',
    buy_amount: '100.00',
  };
  const out = h.run(cmd) as { released_payments: number; conversion: { sell_minor: string } };
  assert.equal(out.released_payments, 2);
  for (const u of uetrs) assert.equal(h.state(u), 'settled');
  assert.equal(rub - h.avail(S, 'RUB'), best.sell_minor, 'S paid the drawer what the proposal said');
  assert.equal(h.sm.swapLines.get('CNY-RUB-1')!.drawn_minor, 10_000n);
  assert.equal(h.avail(CB.RUB, 'CNY'), 0n, 'the drawer passed on all it drew');
  // Beyond the line's headroom, or for a bank of another country: refused, nothing drawn.
  const over = h.exec({ ...cmd, buy_amount: '1000.00' });
  assert.equal(over.ok, false);
  assert.equal(over.error!.code, 'limit_exceeded');
  const foreign = h.exec({ ...cmd, participant: BANKS[4], sell_currency: 'RUB' });
  assert.equal(foreign.ok, false);
  assert.equal(foreign.error!.code, 'invalid_field');
  assert.equal(h.sm.swapLines.get('CNY-RUB-1')!.drawn_minor, 10_000n);
});

test('platform: a swap line without headroom is not proposed', async () => {
  const { liquidityProposals } = await import('../src/platform/liquidity_commands.js');
  const h = new Harness(3);
  swapGridlock(h);
  h.run({ type: 'draw_swap', line: 'CNY-RUB-1', amount: '1000.00' });
  // The drawer now holds the CNY itself; with the line used up no drawing is offered to S.
  const r = liquidityProposals(h.sm, 'CNY', h.now);
  assert.equal(
    r.proposals.some((p) => p.kind === 'swap'),
    false,
  );
});

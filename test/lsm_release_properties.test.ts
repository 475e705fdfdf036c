// Properties of the LSM release of rules 3 and 4 (solveRunProblem of
// lsm_release.ts, the solver the platform calls; rules 4 adds the cycle and
// exact neighbourhood moves, which run only beyond the exact search's 64 items,
// so rules 4 is also checked on runs of 65 to 160 items, liquidity scarce), on
// random runs of accounts with balances and intraday credit, single-currency
// payments and PvP payments (two linked legs):
//  - no account ends below minus its drawable credit: what the chosen set pays
//    out net of what it receives never exceeds balance + headroom, and the
//    credit drawn per account (creditNeeds) never exceeds its headroom;
//  - a PvP payment settles with both legs or neither (checked on the ledger
//    effect: a chosen id settles every leg, and only chosen ids move anything);
//  - the same input gives the same output (twice in a row, and with the node
//    and item arrays copied);
//  - never worse than the rules-2 solver (solveLsm with the platform's budget)
//    on the same single-currency run;
//  - rules 4 settles at least what rules 3 settles on the same run (its moves
//    start from the rules-3 result and only keep a better one);
//  - the release conserves money per currency: the chosen legs' effects sum to
//    zero in each currency.
// The checks are written independently of the solver (plain bigint sums).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { solveLsm, type LsmProblem } from '../src/clearing/lsm.js';
import type { LinkedItem } from '../src/clearing/lsm_linked.js';
import { creditNeeds, solveRunProblem, type LsmNode, type LsmRunProblem } from '../src/clearing/lsm_release.js';

/** The platform's work budget for an LSM run (PLATFORM_LIMITS.lsm_work_budget). */
const PLATFORM_BUDGET = 2_000_000;

interface RawRun {
  participants: number;
  accounts: { balance: number; headroom: number }[];
  payments: { from: number; to: number; amount: number; pvp: boolean; other: number }[];
  fifo: boolean;
}

/** Queued payments among `participants`, PvP ones only when `pvp`. */
const paymentsArb = (participants: number, pvp: boolean, minLength: number, maxLength: number): fc.Arbitrary<RawRun['payments']> =>
  fc.array(
    fc.record({
      from: fc.integer({ min: 0, max: participants - 1 }),
      to: fc.integer({ min: 0, max: participants - 1 }),
      amount: fc.integer({ min: 1, max: 10_000 }),
      pvp: pvp ? fc.boolean() : fc.constant(false),
      other: fc.integer({ min: 1, max: 12_000 }),
    }),
    { minLength, maxLength },
  );

/** Accounts are participant x currency (two currencies); a PvP payment pays in currency 0 and its provider pays the payee in currency 1. */
const runArb = (maxPayments: number, pvp: boolean): fc.Arbitrary<RawRun> =>
  fc.integer({ min: 2, max: 5 }).chain((participants) =>
    fc.record({
      participants: fc.constant(participants),
      accounts: fc.array(
        fc.record({
          balance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })),
          headroom: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 })),
        }),
        { minLength: 2 * participants, maxLength: 2 * participants },
      ),
      payments: paymentsArb(participants, pvp, 1, maxPayments),
      fifo: fc.boolean(),
    }),
  );

/** Runs past the exact search's size: 65 to 160 payments, liquidity scarce (many accounts hold nothing). */
const bigRunArb = (pvp: boolean): fc.Arbitrary<RawRun> =>
  fc.integer({ min: 3, max: 8 }).chain((participants) =>
    fc.record({
      participants: fc.constant(participants),
      accounts: fc.array(
        fc.record({
          balance: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 20_000 })),
          headroom: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
        }),
        { minLength: 2 * participants, maxLength: 2 * participants },
      ),
      payments: paymentsArb(participants, pvp, 65, 160),
      fifo: fc.boolean(),
    }),
  );

/** The run problem the platform would build: nodes with balance and headroom, items in queue order. */
function toRunProblem(raw: RawRun): LsmRunProblem {
  const nodes: LsmNode[] = raw.accounts.map((a, n) => ({
    participant: `P${n >> 1}`,
    currency: n % 2 === 0 ? 'EUR' : 'USD',
    balance: BigInt(a.balance),
    headroom: BigInt(a.headroom),
  }));
  const provider = raw.participants - 1;
  const items: LinkedItem[] = [];
  raw.payments.forEach((p, k) => {
    const to = p.to === p.from ? (p.from + 1) % raw.participants : p.to;
    const legs = [{ from: 2 * p.from, to: 2 * to, amount: BigInt(p.amount) }];
    // PvP: payer -> provider in currency 0, provider -> payee in currency 1 (legs from an account to itself dropped, as buildRunProblem does).
    if (p.pvp) {
      legs.length = 0;
      if (p.from !== provider) legs.push({ from: 2 * p.from, to: 2 * provider, amount: BigInt(p.amount) });
      if (to !== provider) legs.push({ from: 2 * provider + 1, to: 2 * to + 1, amount: BigInt(p.other) });
    }
    if (legs.length > 0) items.push({ id: `u${k}`, legs, weight: BigInt(p.amount), urgent: false });
  });
  return { currencies: ['EUR', 'USD'], nodes, items, payments: [], fifo: raw.fifo, weight_unit: 'minor' };
}

/** Per node, balance + headroom + inflows - outflows of the chosen items' legs. */
function endPositions(problem: LsmRunProblem, chosen: ReadonlySet<string>): bigint[] {
  const pos = problem.nodes.map((n) => n.balance + n.headroom);
  for (const it of problem.items) {
    if (!chosen.has(it.id)) continue;
    for (const l of it.legs) {
      pos[l.from] = pos[l.from]! - l.amount;
      pos[l.to] = pos[l.to]! + l.amount;
    }
  }
  return pos;
}

/** No account ends below minus its drawable credit; the credit drawn per account stays within its headroom; the weight is the chosen items'. */
function checkLines(raw: RawRun, rules: number, budget: number): void {
  const problem = toRunProblem(raw);
  const s = solveRunProblem(problem, budget, undefined, rules);
  const chosen = new Set(s.settled);
  for (const [n, p] of endPositions(problem, chosen).entries()) assert.ok(p >= 0n, `node ${n} ends ${p} beyond its credit line`);
  for (const need of creditNeeds(problem, chosen)) {
    const n = problem.nodes.find((x) => x.participant === need.participant && x.currency === need.currency)!;
    assert.ok(need.amount_minor > 0n && need.amount_minor <= n.headroom);
  }
  const weight = problem.items.reduce((a, it) => (chosen.has(it.id) ? a + it.weight : a), 0n);
  assert.equal(s.settled_weight, weight);
}

/** Only chosen ids move money, each with all its legs; a chosen PvP item moves both currencies; each currency's moves sum to zero. */
function checkLegs(raw: RawRun, rules: number, budget: number): void {
  const problem = toRunProblem(raw);
  const s = solveRunProblem(problem, budget, undefined, rules);
  const ids = new Set(problem.items.map((it) => it.id));
  for (const id of s.settled) assert.ok(ids.has(id), `unknown id ${id}`);
  assert.equal(new Set(s.settled).size, s.settled.length, 'an id twice');
  // The ledger effect of the release, leg by leg, equals the net effect of the chosen items whole.
  const chosen = new Set(s.settled);
  const moved = problem.nodes.map(() => 0n);
  for (const it of problem.items) {
    if (!chosen.has(it.id)) continue;
    assert.ok(it.legs.length >= 1);
    for (const l of it.legs) {
      moved[l.from] = moved[l.from]! - l.amount;
      moved[l.to] = moved[l.to]! + l.amount;
    }
  }
  const end = endPositions(problem, chosen);
  for (const [n, p] of end.entries()) assert.equal(p, problem.nodes[n]!.balance + problem.nodes[n]!.headroom + moved[n]!);
  const perCurrency = new Map<string, bigint>();
  for (const [n, d] of moved.entries()) perCurrency.set(problem.nodes[n]!.currency, (perCurrency.get(problem.nodes[n]!.currency) ?? 0n) + d);
  for (const [c, d] of perCurrency) assert.equal(d, 0n, `${c} not conserved`);
  // A two-leg item touches both currencies: when chosen, both currencies' accounts move.
  for (const it of problem.items) {
    if (it.legs.length !== 2 || !chosen.has(it.id)) continue;
    const currencies = new Set(it.legs.map((l) => problem.nodes[l.from]!.currency));
    assert.equal(currencies.size, 2);
  }
}

function checkDeterministic(raw: RawRun, rules: number, budget: number): void {
  const a = solveRunProblem(toRunProblem(raw), budget, undefined, rules);
  const b = solveRunProblem(toRunProblem(structuredClone(raw)), budget, undefined, rules);
  const c = solveRunProblem(toRunProblem(raw), budget, undefined, rules);
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
}

const CASES = [
  { name: 'rules 3', rules: 3, arb: runArb(14, true), runs: 1 },
  { name: 'rules 4', rules: 4, arb: runArb(14, true), runs: 1 },
  { name: 'rules 4, 65-160 payments', rules: 4, arb: bigRunArb(true), runs: 0.2 },
] as const;

for (const c of CASES) {
  describe(`LSM release under ${c.name}: properties`, () => {
    it('never takes an account beyond its balance plus credit headroom, and draws no more credit than the line', () => {
      fc.assert(
        fc.property(c.arb, (raw) => checkLines(raw, c.rules, PLATFORM_BUDGET)),
        { numRuns: Math.ceil(200 * c.runs), seed: 0x16a },
      );
    });

    it('settles a PvP payment with both legs or neither, and conserves each currency', () => {
      fc.assert(
        fc.property(c.arb, (raw) => checkLegs(raw, c.rules, PLATFORM_BUDGET)),
        { numRuns: Math.ceil(150 * c.runs), seed: 0x16b },
      );
    });

    it('is deterministic: the same run gives the same release, also from copied input', () => {
      fc.assert(
        fc.property(c.arb, (raw) => checkDeterministic(raw, c.rules, 300_000)),
        { numRuns: Math.ceil(60 * c.runs), seed: 0x16c },
      );
    });
  });
}

describe('LSM release: against other solvers', () => {
  it('rules 4 settles at least what rules 3 settles on the same run, and on runs past 64 payments often more', () => {
    let more = 0;
    fc.assert(
      fc.property(bigRunArb(true), (raw) => {
        const problem = toRunProblem(raw);
        const v3 = solveRunProblem(problem, PLATFORM_BUDGET, undefined, 3).settled_weight;
        const v4 = solveRunProblem(problem, PLATFORM_BUDGET, undefined, 4).settled_weight;
        assert.ok(v4 >= v3, `rules 4 ${v4} < rules 3 ${v3}`);
        if (v4 > v3) more++;
      }),
      { numRuns: 30, seed: 0x16e },
    );
    assert.ok(more > 0, 'rules 4 never settled more than rules 3');
  });

  it('settles at least what the rules-2 solver (solveLsm, platform budget) settles on the same single-currency run', () => {
    fc.assert(
      fc.property(runArb(24, false), (raw) => {
        const problem = toRunProblem(raw);
        const v3 = solveRunProblem(problem, PLATFORM_BUDGET).settled_weight;
        const lp: LsmProblem = {
          participants: problem.nodes.map((n, i) => ({ id: `n${i}`, balance: n.balance, limit: n.headroom })),
          payments: problem.items.map((it) => ({ id: it.id, from: `n${it.legs[0]!.from}`, to: `n${it.legs[0]!.to}`, amount: it.legs[0]!.amount, priority: 0 })),
          fifo: problem.fifo,
        };
        const v2 = solveLsm(lp, { work_budget: PLATFORM_BUDGET }).settled_value;
        assert.ok(v3 >= v2, `v3 ${v3} < v2 ${v2}`);
      }),
      { numRuns: 150, seed: 0x16d },
    );
  });
});

// Generated LSM runs for the rules-version property tests (rules 6, 7, …): small
// gridlocks with scarce or no liquidity and some two-leg items, and the check
// each new rules version must pass against the one before it, written in bigint
// independently of the solver.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type LinkedItem, type LinkedOptions, type LinkedProblem, solveLinked } from '../../src/clearing/lsm_linked.js';
import { type LsmNode, type LsmRunProblem, solveRunProblem } from '../../src/clearing/lsm_release.js';

export interface RawRun {
  balances: number[];
  headrooms: number[];
  items: { from: number; to: number; amount: number; second: { from: number; to: number; amount: number } | null }[];
}

const leg = (n: number) =>
  fc.record({ from: fc.integer({ min: 0, max: n - 1 }), to: fc.integer({ min: 0, max: n - 1 }), amount: fc.integer({ min: 1, max: 20_000 }) });

export const gridlockRunArb: fc.Arbitrary<RawRun> = fc.integer({ min: 3, max: 8 }).chain((n) =>
  fc.record({
    // Gridlocks: most accounts hold nothing, a few a little.
    balances: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 3_000 })), { minLength: n, maxLength: n }),
    headrooms: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 2_000 })), { minLength: n, maxLength: n }),
    items: fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: n - 1 }),
        to: fc.integer({ min: 0, max: n - 1 }),
        amount: fc.integer({ min: 1, max: 20_000 }),
        second: fc.option(leg(n), { freq: 6 }),
      }),
      {
        minLength: 20,
        maxLength: 140,
      },
    ),
  }),
);

/** One end of a hub run's payment: the hub (account 0) half the time. */
const hubEnd = (n: number) => fc.oneof(fc.constant(0), fc.integer({ min: 1, max: n - 1 }));

/**
 * Hub-and-spoke gridlocks (rules 11): 8-24 accounts, 70-160 payments half of
 * whose ends are the hub, little liquidity at the spokes. Larger than the exact
 * search's reach, so the LP phases (rules 8-11) run on most of them.
 */
export const hubRunArb: fc.Arbitrary<RawRun> = fc.integer({ min: 8, max: 24 }).chain((n) =>
  fc.record({
    balances: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6_000 })), { minLength: n, maxLength: n }),
    headrooms: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 3_000 })), { minLength: n, maxLength: n }),
    items: fc.array(fc.record({ from: hubEnd(n), to: hubEnd(n), amount: fc.integer({ min: 1, max: 20_000 }), second: fc.constant(null) }), {
      minLength: 70,
      maxLength: 160,
    }),
  }),
);

/**
 * PvP gridlocks (rules 11, issue 16): 6-16 participants, each two accounts
 * (2p in one currency, 2p+1 in the other), 70-160 trades of two legs (s pays t
 * in the first, t pays s in the second at a rate of 0.83-1.21), little room.
 * Every change at an account also takes from its other account.
 */
export const pvpRunArb: fc.Arbitrary<RawRun> = fc.integer({ min: 6, max: 16 }).chain((p) =>
  fc.record({
    balances: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8_000 })), { minLength: 2 * p, maxLength: 2 * p }),
    headrooms: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 3_000 })), { minLength: 2 * p, maxLength: 2 * p }),
    items: fc.array(
      fc
        .record({
          s: fc.integer({ min: 0, max: p - 1 }),
          d: fc.integer({ min: 1, max: p - 1 }),
          amount: fc.integer({ min: 1, max: 20_000 }),
          rate: fc.integer({ min: 83, max: 121 }),
        })
        .map(({ s, d, amount, rate }) => {
          const t = (s + d) % p;
          return { from: 2 * s, to: 2 * t, amount, second: { from: 2 * t + 1, to: 2 * s + 1, amount: Math.floor((amount * rate) / 100) + 1 } };
        }),
      { minLength: 70, maxLength: 160 },
    ),
  }),
);

/**
 * Wide gridlocks (rules 15): 4-8 accounts, 300-500 payments of heavy-tailed amounts (200 to ~100,000), credit
 * lines only: credit_tight's shape, every pair of accounts over 128 items, which rules 13 and 14 leave.
 */
export const wideRunArb: fc.Arbitrary<RawRun> = fc.integer({ min: 4, max: 8 }).chain((n) =>
  fc.record({
    balances: fc.array(fc.constant(0), { minLength: n, maxLength: n }),
    headrooms: fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: n, maxLength: n }),
    items: fc.array(
      fc
        .record({
          from: fc.integer({ min: 0, max: n - 1 }),
          d: fc.integer({ min: 1, max: n - 1 }),
          u: fc.integer({ min: 0, max: 1_000 }),
        })
        .map(({ from, d, u }) => ({ from, to: (from + d) % n, amount: Math.floor(200 / ((u + 1) / 1001) ** 0.9), second: null })),
      { minLength: 300, maxLength: 500 },
    ),
  }),
);

export function toRunProblem(raw: RawRun): LsmRunProblem {
  const nodes: LsmNode[] = raw.balances.map((b, i) => ({ participant: `p${i}`, currency: 'CNY', balance: BigInt(b), headroom: BigInt(raw.headrooms[i]!) }));
  const items: LinkedItem[] = [];
  raw.items.forEach((r, k) => {
    const legs = [r, ...(r.second === null ? [] : [r.second])]
      .filter((l) => l.from !== l.to)
      .map((l) => ({ from: l.from, to: l.to, amount: BigInt(l.amount) }));
    if (legs.length > 0) items.push({ id: `i${k}`, legs, weight: legs[0]!.amount, urgent: false });
  });
  return { currencies: ['CNY'], nodes, items, payments: [], fifo: false, weight_unit: 'minor' };
}

/** Per node, capacity (balance + headroom) plus the chosen legs' effects: bigint, independent of the solver. */
export function endRoom(problem: LsmRunProblem, chosen: ReadonlySet<string>): bigint[] {
  const room = problem.nodes.map((n) => n.balance + n.headroom);
  for (const it of problem.items) {
    if (!chosen.has(it.id)) continue;
    for (const l of it.legs) {
      room[l.from] = room[l.from]! - l.amount;
      room[l.to] = room[l.to]! + l.amount;
    }
  }
  return room;
}

/**
 * On generated gridlocks, every release under rules `next` is feasible (no account
 * ends below its balance and credit), conserves money, weighs what it settled, and
 * never settles less than rules `previous` on the same run; at equal value it is
 * `previous`'s choice itself (what a journal of either replays to).
 */
export function assertNeverLessThan(previous: number, next: number, runs: fc.Arbitrary<RawRun> = gridlockRunArb, numRuns = 25): void {
  fc.assert(
    fc.property(runs, (raw) => {
      const problem = toRunProblem(raw);
      const before = solveRunProblem(problem, 200_000, undefined, previous);
      const after = solveRunProblem(problem, 200_000, undefined, next);
      const chosen = new Set(after.settled);
      assert.equal(chosen.size, after.settled.length, 'no item settles twice');
      const room = endRoom(problem, chosen);
      room.forEach((r, n) => {
        assert.ok(r >= 0n, `node ${n} ends ${r} below its capacity`);
      });
      const capacity = problem.nodes.reduce((a, n) => a + n.balance + n.headroom, 0n);
      assert.equal(
        room.reduce((a, r) => a + r, 0n),
        capacity,
        'the chosen legs move money, never make or lose it',
      );
      const weight = problem.items.filter((it) => chosen.has(it.id)).reduce((a, it) => a + it.weight, 0n);
      assert.equal(after.settled_weight, weight);
      assert.ok(after.settled_weight >= before.settled_weight, `rules ${next} settled ${after.settled_weight}, rules ${previous} ${before.settled_weight}`);
      if (after.settled_weight === before.settled_weight) assert.deepEqual(after.settled, before.settled);
    }),
    { numRuns, seed: 16 },
  );
}

/**
 * On runs from `arb`, the solver with a phase (options `on`, which turn off the later phases) against the same with
 * `off` (the phase's off switch too), at work budgets
 * drawn from `budget`: feasible in bigint independently of the solver, whole items only (both legs of a trade or
 * neither), money conserved, the weight what it settled, never less than without the phase, and the same choice when
 * not more. Returns on how many runs it settled more.
 */
export function assertPhaseNeverLess(
  arb: fc.Arbitrary<RawRun>,
  on: LinkedOptions,
  off: LinkedOptions,
  budget: { min: number; max: number },
  numRuns: number,
  seed: number,
): number {
  let more = 0;
  fc.assert(
    fc.property(arb, fc.integer(budget), (raw, work_budget) => {
      const run = toRunProblem(raw);
      const problem: LinkedProblem = { capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false };
      const before = solveLinked(problem, { work_budget, ...off });
      const after = solveLinked(problem, { work_budget, ...on });
      const chosen = new Set(after.settled);
      assert.equal(chosen.size, after.settled.length, 'no item settles twice');
      const ids = new Set(run.items.map((it) => it.id));
      for (const id of after.settled) assert.ok(ids.has(id), `${id} is an item, not a leg`);
      // Leg by leg, in bigint: every account ends within its balance plus credit, and money is only moved.
      const room = endRoom(run, chosen);
      for (const [n, r] of room.entries()) assert.ok(r >= 0n, `node ${n} ends ${r} below its balance plus credit`);
      assert.equal(
        room.reduce((a, r) => a + r, 0n),
        problem.capacities.reduce((a, c) => a + c, 0n),
        'the chosen legs move money, never make or lose it',
      );
      assert.equal(
        after.settled_weight,
        run.items.filter((it) => chosen.has(it.id)).reduce((a, it) => a + it.weight, 0n),
      );
      assert.ok(after.settled_weight >= before.settled_weight, `with the phase ${after.settled_weight}, without ${before.settled_weight}`);
      if (after.settled_weight > before.settled_weight) more++;
      else assert.deepEqual(after.settled, before.settled);
    }),
    { numRuns, seed },
  );
  return more;
}

/**
 * Settled weight and count of the first `n` runs `arb` gives (fast-check's sample with `seed`), each solved under
 * `rules` at 200,000 steps, as one line: what a rules version's tests pin from the build before it.
 */
export function releaseDigest(arb: fc.Arbitrary<RawRun>, n: number, rules: number, seed: number): string {
  return fc
    .sample(arb, { numRuns: n, seed })
    .map((raw) => {
      const out = solveRunProblem(toRunProblem(raw), 200_000, undefined, rules);
      return `${out.settled_weight}/${out.settled.length}`;
    })
    .join(' ');
}

/**
 * Compares two releaseDigest lines run by run: asserts that no run of `later` settles less weight than the same
 * run of `earlier`, and returns how many settle more.
 */
export function runsSettlingMore(later: string, earlier: string, names: { later: string; earlier: string }): number {
  const weight = (x: string): bigint => BigInt(x.split('/')[0]!);
  const a = later.split(' ');
  const b = earlier.split(' ');
  assert.equal(a.length, b.length, 'the same runs on both sides');
  let more = 0;
  for (const [i, x] of a.entries()) {
    assert.ok(weight(x) >= weight(b[i]!), `run ${i}: ${x} under ${names.later}, ${b[i]} under ${names.earlier}`);
    if (weight(x) > weight(b[i]!)) more += 1;
  }
  return more;
}

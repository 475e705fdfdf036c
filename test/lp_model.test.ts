// The LSM release problem as HiGHS reads it (src/bench/lp_model.ts): on small
// random problems the MILP's optimum equals the best choice found by trying
// every subset (capacities, PvP pairs whole, FIFO prefixes), and items fixed
// by `fixed` stay where they were put.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lpModel } from '../src/bench/lp_model.js';
import type { LinkedProblem } from '../src/clearing/lsm_linked.js';

type Highs = import('highs').Highs;
const highs: Highs = await ((await import('highs')) as unknown as { default: () => Promise<Highs> }).default();

/** Whether choice `x` (bit k: item k) keeps every node's capacity ≥ 0 and, under FIFO, every node's chosen items a prefix. */
function feasible(p: LinkedProblem, x: number): boolean {
  const room = [...p.capacities];
  const blocked = new Set<number>();
  for (let k = 0; k < p.items.length; k++) {
    const it = p.items[k]!;
    const chosen = (x >> k) & 1;
    if (p.fifo) {
      const payer = it.legs[0]!.from;
      if (chosen === 1 && blocked.has(payer)) return false;
      if (chosen === 0) blocked.add(payer);
    }
    if (chosen === 0) continue;
    for (const l of it.legs) {
      room[l.from] = room[l.from]! - l.amount;
      room[l.to] = room[l.to]! + l.amount;
    }
  }
  return room.every((r) => r >= 0n);
}

function weightOf(p: LinkedProblem, x: number): bigint {
  let w = 0n;
  for (let k = 0; k < p.items.length; k++) if ((x >> k) & 1) w += p.items[k]!.weight;
  return w;
}

function bruteForce(p: LinkedProblem, fixed: readonly number[] | null): bigint {
  let best = -1n;
  for (let x = 0; x < 1 << p.items.length; x++) {
    if (fixed?.some((f, k) => f >= 0 && ((x >> k) & 1) !== f)) continue;
    if (feasible(p, x)) best = weightOf(p, x) > best ? weightOf(p, x) : best;
  }
  return best;
}

const problem: fc.Arbitrary<LinkedProblem> = fc.integer({ min: 2, max: 4 }).chain((nodes) =>
  fc
    .record({
      capacities: fc.array(fc.bigInt({ min: 0n, max: 50n }), { minLength: nodes, maxLength: nodes }),
      items: fc.array(
        fc.record({
          legs: fc.array(
            fc.record({ from: fc.integer({ min: 0, max: nodes - 1 }), to: fc.integer({ min: 0, max: nodes - 1 }), amount: fc.bigInt({ min: 1n, max: 60n }) }),
            { minLength: 1, maxLength: 2 },
          ),
          weight: fc.bigInt({ min: 1n, max: 100n }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      fifo: fc.boolean(),
    })
    .map(({ capacities, items, fifo }) => ({
      capacities,
      items: items.map((it, k) => ({ id: `p${k}`, legs: it.legs, weight: it.weight, urgent: false })),
      fifo,
    })),
);

function optimum(p: LinkedProblem, fixed: readonly number[] | null): bigint {
  const r = highs.solve(lpModel(p, false, fixed), { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  assert.equal(r.Status, 'Optimal');
  let x = 0;
  p.items.forEach((_, k) => {
    if ((r.Columns[`x${k}`]?.Primal ?? 0) > 0.5) x |= 1 << k;
  });
  assert.ok(feasible(p, x), 'the MILP choice keeps every capacity and FIFO prefix');
  if (fixed !== null) for (const [k, f] of fixed.entries()) if (f >= 0) assert.equal((x >> k) & 1, f, `item ${k} stays fixed at ${f}`);
  return weightOf(p, x);
}

describe('lp_model', () => {
  it('the MILP optimum equals the best subset on small random problems (PvP pairs, FIFO)', () => {
    fc.assert(
      fc.property(problem, (p) => {
        assert.equal(optimum(p, null), bruteForce(p, null));
      }),
      { numRuns: 150 },
    );
  });

  it('items fixed at 0 or 1 stay there, and the rest are chosen best', () => {
    fc.assert(
      fc.property(problem, fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 8, maxLength: 8 }), (p, fix) => {
        // Fix item k at 1 only where the all-zero rest leaves that feasible: a fixed point must exist.
        const fixed = p.items.map((_, k) => fix[k]!);
        let forced = 0;
        fixed.forEach((f, k) => {
          if (f === 1) forced |= 1 << k;
        });
        if (!feasible(p, forced)) for (const [k, f] of fixed.entries()) if (f === 1) fixed[k] = -1;
        assert.equal(optimum(p, fixed), bruteForce(p, fixed));
      }),
      { numRuns: 100 },
    );
  });

  it('the relaxation bounds the MILP from above', () => {
    const p: LinkedProblem = {
      capacities: [5n, 0n],
      items: [{ id: 'a', legs: [{ from: 0, to: 1, amount: 10n }], weight: 10n, urgent: false }],
      fifo: false,
    };
    const lp = highs.solve(lpModel(p, true), { output_flag: false });
    assert.equal(lp.Status, 'Optimal');
    assert.equal(lp.ObjectiveValue, 5);
    assert.equal(optimum(p, null), 0n);
  });
});

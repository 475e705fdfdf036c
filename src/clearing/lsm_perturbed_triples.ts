// Rules 22 (issue 16, stop 52): perturbed-objective restarts of the triple search on small runs.
//
// This module owns perturbedTripleRestarts: from a feasible choice, `rounds` times, the triple search (rules 20's
// exactTriples) run on the same run with every item's weight scaled by an integer factor in
// [1000 - amp, 1000 + amp] per mille (drawn from a fixed seed, bigint arithmetic, no floats for money), so that it
// climbs to another local optimum near the start; then the items where that choice and the best so far differ are
// re-chosen exactly under the true weights (rules 21's exactCross). The best by exact (true) weight is kept, so the
// result never weighs less than the start.
//
// Why (docs/benchmarks.md, "Perturbed triple restarts, stop 52"): on zero-liquidity runs a feasible set is a
// near-exact circulation; the LP relaxation is too weak for a whole-run branch and bound (1e9 steps from rules 21's
// choice found nothing, nor did regions of the items with the smallest Lagrangian reduced values), and a removal
// repair from any start empties nearly everything, so restarts from repaired starts all reach the same optimum.
// A perturbed objective moves the triple search off rules 21's local optimum without breaking feasibility.
// Pure and deterministic: work steps only, no clock.

import { exactChosenWeight, Rng, type WorkCounter } from './lsm.js';
import { exactCross, exactTriples, type RunEffects } from './lsm_region_exact.js';

/** The limits of perturbedTripleRestarts. */
export interface PerturbedLimits {
  /** Restarts. */
  readonly rounds: number;
  /** Each weight is scaled by (1000 + d) / 1000 with d drawn uniformly in [-amp_permille, amp_permille]. */
  readonly amp_permille: number;
  /** The perturbation's seed (fixed by the caller, so replay is exact). */
  readonly seed: number;
  /** Each restart's triple search at most (steps). */
  readonly round_steps_max: number;
  /** Each triple's search at most (steps). */
  readonly region_steps_max: number;
  /** Each restart's triple search's passes at most. */
  readonly passes_max: number;
  /** Each exact re-choice of the differences at most (steps). */
  readonly cross_steps_max: number;
}

/** `weight` each scaled by (1000 + d) / 1000, d in [-amp, amp] from `rng`, rounded down, at least 1. */
export function perturbedWeights(weight: readonly bigint[], rng: Rng, amp_permille: number): bigint[] {
  const span = 2 * amp_permille + 1;
  return weight.map((w) => {
    const d = BigInt(rng.below(span) - amp_permille);
    const p = (w * (1000n + d)) / 1000n;
    return p > 0n ? p : 1n;
  });
}

/**
 * From `start` (a feasible choice, not changed), `limits.rounds` restarts: the triple search on perturbed weights
 * from `start`, then the differences with the best so far re-chosen exactly under the true weights. Returns the
 * heaviest choice found by exact weight (a new array; `start`'s copy when none is strictly heavier).
 */
export function perturbedTripleRestarts(net: RunEffects, units: Int32Array, start: Uint8Array, limits: PerturbedLimits, work: WorkCounter): Uint8Array {
  const rng = new Rng(limits.seed);
  let best: Uint8Array = start.slice();
  let bestWeight = exactChosenWeight(net, best);
  for (let r = 0; r < limits.rounds && work.steps < work.max; r++) {
    const weight = perturbedWeights(net.weight, rng, limits.amp_permille);
    const perturbed: RunEffects = { ...net, weight, weightF: Float64Array.from(weight, Number) };
    work.steps += net.m;
    const other = start.slice();
    const sub = { steps: 0, max: Math.min(limits.round_steps_max, work.max - work.steps) };
    exactTriples(perturbed, units, other, { steps_max: sub.max, region_steps_max: limits.region_steps_max, passes_max: limits.passes_max }, sub);
    work.steps += sub.steps;
    const crossed = exactCross(net, best, other, limits.cross_steps_max, work);
    const w = exactChosenWeight(net, crossed);
    if (w > bestWeight) {
      best = crossed;
      bestWeight = w;
    }
  }
  return best;
}

// Solutions of recent LSM run problems, kept so that a run whose problem is the
// same as one solved a moment ago is not solved again. The solver
// (solveRunProblem, ./lsm_release.ts) is a function of its input alone: no clock,
// a fixed-seed generator, a work budget computed from the input. So handing back
// the solution of an equal input is exactly what solving it again would give,
// and nothing a run journals or replays can tell the two apart.
//
// Why it pays: the timer round runs the LSM once per currency, one after another,
// and a run spans every currency linked to its own through queued PvP payments,
// on the demo day usually all of them. When the first run of a round releases
// nothing, the next currency's run sees the very same queues and balances: on a
// 100k-payment demo day about two runs in three were such repeats, and most LSM
// time was spent solving them again.
//
// Equal means equal in everything the solver reads: the capacities (balance plus
// headroom, never below 0), the items in order with their ids, legs, weights and
// urgency, FIFO or not, the work budget asked for and the rules version (it picks
// the solver's moves). The key spells all of it out, so two problems share a key
// only when they are equal; no hash stands in for the comparison.

import { solveRunProblem, type LsmRunProblem, type RunSolution } from './lsm_release.js';

/** Problems remembered: the repeats come within a round, a few runs apart. */
export const LSM_MEMO_SIZE = 4;

export class LsmSolutionMemo {
  private readonly entries = new Map<string, RunSolution>();
  /** Runs answered from the memo, and runs solved. */
  hits = 0;
  misses = 0;

  constructor(private readonly size = LSM_MEMO_SIZE) {}

  /** solveRunProblem(problem, work_budget, undefined, rules_version), solved again only when no remembered input equals this one. */
  solve(problem: LsmRunProblem, work_budget: number, rules_version: number): RunSolution {
    const key = solverInputKey(problem, work_budget, rules_version);
    const known = this.entries.get(key);
    if (known !== undefined) {
      this.hits++;
      // Most recently used last, so the oldest is the one forgotten.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    this.misses++;
    const solved = freezeSolution(solveRunProblem(problem, work_budget, undefined, rules_version));
    this.entries.set(key, solved);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return solved;
  }
}

/** A remembered solution is handed to several runs: none may change it. */
function freezeSolution(s: RunSolution): RunSolution {
  Object.freeze(s.settled);
  return Object.freeze(s);
}

/**
 * Everything solveRunProblem reads of a problem, as text: numbers in decimal,
 * ids length-prefixed (an id may hold any character), fields in a fixed order,
 * so the text determines the input.
 */
export function solverInputKey(problem: LsmRunProblem, work_budget: number, rules_version: number): string {
  const parts: string[] = [`v${rules_version} b${work_budget} ${problem.fifo ? 'fifo' : 'free'} n${problem.nodes.length}`];
  for (const n of problem.nodes) {
    const c = n.balance + n.headroom;
    parts.push(String(c > 0n ? c : 0n));
  }
  for (const it of problem.items) {
    let s = `${it.id.length}:${it.id} ${it.weight} ${it.urgent ? 'u' : 'n'} ${it.legs.length}`;
    for (const l of it.legs) s += ` ${l.from}>${l.to}:${l.amount}`;
    parts.push(s);
  }
  return parts.join('\n');
}

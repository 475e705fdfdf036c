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
// the solver's moves). The memo keeps a copy of all of it per problem and
// compares a new problem with it field by field (no text is built, no hash
// stands in for the comparison): on the 100k demo day building a text key for
// each of the day's runs cost about a twelfth of the LSM's time.

import type { LinkedItem } from './lsm_linked.js';
import { solveRunProblem, type LsmRunProblem, type RunSolution } from './lsm_release.js';

/** Problems remembered: the repeats come within a round, a few runs apart. */
export const LSM_MEMO_SIZE = 4;

/** Everything solveRunProblem reads of a run problem, with the budget and rules version it is solved under. */
export interface SolverInput {
  readonly rules_version: number;
  readonly work_budget: number;
  readonly fifo: boolean;
  /** Per node: balance + headroom, never below 0. */
  readonly capacities: readonly bigint[];
  readonly items: readonly LinkedItem[];
}

interface Remembered {
  readonly input: SolverInput;
  readonly solution: RunSolution;
}

export class LsmSolutionMemo {
  /** Most recently used last. */
  private readonly entries: Remembered[] = [];
  /** Runs answered from the memo, and runs solved. */
  hits = 0;
  misses = 0;

  constructor(private readonly size = LSM_MEMO_SIZE) {}

  /** solveRunProblem(problem, work_budget, undefined, rules_version), solved again only when no remembered input equals this one. */
  solve(problem: LsmRunProblem, work_budget: number, rules_version: number): RunSolution {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (!sameSolverInput(e.input, problem, work_budget, rules_version)) continue;
      this.hits++;
      this.entries.splice(i, 1);
      this.entries.push(e);
      return e.solution;
    }
    this.misses++;
    const solution = freezeSolution(solveRunProblem(problem, work_budget, undefined, rules_version));
    if (this.size === 0) return solution;
    this.entries.push({ input: solverInput(problem, work_budget, rules_version), solution });
    if (this.entries.length > this.size) this.entries.shift();
    return solution;
  }
}

/** A remembered solution is handed to several runs: none may change it. */
function freezeSolution(s: RunSolution): RunSolution {
  Object.freeze(s.settled);
  return Object.freeze(s);
}

function capacityOf(n: LsmRunProblem['nodes'][number]): bigint {
  const c = n.balance + n.headroom;
  return c > 0n ? c : 0n;
}

/** What the solver reads of a problem, copied (the memo's own: nothing the caller does to the problem later changes it). */
export function solverInput(problem: LsmRunProblem, work_budget: number, rules_version: number): SolverInput {
  return {
    rules_version,
    work_budget,
    fifo: problem.fifo,
    capacities: problem.nodes.map(capacityOf),
    items: problem.items.map((it) => ({
      id: it.id,
      weight: it.weight,
      urgent: it.urgent,
      legs: it.legs.map((l) => ({ from: l.from, to: l.to, amount: l.amount })),
    })),
  };
}

/** Whether solving `problem` under this budget and rules version reads exactly `input`. */
export function sameSolverInput(input: SolverInput, problem: LsmRunProblem, work_budget: number, rules_version: number): boolean {
  if (input.rules_version !== rules_version || input.work_budget !== work_budget || input.fifo !== problem.fifo) return false;
  const nodes = problem.nodes;
  const items = problem.items;
  if (input.capacities.length !== nodes.length || input.items.length !== items.length) return false;
  for (let n = 0; n < nodes.length; n++) if (input.capacities[n] !== capacityOf(nodes[n]!)) return false;
  for (let k = 0; k < items.length; k++) {
    const a = input.items[k]!;
    const b = items[k]!;
    if (a.id !== b.id || a.weight !== b.weight || a.urgent !== b.urgent || a.legs.length !== b.legs.length) return false;
    for (let j = 0; j < a.legs.length; j++) {
      const x = a.legs[j]!;
      const y = b.legs[j]!;
      if (x.from !== y.from || x.to !== y.to || x.amount !== y.amount) return false;
    }
  }
  return true;
}

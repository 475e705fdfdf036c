// Unseen gridlock families for the clearing benchmark: a second held-out list,
// set 'unseen', whose shapes the solver was never tuned on (added with issue 16's
// second wave, after a solver tuned to its own families scored 0.61 on others).
// This module owns those shapes: heavy-tailed amounts, many short cycles through
// one hub, long cycles, dealer-client (bipartite) traffic, PvP-only two-currency
// trading, tight and loose credit, near-infeasible liquidity, a dense small
// instance just past the exact search's size, and a FIFO instance. Each instance
// comes from a seed (instanceSeed with the set 'unseen'), so every machine builds
// the same problems; the figures are reported apart from tuning and held-out.

import type { LinkedItem, LinkedProblem } from '../clearing/lsm_linked.js';
import { Prng } from '../sim/prng.js';
import { type GridlockInstance, instanceSeed, toLsmProblem } from './gridlock_families.js';

export interface UnseenFamily {
  readonly name: string;
  readonly description: string;
  /** Builds one instance's problem from a seeded generator. */
  readonly make: (rng: Prng) => LinkedProblem;
}

/** Amounts stay below this so a problem's sums are exact in float64 (2 x total < 2^53). */
const AMOUNT_MAX = 1e11;

export function unit(rng: Prng): number {
  return (rng.nextU32() + 0.5) / 4294967296;
}

export function pareto(rng: Prng, alpha: number, from = 1000): bigint {
  return BigInt(Math.max(1, Math.min(AMOUNT_MAX, Math.floor(from / Math.pow(unit(rng), 1 / alpha)))));
}

export function lognormal(rng: Prng, sigma: number, median = 20000): bigint {
  const z = Math.sqrt(-2 * Math.log(unit(rng))) * Math.cos(2 * Math.PI * unit(rng));
  return BigInt(Math.max(1, Math.min(AMOUNT_MAX, Math.floor(median * Math.exp(sigma * z)))));
}

/** Collects single-leg payments and PvP trades; gross outflow per node gives the capacities. */
export class Builder {
  readonly items: LinkedItem[] = [];
  readonly gross: bigint[];
  constructor(readonly nodes: number) {
    this.gross = new Array<bigint>(nodes).fill(0n);
  }
  pay(from: number, to: number, amount: bigint, weight = amount): void {
    this.items.push({ id: `u${this.items.length}`, legs: [{ from, to, amount }], weight, urgent: false });
    this.gross[from] = this.gross[from]! + amount;
  }
  /** Two linked legs: a from->b in one currency, b2->a2 in the other. */
  trade(a: number, b: number, amount: bigint, b2: number, a2: number, amount2: bigint): void {
    this.items.push({
      id: `u${this.items.length}`,
      legs: [
        { from: a, to: b, amount },
        { from: b2, to: a2, amount: amount2 },
      ],
      weight: amount,
      urgent: false,
    });
    this.gross[a] = this.gross[a]! + amount;
    this.gross[b2] = this.gross[b2]! + amount2;
  }
  /** Capacity per node: gross x a share drawn from `share` (balance plus credit), rounded down. */
  problem(rng: Prng, share: (rng: Prng, node: number) => number, fifo = false): LinkedProblem {
    const capacities = this.gross.map((g, n) => (g * BigInt(Math.floor(Math.max(0, share(rng, n)) * 1_000_000))) / 1_000_000n);
    return { capacities, items: this.items, fifo };
  }
}

const scarce = (rng: Prng): number => 0.08 * unit(rng);

export function randomPair(rng: Prng, n: number): [number, number] {
  const f = rng.below(n);
  let t = rng.below(n - 1);
  if (t >= f) t++;
  return [f, t];
}

/** Heavy tail: Pareto 0.9 (no finite mean), 60 participants, 1,500 payments, scarce. */
function heavyTail(rng: Prng): LinkedProblem {
  const b = new Builder(60);
  for (let k = 0; k < 1500; k++) b.pay(...randomPair(rng, 60), pareto(rng, 0.9));
  return b.problem(rng, scarce);
}

/** Many short cycles through one hub: hub -> a (-> b) -> hub with amounts within 40% of each other, plus 10% noise. */
function hubCycles(rng: Prng): LinkedProblem {
  const spokes = 50;
  const b = new Builder(spokes + 1);
  while (b.items.length < 1200) {
    if (rng.below(10) === 0) {
      b.pay(...randomPair(rng, spokes + 1), lognormal(rng, 1));
      continue;
    }
    const base = lognormal(rng, 1.2);
    const path = [0, 1 + rng.below(spokes)];
    if (rng.below(2) === 0) path.push(1 + rng.below(spokes));
    path.push(0);
    for (let i = 0; i + 1 < path.length; i++) {
      if (path[i] === path[i + 1]) continue;
      b.pay(path[i]!, path[i + 1]!, (base * BigInt(60 + rng.below(81))) / 100n + 1n);
    }
  }
  return b.problem(rng, (r, n) => (n === 0 ? 0.002 * unit(r) : 0.01 * unit(r)));
}

/** Long cycles: 40 participants; each cycle visits 15-40 of them in a random order with amounts within 10%; balances 0-0.5%. */
function longCycles(rng: Prng): LinkedProblem {
  const n = 40;
  const b = new Builder(n);
  while (b.items.length < 1500) {
    const len = 15 + rng.below(26);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const base = pareto(rng, 1.3);
    for (let i = 0; i < len; i++) b.pay(order[i]!, order[(i + 1) % len]!, (base * BigInt(90 + rng.below(21))) / 100n + 1n);
  }
  return b.problem(rng, (r) => 0.005 * unit(r));
}

/** Dealers and clients: 5 dealers, 80 clients; clients trade only with dealers, dealers also with each other (15%). */
function dealers(rng: Prng): LinkedProblem {
  const d = 5;
  const b = new Builder(d + 80);
  for (let k = 0; k < 2000; k++) {
    if (rng.below(100) < 15) {
      const [x, y] = randomPair(rng, d);
      b.pay(x, y, lognormal(rng, 1.5, 200_000));
    } else {
      const dealer = rng.below(d);
      const client = d + rng.below(80);
      const a = lognormal(rng, 1.8);
      if (rng.below(2) === 0) b.pay(dealer, client, a);
      else b.pay(client, dealer, a);
    }
  }
  return b.problem(rng, (r, node) => (node < d ? 0.02 * unit(r) : 0.1 * unit(r)));
}

/** PvP only: 40 participants (80 nodes), 1,000 trades of two linked legs at a rate of 0.83-1.21; currency 1 scarcer. */
function pvpLegs(rng: Prng): LinkedProblem {
  const p = 40;
  const b = new Builder(2 * p);
  for (let k = 0; k < 1000; k++) {
    const [s, t] = randomPair(rng, p);
    const a = pareto(rng, 1.15);
    const rate = BigInt(83 + rng.below(39));
    b.trade(2 * s, 2 * t, a, 2 * t + 1, 2 * s + 1, (a * rate) / 100n + 1n);
  }
  return b.problem(rng, (r, node) => (node % 2 === 0 ? 0.1 * unit(r) : 0.03 * unit(r)));
}

/** Credit only, tight: zero balances, every participant a line of 0.5-3% of its gross. */
function creditTight(rng: Prng): LinkedProblem {
  const b = new Builder(50);
  for (let k = 0; k < 2000; k++) b.pay(...randomPair(rng, 50), lognormal(rng, 1.6));
  return b.problem(rng, (r) => 0.005 + 0.025 * unit(r));
}

/** Credit loose: balances 0-5%, two thirds with lines up to 50% of gross; Zipf-skewed participants. */
function creditLoose(rng: Prng): LinkedProblem {
  const n = 60;
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const total = w.reduce((a, x) => a + x, 0);
  const pick = (): number => {
    let x = unit(rng) * total;
    for (let i = 0; i < n; i++) if ((x -= w[i]!) <= 0) return i;
    return n - 1;
  };
  const b = new Builder(n);
  for (let k = 0; k < 2000; k++) {
    const f = pick();
    let t = pick();
    while (t === f) t = pick();
    b.pay(f, t, pareto(rng, 1.2));
  }
  return b.problem(rng, (r) => 0.05 * unit(r) + (unit(r) < 0.67 ? 0.5 * unit(r) : 0));
}

/** Near-infeasible: balances 0-0.3% of gross, 40 participants, 1,000 payments of log-normal sigma 1. */
function nearInfeasible(rng: Prng): LinkedProblem {
  const b = new Builder(40);
  for (let k = 0; k < 1000; k++) b.pay(...randomPair(rng, 40), lognormal(rng, 1));
  return b.problem(rng, (r) => 0.003 * unit(r));
}

/** Dense small: 6 participants, 90 payments (past the exact search's 64 items), Pareto 1.0. */
function denseSmall(rng: Prng): LinkedProblem {
  const b = new Builder(6);
  for (let k = 0; k < 90; k++) b.pay(...randomPair(rng, 6), pareto(rng, 1.0));
  return b.problem(rng, scarce);
}

/** FIFO: 40 participants, 1,200 payments in queue order, Pareto 1.3, scarce, the prefix rule on. */
function fifoQueues(rng: Prng): LinkedProblem {
  const b = new Builder(40);
  for (let k = 0; k < 1200; k++) b.pay(...randomPair(rng, 40), pareto(rng, 1.3));
  return b.problem(rng, (r) => 0.1 * unit(r), true);
}

export const UNSEEN_FAMILIES: readonly UnseenFamily[] = [
  { name: 'heavy_tail', description: 'Pareto 0.9 amounts (no finite mean), 60 participants, 1,500 payments, scarce', make: heavyTail },
  {
    name: 'hub_cycles',
    description: 'many 2-3 hop cycles through one hub, amounts within 40%, balances 0-1% (hub 0-0.2%), 1,200 payments, 10% noise',
    make: hubCycles,
  },
  { name: 'long_cycles', description: 'cycles of 15-40 of 40 participants, amounts within 10%, balances 0-0.5%', make: longCycles },
  { name: 'dealers', description: 'bipartite: 5 dealers (scarce) and 80 clients, 15% inter-dealer, 2,000 payments', make: dealers },
  { name: 'pvp_legs', description: 'PvP only: 40 participants in two currencies, 1,000 linked trades, rates 0.83-1.21', make: pvpLegs },
  { name: 'credit_tight', description: 'zero balances, every participant a credit line of 0.5-3% of gross, 2,000 payments', make: creditTight },
  { name: 'credit_loose', description: 'balances 0-5%, two thirds with credit up to 50% of gross, Zipf 1 sizes', make: creditLoose },
  { name: 'near_infeasible', description: 'balances 0-0.3% of gross, 40 participants, 1,000 payments', make: nearInfeasible },
  { name: 'dense_small', description: '6 participants, 90 payments (past the exact search), Pareto 1.0, scarce', make: denseSmall },
  { name: 'fifo', description: 'FIFO queues: 40 participants, 1,200 payments, Pareto 1.3, balances 0-10%', make: fifoQueues },
];

/** `perFamily` instances of each unseen family (or of those named in `only`). */
export function unseenInstances(runSeed: number, perFamily: number, only: readonly string[] | null = null): GridlockInstance[] {
  const out: GridlockInstance[] = [];
  for (const f of UNSEEN_FAMILIES) {
    if (only !== null && !only.includes(f.name)) continue;
    for (let i = 0; i < perFamily; i++) {
      const seed = instanceSeed(runSeed, 'unseen', f.name, i);
      const problem = f.make(new Prng(seed));
      const single = problem.items.every((it) => it.legs.length === 1);
      out.push({ family: f.name, set: 'unseen', seed, problem, lsm: single ? toLsmProblem(problem) : null });
    }
  }
  return out;
}

// Gridlock families for the clearing benchmark: seeded generators of
// liquidity-saving problems that differ in topology (random, ring, star, tiered),
// size (50 to 10,000 payments), value distribution (Pareto, log-normal, one huge
// payment), liquidity (ample, scarce, credit limits only) and currencies (one, or
// two with linked PvP items). This module owns the families and the split into a
// TUNING set and a HELD-OUT set: the held-out set uses other seeds and has
// families of its own, so a solver tuned on the tuning set is judged on gridlocks
// it was not tuned on. It builds LinkedProblem (nodes = participant x currency);
// single-currency instances also come as the LsmProblem the v2 solver takes.

import type { LsmProblem } from '../clearing/lsm.js';
import type { LinkedItem, LinkedProblem } from '../clearing/lsm_linked.js';
import { Prng } from '../sim/prng.js';

/** 'unseen': the second held-out list (gridlock_unseen.ts), families of other shapes, reported apart; 'novel': the third (gridlock_novel.ts). */
export type FamilySet = 'tuning' | 'held_out' | 'unseen' | 'novel';

export interface FamilySpec {
  readonly name: string;
  readonly description: string;
  /** Sets the family appears in (held-out-only families are never seen when tuning). */
  readonly sets: readonly FamilySet[];
  readonly participants: number;
  readonly payments: number;
  readonly currencies: 1 | 2;
  /** Share of items that are PvP trades (two linked legs, one per currency). */
  readonly pvp_share: number;
  readonly topology: 'random' | 'ring' | 'star' | 'star_pvp';
  /** Zipf-like exponent of participant sizes (random topology), or 'tiered' (few large, many small). */
  readonly sizes: number | 'tiered';
  readonly amounts: { kind: 'pareto'; alpha: number } | { kind: 'lognormal'; sigma: number };
  /** One payment of this share of the total value (0 = none). */
  readonly huge_share: number;
  /** Balance as a share of gross outflow, uniform in [lo, hi]. */
  readonly balance: readonly [number, number];
  /** Probability of a credit limit, and its maximum as a share of gross outflow. */
  readonly credit: readonly [number, number];
}

export interface GridlockInstance {
  readonly family: string;
  readonly set: FamilySet;
  readonly seed: number;
  readonly problem: LinkedProblem;
  /** The same problem for the v2 solver (single-currency families only). */
  readonly lsm: LsmProblem | null;
}

const BOTH: readonly FamilySet[] = ['tuning', 'held_out'];
const HELD_OUT_ONLY: readonly FamilySet[] = ['held_out'];
const SCARCE = [0, 0.08] as const;
const base = { currencies: 1, pvp_share: 0, topology: 'random', huge_share: 0, balance: SCARCE, credit: [0.2, 0.04] } as const;

export const FAMILIES: readonly FamilySpec[] = [
  {
    ...base,
    name: 'classic',
    description: "the v2 benchmark's shape: 50 participants, 2,000 payments, Zipf sizes, Pareto 1.2, scarce",
    sets: BOTH,
    participants: 50,
    payments: 2000,
    sizes: 0.7,
    amounts: { kind: 'pareto', alpha: 1.2 },
  },
  {
    ...base,
    name: 'ring',
    description: 'ring: each pays its 1-3 next neighbours; 40 participants, 1,500 payments, Pareto 1.5, scarce',
    sets: BOTH,
    participants: 40,
    payments: 1500,
    topology: 'ring',
    sizes: 0,
    amounts: { kind: 'pareto', alpha: 1.5 },
    balance: [0, 0.05],
  },
  {
    ...base,
    name: 'star',
    description: 'star: a hub and 60 spokes, 2,000 payments to and from the hub (5% spoke to spoke), log-normal sigma 1.5',
    sets: BOTH,
    participants: 61,
    payments: 2000,
    topology: 'star',
    sizes: 0,
    amounts: { kind: 'lognormal', sigma: 1.5 },
  },
  {
    ...base,
    name: 'tiered',
    description: 'few large, many small: 6 large (30x the weight) and 120 small participants, 3,000 payments, Pareto 1.3',
    sets: BOTH,
    participants: 126,
    payments: 3000,
    sizes: 'tiered',
    amounts: { kind: 'pareto', alpha: 1.3 },
  },
  {
    ...base,
    name: 'ample',
    description: 'ample liquidity (balances 10-40% of gross), log-normal sigma 2, 50 participants, 2,000 payments',
    sets: BOTH,
    participants: 50,
    payments: 2000,
    sizes: 0.7,
    amounts: { kind: 'lognormal', sigma: 2 },
    balance: [0.1, 0.4],
  },
  {
    ...base,
    name: 'credit',
    description: 'credit limits only: zero balances, half the participants with a limit up to 15% of gross',
    sets: BOTH,
    participants: 50,
    payments: 2000,
    sizes: 0.7,
    amounts: { kind: 'pareto', alpha: 1.2 },
    balance: [0, 0],
    credit: [0.5, 0.15],
  },
  {
    ...base,
    name: 'pvp',
    description: 'two currencies: 30 participants, 1,500 items, 40% PvP trades (two linked legs), Pareto 1.2',
    sets: BOTH,
    participants: 30,
    payments: 1500,
    currencies: 2,
    pvp_share: 0.4,
    sizes: 0.7,
    amounts: { kind: 'pareto', alpha: 1.2 },
  },
  {
    ...base,
    name: 'small',
    description: '8 participants, 50 payments, Pareto 1.1, scarce',
    sets: BOTH,
    participants: 8,
    payments: 50,
    sizes: 0.5,
    amounts: { kind: 'pareto', alpha: 1.1 },
  },
  {
    ...base,
    name: 'large',
    description: '200 participants, 10,000 payments, Zipf sizes, Pareto 1.2, scarce',
    sets: BOTH,
    participants: 200,
    payments: 10000,
    sizes: 0.8,
    amounts: { kind: 'pareto', alpha: 1.2 },
  },
  {
    ...base,
    name: 'one_huge',
    description: 'held out: the classic shape plus one payment worth 25% of all value',
    sets: HELD_OUT_ONLY,
    participants: 50,
    payments: 2000,
    sizes: 0.7,
    amounts: { kind: 'pareto', alpha: 1.2 },
    huge_share: 0.25,
  },
  {
    ...base,
    name: 'star_pvp',
    description: 'held out: a dealer hub trading PvP with 40 spokes in two currencies (every item two linked legs), 1,200 items, log-normal sigma 1.2',
    sets: HELD_OUT_ONLY,
    participants: 41,
    payments: 1200,
    currencies: 2,
    pvp_share: 1,
    topology: 'star_pvp',
    sizes: 0,
    amounts: { kind: 'lognormal', sigma: 1.2 },
    balance: [0, 0.1],
  },
  {
    ...base,
    name: 'wide',
    description: 'held out: 300 participants, 6,000 payments, Zipf 1.0 sizes, Pareto 1.05 (very heavy tail), credit limits for a third',
    sets: HELD_OUT_ONLY,
    participants: 300,
    payments: 6000,
    sizes: 1,
    amounts: { kind: 'pareto', alpha: 1.05 },
    credit: [0.33, 0.06],
  },
  {
    ...base,
    name: 'zero_small',
    description:
      'held out (issue 16, written after rules 5 and not used to choose it): 15 participants, 120 payments, Zipf sizes, Pareto 1.2, balances 0-1% of gross, no credit',
    sets: HELD_OUT_ONLY,
    participants: 15,
    payments: 120,
    sizes: 0.7,
    amounts: { kind: 'pareto', alpha: 1.2 },
    balance: [0, 0.01],
    credit: [0, 0],
  },
];

/** A cross-currency rate as a fraction: 1 unit of currency 0 is RATE_NUM / RATE_DEN units of currency 1. */
const RATE_NUM = 137n;
const RATE_DEN = 100n;
const AMOUNT_MAX = 1e9;

function unit(rng: Prng): number {
  return (rng.nextU32() + 0.5) / 4294967296;
}

/** A seed for (set, family, index) from the run's seed: tuning and held-out seeds never coincide. */
export function instanceSeed(runSeed: number, set: FamilySet, family: string, index: number): number {
  let h = (runSeed ^ (set === 'tuning' ? 0x7a11 : 0x4e1d0000)) >>> 0;
  for (const ch of `${set}/${family}/${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function amountOf(spec: FamilySpec, rng: Prng): number {
  const u = unit(rng);
  if (spec.amounts.kind === 'pareto') return Math.min(AMOUNT_MAX, Math.floor(1000 / Math.pow(u, 1 / spec.amounts.alpha)));
  // Log-normal (Box-Muller), median 20,000 minor units.
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * unit(rng));
  return Math.max(1, Math.min(AMOUNT_MAX, Math.floor(20000 * Math.exp(spec.amounts.sigma * z))));
}

/** A payer-payee pair by the family's topology. */
function pairPicker(spec: FamilySpec, rng: Prng): () => [number, number] {
  const p = spec.participants;
  if (spec.topology === 'ring')
    return () => {
      const f = rng.below(p);
      return [f, (f + 1 + rng.below(3)) % p];
    };
  if (spec.topology === 'star' || spec.topology === 'star_pvp') {
    return () => {
      const s = 1 + rng.below(p - 1);
      if (rng.below(20) === 0) {
        let t = 1 + rng.below(p - 1);
        while (t === s) t = 1 + rng.below(p - 1);
        return [s, t];
      }
      return rng.below(2) === 0 ? [0, s] : [s, 0];
    };
  }
  const weights = Array.from({ length: p }, (_, i) => (spec.sizes === 'tiered' ? (i < 6 ? 30 : 1) : 1 / Math.pow(i + 1, spec.sizes)));
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const pick = (): number => {
    const x = unit(rng) * total;
    let lo = 0;
    let hi = p - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return () => {
    const f = pick();
    let t = pick();
    while (t === f) t = pick();
    return [f, t];
  };
}

/** Builds one instance of `spec` from `seed`. */
export function makeInstance(spec: FamilySpec, set: FamilySet, seed: number): GridlockInstance {
  const rng = new Prng(seed);
  const pair = pairPicker(spec, rng);
  const C = spec.currencies;
  const node = (participant: number, currency: number): number => participant * C + currency;
  const items: LinkedItem[] = [];
  const gross = new Array<bigint>(spec.participants * C).fill(0n);
  for (let k = 0; k < spec.payments; k++) {
    const [f, t] = pair();
    const a = BigInt(amountOf(spec, rng));
    const cur = C === 2 ? rng.below(2) : 0;
    if (C === 2 && unit(rng) < spec.pvp_share) {
      // f sells a (currency 0) to t for a * rate (currency 1): two linked legs; weight in currency 0.
      const b = (a * RATE_NUM) / RATE_DEN;
      items.push({
        id: `q${k}`,
        legs: [
          { from: node(f, 0), to: node(t, 0), amount: a },
          { from: node(t, 1), to: node(f, 1), amount: b },
        ],
        weight: a,
        urgent: false,
      });
      gross[node(f, 0)] = gross[node(f, 0)]! + a;
      gross[node(t, 1)] = gross[node(t, 1)]! + b;
    } else {
      // A payment in currency `cur`; its weight in currency 0 (rounded down).
      items.push({
        id: `q${k}`,
        legs: [{ from: node(f, cur), to: node(t, cur), amount: a }],
        weight: cur === 0 ? a : (a * RATE_DEN) / RATE_NUM,
        urgent: rng.below(10) === 0,
      });
      gross[node(f, cur)] = gross[node(f, cur)]! + a;
    }
  }
  if (spec.huge_share > 0) addHuge(spec, rng, items, gross);
  const capacities = gross.map((g) => {
    const share = spec.balance[0] + (spec.balance[1] - spec.balance[0]) * unit(rng);
    const credit = unit(rng) < spec.credit[0] ? spec.credit[1] * unit(rng) : 0;
    return (g * BigInt(Math.floor((share + credit) * 1_000_000))) / 1_000_000n;
  });
  // Urgent items first, as the platform queues them (a stable sort keeps list order within each class).
  const ordered = [...items.filter((it) => it.urgent), ...items.filter((it) => !it.urgent)];
  const problem: LinkedProblem = { capacities, items: ordered, fifo: false };
  return { family: spec.name, set, seed, problem, lsm: C === 1 ? toLsmProblem(problem) : null };
}

/** One payment worth `huge_share` of all value, between two random participants (currency 0). */
function addHuge(spec: FamilySpec, rng: Prng, items: LinkedItem[], gross: bigint[]): void {
  const total = items.reduce((s, it) => s + it.weight, 0n);
  const a = (total * BigInt(Math.round(spec.huge_share * 1000))) / 1000n;
  const f = rng.below(spec.participants);
  let t = rng.below(spec.participants);
  while (t === f) t = rng.below(spec.participants);
  const C = spec.currencies;
  items.splice(rng.below(items.length), 0, { id: 'huge', legs: [{ from: f * C, to: t * C, amount: a }], weight: a, urgent: false });
  gross[f * C] = gross[f * C]! + a;
}

/** A single-leg linked problem as the v2 solver's input (node n is participant "n<n>" with balance = capacity, no limit). */
export function toLsmProblem(problem: LinkedProblem): LsmProblem {
  return {
    participants: problem.capacities.map((c, n) => ({ id: `n${n}`, balance: c, limit: 0n })),
    payments: problem.items.map((it) => {
      if (it.legs.length !== 1) throw new Error('toLsmProblem: a linked item has more than one leg');
      const leg = it.legs[0]!;
      return { id: it.id, from: `n${leg.from}`, to: `n${leg.to}`, amount: leg.amount, priority: it.urgent ? 1 : 0 };
    }),
    fifo: problem.fifo,
  };
}

/** Every instance of a set: `perFamily` of each family in it. */
export function familyInstances(set: FamilySet, runSeed: number, perFamily: number, only: readonly string[] | null = null): GridlockInstance[] {
  const out: GridlockInstance[] = [];
  for (const spec of FAMILIES) {
    if (!spec.sets.includes(set) || (only !== null && !only.includes(spec.name))) continue;
    for (let i = 0; i < perFamily; i++) out.push(makeInstance(spec, set, instanceSeed(runSeed, set, spec.name, i)));
  }
  return out;
}

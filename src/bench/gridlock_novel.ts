// Novel gridlock families for the clearing benchmark (set 'novel'): a third
// held-out list, written while the solver was being reworked for issue 16 and
// never used to choose its rules or constants. This module owns those shapes:
// several hubs with their own spokes, long chains closed by one big payment,
// two-currency bipartite trading with PvP links and domestic payments on both
// sides, many tiny participants, and whales that fan out to and collect from
// many small ones; and regional rings, added later (see regionalRings). Each
// instance comes from a seed (instanceSeed with the set 'novel'), so every
// machine builds the same problems.

import type { LinkedProblem } from '../clearing/lsm_linked.js';
import { Prng } from '../sim/prng.js';
import { type GridlockInstance, instanceSeed, toLsmProblem } from './gridlock_families.js';
import { Builder, lognormal, pareto, randomPair, type UnseenFamily, unit } from './gridlock_unseen.js';

/** Multi-hub: 4 hubs, 15 spokes each; spokes pay within their hub's group through it, hubs settle big amounts among themselves. */
function multiHub(rng: Prng): LinkedProblem {
  const hubs = 4;
  const spokes = 15;
  const b = new Builder(hubs + hubs * spokes);
  const spoke = (h: number): number => hubs + h * spokes + rng.below(spokes);
  while (b.items.length < 1600) {
    const r = rng.below(10);
    const [h1, h2] = randomPair(rng, hubs);
    if (r < 2) b.pay(h1, h2, lognormal(rng, 1.0, 400_000));
    else if (r < 6) {
      // A client of hub h1 pays a client of hub h2: client -> h1, h1 -> h2, h2 -> client.
      const a = lognormal(rng, 1.4);
      b.pay(spoke(h1), h1, a);
      b.pay(h1, h2, a);
      b.pay(h2, spoke(h2), a);
    } else if (rng.below(2) === 0) b.pay(h1, spoke(h1), lognormal(rng, 1.4));
    else b.pay(spoke(h1), h1, lognormal(rng, 1.4));
  }
  return b.problem(rng, (r, n) => (n < hubs ? 0.01 * unit(r) : 0.05 * unit(r)));
}

/** Chains: 60 participants; chains of 4-12 small payments closed back to their start by one payment 5-20 times larger. */
function chainBig(rng: Prng): LinkedProblem {
  const n = 60;
  const b = new Builder(n);
  while (b.items.length < 1400) {
    const len = 4 + rng.below(9);
    const seen = new Set<number>();
    const path: number[] = [];
    while (path.length < len) {
      const p = rng.below(n);
      if (!seen.has(p)) {
        seen.add(p);
        path.push(p);
      }
    }
    const small = lognormal(rng, 0.6);
    for (let i = 0; i + 1 < len; i++) b.pay(path[i]!, path[i + 1]!, (small * BigInt(80 + rng.below(41))) / 100n + 1n);
    // The closing payment; the chain's start pays the rest of the chain nothing back, so it needs the big inflow.
    b.pay(path[len - 1]!, path[0]!, small * BigInt(5 + rng.below(16)));
  }
  return b.problem(rng, (r) => 0.04 * unit(r));
}

/** Bipartite PvP: 20 banks at home in currency 0, 20 in currency 1; PvP trades across the sides and domestic payments on each. */
function bipartitePvp(rng: Prng): LinkedProblem {
  const side = 20;
  const p = 2 * side;
  // Node of participant i in currency c: 2i + c; participants 0..19 are at home in currency 0, 20..39 in currency 1.
  const b = new Builder(2 * p);
  for (let k = 0; k < 1500; k++) {
    const r = rng.below(10);
    if (r < 4) {
      const a = rng.below(side);
      const z = side + rng.below(side);
      const amt = pareto(rng, 1.1, 5000);
      const rate = BigInt(70 + rng.below(61));
      // a sells currency 0 to z for currency 1, or the other way round.
      if (rng.below(2) === 0) b.trade(2 * a, 2 * z, amt, 2 * z + 1, 2 * a + 1, (amt * rate) / 100n + 1n);
      else b.trade(2 * z + 1, 2 * a + 1, amt, 2 * a, 2 * z, (amt * rate) / 100n + 1n);
    } else {
      const c = r < 7 ? 0 : 1;
      const [x, y] = randomPair(rng, side);
      const off = c === 0 ? 0 : side;
      b.pay(2 * (off + x) + c, 2 * (off + y) + c, lognormal(rng, 1.3));
    }
  }
  // Home-currency accounts a little funded; foreign-currency accounts nearly empty.
  return b.problem(rng, (r, node) => {
    const participant = node >> 1;
    const home = participant < side ? 0 : 1;
    return (node & 1) === home ? 0.06 * unit(r) : 0.01 * unit(r);
  });
}

/** Many tiny participants: 400 participants with 1-6 payments each among themselves and 3 large banks; most hold nothing. */
function tinyMany(rng: Prng): LinkedProblem {
  const large = 3;
  const n = large + 400;
  const b = new Builder(n);
  for (let k = 0; k < 1800; k++) {
    const r = rng.below(10);
    const tiny = (): number => large + rng.below(n - large);
    if (r < 3) b.pay(tiny(), rng.below(large), lognormal(rng, 1.0, 5000));
    else if (r < 6) b.pay(rng.below(large), tiny(), lognormal(rng, 1.0, 5000));
    else if (r < 9) {
      const f = tiny();
      let t = tiny();
      while (t === f) t = tiny();
      b.pay(f, t, lognormal(rng, 1.0, 5000));
    } else b.pay(...randomPair(rng, large), lognormal(rng, 0.8, 300_000));
  }
  return b.problem(rng, (r, node) => (node < large ? 0.02 * unit(r) : unit(r) < 0.3 ? 0.2 * unit(r) : 0));
}

/** Whales: 3 whales each fan out to 50 of 150 small participants and collect from others; heavy-tailed (Pareto 1.05) small-to-small noise. */
function whales(rng: Prng): LinkedProblem {
  const w = 3;
  const n = w + 150;
  const b = new Builder(n);
  for (let k = 0; k < 2000; k++) {
    const r = rng.below(10);
    const whale = rng.below(w);
    const small = w + rng.below(150);
    if (r < 4) b.pay(whale, small, lognormal(rng, 0.7, 30_000));
    else if (r < 8) b.pay(small, whale, lognormal(rng, 0.7, 30_000));
    else {
      const [f, t] = randomPair(rng, 150);
      b.pay(w + f, w + t, pareto(rng, 1.05, 2000));
    }
  }
  return b.problem(rng, (r, node) => (node < w ? 0.003 * unit(r) : 0.03 * unit(r)));
}

/**
 * Regional rings (added with issue 16's third wave, after the solver's moves were
 * written, and not used to choose them): 6 regions of 7 banks; each region's
 * banks pay round their ring (log-uniform amounts over four decades), a tenth of
 * the payments go between regions through each region's first bank, and half the
 * banks hold 0-20% of their gross while the others hold nothing.
 */
function regionalRings(rng: Prng): LinkedProblem {
  const regions = 6;
  const size = 7;
  const b = new Builder(regions * size);
  const logUniform = (): bigint => BigInt(Math.floor(1000 * Math.pow(10, 4 * unit(rng))));
  for (let k = 0; k < 1500; k++) {
    const r = rng.below(regions);
    if (rng.below(10) === 0) {
      const [x, y] = randomPair(rng, regions);
      b.pay(x * size, y * size, logUniform());
    } else {
      const i = rng.below(size);
      const hop = 1 + rng.below(2);
      b.pay(r * size + i, r * size + ((i + hop) % size), logUniform());
    }
  }
  return b.problem(rng, (g) => (unit(g) < 0.5 ? 0.2 * unit(g) : 0));
}

/**
 * Tangled cycles (added with the chain-removal start, after it was written, and
 * not used to choose it): 50 banks, cycles of 6-30 of them with amounts within
 * 25% of the cycle's base, a third of each cycle's members drawn from 8 busy
 * banks (so cycles cross there), a quarter of the payments Pareto 1.1 noise
 * between any two; 60% of the banks hold nothing, the others 0-1% of their gross.
 */
function tangledCycles(rng: Prng): LinkedProblem {
  const n = 50;
  const busy = 8;
  const b = new Builder(n);
  while (b.items.length < 1600) {
    if (rng.below(4) === 0) {
      const [f, t] = randomPair(rng, n);
      b.pay(f, t, pareto(rng, 1.1, 3000));
      continue;
    }
    const len = 6 + rng.below(25);
    const members: number[] = [];
    const seen = new Set<number>();
    while (members.length < len) {
      const x = rng.below(3) === 0 ? rng.below(busy) : rng.below(n);
      if (seen.has(x)) continue;
      seen.add(x);
      members.push(x);
    }
    const base = pareto(rng, 1.3);
    for (let i = 0; i < len; i++) b.pay(members[i]!, members[(i + 1) % len]!, (base * BigInt(75 + rng.below(51))) / 100n + 1n);
  }
  return b.problem(rng, (r) => (unit(r) < 0.6 ? 0 : 0.01 * unit(r)));
}

/**
 * Short hub (issue 16, rules version 6: written before rules 6's results were
 * looked at, and not used to choose it): a star whose hub holds nothing. One hub
 * routes for 4 large banks and 90 small ones (client -> hub -> client, Pareto
 * 1.1 amounts, the large banks' 20 times larger), a tenth of the payments direct
 * between small banks, 1,400 payments; large banks hold 0-0.5% of their gross,
 * small ones 0-3%, a third of the small ones nothing.
 */
function shortHub(rng: Prng): LinkedProblem {
  const large = 4;
  const small = 90;
  const hub = 0;
  const n = 1 + large + small;
  const b = new Builder(n);
  const client = (): number => (rng.below(5) === 0 ? 1 + rng.below(large) : 1 + large + rng.below(small));
  const amountFor = (x: number): bigint => (x <= large ? 20n : 1n) * pareto(rng, 1.1, 2000);
  while (b.items.length < 1400) {
    if (rng.below(10) === 0) {
      const [f, t] = randomPair(rng, small);
      b.pay(1 + large + f, 1 + large + t, pareto(rng, 1.1, 2000));
      continue;
    }
    const f = client();
    let t = client();
    while (t === f) t = client();
    // Routed through the hub: the payer's leg in, the hub's leg out (amounts apart by the hub's 0-2% fee or rebate).
    const a = amountFor(f);
    b.pay(f, hub, a);
    b.pay(hub, t, (a * BigInt(98 + rng.below(5))) / 100n + 1n);
  }
  return b.problem(rng, (r, node) => (node === hub ? 0 : node <= large ? 0.005 * unit(r) : unit(r) < 1 / 3 ? 0 : 0.03 * unit(r)));
}

/**
 * Disconnected gridlocks of very different sizes in one run (3, 4, 7, 12 and 20
 * banks; 6 payments per bank, all within the island), each island's amounts on
 * its own scale (x1 to x1,000) and law (log-normal sigma 1.5, or Pareto 1.3);
 * the banks hold 0-0.5% of gross, and in each island one bank's only liquidity
 * is one large incoming payment (a quarter of the island's gross) from a funder
 * outside every cycle that holds exactly that.
 */
function islands(rng: Prng): LinkedProblem {
  const sizes = [3, 4, 7, 12, 20];
  const n = sizes.reduce((a, x) => a + x + 1, 0);
  const b = new Builder(n);
  const funders = new Set<number>();
  let base = 0;
  for (const [i, size] of sizes.entries()) {
    const scale = [1n, 10n, 1000n, 100n, 1n][i]!;
    const amount = (): bigint => scale * (i % 2 === 0 ? lognormal(rng, 1.5, 5000) : pareto(rng, 1.3, 1000));
    let gross = 0n;
    for (let k = 0; k < 6 * size; k++) {
      const [f, t] = randomPair(rng, size);
      const a = amount();
      gross += a;
      b.pay(base + f, base + t, a);
    }
    const funder = base + size;
    funders.add(funder);
    b.pay(funder, base + rng.below(size), gross / 4n + 1n);
    base += size + 1;
  }
  return b.problem(rng, (r, node) => (funders.has(node) ? 1 : 0.005 * unit(r)));
}

export const NOVEL_FAMILIES: readonly UnseenFamily[] = [
  { name: 'multi_hub', description: '4 hubs of 15 spokes, client-hub-hub-client chains, hub-to-hub big payments, hubs 0-1%, 1,600 payments', make: multiHub },
  { name: 'chain_big', description: '60 participants, chains of 4-12 small payments closed by one 5-20x larger, balances 0-4%', make: chainBig },
  {
    name: 'bipartite_pvp',
    description: '20 + 20 banks at home in two currencies, 40% PvP trades across, domestic payments each side, foreign accounts 0-1%',
    make: bipartitePvp,
  },
  { name: 'tiny_many', description: '400 tiny participants (70% hold nothing) and 3 large banks, 1,800 payments', make: tinyMany },
  {
    name: 'regional_rings',
    description:
      '6 regions of 7 banks paying round their ring, 10% between regions via their first banks, log-uniform 10^3-10^7, half the banks 0-20%, half nothing',
    make: regionalRings,
  },
  { name: 'whales', description: '3 whales (balances 0-0.3%) paying and collecting from 150 small, Pareto 1.05 noise, 2,000 payments', make: whales },
  {
    name: 'tangled_cycles',
    description: '50 banks, cycles of 6-30 within 25% of a base crossing at 8 busy banks, 25% Pareto noise, 60% hold nothing, others 0-1%, 1,600 payments',
    make: tangledCycles,
  },
  {
    name: 'short_hub',
    description:
      'held out (issue 16, written before rules 6 was measured): a hub holding nothing routes for 4 large and 90 small banks, Pareto 1.1, large x20, 10% direct, 1,400 payments',
    make: shortHub,
  },
  {
    name: 'islands',
    description:
      'held out (issue 16, written before rules 7 was measured on it): 5 disconnected gridlocks of 3-20 banks, amounts on scales x1-x1,000, one bank per island funded only by one large incoming payment, 276 payments',
    make: islands,
  },
];

/** `perFamily` instances of each novel family (or of those named in `only`). */
export function novelInstances(runSeed: number, perFamily: number, only: readonly string[] | null = null): GridlockInstance[] {
  const out: GridlockInstance[] = [];
  for (const f of NOVEL_FAMILIES) {
    if (only !== null && !only.includes(f.name)) continue;
    for (let i = 0; i < perFamily; i++) {
      const seed = instanceSeed(runSeed, 'novel', f.name, i);
      const problem = f.make(new Prng(seed));
      const single = problem.items.every((it) => it.legs.length === 1);
      out.push({ family: f.name, set: 'novel', seed, problem, lsm: single ? toLsmProblem(problem) : null });
    }
  }
  return out;
}

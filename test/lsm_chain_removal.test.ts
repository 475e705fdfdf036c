// The gridlock solver's chain-removal start (issue 16): on long cycles of nearly
// equal amounts among participants with almost no liquidity the optimum settles
// nearly everything, and the removal rule alone (each dropped payment starves
// the next node of its cycle) ended at about half. Checked on the benchmark's
// long_cycles family (instances 2 and 3 of seed 42; HiGHS's best there settles
// 0.988 and 0.991 of all the payments' weight): the solver settles >= 0.97 of
// the weight (0.53 before the start). The move alone keeps every node that had
// room non-short, changes slacks only by what it drops, and is deterministic
// (on a generator of this test's own; there, with cycles of 15-30 of 30 nodes,
// the solver moved from 0.30-0.40 to 0.37-0.55 of the weight on the seeds tried,
// optimum unknown).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../src/clearing/lsm.js';
import { removeChains } from '../src/clearing/lsm_chain_removal.js';
import { compileLinked, solveLinked, type LinkedItem, type LinkedProblem } from '../src/clearing/lsm_linked.js';
import { unseenInstances } from '../src/bench/gridlock_unseen.js';
import { Prng } from '../src/sim/prng.js';

function cycles(seed: number, nodes = 30, items = 900): LinkedProblem {
  const rng = new Prng(seed);
  const list: LinkedItem[] = [];
  const gross = new Array<bigint>(nodes).fill(0n);
  while (list.length < items) {
    const len = Math.min(nodes, 4 + rng.below(27));
    const order = Array.from({ length: nodes }, (_, i) => i);
    for (let i = nodes - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Pareto (alpha 1.3) bases: a few cycles carry most of the value.
    const base = BigInt(Math.min(1e9, Math.floor(1000 / Math.pow((rng.nextU32() + 0.5) / 4294967296, 1 / 1.3))));
    for (let i = 0; i < len; i++) {
      const amount = (base * BigInt(90 + rng.below(21))) / 100n;
      list.push({ id: `u${list.length}`, legs: [{ from: order[i]!, to: order[(i + 1) % len]!, amount }], weight: amount, urgent: false });
      gross[order[i]!] = gross[order[i]!]! + amount;
    }
  }
  return { capacities: gross.map((g) => (g * BigInt(rng.below(5000))) / 1_000_000n), items: list, fifo: false };
}

const total = (p: LinkedProblem): bigint => p.items.reduce((a, it) => a + it.weight, 0n);

describe('chain removal', () => {
  it('long cycles with almost no liquidity: the solver settles >= 0.97 of all the weight (the removal rule alone about half)', () => {
    for (const inst of unseenInstances(42, 3, ['long_cycles']).slice(1)) {
      const p = inst.problem;
      const s = solveLinked(p);
      const share = Number((s.settled_weight * 10_000n) / total(p)) / 10_000;
      assert.ok(share >= 0.97, `seed ${inst.seed}: ${share} of the weight`);
      // The solver without its last phase (rules 3's) as a witness that the phase is what does it.
      const without = solveLinked(p, { neighbourhood_moves: false });
      assert.ok(Number((without.settled_weight * 10_000n) / total(p)) / 10_000 < 0.7);
    }
  });

  it('only removes payments, leaves no node it made whole short, and is deterministic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const p = cycles(seed, 12, 200);
        const net = compileLinked(p);
        const run = (): { sel: Uint8Array; slack: Float64Array } => {
          const sel = new Uint8Array(net.m).fill(1);
          const slack = Float64Array.from(net.capF);
          for (let k = 0; k < net.m; k++) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
          const before = slack.slice();
          removeChains(net, sel, slack, { steps: 0, max: 200_000 }, new Rng(7));
          // A node's room only changes by what the chains dropped; a node with room before still has it.
          for (let n = 0; n < net.nodes; n++) if (before[n]! >= 0) assert.ok(slack[n]! >= 0, `node ${n} made short`);
          const check = Float64Array.from(net.capF);
          for (let k = 0; k < net.m; k++)
            if (sel[k] === 1) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) check[net.effNode[e]!]! += net.effF[e]!;
          assert.deepEqual(check, slack);
          return { sel, slack };
        };
        const a = run();
        const b = run();
        assert.deepEqual(a.sel, b.sel);
      }),
      { numRuns: 40, seed: 0x16f },
    );
  });
});

// Stop 50's allocation cuts on the demo day's path, each the same answer as the code it replaced:
// the samples' kept values noted as a batch is submitted (src/demo/day.ts SettledTraffic.noted),
// the screening index's in-place sort of a query's grams (src/compliance/matcher.ts sortByPostings), and the
// linked LSM's compiled problem built by loops (src/clearing/lsm_linked.ts compileLinked).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SettledTraffic } from '../src/demo/day.js';
import { sortByPostings } from '../src/compliance/matcher.js';
import type { Platform } from '../src/platform/platform.js';
import { compileLinked, type LinkedProblem } from '../src/clearing/lsm_linked.js';

test('sortByPostings: the order of the stable Array.prototype.sort by postings length, short lists and long', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }),
      // Short lists (insertion) and long ones (past INSERTION_SORT_MAX: the native sort).
      fc.oneof(fc.array(fc.nat({ max: 29 }), { maxLength: 64 }), fc.array(fc.nat({ max: 29 }), { minLength: 65, maxLength: 150 })),
      (lengths, ids) => {
        const postings = lengths.map((n) => new Int32Array(n));
        const walk = ids.map((id) => id % postings.length);
        const expected = [...walk].sort((a, b) => postings[a]!.length - postings[b]!.length);
        sortByPostings(walk, postings);
        assert.deepEqual(walk, expected);
      },
    ),
    { numRuns: 500 },
  );
});

/** A platform of `states` (position -> state) and UETRs (position -> uetr), as SettledTraffic reads it. */
function fakePlatform(uetrs: string[], states: string[], read: () => void): Platform {
  return {
    paymentCount: () => uetrs.length,
    paymentPosition: (u: string) => uetrs.indexOf(u),
    paymentStateAt: (i: number) => states[i],
    *paymentsWhere(wanted: (i: number, state: string) => boolean) {
      for (let i = 0; i < uetrs.length; i++)
        if (wanted(i, states[i]!)) {
          read();
          yield [i, { instruction: { end_to_end_id: `E${i}`, amount_minor: BigInt(10 * (i + 1)), currency: 'CNY' } }];
        }
    },
  } as unknown as Platform;
}

test('SettledTraffic.noted: each new position keeps its first entry, unknown and old ones are read back when settled', () => {
  const uetrs = ['old', 'a', 'b', 'c', 'd'];
  const states = ['settled', 'settled', 'settled', 'settled', 'settled'];
  let reads = 0;
  const platform = fakePlatform(uetrs, states, () => reads++);
  const s = new SettledTraffic();
  // Position 0 was there before the batch (from 1); 'b' twice (the first entry's), 'c' unknown, a UETR never taken.
  const batch = [{ uetr: 'a' }, { uetr: 'old' }, { uetr: 'b' }, { uetr: 'b' }, { uetr: 'c' }, { uetr: 'c' }, { uetr: 'nowhere' }, { uetr: 'd' }];
  const kinds = Uint8Array.from([1, 1, 1, 2, 0, 1, 1, 2]);
  const values = Float64Array.from([1000, 1, 2000, 9, 7, 8, 6, 4000]);
  s.noted(platform, 1, batch, kinds, values);
  const usd = new Map([['CNY', 1]]);
  const t = s.totals(platform, usd);
  // Read back: position 0 (old: 10) and position 3 (c, unknown: 40); a is 1000 and b 2000, both traffic; d interbank.
  assert.equal(reads, 2);
  assert.deepEqual(t, { settled: 4, value_usd: 10 + 1000 + 2000 + 40 });
});

/** The compiled form as compileLinked built it before stop 50 (Maps per item, `from` with map functions, `flat`). */
function compiledBefore(problem: LinkedProblem): Record<string, unknown> {
  const nodes = problem.capacities.length;
  const items = problem.items;
  const m = items.length;
  const nets = items.map((it) => {
    const net = new Map<number, bigint>();
    for (const l of it.legs) {
      net.set(l.from, (net.get(l.from) ?? 0n) - l.amount);
      net.set(l.to, (net.get(l.to) ?? 0n) + l.amount);
    }
    return new Map([...net].filter(([, d]) => d !== 0n).sort((a, b) => a[0] - b[0]));
  });
  const effStart = new Int32Array(m + 1);
  for (let k = 0; k < m; k++) effStart[k + 1] = effStart[k]! + nets[k]!.size;
  const effNode: number[] = [];
  const effDelta: bigint[] = [];
  const outTotal = new Array<bigint>(nodes).fill(0n);
  for (const net of nets)
    for (const [n, d] of net) {
      effNode.push(n);
      effDelta.push(d);
      if (d < 0n) outTotal[n] = outTotal[n]! - d;
    }
  const capF = Float64Array.from(problem.capacities, (c, n) => Number(c < outTotal[n]! ? c : outTotal[n]!));
  const weightF = Float64Array.from(items, (it) => Number(it.weight));
  const effF = Float64Array.from(effDelta, (d) => Number(d));
  const first = Int32Array.from(items, (it) => it.legs[0]!.from);
  const byWeight = Int32Array.from(Array.from({ length: m }, (_, k) => k).sort((a, b) => weightF[b]! - weightF[a]! || a - b));
  const queues: number[][] = Array.from({ length: nodes }, () => []);
  const draws: number[][] = Array.from({ length: nodes }, () => []);
  const drawEffs: number[][] = Array.from({ length: nodes }, () => []);
  const free: number[] = [];
  const wpu = new Float64Array(m);
  const qPos = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    qPos[k] = queues[first[k]!]!.length;
    queues[first[k]!]!.push(k);
  }
  for (const k of byWeight) {
    let out = 0;
    for (let e = effStart[k]!; e < effStart[k + 1]!; e++)
      if (effF[e]! < 0) {
        draws[effNode[e]!]!.push(k);
        drawEffs[effNode[e]!]!.push(effF[e]!);
        out = Math.max(out, -effF[e]!);
      }
    if (out === 0) free.push(k);
    wpu[k] = out > 0 ? weightF[k]! / out : 0;
  }
  const starts = (lists: number[][]): Int32Array => {
    const s = new Int32Array(nodes + 1);
    for (let n = 0; n < nodes; n++) s[n + 1] = s[n]! + lists[n]!.length;
    return s;
  };
  return {
    effStart,
    effNode: Int32Array.from(effNode),
    effDelta,
    effF,
    weightF,
    wpu,
    capF,
    first,
    qStart: starts(queues),
    qItems: Int32Array.from(queues.flat()),
    qPos,
    drawStart: starts(draws),
    drawItems: Int32Array.from(draws.flat()),
    drawEff: Float64Array.from(drawEffs.flat()),
    free: Int32Array.from(free),
    byWeight,
  };
}

const linkedProblem = fc.integer({ min: 2, max: 7 }).chain((nodes) =>
  fc.record({
    capacities: fc.array(fc.bigInt({ min: 0n, max: 5_000n }), { minLength: nodes, maxLength: nodes }),
    items: fc.array(
      fc.record({
        legs: fc.array(
          fc
            .record({ from: fc.nat({ max: nodes - 1 }), to: fc.nat({ max: nodes - 1 }), amount: fc.bigInt({ min: 1n, max: 2_000n }) })
            .filter((l) => l.from !== l.to),
          { minLength: 1, maxLength: 3 },
        ),
        // Few weights: ties in the by-weight order.
        weight: fc.bigInt({ min: 0n, max: 6n }),
        urgent: fc.boolean(),
      }),
      { maxLength: 25 },
    ),
    fifo: fc.boolean(),
  }),
);

test('compileLinked: the same compiled arrays as built before stop 50 (loops for the typed arrays, no Map per item)', () => {
  fc.assert(
    fc.property(linkedProblem, (p) => {
      const problem: LinkedProblem = { capacities: p.capacities, items: p.items.map((it, k) => ({ ...it, id: `i${k}` })), fifo: p.fifo };
      const net = compileLinked(problem) as unknown as Record<string, unknown>;
      const before = compiledBefore(problem);
      for (const [k, v] of Object.entries(before)) assert.deepEqual(net[k], v, k);
    }),
    { numRuns: 400 },
  );
});

// The liquidity-saving mechanism: hand-made gridlocks with known answers, its
// baselines, the scenario parser of `sco-settle lsm solve`, and properties on
// random small instances checked against a brute-force optimum.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  engineSelfCheck,
  LsmInputError,
  settlementViolation,
  solveBechSoramaki,
  solveBilateral,
  solveFifoRtgs,
  solveLsm,
  type LsmProblem,
  type LsmSolution,
} from '../src/clearing/lsm.js';
import { parseLsmScenario } from '../src/cli/lsm_commands.js';
import { CliInputError } from '../src/cli/input.js';
import { makeGridlockScenario } from '../src/bench/clearing_bench.js';

// Deterministic runs: a work budget, no clock.
const OPTS = { work_budget: 400_000 };

function problem(balances: Record<string, [number, number?]>, payments: [string, string, number][], fifo = false): LsmProblem {
  return {
    participants: Object.entries(balances).map(([id, [b, l]]) => ({ id, balance: BigInt(b), limit: BigInt(l ?? 0) })),
    payments: payments.map(([from, to, a], k) => ({ id: `p${k + 1}`, from, to, amount: BigInt(a), priority: 0 })),
    fifo,
  };
}

function sorted(s: LsmSolution): string[] {
  return [...s.settled].sort();
}

/** The optimum by enumerating every subset (small instances only). */
function bruteForce(p: LsmProblem): bigint {
  const n = p.payments.length;
  const index = new Map(p.participants.map((x, i) => [x.id, i]));
  const cap = p.participants.map((x) => x.balance + x.limit);
  let best = 0n;
  for (let mask = 0; mask < 1 << n; mask++) {
    if (p.fifo) {
      // Each payer's chosen payments must be a prefix of its queue.
      const blocked = new Set<string>();
      let ok = true;
      for (let k = 0; k < n && ok; k++) {
        const from = p.payments[k]!.from;
        if ((mask >> k) & 1) ok = !blocked.has(from);
        else blocked.add(from);
      }
      if (!ok) continue;
    }
    const s = cap.slice();
    let v = 0n;
    for (let k = 0; k < n; k++) {
      if ((mask >> k) & 1) {
        const q = p.payments[k]!;
        s[index.get(q.from)!]! -= q.amount;
        s[index.get(q.to)!]! += q.amount;
        v += q.amount;
      }
    }
    if (v > best && s.every((x) => x >= 0n)) best = v;
  }
  return best;
}

describe('lsm: hand-made gridlocks', () => {
  it('a 3-cycle without liquidity settles only all together', () => {
    const p = problem({ A: [0], B: [0], C: [0] }, [
      ['A', 'B', 100],
      ['B', 'C', 100],
      ['C', 'A', 100],
    ]);
    assert.equal(solveFifoRtgs(p).settled_value, 0n);
    assert.equal(solveBilateral(p).settled_value, 0n);
    const r = solveLsm(p, OPTS);
    assert.deepEqual(sorted(r), ['p1', 'p2', 'p3']);
    assert.equal(r.settled_value, 300n);
  });

  it('a 3-cycle with an oversized leg settles nothing', () => {
    // All three leave C at -50; without C -> A, A ends at -80; any other subset leaves its first payer short.
    const p = problem({ A: [20], B: [0], C: [0] }, [
      ['A', 'B', 100],
      ['B', 'C', 100],
      ['C', 'A', 150],
    ]);
    assert.equal(bruteForce(p), 0n);
    assert.equal(solveLsm(p, OPTS).settled_value, 0n);
  });

  it('bilateral offsetting suffices when the net fits', () => {
    const p = problem({ A: [20], B: [0] }, [
      ['A', 'B', 100],
      ['B', 'A', 80],
    ]);
    assert.equal(solveFifoRtgs(p).settled_value, 0n);
    assert.deepEqual(sorted(solveBilateral(p)), ['p1', 'p2']);
    assert.equal(solveLsm(p, OPTS).settled_value, 180n);
  });

  it('a credit limit is what makes the offset fit', () => {
    const withLimit = problem({ A: [0, 50], B: [0] }, [
      ['A', 'B', 100],
      ['B', 'A', 50],
    ]);
    assert.equal(solveLsm(withLimit, OPTS).settled_value, 150n);
    const without = problem({ A: [0], B: [0] }, [
      ['A', 'B', 100],
      ['B', 'A', 50],
    ]);
    assert.equal(solveLsm(without, OPTS).settled_value, 0n);
    // A limit one unit short is not enough.
    const short = problem({ A: [0, 49], B: [0] }, [
      ['A', 'B', 100],
      ['B', 'A', 50],
    ]);
    assert.equal(solveLsm(short, OPTS).settled_value, 0n);
  });

  it('fifo: a large payment at the head of the queue blocks the ones behind it', () => {
    const payments: [string, string, number][] = [
      ['A', 'B', 100],
      ['A', 'C', 10],
      ['A', 'C', 5],
    ];
    const free = solveLsm(problem({ A: [15], B: [0], C: [0] }, payments), OPTS);
    assert.deepEqual(sorted(free), ['p2', 'p3']);
    assert.equal(free.settled_value, 15n);
    const fifo = solveLsm(problem({ A: [15], B: [0], C: [0] }, payments, true), OPTS);
    assert.deepEqual(fifo.settled, []);
    assert.equal(fifo.settled_value, 0n);
  });

  it('fifo: a cycle still settles when every leg is at its queue head', () => {
    const p = problem(
      { A: [0], B: [0], C: [0] },
      [
        ['A', 'B', 100],
        ['B', 'C', 100],
        ['C', 'A', 100],
        ['A', 'C', 7],
      ],
      true,
    );
    const r = solveLsm(p, OPTS);
    assert.deepEqual(sorted(r), ['p1', 'p2', 'p3']);
  });

  it('chooses value over count', () => {
    // A can fund either the single 90 or the two 40s; the 90 is worth more.
    const p = problem({ A: [90], B: [0], C: [0] }, [
      ['A', 'B', 40],
      ['A', 'C', 40],
      ['A', 'B', 90],
    ]);
    assert.equal(solveLsm(p, OPTS).settled_value, 90n);
    // Bech-Soramaki drops from the end of the queue: it keeps the 40s.
    assert.equal(solveBechSoramaki(p).settled_value, 80n);
  });

  it('amounts beyond 2^64 are exact', () => {
    const big = 1n << 70n;
    const p: LsmProblem = {
      participants: [
        { id: 'A', balance: big, limit: 0n },
        { id: 'B', balance: 0n, limit: 0n },
      ],
      payments: [
        { id: 'x', from: 'A', to: 'B', amount: big + 1n, priority: 0 },
        { id: 'y', from: 'A', to: 'B', amount: big, priority: 0 },
        { id: 'z', from: 'B', to: 'A', amount: 1n, priority: 0 },
      ],
      fifo: false,
    };
    const r = solveLsm(p, OPTS);
    assert.equal(settlementViolation(p, r.settled), null);
    // x and z together: A ends at 2^70 - 2^70 - 1 + 1 = 0. Best is x + z (2^70 + 2) over y + z (2^70 + 1).
    assert.equal(r.settled_value, big + 2n);
  });

  it('rejects bad problems with the field named', () => {
    const base = problem({ A: [10], B: [0] }, [['A', 'B', 5]]);
    const bad = (p: Partial<LsmProblem>, field: RegExp): void => {
      assert.throws(
        () => solveLsm({ ...base, ...p }),
        (e: unknown) => e instanceof LsmInputError && field.test(e.message),
      );
    };
    bad({ payments: [{ id: 'p1', from: 'A', to: 'Z', amount: 5n, priority: 0 }] }, /payments\[0\].*\.to: unknown participant "Z"/);
    bad({ payments: [{ id: 'p1', from: 'A', to: 'A', amount: 5n, priority: 0 }] }, /\.to: a payment to oneself/);
    bad({ payments: [{ id: 'p1', from: 'A', to: 'B', amount: 0n, priority: 0 }] }, /\.amount/);
    bad({ payments: [...base.payments, ...base.payments] }, /duplicate payment id/);
    bad(
      {
        participants: [
          { id: 'A', balance: -5n, limit: 2n },
          { id: 'B', balance: 0n, limit: 0n },
        ],
      },
      /beyond the limit/,
    );
    bad({ payments: Array.from({ length: 100_001 }, (_, k) => ({ id: `p${k}`, from: 'A', to: 'B', amount: 1n, priority: 0 })) }, /at most 100000 payments/);
  });
});

describe('lsm solve: scenario input', () => {
  const ok =
    '{"participants":[{"id":"A","balance":"1000","limit":"0"},{"id":"B","balance":"0"}],"payments":[{"id":"p1","from":"A","to":"B","amount":"700","priority":0}],"fifo":false}';
  it('parses the issue example', () => {
    const p = parseLsmScenario(ok, 's.json');
    assert.equal(p.participants[1]!.limit, 0n);
    assert.equal(p.payments[0]!.amount, 700n);
    assert.deepEqual(solveLsm(p, OPTS).settled, ['p1']);
  });
  const cases: [string, string, RegExp][] = [
    ['malformed JSON', '{"participants":[', /s\.json: malformed JSON/],
    ['unknown top field', '{"participants":[],"payments":[],"fifo":false,"x":1}', /s\.json\.x: unknown field/],
    ['unknown payment field', ok.replace('"priority":0', '"priority":0,"currency":"CNY"'), /payments\[0\]\.currency: unknown field/],
    ['negative amount', ok.replace('"700"', '"-700"'), /payments\[0\] \(id "p1"\)\.amount: must be an unsigned integer/],
    ['decimal amount', ok.replace('"700"', '"7.5"'), /\.amount: must be an unsigned integer/],
    ['zero amount', ok.replace('"700"', '"0"'), /\.amount: must be greater than zero/],
    ['negative balance', ok.replace('"1000"', '"-1"'), /participants\[0\]\.balance/],
    [
      'duplicate payment id',
      ok.replace(']' + ',"fifo"', ',{"id":"p1","from":"B","to":"A","amount":"1"}],"fifo"'),
      /payments\[1\] \(id "p1"\)\.id: duplicate payment id/,
    ],
    ['payment to self', ok.replace('"to":"B"', '"to":"A"'), /\.to: a payment to oneself/],
    ['unknown participant', ok.replace('"to":"B"', '"to":"Q"'), /\(id "p1"\)\.to: unknown participant "Q"/],
    ['bad fifo', ok.replace('"fifo":false', '"fifo":"yes"'), /\.fifo: must be true or false/],
    ['bad priority', ok.replace('"priority":0', '"priority":1.5'), /\.priority: must be an integer/],
    ['duplicate participant', ok.replace('{"id":"B","balance":"0"}', '{"id":"A","balance":"0"}'), /participants\[1\]\.id: duplicate participant id/],
  ];
  for (const [name, text, re] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => parseLsmScenario(text, 's.json'),
        (e: unknown) => e instanceof CliInputError && re.test(e.message),
      );
    });
  }
});

const arbProblem: fc.Arbitrary<LsmProblem> = fc
  .record({
    m: fc.integer({ min: 2, max: 5 }),
    fifo: fc.boolean(),
    balances: fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 40 }), fc.boolean()), { minLength: 5, maxLength: 5 }),
    payments: fc.array(fc.tuple(fc.nat(4), fc.nat(3), fc.integer({ min: 1, max: 200 })), { maxLength: 12 }),
  })
  .map(({ m, fifo, balances, payments }) => ({
    participants: Array.from({ length: m }, (_, i) => ({
      id: `P${i}`,
      balance: BigInt(balances[i]![0]),
      limit: balances[i]![2] ? BigInt(balances[i]![1]) : 0n,
    })),
    payments: payments.map(([f, t, a], k) => {
      const from = f % m;
      const to = (from + 1 + (t % (m - 1))) % m; // never the payer itself
      return { id: `q${k}`, from: `P${from}`, to: `P${to}`, amount: BigInt(a), priority: 0 };
    }),
    fifo,
  }));

describe('lsm: properties', () => {
  it('never breaks a limit, settles each payment at most once, reports its value, beats every baseline and never beats the optimum', () => {
    let equal = 0;
    let total = 0;
    fc.assert(
      fc.property(arbProblem, (p) => {
        const r = solveLsm(p, OPTS);
        assert.equal(settlementViolation(p, r.settled), null);
        assert.equal(new Set(r.settled).size, r.settled.length);
        const byId = new Map(p.payments.map((q) => [q.id, q.amount]));
        assert.equal(
          r.settled.reduce((s, id) => s + byId.get(id)!, 0n),
          r.settled_value,
        );
        for (const base of [solveFifoRtgs(p), solveBilateral(p), solveBechSoramaki(p)]) {
          assert.equal(settlementViolation(p, base.settled), null, base.method);
          assert.ok(r.settled_value >= base.settled_value, `${base.method} ${base.settled_value} > lsm ${r.settled_value}`);
        }
        const opt = bruteForce(p);
        assert.ok(r.settled_value <= opt);
        total++;
        if (r.settled_value === opt) equal++;
      }),
      { numRuns: 400, seed: 20240601 },
    );
    // A heuristic: optimal on nearly all small instances.
    assert.ok(equal / total >= 0.98, `optimal on ${equal} of ${total}`);
  });

  it('heavy-tailed amounts, 14 payments, scarce liquidity: never beyond the optimum, at it nearly always', () => {
    const arb = fc
      .record({
        caps: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 4, maxLength: 4 }),
        payments: fc.array(fc.tuple(fc.nat(3), fc.nat(2), fc.double({ min: 0.001, max: 1, noNaN: true })), { minLength: 14, maxLength: 14 }),
      })
      .map(
        ({ caps, payments }): LsmProblem => ({
          participants: caps.map((b, i) => ({ id: `P${i}`, balance: BigInt(b), limit: 0n })),
          payments: payments.map(([f, t, u], k) => ({
            id: `q${k}`,
            from: `P${f}`,
            to: `P${(f + 1 + t) % 4}`,
            amount: BigInt(Math.min(1_000_000, Math.floor(100 / Math.pow(u, 1 / 1.2)))),
            priority: 0,
          })),
          fifo: false,
        }),
      );
    let equal = 0;
    let total = 0;
    fc.assert(
      fc.property(arb, (p) => {
        const r = solveLsm(p, OPTS);
        assert.equal(settlementViolation(p, r.settled), null);
        const opt = bruteForce(p);
        assert.ok(r.settled_value <= opt);
        total++;
        if (r.settled_value === opt) equal++;
      }),
      { numRuns: 150, seed: 99 },
    );
    // Measured 130 of 150: heavy tails defeat the removal rule's greedy choices
    // more often than uniform amounts do (see the module header, Limits).
    assert.ok(equal / total >= 0.85, `optimal on ${equal} of ${total}`);
  });

  it('is deterministic without a clock', () => {
    fc.assert(
      fc.property(arbProblem, (p) => {
        assert.deepEqual(solveLsm(p, OPTS).settled, solveLsm(p, OPTS).settled);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe('lsm: heavy-tailed gridlocks (the benchmark generator, smaller)', () => {
  const sizes: [number, number][] = [
    [6, 40],
    [12, 150],
    [20, 400],
  ];
  for (const [participants, payments] of sizes) {
    it(`${participants} participants, ${payments} payments: valid, beats the baselines, deterministic on a work budget`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        for (const fifo of [false, true]) {
          const p: LsmProblem = { ...makeGridlockScenario(seed * 7919 + participants, participants, payments), fifo };
          const r = solveLsm(p, { work_budget: 300_000 });
          assert.equal(settlementViolation(p, r.settled), null);
          for (const base of [solveFifoRtgs(p), solveBilateral(p), solveBechSoramaki(p)]) {
            assert.ok(r.settled_value >= base.settled_value, `${base.method} ${base.settled_value} > lsm ${r.settled_value}`);
          }
          assert.deepEqual(solveLsm(p, { work_budget: 300_000 }).settled, r.settled);
          // A time budget cuts the search but never the guarantees.
          const timed = solveLsm(p, { clock: () => performance.now(), time_budget_ms: 5 });
          assert.equal(settlementViolation(p, timed.settled), null);
          assert.ok(timed.settled_value >= solveBechSoramaki(p).settled_value);
        }
      }
    });
  }

  it('a full-size scenario respects every limit under the default budgets', () => {
    const p = makeGridlockScenario(42_000_126);
    const r = solveLsm(p, { clock: () => performance.now() });
    assert.equal(settlementViolation(p, r.settled), null);
    assert.ok(r.settled_value >= solveBilateral(p).settled_value);
    assert.ok(r.settled_value >= solveFifoRtgs(p).settled_value);
  });
});

describe('lsm: internal bookkeeping and exact/float paths', () => {
  it('the engine keeps its per-payer selected lists, counts, slacks and value consistent through every move', () => {
    fc.assert(
      fc.property(arbProblem, fc.integer({ min: 1, max: 1000 }), (p, seed) => {
        assert.equal(engineSelfCheck(p, 60, seed), null);
      }),
      { numRuns: 300 },
    );
    for (const fifo of [false, true]) {
      const p: LsmProblem = { ...makeGridlockScenario(4242, 12, 150), fifo };
      assert.equal(engineSelfCheck(p, 400, 7), null);
    }
  });

  it('the baselines choose the same payments in float (small totals) and bigint (totals beyond 2^53) arithmetic', () => {
    // Scaling every amount and balance by 2^60 preserves every comparison, so
    // the exact bigint path must make the same choices as the float path.
    const scale = 1n << 60n;
    const scaled = (p: LsmProblem): LsmProblem => ({
      participants: p.participants.map((x) => ({ ...x, balance: x.balance * scale, limit: x.limit * scale })),
      payments: p.payments.map((x) => ({ ...x, amount: x.amount * scale })),
      fifo: p.fifo,
    });
    const check = (p: LsmProblem): void => {
      const q = scaled(p);
      for (const solve of [solveFifoRtgs, solveBilateral, solveBechSoramaki]) {
        const a = solve(p);
        const b = solve(q);
        assert.deepEqual(b.settled, a.settled, a.method);
        assert.equal(b.settled_value, a.settled_value * scale);
      }
      const r = solveLsm(q, OPTS);
      assert.equal(settlementViolation(q, r.settled), null);
      assert.ok(r.settled_value >= solveBechSoramaki(q).settled_value);
    };
    fc.assert(fc.property(arbProblem, check), { numRuns: 200 });
    for (const fifo of [false, true]) check({ ...makeGridlockScenario(99, 12, 150), fifo });
  });
});

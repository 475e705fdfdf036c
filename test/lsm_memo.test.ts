// The memo of LSM run solutions (clearing/lsm_memo.ts) changes no run: answered
// from the memo or solved, a run gives exactly what solving it again gives.
//  - on the solver: sequences of run problems with repeats and one-field changes,
//    the memo's answer equals solveRunProblem's, every time;
//  - the comparison: changing any one thing the solver reads makes another input;
//  - on the platform: random days of submissions, funding (runs on liquidity)
//    and LSM rounds give byte-identical command outputs with the memo and with
//    one that remembers nothing, and the memo does answer runs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LinkedItem } from '../src/clearing/lsm_linked.js';
import { LsmSolutionMemo, sameSolverInput, solverInput } from '../src/clearing/lsm_memo.js';
import { solveRunProblem, type LsmNode, type LsmRunProblem } from '../src/clearing/lsm_release.js';
import { RecordingLedger } from '../src/journal/command.js';
import { credit, Harness, scheme } from './support/lsm_harness.js';
import { BANKS, LP, payment } from './support/platform.js';

const [A, B, S, D, K] = BANKS;

interface RawRun {
  accounts: { balance: number; headroom: number }[];
  items: { from: number; to: number; amount: number; second: number; urgent: boolean }[];
  fifo: boolean;
}

const rawRunArb: fc.Arbitrary<RawRun> = fc.record({
  accounts: fc.array(fc.record({ balance: fc.integer({ min: 0, max: 3_000 }), headroom: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 })) }), {
    minLength: 6,
    maxLength: 6,
  }),
  items: fc.array(
    fc.record({
      from: fc.integer({ min: 0, max: 5 }),
      to: fc.integer({ min: 0, max: 5 }),
      amount: fc.integer({ min: 1, max: 4_000 }),
      second: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4_000 })),
      urgent: fc.boolean(),
    }),
    { minLength: 1, maxLength: 24 },
  ),
  fifo: fc.boolean(),
});

/** Nodes 0-5; an item with `second` > 0 has a second leg (a PvP payment's), from its payee's node to the next one. */
function toProblem(raw: RawRun): LsmRunProblem {
  const nodes: LsmNode[] = raw.accounts.map((a, n) => ({
    participant: `P${n}`,
    currency: n < 3 ? 'CNY' : 'RUB',
    balance: BigInt(a.balance),
    headroom: BigInt(a.headroom),
  }));
  const items: LinkedItem[] = raw.items.map((it, k) => {
    const to = it.to === it.from ? (it.from + 1) % 6 : it.to;
    const legs = [{ from: it.from, to, amount: BigInt(it.amount) }];
    if (it.second > 0) legs.push({ from: to, to: (to + 1) % 6, amount: BigInt(it.second) });
    return { id: `u${k}`, legs, weight: BigInt(it.amount), urgent: it.urgent };
  });
  return { currencies: ['CNY', 'RUB'], nodes, items, payments: [], fifo: raw.fifo, weight_unit: 'minor' };
}

/** A problem as text, to tell a change that changed nothing (bigints in decimal). */
function text(p: LsmRunProblem): string {
  return JSON.stringify(p, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** One thing the solver reads, changed. */
const CHANGES: ReadonlyArray<(raw: RawRun) => void> = [
  (r) => {
    r.accounts[0]!.balance++;
  },
  (r) => {
    r.accounts[5]!.headroom++;
  },
  (r) => {
    r.items[0]!.amount++;
  },
  (r) => {
    r.items[0]!.urgent = !r.items[0]!.urgent;
  },
  (r) => {
    r.items[0]!.second = r.items[0]!.second === 0 ? 7 : 0;
  },
  (r) => {
    r.items[0]!.to = (r.items[0]!.to + 1) % 6;
  },
  (r) => {
    // A second leg's amount (the weight is the first's): no change when there is none.
    if (r.items[0]!.second > 0) r.items[0]!.second++;
  },
  (r) => {
    r.fifo = !r.fifo;
  },
  (r) => {
    r.items.reverse();
  },
  (r) => {
    r.items.pop();
  },
];

test('the memo answers every run as solving it again would: repeats, one-field changes, rules versions', () => {
  let hits = 0;
  fc.assert(
    fc.property(
      fc.array(rawRunArb, { minLength: 1, maxLength: 3 }),
      fc.array(
        fc.record({
          pick: fc.nat(),
          change: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: CHANGES.length - 1 })),
          rules: fc.integer({ min: 3, max: 7 }),
        }),
        {
          minLength: 1,
          maxLength: 12,
        },
      ),
      (pool, steps) => {
        const memo = new LsmSolutionMemo(2);
        for (const st of steps) {
          const raw = structuredClone(pool[st.pick % pool.length]!);
          if (st.change >= 0) CHANGES[st.change]!(raw);
          const problem = toProblem(raw);
          if (problem.items.length === 0) continue;
          const got = memo.solve(problem, 50_000, st.rules);
          assert.deepEqual(got, solveRunProblem(toProblem(raw), 50_000, undefined, st.rules));
        }
        hits += memo.hits;
      },
    ),
    { numRuns: 150, seed: 0x18c },
  );
  assert.ok(hits > 20, `the memo answered ${hits} runs`);
});

test('an input equals the same problem only: not after changing anything the solver reads, the budget or the rules version', () => {
  fc.assert(
    fc.property(rawRunArb, (raw) => {
      const kept = solverInput(toProblem(raw), 50_000, 5);
      assert.ok(sameSolverInput(kept, toProblem(structuredClone(raw)), 50_000, 5));
      assert.ok(!sameSolverInput(kept, toProblem(raw), 50_001, 5));
      assert.ok(!sameSolverInput(kept, toProblem(raw), 50_000, 6));
      for (const [i, change] of CHANGES.entries()) {
        const other = structuredClone(raw);
        change(other);
        if (text(toProblem(other)) === text(toProblem(raw))) continue; // reversing one item, say
        assert.ok(!sameSolverInput(kept, toProblem(other), 50_000, 5), `change ${i}`);
      }
    }),
    { numRuns: 200, seed: 0x18d },
  );
});

test('the memo keeps its own copy: a problem changed after it was solved is not what the memo compares with', () => {
  const raw: RawRun = {
    accounts: Array.from({ length: 6 }, () => ({ balance: 1, headroom: 0 })),
    items: [{ from: 0, to: 1, amount: 5, second: 0, urgent: false }],
    fifo: true,
  };
  const problem = toProblem(raw);
  const kept = solverInput(problem, 1, 3);
  (problem.items[0]!.legs[0] as { amount: bigint }).amount = 6n;
  (problem.items[0] as { id: string }).id = 'other';
  assert.ok(sameSolverInput(kept, toProblem(raw), 1, 3));
  assert.ok(!sameSolverInput(kept, problem, 1, 3));
  const withId = (id: string): LsmRunProblem => ({ ...toProblem(raw), items: [{ ...toProblem(raw).items[0]!, id }] });
  assert.ok(!sameSolverInput(solverInput(withId('a 5'), 1, 3), withId('a'), 1, 3));
});

type Op = { kind: 'pay'; from: number; to: number; cents: number; pvp: boolean } | { kind: 'fund'; who: number; cents: number } | { kind: 'round' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      from: fc.nat(3),
      to: fc.nat(3),
      cents: fc.integer({ min: 100, max: 50_000 }),
      pvp: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fund' as const), who: fc.nat(3), cents: fc.integer({ min: 100, max: 30_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('round' as const) }) },
);

const CNY_BANKS = [A, B, S, K] as const;

function major(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** The commands of a day: built once, so both platforms get the same ids. */
function commandsOf(ops: readonly Op[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const op of ops) {
    if (op.kind === 'pay') {
      const p = op.pvp
        ? payment(D, CNY_BANKS[op.to]!, 'RUB', major(op.cents), { payee_currency: 'CNY', fx_provider: LP })
        : payment(CNY_BANKS[op.from]!, CNY_BANKS[op.to === op.from ? (op.to + 1) % 4 : op.to]!, 'CNY', major(op.cents));
      out.push({ type: 'submit_payments', payments: [p] });
    } else if (op.kind === 'fund') out.push({ type: 'fund', participant: CNY_BANKS[op.who]!, currency: 'CNY', amount: major(op.cents) });
    else for (const c of ['CNY', 'KZT', 'RUB']) out.push({ type: 'run_lsm', currency: c });
  }
  return out;
}

function platform(memo: LsmSolutionMemo): Harness {
  const h = new Harness(7);
  h.sm.lsmMemo = memo;
  scheme(h);
  h.run({ type: 'fund', participant: D, currency: 'RUB', amount: '2000.00' });
  h.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1.00' });
  credit(h, A, 'CNY', '100.00');
  return h;
}

function execBytes(h: Harness, c: Record<string, unknown>): string {
  h.now += 1_000n;
  return h.sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), h.now, new RecordingLedger(h.ledger, h.now), h.rules_version).text;
}

test('on the platform: the same day gives byte-identical outputs with the memo and without, and the memo answers runs', () => {
  let hits = 0;
  let released = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 4, maxLength: 30 }), fc.boolean(), (ops, bypass) => {
      const commands = commandsOf(ops);
      const withMemo = platform(new LsmSolutionMemo());
      const without = platform(new LsmSolutionMemo(0));
      for (const h of [withMemo, without]) if (bypass) h.run({ type: 'set_config', bypass_fifo: true });
      for (const c of commands) {
        const a = execBytes(withMemo, c);
        assert.equal(a, execBytes(without, c), JSON.stringify(c));
        if (c.type === 'run_lsm') released += (JSON.parse(a) as { result?: { released?: number } }).result?.released ?? 0;
      }
      assert.equal(without.sm.lsmMemo.hits, 0);
      hits += withMemo.sm.lsmMemo.hits;
    }),
    { numRuns: 60, seed: 0x18e },
  );
  assert.ok(hits > 20, `the memo answered ${hits} runs`);
  assert.ok(released > 0, 'some runs released payments');
});

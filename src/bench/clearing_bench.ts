// The clearing benchmark: multilateral netting speed, and the liquidity-saving
// mechanism's settled value against a reference optimum from the HiGHS MILP
// solver (npm `highs`, WebAssembly) computed in the same run, side by side with
// plain FIFO RTGS and bilateral offsetting on the same seeded gridlocks.
//
// Scenario shape (per the issue): 50 participants, 2,000 queued payments,
// heavy-tailed amounts (Pareto, alpha 1.2, from 10.00 up to 10,000,000.00 in
// minor units), payers and payees drawn with Zipf-like sizes, scarce liquidity:
// each participant holds 0-8% of its gross outflow and one in five has a credit
// limit of up to 4% more, so that plain FIFO settles well under half the value.
//
// The MILP reference: maximise sum a_p x_p, x binary, one row per participant
// (capacity + inflow - outflow >= 0), mip_rel_gap 0, time limit per scenario.
// Its solution is rounded and re-checked in exact bigint arithmetic (solver
// tolerances are floating point); should it break a limit it is repaired by
// removal and counted in the notes. The LP relaxation (same model, x in [0,1])
// gives an upper bound, so LSM / LP bound is a conservative floor on
// LSM / optimum.

import { netPositionsIndexed } from '../clearing/netting.js';
import { solveBilateral, solveFifoRtgs, solveLsm, type LsmProblem, type LsmSolution } from '../clearing/lsm.js';
import { Prng } from '../sim/prng.js';
import { median, percentile, round } from './stats.js';

export interface ClearingBenchOptions {
  /** Gridlock scenarios (the issue asks for at least 30). */
  scenarios: number;
  seed: number;
  /** HiGHS MILP time limit per scenario, seconds (the issue: 10). */
  highs_time_limit_s: number;
  progress: (message: string) => void;
}

export interface ClearingBenchResult {
  suite: 'clearing';
  metrics: {
    netting_1m_payments_ms: number;
    lsm_value_vs_optimal: number;
    lsm_median_ms: number;
    lsm_p99_ms: number;
    fifo_rtgs_value_vs_optimal: number;
    bilateral_only_value_vs_optimal: number;
    highs_proven_optimal: number;
    lsm_vs_lp_bound: number;
  };
  workload: {
    scenarios: number;
    seed: number;
    participants: number;
    payments: number;
    highs_time_limit_s: number;
    netting: { payments: number; participants: number; currencies: number };
  };
  notes: string[];
}

export const SCENARIO_PARTICIPANTS = 50;
export const SCENARIO_PAYMENTS = 2_000;
const NETTING_PAYMENTS = 1_000_000;
const NETTING_PARTICIPANTS = 500;
const NETTING_CURRENCIES = 10;
const NETTING_RUNS = 5;

function unit(rng: Prng): number {
  return (rng.nextU32() + 0.5) / 4294967296;
}

/** One seeded gridlock scenario (see the module header for its shape). */
export function makeGridlockScenario(seed: number, participants = SCENARIO_PARTICIPANTS, payments = SCENARIO_PAYMENTS): LsmProblem {
  const rng = new Prng(seed);
  const weights = Array.from({ length: participants }, (_, i) => 1 / Math.pow(i + 1, 0.7));
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const pick = (): number => {
    const x = unit(rng) * total;
    let i = 0;
    while (i < participants - 1 && cumulative[i]! < x) i++;
    return i;
  };
  const ids = Array.from({ length: participants }, (_, i) => `P${String(i).padStart(2, '0')}`);
  const gross = new Array<bigint>(participants).fill(0n);
  const list: LsmProblem['payments'][number][] = [];
  for (let k = 0; k < payments; k++) {
    const from = pick();
    let to = pick();
    while (to === from) to = pick();
    // Pareto(alpha 1.2) from 1,000 minor units, capped at 10^9 so sums stay far below 2^53.
    const amount = BigInt(Math.min(1e9, Math.floor(1000 / Math.pow(unit(rng), 1 / 1.2))));
    gross[from] = gross[from]! + amount;
    list.push({ id: `q${k}`, from: ids[from]!, to: ids[to]!, amount, priority: rng.below(10) === 0 ? 1 : 0 });
  }
  const fraction = (x: number): bigint => BigInt(Math.floor(x * 1_000_000));
  const parts = ids.map((id, i) => ({
    id,
    balance: (gross[i]! * fraction(0.08 * unit(rng))) / 1_000_000n,
    limit: rng.below(5) === 0 ? (gross[i]! * fraction(0.04 * unit(rng))) / 1_000_000n : 0n,
  }));
  return { participants: parts, payments: list, fifo: false };
}

/** The MILP (or, with `relax`, its LP relaxation) in CPLEX LP format. */
function lpModel(problem: LsmProblem, relax: boolean): string {
  const index = new Map(problem.participants.map((p, i) => [p.id, i]));
  const rows: string[][] = problem.participants.map(() => []);
  const obj: string[] = [];
  problem.payments.forEach((p, k) => {
    const a = p.amount.toString();
    obj.push(`+ ${a} x${k}`);
    rows[index.get(p.from)!]!.push(`- ${a} x${k}`);
    rows[index.get(p.to)!]!.push(`+ ${a} x${k}`);
  });
  const lines = ['Maximize', ` value: ${obj.join(' ')}`, 'Subject To'];
  problem.participants.forEach((p, i) => {
    if (rows[i]!.length > 0) lines.push(` c${i}: ${rows[i]!.join(' ')} >= ${-(p.balance + p.limit)}`);
  });
  if (problem.fifo) {
    const last = new Map<string, number>();
    problem.payments.forEach((p, k) => {
      const prev = last.get(p.from);
      if (prev !== undefined) lines.push(` f${k}: x${k} - x${prev} <= 0`);
      last.set(p.from, k);
    });
  }
  lines.push('Bounds');
  for (let k = 0; k < problem.payments.length; k++) lines.push(` 0 <= x${k} <= 1`);
  if (!relax) {
    lines.push('Binary');
    for (let k = 0; k < problem.payments.length; k += 20) {
      lines.push(
        ' ' +
          problem.payments
            .slice(k, k + 20)
            .map((_, j) => `x${k + j}`)
            .join(' '),
      );
    }
  }
  lines.push('End');
  return lines.join('\n');
}

/** Exact value of a selection; repairs it (drop from the end of a short payer's queue) if it breaks a limit. */
function exactRepair(problem: LsmProblem, chosen: boolean[]): { value: bigint; repaired: number } {
  const index = new Map(problem.participants.map((p, i) => [p.id, i]));
  const slack = problem.participants.map((p) => p.balance + p.limit);
  problem.payments.forEach((p, k) => {
    if (chosen[k]) {
      slack[index.get(p.from)!]! -= p.amount;
      slack[index.get(p.to)!]! += p.amount;
    }
  });
  let repaired = 0;
  for (let again = true; again; ) {
    again = false;
    for (let k = problem.payments.length - 1; k >= 0; k--) {
      const p = problem.payments[k]!;
      const f = index.get(p.from)!;
      if (chosen[k] && slack[f]! < 0n) {
        chosen[k] = false;
        slack[f]! += p.amount;
        slack[index.get(p.to)!]! -= p.amount;
        repaired++;
        again = true;
      }
    }
  }
  let value = 0n;
  problem.payments.forEach((p, k) => {
    if (chosen[k]) value += p.amount;
  });
  return { value, repaired };
}

type Highs = import('highs').Highs;

interface Reference {
  value: bigint;
  proven: boolean;
  lp_bound: number;
  repaired: number;
  status: string;
}

function reference(highs: Highs, problem: LsmProblem, timeLimit: number): Reference {
  // Options beyond the legacy typings are still valid HiGHS option names.
  const options = { output_flag: false, time_limit: timeLimit, mip_rel_gap: 0, mip_abs_gap: 0.5 } as Parameters<Highs['solve']>[1];
  const mip = highs.solve(lpModel(problem, false), options);
  const chosen = problem.payments.map((_, k) => {
    const col = mip.Columns[`x${k}`] as { Primal?: number } | undefined;
    return (col?.Primal ?? 0) > 0.5;
  });
  const hasSolution = mip.Status === 'Optimal' || mip.Status === 'Time limit reached';
  const { value, repaired } = hasSolution ? exactRepair(problem, chosen) : { value: 0n, repaired: 0 };
  const lp = highs.solve(lpModel(problem, true), { output_flag: false, time_limit: timeLimit });
  if (lp.Status !== 'Optimal') throw new Error(`LP relaxation: HiGHS status ${lp.Status}`);
  return { value, proven: mip.Status === 'Optimal' && repaired === 0, lp_bound: lp.ObjectiveValue, repaired, status: mip.Status };
}

function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return a === 0n ? 1 : Infinity;
  // Six significant digits without going through a float of the full amount.
  return Number((a * 1_000_000n) / b) / 1_000_000;
}

export function benchNetting(seed: number, progress: (m: string) => void): { median_ms: number; notes: string[] } {
  const rng = new Prng(seed ^ 0x6e6574);
  const n = NETTING_PAYMENTS;
  const payer = new Uint32Array(n);
  const payee = new Uint32Array(n);
  const currency = new Uint32Array(n);
  const amountBig: bigint[] = new Array<bigint>(n);
  const amount64 = new BigUint64Array(n);
  const amountF = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    payer[k] = rng.below(NETTING_PARTICIPANTS);
    let to = rng.below(NETTING_PARTICIPANTS - 1);
    if (to >= payer[k]!) to++;
    payee[k] = to;
    currency[k] = rng.below(NETTING_CURRENCIES);
    const a = Math.min(1e12, Math.floor(1000 / Math.pow(unit(rng), 1 / 1.2)));
    amountF[k] = a;
    amountBig[k] = BigInt(a);
    amount64[k] = BigInt(a);
  }
  const base = { participants: NETTING_PARTICIPANTS, currencies: NETTING_CURRENCIES, payer, payee, currency };
  const time = (amount: Float64Array | BigUint64Array | bigint[], label: string): number => {
    const runs: number[] = [];
    for (let r = 0; r < NETTING_RUNS; r++) {
      const t0 = performance.now();
      netPositionsIndexed({ ...base, amount });
      runs.push(performance.now() - t0);
    }
    progress(`netting (${label}): ${runs.map((x) => x.toFixed(1)).join(', ')} ms`);
    return median(runs);
  };
  const big = time(amountBig, 'bigint[] amounts');
  const u64 = time(amount64, 'BigUint64Array amounts');
  const f64 = time(amountF, 'Float64Array amounts');
  return {
    median_ms: big,
    notes: [
      `netting_1m_payments_ms: median of ${NETTING_RUNS} runs with amounts as bigint[] (the general, exact input); ` +
        `BigUint64Array input ${round(u64, 1)} ms, Float64Array (safe integers) ${round(f64, 1)} ms`,
    ],
  };
}

export async function runClearingBench(opts: ClearingBenchOptions): Promise<ClearingBenchResult> {
  if (!Number.isInteger(opts.scenarios) || opts.scenarios < 1) throw new Error('scenarios must be a positive integer');
  if (!(opts.highs_time_limit_s > 0)) throw new Error('highs_time_limit_s must be positive');
  const notes: string[] = [];

  opts.progress(`netting: ${NETTING_PAYMENTS} payments, ${NETTING_PARTICIPANTS} participants, ${NETTING_CURRENCIES} currencies`);
  const netting = benchNetting(opts.seed, opts.progress);
  notes.push(...netting.notes);

  // The package's typings describe its CommonJS face; under ESM its default export is the loader.
  const loader = (await import('highs')) as unknown as { default: () => Promise<Highs> };
  const highs = await loader.default();
  const runs = runLsmScenarios(opts);
  opts.progress(`lsm: ${runs.length} scenarios, median ${median(runs.map((r) => r.ms)).toFixed(1)} ms; now the HiGHS references`);
  const t = compareWithReferences(highs, runs, opts);
  notes.push(
    `${t.proven} of ${opts.scenarios} references proven optimal by HiGHS within ${opts.highs_time_limit_s} s; the others are its best solution at the time limit`,
    `lsm settled more than the HiGHS reference in ${t.lsmAboveReference} scenario(s); worst lsm/reference ${round(Math.min(...t.lsmRatio), 4)}, worst lsm/LP bound ${round(Math.min(...t.lsmLp), 4)}`,
    `lsm stop reasons: ${[...t.lsmStopped].map(([k, v]) => `${k} ${v}`).join(', ')}; winning candidate: ${[...t.methods].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    'lsm times include input compilation, the three exact baselines it must beat, the search and the exact post-check; default budgets (work 6,000,000 steps, 40 ms)',
  );
  if (t.repairedScenarios > 0)
    notes.push(`${t.repairedScenarios} HiGHS solution(s) broke a limit in exact arithmetic (solver tolerance) and were repaired by removal`);

  return {
    suite: 'clearing',
    metrics: {
      netting_1m_payments_ms: round(netting.median_ms, 1),
      lsm_value_vs_optimal: round(median(t.lsmRatio), 4),
      lsm_median_ms: round(median(t.lsmMs), 2),
      lsm_p99_ms: round(percentile(t.lsmMs, 99), 2),
      fifo_rtgs_value_vs_optimal: round(median(t.fifoRatio), 4),
      bilateral_only_value_vs_optimal: round(median(t.bilateralRatio), 4),
      highs_proven_optimal: t.proven,
      lsm_vs_lp_bound: round(median(t.lsmLp), 4),
    },
    workload: {
      scenarios: opts.scenarios,
      seed: opts.seed,
      participants: SCENARIO_PARTICIPANTS,
      payments: SCENARIO_PAYMENTS,
      highs_time_limit_s: opts.highs_time_limit_s,
      netting: { payments: NETTING_PAYMENTS, participants: NETTING_PARTICIPANTS, currencies: NETTING_CURRENCIES },
    },
    notes,
  };
}

interface LsmRun {
  seed: number;
  lsm: LsmSolution;
  ms: number;
  fifo: bigint;
  bilateral: bigint;
}

/**
 * All LSM runs first, after a warm-up on scenarios not measured: timing the
 * solver between multi-second HiGHS solves measures the JIT and the garbage
 * collector recovering from HiGHS's WebAssembly heap, not the algorithm.
 */
function runLsmScenarios(opts: ClearingBenchOptions): LsmRun[] {
  const seeds = Array.from({ length: opts.scenarios }, (_, s) => (opts.seed * 1_000_003 + s) >>> 0);
  for (let w = 0; w < 5; w++) solveLsm(makeGridlockScenario(0xfeed0000 + w), { clock: () => performance.now() });
  return seeds.map((seed) => {
    const problem = makeGridlockScenario(seed);
    const t0 = performance.now();
    const lsm: LsmSolution = solveLsm(problem, { clock: () => performance.now() });
    const ms = performance.now() - t0;
    return { seed, lsm, ms, fifo: solveFifoRtgs(problem).settled_value, bilateral: solveBilateral(problem).settled_value };
  });
}

interface ReferenceTally {
  lsmMs: number[];
  lsmRatio: number[];
  lsmLp: number[];
  fifoRatio: number[];
  bilateralRatio: number[];
  proven: number;
  repairedScenarios: number;
  lsmAboveReference: number;
  lsmStopped: Map<string, number>;
  methods: Map<string, number>;
}

/** Each run against HiGHS's answer on the same scenario. */
function compareWithReferences(highs: Highs, runs: LsmRun[], opts: ClearingBenchOptions): ReferenceTally {
  const t: ReferenceTally = {
    lsmMs: [],
    lsmRatio: [],
    lsmLp: [],
    fifoRatio: [],
    bilateralRatio: [],
    proven: 0,
    repairedScenarios: 0,
    lsmAboveReference: 0,
    lsmStopped: new Map(),
    methods: new Map(),
  };
  for (const [s, run] of runs.entries()) {
    const { seed, lsm, ms } = run;
    const problem = makeGridlockScenario(seed);
    const ref = reference(highs, problem, opts.highs_time_limit_s);
    if (ref.proven) t.proven++;
    if (ref.repaired > 0) t.repairedScenarios++;
    // The reference is HiGHS's answer as the issue defines it; should the LSM beat an unproven incumbent, the ratio exceeds 1.
    if (lsm.settled_value > ref.value) t.lsmAboveReference++;
    t.lsmMs.push(ms);
    t.lsmRatio.push(ratio(lsm.settled_value, ref.value));
    t.fifoRatio.push(ratio(run.fifo, ref.value));
    t.bilateralRatio.push(ratio(run.bilateral, ref.value));
    t.lsmLp.push(Number(lsm.settled_value) / ref.lp_bound);
    t.lsmStopped.set(lsm.stopped, (t.lsmStopped.get(lsm.stopped) ?? 0) + 1);
    const family = lsm.method.replace(/\(.*$/, '');
    t.methods.set(family, (t.methods.get(family) ?? 0) + 1);
    opts.progress(
      `scenario ${s + 1}/${opts.scenarios} (seed ${seed}): lsm ${t.lsmRatio.at(-1)!.toFixed(4)} of ${ref.proven ? 'proven optimum' : `HiGHS best (${ref.status})`} ` +
        `in ${ms.toFixed(1)} ms [${lsm.method}, ${lsm.stopped}], vs LP bound ${t.lsmLp.at(-1)!.toFixed(4)}; ` +
        `fifo ${t.fifoRatio.at(-1)!.toFixed(3)}, bilateral ${t.bilateralRatio.at(-1)!.toFixed(3)}`,
    );
  }
  return t;
}

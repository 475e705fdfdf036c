// The clearing benchmark: multilateral netting speed, and the liquidity-saving
// mechanism's settled value against a reference optimum from the HiGHS MILP
// solver (npm `highs`, WebAssembly), side by side with the v2 solver (solveLsm),
// plain FIFO RTGS and bilateral offsetting on the same seeded gridlocks.
//
// Gridlocks come from the families of gridlock_families.ts (topologies, sizes,
// value distributions, liquidity, one or two currencies with linked PvP items),
// in two sets: TUNING and HELD-OUT (other seeds, and families of its own). The
// figures are reported per family and set, and overall (median and worst).
// makeGridlockScenario below is the v2 benchmark's scenario (the `classic`
// family has its shape); tests use it.
//
// The MILP reference: maximise sum weight_k x_k, x binary, one row per node
// (capacity + inflows - outflows of the chosen items' legs >= 0; an item's legs
// share its variable, so linked items settle whole), FIFO rows when the problem
// asks, mip_rel_gap 0, time limit per instance. Its solution is rounded and
// re-checked in exact bigint arithmetic (solver tolerances are floating point);
// should it break a limit it is repaired by removal and counted in the notes. The
// LP relaxation (same model, x in [0,1]) gives an upper bound, so LSM / LP bound
// is a conservative floor on LSM / optimum.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { netPositionsIndexed } from '../clearing/netting.js';
import { solveBilateral, solveLsm, type LsmProblem } from '../clearing/lsm.js';
import {
  compileLinked,
  exactRepairLinked,
  exactWeight,
  fifoRtgsLinked,
  linkedViolation,
  solveLinked,
  type LinkedProblem,
  type LinkedSolution,
} from '../clearing/lsm_linked.js';
import { Prng } from '../sim/prng.js';
import { familyInstances, type FamilySet, type GridlockInstance } from './gridlock_families.js';
import { lpModel } from './lp_model.js';
import { novelInstances } from './gridlock_novel.js';
import { unseenInstances } from './gridlock_unseen.js';
import { median, percentile, round } from './stats.js';

export interface ClearingBenchOptions {
  /** Instances per family and set. */
  scenarios: number;
  seed: number;
  /** HiGHS MILP time limit per instance, seconds. */
  highs_time_limit_s: number;
  progress: (message: string) => void;
  /** Only these families (default all). */
  families?: readonly string[] | null;
  /** Which sets (default both). */
  sets?: readonly FamilySet[];
  /** solveLinked's work budget (default: its own, linkedWorkBudget of the problem's size). */
  work_budget?: number;
  /** Measure netting too (default true). */
  netting?: boolean;
  /** A JSON file of HiGHS references kept between runs (default none). */
  reference_cache?: string | null;
}

export interface ClearingBenchResult {
  suite: 'clearing';
  metrics: {
    netting_1m_payments_ms: number;
    /** Median over every instance of both sets: the v3 solver (solveLinked) / HiGHS reference. */
    lsm_value_vs_optimal: number;
    lsm_worst_vs_optimal: number;
    lsm_held_out_value_vs_optimal: number | null;
    lsm_held_out_worst_vs_optimal: number | null;
    /** The unseen families (gridlock_unseen.ts): shapes never used in tuning. */
    lsm_unseen_value_vs_optimal: number | null;
    lsm_unseen_worst_vs_optimal: number | null;
    /** The novel families (gridlock_novel.ts), written with the second-wave solver and never used to tune it. */
    lsm_novel_value_vs_optimal: number | null;
    lsm_novel_worst_vs_optimal: number | null;
    /**
     * The same over every instance against the best feasible value known (HiGHS's incumbent or LSM's own): a ceiling
     * on LSM / optimum where lsm_*_vs_optimal is the floor (equal on proven instances).
     */
    lsm_value_vs_best_known: number;
    lsm_worst_vs_best_known: number;
    lsm_median_ms: number;
    lsm_p99_ms: number;
    /** The v2 solver (solveLsm) on the single-currency instances. */
    lsm_v2_value_vs_optimal: number | null;
    lsm_v2_worst_vs_optimal: number | null;
    fifo_rtgs_value_vs_optimal: number;
    bilateral_only_value_vs_optimal: number | null;
    highs_proven_optimal: number;
    lsm_vs_lp_bound: number;
    /** Instances whose reference is not a proven optimum; their figures are against a valid upper bound (see unproven). */
    highs_unproven: number;
  };
  families: FamilyFigures[];
  /** Every instance HiGHS did not prove, with LSM, the incumbent and the bound its figures use. */
  unproven: UnprovenInstance[];
  workload: {
    scenarios_per_family: number;
    instances: number;
    seed: number;
    sets: readonly FamilySet[];
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
const ALL_SETS: readonly FamilySet[] = ['tuning', 'held_out', 'unseen', 'novel'];

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

/** Exact weight of a selection; repairs it (drop the latest chosen item drawing on a short node) if it breaks a capacity or the FIFO rule. */
function exactRepair(problem: LinkedProblem, chosen: boolean[]): { value: bigint; repaired: number } {
  const net = compileLinked(problem);
  const sel = Uint8Array.from(chosen, (x) => (x ? 1 : 0));
  const before = sel.reduce((a, x) => a + x, 0);
  if (linkedViolation(net, sel) !== null) exactRepairLinked(net, sel);
  return { value: exactWeight(net, sel), repaired: before - sel.reduce((a, x) => a + x, 0) };
}

type Highs = import('highs').Highs;

export interface Reference {
  value: bigint;
  proven: boolean;
  lp_bound: number;
  repaired: number;
  status: string;
  /** HiGHS's proven upper bound on the optimum at the time limit (mip_dual_bound); null in caches written before it was kept. */
  dual_bound?: number | null;
}

/** The legacy API's status names, kept in the cache and the progress lines. */
const MODEL_STATUS: Record<number, string> = { 7: 'Optimal', 8: 'Infeasible', 13: 'Time limit reached', 14: 'Iteration limit reached', 17: 'Interrupted' };

function reference(highs: Highs, problem: LinkedProblem, timeLimit: number): Reference {
  // The persistent model (not the one-shot solve) so that the dual bound can be read after a time limit.
  const model = highs.createModel({ format: 'lp', data: lpModel(problem, false) });
  let chosen: boolean[];
  let status: string;
  let hasSolution: boolean;
  let dualBound: number | null;
  try {
    model.options.set({ output_flag: false, time_limit: timeLimit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
    model.run();
    const code = model.getModelStatus();
    status = MODEL_STATUS[code] ?? `status ${code}`;
    // primal_solution_status 2: a feasible incumbent exists.
    hasSolution = Number(model.info.get('primal_solution_status')) === 2;
    const colValue = model.getSolution().colValue;
    chosen = problem.items.map((_, k) => hasSolution && (colValue[model.getColByName(`x${k}`)] ?? 0) > 0.5);
    const dual = Number(model.info.get('mip_dual_bound'));
    dualBound = Number.isFinite(dual) ? dual : null;
  } finally {
    model.dispose();
  }
  const { value, repaired } = hasSolution ? exactRepair(problem, chosen) : { value: 0n, repaired: 0 };
  const lp = highs.solve(lpModel(problem, true), { output_flag: false, time_limit: timeLimit });
  if (lp.Status !== 'Optimal') throw new Error(`LP relaxation: HiGHS status ${lp.Status}`);
  return { value, proven: status === 'Optimal' && repaired === 0, lp_bound: lp.ObjectiveValue, repaired, status, dual_bound: dualBound };
}

/**
 * LSM's settled weight against the reference. A proven optimum is the reference itself. Without a proof, HiGHS's
 * incumbent is only a lower bound on the optimum (it can be 0, or below LSM), so LSM / incumbent overstates LSM /
 * optimum and, when the incumbent is 0, is no number at all: the instance is then measured against the tightest valid
 * upper bound, min(HiGHS's dual bound, the LP bound), never below the incumbent. The figure is a floor on LSM /
 * optimum, so a bad instance cannot drop out of the worst. `vs_best_known` is the matching ceiling: LSM / the best
 * feasible value known (the incumbent, or LSM's own when heavier); the true figure lies between the two.
 */
export function lsmVsReference(lsm: bigint, ref: Reference): { ratio: number; bound: number; vs_incumbent: number | null; vs_best_known: number } {
  const vsIncumbent = ref.value === 0n ? null : ratio(lsm, ref.value);
  if (ref.proven) {
    const r = ratio(lsm, ref.value);
    return { ratio: r, bound: Number(ref.value), vs_incumbent: vsIncumbent, vs_best_known: r };
  }
  // The ceiling: LSM / the best feasible value known (HiGHS's incumbent or LSM's own), never above 1.
  const vsBestKnown = lsm >= ref.value ? 1 : ratio(lsm, ref.value);
  const dual = ref.dual_bound ?? null;
  const bound = Math.max(Number(ref.value), dual === null ? ref.lp_bound : Math.min(dual, ref.lp_bound));
  const r = bound > 0 ? Number(lsm) / bound : lsm === 0n ? 1 : Infinity;
  return { ratio: Math.floor(r * 1_000_000) / 1_000_000, bound, vs_incumbent: vsIncumbent, vs_best_known: vsBestKnown };
}

/** HiGHS references kept between runs (a file), keyed by instance and time limit: re-running the solver side needs no new MILP solves. */
class ReferenceCache {
  private readonly entries: Record<string, { value: string; proven: boolean; lp_bound: number; repaired: number; status: string; dual_bound?: number | null }>;
  constructor(private readonly path: string | null) {
    this.entries = path !== null && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  }
  get(highs: () => Highs, inst: GridlockInstance, timeLimit: number): Reference {
    const key = `${inst.set}/${inst.family}/${inst.seed}/${inst.problem.items.length}/${timeLimit}s`;
    const hit = this.entries[key];
    if (hit !== undefined) return { ...hit, value: BigInt(hit.value) };
    const ref = reference(highs(), inst.problem, timeLimit);
    this.entries[key] = { ...ref, value: ref.value.toString() };
    if (this.path !== null) writeFileSync(this.path, JSON.stringify(this.entries, null, 1));
    return ref;
  }
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
  let nettingMs = Number.NaN;
  if (opts.netting !== false) {
    opts.progress(`netting: ${NETTING_PAYMENTS} payments, ${NETTING_PARTICIPANTS} participants, ${NETTING_CURRENCIES} currencies`);
    const netting = benchNetting(opts.seed, opts.progress);
    nettingMs = netting.median_ms;
    notes.push(...netting.notes);
  }
  const sets = opts.sets ?? ALL_SETS;
  const instances = sets.flatMap((set) =>
    set === 'unseen'
      ? unseenInstances(opts.seed, opts.scenarios, opts.families ?? null)
      : set === 'novel'
        ? novelInstances(opts.seed, opts.scenarios, opts.families ?? null)
        : familyInstances(set, opts.seed, opts.scenarios, opts.families ?? null),
  );
  if (instances.length === 0) throw new Error('no gridlock instance: check the family names');
  const runs = runSolvers(instances, opts);
  opts.progress(`lsm: ${runs.length} instances, median ${median(runs.map((r) => r.ms)).toFixed(1)} ms; now the HiGHS references`);
  // The package's typings describe its CommonJS face; under ESM its default export is the loader.
  const loader = (await import('highs')) as unknown as { default: () => Promise<Highs> };
  const highs = await loader.default();
  const cache = new ReferenceCache(opts.reference_cache ?? null);
  const rows = runs.map((run, i) =>
    compareRun(
      run,
      cache.get(() => highs, run.inst, opts.highs_time_limit_s),
      i,
      runs.length,
      opts,
    ),
  );
  return summarise(rows, nettingMs, notes, opts);
}

interface LsmRun {
  inst: GridlockInstance;
  lsm: LinkedSolution;
  ms: number;
  /** The v2 solver (solveLsm with the platform's work budget), single-currency families only. */
  v2: { value: bigint; ms: number; method: string } | null;
  fifo: bigint;
  bilateral: bigint | null;
}

/** The v2 solver's budget in the platform (rules 1 and 2): work steps, no clock. */
const V2_WORK_BUDGET = 2_000_000;

/**
 * All solver runs first, after a warm-up on instances not measured: timing the
 * solver between multi-second HiGHS solves measures the JIT and the garbage
 * collector recovering from HiGHS's WebAssembly heap, not the algorithm.
 */
function runSolvers(instances: readonly GridlockInstance[], opts: ClearingBenchOptions): LsmRun[] {
  const options = opts.work_budget === undefined ? {} : { work_budget: opts.work_budget };
  for (const w of [0, 1, 2]) {
    const warm = familyInstances('tuning', 0xfeed0000 + w, 1, ['classic', 'pvp'])[0]!;
    solveLinked(warm.problem, options);
    if (warm.lsm !== null) solveLsm(warm.lsm, { work_budget: V2_WORK_BUDGET });
  }
  return instances.map((inst) => {
    const t0 = performance.now();
    const lsm = solveLinked(inst.problem, options);
    const ms = performance.now() - t0;
    let v2: LsmRun['v2'] = null;
    if (inst.lsm !== null) {
      const t1 = performance.now();
      const s = solveLsm(inst.lsm, { work_budget: V2_WORK_BUDGET });
      v2 = { value: s.settled_value, ms: performance.now() - t1, method: s.method };
    }
    const net = compileLinked(inst.problem);
    const fifo = exactWeight(net, fifoRtgsLinked(net));
    const bilateral = inst.lsm === null ? null : solveBilateral(inst.lsm).settled_value;
    return { inst, lsm, ms, v2, fifo, bilateral };
  });
}

interface Row {
  family: string;
  set: FamilySet;
  seed: number;
  ms: number;
  ratio: number;
  /** LSM / the best feasible value known: a ceiling on LSM / optimum (equal to ratio when proven). */
  best: number;
  lp: number;
  v2: number | null;
  v2_ms: number | null;
  fifo: number;
  bilateral: number | null;
  proven: boolean;
  repaired: boolean;
  method: string;
  /** Set when HiGHS did not prove its optimum: what the row's ratios were measured against, and the incumbent. */
  unproven: UnprovenInstance | null;
}

/** An instance whose reference is not a proven optimum (ClearingBenchResult.unproven). */
export interface UnprovenInstance {
  set: FamilySet;
  family: string;
  seed: number;
  status: string;
  /** Exact weights as decimal strings. */
  lsm_weight: string;
  highs_incumbent: string;
  highs_dual_bound: number | null;
  lp_bound: number;
  /** The bound the instance's figures use: max(incumbent, min(dual bound, LP bound)). */
  bound: number;
  lsm_vs_bound: number;
  /** LSM / HiGHS's incumbent, the figure before the bound was used; null when the incumbent is 0. */
  lsm_vs_incumbent: number | null;
}

function compareRun(run: LsmRun, ref: Reference, i: number, total: number, opts: ClearingBenchOptions): Row {
  const { inst, lsm, ms, v2 } = run;
  const vs = lsmVsReference(lsm.settled_weight, ref);
  const row: Row = {
    family: inst.family,
    set: inst.set,
    seed: inst.seed,
    ms,
    ratio: vs.ratio,
    best: vs.vs_best_known,
    lp: Number(lsm.settled_weight) / ref.lp_bound,
    v2: v2 === null ? null : lsmVsReference(v2.value, ref).ratio,
    v2_ms: v2?.ms ?? null,
    fifo: lsmVsReference(run.fifo, ref).ratio,
    bilateral: run.bilateral === null ? null : lsmVsReference(run.bilateral, ref).ratio,
    proven: ref.proven,
    repaired: ref.repaired > 0,
    method: lsm.method.replace(/\(.*$/, ''),
    unproven: ref.proven
      ? null
      : {
          set: inst.set,
          family: inst.family,
          seed: inst.seed,
          status: ref.status,
          lsm_weight: lsm.settled_weight.toString(),
          highs_incumbent: ref.value.toString(),
          highs_dual_bound: ref.dual_bound ?? null,
          lp_bound: ref.lp_bound,
          bound: vs.bound,
          lsm_vs_bound: vs.ratio,
          lsm_vs_incumbent: vs.vs_incumbent,
        },
  };
  opts.progress(
    `${i + 1}/${total} ${inst.set}/${inst.family} (seed ${inst.seed}): lsm ${row.ratio.toFixed(4)} of ${ref.proven ? 'proven optimum' : `HiGHS's bound ${Math.round(vs.bound)} (${ref.status}; ${vs.vs_incumbent?.toFixed(4) ?? 'no'} of its incumbent)`} ` +
      `in ${ms.toFixed(1)} ms [${lsm.method}]; v2 ${row.v2?.toFixed(4) ?? 'n/a'}; fifo ${row.fifo.toFixed(3)}, bilateral ${row.bilateral?.toFixed(3) ?? 'n/a'}`,
  );
  return row;
}

export interface FamilyFigures {
  family: string;
  set: FamilySet;
  instances: number;
  lsm_median_vs_optimal: number;
  lsm_worst_vs_optimal: number;
  /**
   * LSM / the best feasible value known (HiGHS's incumbent, or LSM's own when heavier): a ceiling on LSM / optimum,
   * where lsm_*_vs_optimal is the floor; the two are equal on proven instances.
   */
  lsm_median_vs_best_known: number;
  lsm_worst_vs_best_known: number;
  lsm_median_ms: number;
  /** LSM / the LP relaxation's bound: a floor on LSM / optimum that does not depend on how far HiGHS got in its time limit. */
  lsm_median_vs_lp_bound: number;
  lsm_worst_vs_lp_bound: number;
  /** The v2 solver (solveLsm) on the same instances; null for two-currency families (it cannot link legs). */
  lsm_v2_median_vs_optimal: number | null;
  lsm_v2_worst_vs_optimal: number | null;
  lsm_v2_median_ms: number | null;
  fifo_rtgs_median_vs_optimal: number;
  bilateral_median_vs_optimal: number | null;
  highs_proven_optimal: number;
}

function figures(rows: readonly Row[]): Omit<FamilyFigures, 'family' | 'set'> {
  const nums = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
  const v2 = nums(rows.map((r) => r.v2));
  const v2ms = nums(rows.map((r) => r.v2_ms));
  const bil = nums(rows.map((r) => r.bilateral));
  return {
    instances: rows.length,
    lsm_median_vs_optimal: round(median(rows.map((r) => r.ratio)), 4),
    lsm_worst_vs_optimal: round(Math.min(...rows.map((r) => r.ratio)), 4),
    lsm_median_vs_best_known: round(median(rows.map((r) => r.best)), 4),
    lsm_worst_vs_best_known: round(Math.min(...rows.map((r) => r.best)), 4),
    lsm_median_ms: round(median(rows.map((r) => r.ms)), 2),
    lsm_median_vs_lp_bound: round(median(rows.map((r) => r.lp)), 4),
    lsm_worst_vs_lp_bound: round(Math.min(...rows.map((r) => r.lp)), 4),
    lsm_v2_median_vs_optimal: v2.length === 0 ? null : round(median(v2), 4),
    lsm_v2_worst_vs_optimal: v2.length === 0 ? null : round(Math.min(...v2), 4),
    lsm_v2_median_ms: v2ms.length === 0 ? null : round(median(v2ms), 2),
    fifo_rtgs_median_vs_optimal: round(median(rows.map((r) => r.fifo)), 4),
    bilateral_median_vs_optimal: bil.length === 0 ? null : round(median(bil), 4),
    highs_proven_optimal: rows.filter((r) => r.proven).length,
  };
}

function summarise(rows: readonly Row[], nettingMs: number, notes: string[], opts: ClearingBenchOptions): ClearingBenchResult {
  const families: FamilyFigures[] = [];
  for (const r of rows) {
    if (families.some((f) => f.family === r.family && f.set === r.set)) continue;
    families.push({ family: r.family, set: r.set, ...figures(rows.filter((x) => x.family === r.family && x.set === r.set)) });
  }
  const all = figures(rows);
  const held = rows.filter((r) => r.set === 'held_out');
  const heldFigures = held.length === 0 ? null : figures(held);
  const unseen = rows.filter((r) => r.set === 'unseen');
  const unseenFigures = unseen.length === 0 ? null : figures(unseen);
  const novel = rows.filter((r) => r.set === 'novel');
  const novelFigures = novel.length === 0 ? null : figures(novel);
  const methods = new Map<string, number>();
  for (const r of rows) methods.set(r.method, (methods.get(r.method) ?? 0) + 1);
  const repaired = rows.filter((r) => r.repaired).length;
  notes.push(
    `${all.highs_proven_optimal} of ${rows.length} references proven optimal by HiGHS within ${opts.highs_time_limit_s} s; ` +
      'the others are measured against a valid upper bound, max(incumbent, min(HiGHS dual bound, LP bound)), and listed in unproven with the incumbent',
    `lsm (solveLinked, work budget ${opts.work_budget ?? 'default: linkedWorkBudget(nodes, items)'}) settled more than the HiGHS reference in ${rows.filter((r) => r.ratio > 1).length} instance(s); worst lsm/LP bound ${round(Math.min(...rows.map((r) => r.lp)), 4)}`,
    `winning candidate: ${[...methods].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `v2 = solveLsm (rules 1-2) with the platform's budget (${V2_WORK_BUDGET} work steps, no clock), single-currency families only`,
    'lsm times include validation, input compilation, the exact FIFO floor, the search and the exact post-check',
  );
  if (repaired > 0) notes.push(`${repaired} HiGHS solution(s) broke a limit in exact arithmetic (solver tolerance) and were repaired by removal`);
  return {
    suite: 'clearing',
    metrics: {
      netting_1m_payments_ms: round(nettingMs, 1),
      lsm_value_vs_optimal: all.lsm_median_vs_optimal,
      lsm_worst_vs_optimal: all.lsm_worst_vs_optimal,
      lsm_held_out_value_vs_optimal: heldFigures?.lsm_median_vs_optimal ?? null,
      lsm_held_out_worst_vs_optimal: heldFigures?.lsm_worst_vs_optimal ?? null,
      lsm_unseen_value_vs_optimal: unseenFigures?.lsm_median_vs_optimal ?? null,
      lsm_unseen_worst_vs_optimal: unseenFigures?.lsm_worst_vs_optimal ?? null,
      lsm_novel_value_vs_optimal: novelFigures?.lsm_median_vs_optimal ?? null,
      lsm_novel_worst_vs_optimal: novelFigures?.lsm_worst_vs_optimal ?? null,
      lsm_value_vs_best_known: all.lsm_median_vs_best_known,
      lsm_worst_vs_best_known: all.lsm_worst_vs_best_known,
      lsm_median_ms: all.lsm_median_ms,
      lsm_p99_ms: round(
        percentile(
          rows.map((r) => r.ms),
          99,
        ),
        2,
      ),
      lsm_v2_value_vs_optimal: all.lsm_v2_median_vs_optimal,
      lsm_v2_worst_vs_optimal: all.lsm_v2_worst_vs_optimal,
      fifo_rtgs_value_vs_optimal: all.fifo_rtgs_median_vs_optimal,
      bilateral_only_value_vs_optimal: all.bilateral_median_vs_optimal,
      highs_proven_optimal: all.highs_proven_optimal,
      lsm_vs_lp_bound: round(median(rows.map((r) => r.lp)), 4),
      highs_unproven: rows.length - all.highs_proven_optimal,
    },
    families,
    unproven: rows.flatMap((r) => (r.unproven === null ? [] : [r.unproven])),
    workload: {
      scenarios_per_family: opts.scenarios,
      instances: rows.length,
      seed: opts.seed,
      sets: opts.sets ?? ALL_SETS,
      highs_time_limit_s: opts.highs_time_limit_s,
      netting: { payments: NETTING_PAYMENTS, participants: NETTING_PARTICIPANTS, currencies: NETTING_CURRENCIES },
    },
    notes,
  };
}

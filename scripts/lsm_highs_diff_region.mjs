// Whether the exact region search (rules 13-18's regionBranchAndBound) can find HiGHS's better choice when given
// exactly the trades where it differs from the LSM's (issue #16, rules 19 not made). For each instance: the LSM's
// choice (solveLinked of DIST, the current rules), HiGHS's (MILP with a time limit), the items where they differ
// (the "diff region", rest of the LSM's choice fixed), its rows and the rows its items must cover (room < 0 with
// the region's items dropped), the gain HiGHS's choice holds there, the region's root relaxation over the LSM's
// choice, and what the branch and bound (reduced-cost fixing on, as rules 16-18 run it) finds within each budget.
// Then the same search over the whole run's relaxation's moved items (|x - sel| > 1e-6: an RINS-like region).
// Usage: node scripts/lsm_highs_diff_region.mjs DIST SET FAMILY RUN_SEED [PER_FAMILY=3] [HIGHS_S=20] [BUDGETS=1e7,1e8,1e9]
import { loadLsmProbe } from './lsm_probe_modules.mjs';

const [distArg, set, fam, seedArg, perArg, highsArg, budgetsArg] = process.argv.slice(2);
if (seedArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_highs_diff_region.mjs DIST SET FAMILY RUN_SEED [PER_FAMILY] [HIGHS_S] [BUDGETS]\n');
  process.exit(2);
}
const { L, X, S, P, lpModel, highs, instances } = await loadLsmProbe(distArg);
const seed = Number(seedArg);
const per = Number(perArg ?? 3);
const limit = Number(highsArg ?? 20);
const budgets = (budgetsArg ?? '1e7,1e8,1e9').split(',').map(Number);
const runInstances = instances(set, seed, per, fam);

/** The branch and bound over `items` (rest of `sel` fixed) within each budget: the gain it finds, whether it finished, ms. */
function search(net, sel, items, slack) {
  const r = X.buildRegion(net, items, slack, sel);
  const start = Uint8Array.from(items, (k) => sel[k]);
  const out = [];
  for (const max of budgets) {
    const work = { steps: 0, max };
    const t = process.cpuUsage();
    const { best, complete } = X.regionBranchAndBound(r, start, work, true);
    const c = process.cpuUsage(t);
    const gain = best === null ? 0n : X.regionWeight(r, best) - X.regionWeight(r, start);
    out.push(`${max.toExponential(0)}: +${gain}${complete ? ' (finished)' : ''} ${((c.user + c.system) / 1000).toFixed(0)} ms`);
  }
  const must = r.resid.filter((v) => v < 0n).length;
  return { r, start, must, out };
}

/** The whole run's relaxation, warm-started from `sel` (scaled by powers of two, as the regions' are): each item's value. */
function wholeRelaxation(net, sel, slack) {
  const all = Array.from({ length: net.m }, (_, k) => k);
  const r = X.buildRegion(net, all, slack, sel);
  const p2 = (v) => {
    let m = 0;
    for (const x of v) m = Math.max(m, Math.abs(x));
    return m > 0 ? 2 ** Math.floor(Math.log2(m)) : 1;
  };
  const aS = p2(r.effF);
  const scaled = {
    nodes: r.nodes,
    m: r.m,
    effStart: r.effStart,
    effNode: r.effNode,
    effF: r.effF.map((x) => x / aS),
    weightF: r.weightF.map((x) => x / p2(r.weightF)),
  };
  const lp = new P.BoundedLp(
    scaled,
    Float64Array.from(r.resid, (v) => Number(v) / aS),
    sel.slice(),
  );
  lp.optimise({ steps: 0, max: 1e9 });
  return all.map((k) => lp.x(k));
}

for (const inst of runInstances) {
  const net = L.compileLinked(inst.problem);
  const a = L.solveLinked(inst.problem);
  const ids = new Set(a.settled);
  const sel = Uint8Array.from(inst.problem.items, (it) => (ids.has(it.id) ? 1 : 0));
  const mip = highs.solve(lpModel(inst.problem, false), { output_flag: false, time_limit: limit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  const h = Uint8Array.from(inst.problem.items, (_, k) => Math.round(mip.Columns[`x${k}`].Primal));
  const hOk = L.linkedViolation(net, h) === null;
  const w = L.exactWeight(net, sel);
  const wh = L.exactWeight(net, h);
  const slack = S.exactRoom(net, net.cap, sel);
  const diff = [];
  for (let k = 0; k < net.m; k++) if (h[k] !== sel[k]) diff.push(k);
  console.log(
    `${fam} ${inst.seed}: LSM ${w} (${(Number(w) / Number(wh)).toFixed(4)} of HiGHS ${wh}, ${mip.Status}, feasible ${hOk}); ` +
      `${diff.length} items differ (HiGHS settles ${diff.filter((k) => h[k] === 1).length}, LSM ${diff.filter((k) => sel[k] === 1).length})`,
  );
  if (diff.length === 0 || !hOk) continue;
  const D = search(net, sel, diff, slack);
  console.log(
    `  diff region: ${D.r.m} items, ${D.r.nodes} rows (${D.must} to cover), HiGHS's choice there +${wh - w} (feasible ${X.regionFeasible(
      D.r,
      Uint8Array.from(diff, (k) => h[k]),
    )}), ` + `root relaxation +${X.rootGap(D.r, D.start, { steps: 0, max: 1e9 }).toFixed(0)}; search ${D.out.join(', ')}`,
  );
  const x = wholeRelaxation(net, sel, slack);
  const moved = [];
  for (let k = 0; k < net.m; k++) if (Math.abs(x[k] - sel[k]) > 1e-6) moved.push(k);
  const frac = x.filter((v) => v > 1e-6 && v < 1 - 1e-6).length;
  const M = search(net, sel, moved, slack);
  const overlap = moved.filter((k) => h[k] !== sel[k]).length;
  console.log(
    `  LP-moved region: ${moved.length} items (${frac} fractional, ${overlap} of them in the diff), ${M.r.nodes} rows (${M.must} to cover), ` +
      `root relaxation +${X.rootGap(M.r, M.start, { steps: 0, max: 1e9 }).toFixed(0)}; search ${M.out.join(', ')}`,
  );
}

// Issue #16, stop 53: whether an "insert a heavy payment" move reaches what HiGHS settles on a zero-liquidity run
// (zero_small) and the LSM does not. For one instance: the LSM's choice (DIST's solveLinked, the current rules) and
// HiGHS's (MILP, time limit); then
//   capacity  the exact region search (regionBranchAndBound, reduced-cost fixing) over the items where the two differ
//             plus r random other items, the rest fixed at the LSM's choice (r = 0, 10, ..., all): how large a region
//             holding HiGHS's move it still solves within STEPS;
//   feasible  for each of the K heaviest payments the LSM leaves unsettled: a feasible choice that settles it,
//             searched from nothing over the whole run (its weight raised above the run's whole weight, the others' 0,
//             so any such choice beats the empty start);
//   lp        the same payment forced in: the whole run's relaxation (objective: keep the LSM's choice) with it fixed
//             at 1, the items the relaxation moves, filled with the lightest others to R items, re-chosen exactly
//             (the payment's weight raised likewise, so that a choice settling it is searched first);
//   induced   the same payment: the participants grown from its payer and payee by the weight they share with the
//             set while the items among them (induced) stay within R, those items re-chosen exactly (raised likewise);
//   random    REPS regions of R items (the others, at random, fixed at the LSM's choice) re-chosen exactly in turn.
// Each line: what it found (the weight of a heavier feasible choice, or +0), whether the search finished, its steps.
// Exact weights (bigint); HiGHS's choice is checked exactly before use. A diagnosis tool, not a benchmark.
// Usage: node scripts/lsm_insert_heavy_probe.mjs DIST SET FAMILY RUN_SEED INSTANCE_SEED [HIGHS_S=60] [K=6] [R=75] [STEPS=5e7] [REPS=10]
import { loadLsmProbe } from './lsm_probe_modules.mjs';

const [distArg, set, fam, seedArg, instArg, highsArg, kArg, rArg, stepsArg, repsArg] = process.argv.slice(2);
if (instArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_insert_heavy_probe.mjs DIST SET FAMILY RUN_SEED INSTANCE_SEED [HIGHS_S] [K] [R] [STEPS] [REPS]\n');
  process.exit(2);
}
const { L, X, S, P, lpModel, highs, instances } = await loadLsmProbe(distArg);
const seed = Number(seedArg);
const limit = Number(highsArg ?? 60);
const K = Number(kArg ?? 6);
const R = Number(rArg ?? 75);
const STEPS = Number(stepsArg ?? 5e7);
const REPS = Number(repsArg ?? 10);
const all3 = instances(set, seed, 3, fam);
const inst = all3.find((i) => String(i.seed) === instArg);
if (inst === undefined) throw new Error(`no ${set}/${fam} instance ${instArg} on run seed ${seed} (${all3.map((i) => i.seed).join(', ')})`);
const net = L.compileLinked(inst.problem);
const m = net.m;
const all = Array.from({ length: m }, (_, k) => k);
const ids = new Set(L.solveLinked(inst.problem).settled);
const a = Uint8Array.from(inst.problem.items, (it) => (ids.has(it.id) ? 1 : 0));
const wa = L.exactWeight(net, a);
const mip = highs.solve(lpModel(inst.problem, false), { output_flag: false, time_limit: limit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
const h = Uint8Array.from(inst.problem.items, (_, k) => Math.round(mip.Columns[`x${k}`].Primal));
const hOk = L.linkedViolation(net, h) === null;
const diff = all.filter((k) => a[k] !== h[k]);
const same = all.filter((k) => a[k] === h[k]);
console.log(
  `${set}/${fam} ${inst.seed} (run seed ${seed}): LSM ${wa}, HiGHS ${L.exactWeight(net, h)} (${mip.Status}${hOk ? '' : ', infeasible exactly'}), ${diff.length} of ${m} items differ`,
);
let total = 0n;
for (const w of net.weight) total += w;
const rng = new S.Rng(0x53);
const shuffled = (v) => {
  const out = v.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};
/** regionBranchAndBound over `items` (rest of `base` fixed) on `weight` (the run's unless given), from `base`. */
function reChoose(items, base, weight, steps) {
  const eff = weight === undefined ? net : { ...net, weight, weightF: Float64Array.from(weight, Number) };
  const sorted = [...items].sort((x, y) => x - y);
  const r = X.buildRegion(eff, sorted, S.exactRoom(net, net.cap, base), base);
  const work = { steps: 0, max: steps };
  const { best, complete } = X.regionBranchAndBound(
    r,
    Uint8Array.from(sorted, (k) => base[k]),
    work,
    true,
  );
  let sel = null;
  if (best !== null) {
    sel = base.slice();
    sorted.forEach((k, i) => {
      sel[k] = best[i];
    });
    if (L.linkedViolation(net, sel) !== null) sel = null;
  }
  return { sel, complete, steps: work.steps };
}
const gain = (sel) => (sel === null ? '+0' : `+${L.exactWeight(net, sel) - wa}`);
const raised = (p, others) => net.weight.map((w, k) => (k === p ? w + total : others(w, k)));

// Only when HiGHS's choice is feasible and heavier (on a loaded host its incumbent at the time limit may be neither).
if (hOk && L.exactWeight(net, h) > wa) {
  for (const r of [0, 10, 20, 30, 40, 50, same.length]) {
    const items = [...diff, ...shuffled(same).slice(0, r)];
    const o = reChoose(items, a, undefined, STEPS);
    console.log(`capacity: differing + ${r} (${items.length} items): ${gain(o.sel)}, finished ${o.complete}, ${o.steps} steps`);
  }
}
const unsettled = all.filter((k) => a[k] === 0).sort((x, y) => (net.weight[y] > net.weight[x] ? 1 : net.weight[y] < net.weight[x] ? -1 : x - y));
const ends = (k) => Array.from(net.effNode.subarray(net.effStart[k], net.effStart[k + 1]));
for (const p of unsettled.slice(0, K)) {
  const tag = `payment ${p} (${net.weight[p]}, HiGHS ${h[p]})`;
  const empty = new Uint8Array(m);
  const f = reChoose(
    all,
    empty,
    raised(p, () => 0n),
    STEPS,
  );
  console.log(`feasible ${tag}: ${f.sel === null ? 'none found' : `${f.sel.reduce((s, x) => s + x, 0)} items`}, finished ${f.complete}, ${f.steps} steps`);
  // The relaxation with p fixed at 1, the objective +1 for the LSM's settled items and -1 for the rest.
  const whole = X.buildRegion(net, all, S.exactRoom(net, net.cap, a), a);
  let aMax = 0;
  for (const x of whole.effF) aMax = Math.max(aMax, Math.abs(x));
  const aScale = 2 ** Math.floor(Math.log2(aMax));
  const scaled = { ...whole, effF: whole.effF.map((x) => x / aScale), weightF: Float64Array.from(all, (k) => (a[k] === 1 ? 1 : -1)) };
  const lp = new P.BoundedLp(
    scaled,
    Float64Array.from(whole.resid, (v) => Number(v) / aScale),
    a.slice(),
  );
  const lw = { steps: 0, max: 1e8 };
  lp.optimise(lw);
  if (lp.fix(p, true, lw, 1) && lp.optimise(lw)) {
    const moved = all.filter((k) => k === p || Math.abs(lp.x(k) - a[k]) > 1e-6);
    const fill = all.filter((k) => !moved.includes(k)).sort((x, y) => (net.weight[x] < net.weight[y] ? -1 : net.weight[x] > net.weight[y] ? 1 : x - y));
    const items = [...moved, ...fill.slice(0, Math.max(0, R - moved.length))];
    const o = reChoose(
      items,
      a,
      raised(p, (w) => w),
      STEPS,
    );
    const held = diff.filter((k) => items.includes(k)).length;
    console.log(
      `lp ${tag}: ${moved.length} moved, ${items.length} items (${held} of the ${diff.length} differing): ${gain(o.sel)}, finished ${o.complete}, ${o.steps} steps`,
    );
  } else console.log(`lp ${tag}: the relaxation cannot settle it`);
  const inSet = new Set(ends(p));
  const induced = () => all.filter((k) => ends(k).every((n) => inSet.has(n)));
  let items = induced();
  for (;;) {
    const score = new Map();
    for (const k of all) {
      const en = ends(k);
      if (!en.some((n) => inSet.has(n))) continue;
      for (const n of en) if (!inSet.has(n)) score.set(n, (score.get(n) ?? 0n) + net.weight[k]);
    }
    let next = -1;
    let best = -1n;
    for (const [n, s] of score) if (s > best || (s === best && n < next)) [next, best] = [n, s];
    if (next < 0) break;
    inSet.add(next);
    const grown = induced();
    if (grown.length > R) break;
    items = grown;
  }
  const o = reChoose(
    items,
    a,
    raised(p, (w) => w),
    STEPS,
  );
  console.log(`induced ${tag}: ${items.length} items: ${gain(o.sel)}, finished ${o.complete}, ${o.steps} steps`);
}
let cur = a;
for (let rep = 0; rep < REPS; rep++) {
  const items = shuffled(all).slice(0, R);
  const o = reChoose(items, cur, undefined, STEPS);
  if (o.sel !== null) cur = o.sel;
  console.log(
    `random ${rep} (${items.length} items, ${diff.filter((k) => items.includes(k)).length} differing): ${gain(o.sel)}, finished ${o.complete}, ${o.steps} steps`,
  );
}
console.log(`random regions in all: ${gain(cur === a ? null : cur)}`);

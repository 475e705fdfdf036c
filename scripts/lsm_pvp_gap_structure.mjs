// Where the LSM's choice and HiGHS's differ on a PvP gridlock, and whether four kinds of move reach HiGHS's better
// region (issue #16, stop 49; read-only: nothing here is on the platform's path). Per instance: the build's
// solveLinked (its current rules) and HiGHS's MILP (time limit, not proven); the items that differ, by weight rank;
// each HiGHS-only trade added alone to the LSM's choice (which legs go short); then
//   (a) HiGHS's n heaviest HiGHS-only trades inserted into the LSM's choice, the rest repaired by the engine's
//       removal rule (inserted items protected, cascade weights 0 / 1 / 4) and re-filled (an oracle: HiGHS picks);
//   (b) every single and pair of the T heaviest unsettled trades that can settle at all, inserted the same way;
//   (c) for each of the T heaviest unsettled trades: the whole run's relaxation (warm-started from the LSM's choice,
//       scaled as the regions' are) re-optimised with that trade fixed at 1; the region = it plus the R items whose
//       value the fixing moved most; exact search (regionBranchAndBound, reduced-cost fixing) within STEPS;
//   (d) solveLinked with rules 19's restart off (= rules 18) on other weights: rules 19's perturbation, 80-120 % and
//       50-150 % from other seeds, the relaxation's point (w x (0.5 + x)), w^1.10 and w^1.25, the heaviest unsettled
//       3 % x2; each choice's true weight;
//   (f) (only when PARTS names it) a SET of heavy trades fixed at 1 together in the relaxation: those of the T heaviest
//       it settles at >= 0.5, those it settles at all, HiGHS's 3 / 5 / 8 heaviest extra ones (an oracle); the region =
//       the set and the R (then 2R) items the fixing moved most; exact search within STEPS.
// Usage: node scripts/lsm_pvp_gap_structure.mjs DIST SET FAMILY RUN_SEED INDEX [HIGHS_S=20] [T=20] [R=100] [STEPS=2e7] [PARTS=abcd]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, set, fam, seedArg, idxArg, highsArg, tArg, rArg, stepsArg, partsArg] = process.argv.slice(2);
if (idxArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_pvp_gap_structure.mjs DIST SET FAMILY RUN_SEED INDEX [HIGHS_S] [T] [R] [STEPS] [PARTS]\n');
  process.exit(2);
}
const d = pathToFileURL(resolve(distArg)).href;
const L = await import(`${d}/src/clearing/lsm_linked.js`);
const S = await import(`${d}/src/clearing/lsm.js`);
const X = await import(`${d}/src/clearing/lsm_region_exact.js`);
const LP = await import(`${d}/src/clearing/lsm_lp.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${d}/src/bench/gridlock_families.js`);
const { lpModel } = await import(`${d}/src/bench/lp_model.js`);
const highs = await (await import('highs')).default();
const seed = Number(seedArg);
const idx = Number(idxArg);
const T = Number(tArg ?? 20);
const R = Number(rArg ?? 100);
const STEPS = Number(stepsArg ?? 2e7);
const parts = partsArg ?? 'abcd';
const insts =
  set === 'unseen'
    ? unseenInstances(seed, idx + 1, [fam])
    : set === 'novel'
      ? novelInstances(seed, idx + 1, [fam])
      : familyInstances(set, seed, idx + 1, [fam]);
const inst = insts[idx];
const P = inst.problem;
const net = L.compileLinked(P);
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const byWeight = (a, b) => (P.items[b].weight > P.items[a].weight ? 1 : P.items[b].weight < P.items[a].weight ? -1 : a - b);
let t = cpu();
const sol = L.solveLinked(P);
const tSolve = cpu() - t;
const index = new Map(P.items.map((it, k) => [it.id, k]));
const sel = new Uint8Array(net.m);
for (const id of sol.settled) sel[index.get(id)] = 1;
const mip = highs.solve(lpModel(P, false), { output_flag: false, time_limit: Number(highsArg ?? 20), mip_rel_gap: 0, mip_abs_gap: 0.5 });
const h = Uint8Array.from(P.items, (_, k) => Math.round(mip.Columns[`x${k}`].Primal));
const hOk = L.linkedViolation(net, h) === null;
const w0 = L.exactWeight(net, sel);
const wh = L.exactWeight(net, h);
const ref = hOk && wh > w0 ? wh : w0;
const of = (w) => (Number(w) / Number(ref)).toFixed(4);
console.log(`${fam} ${seed} #${idx + 1} (${inst.seed}): LSM ${w0} in ${tSolve.toFixed(0)} ms, HiGHS ${wh} (${mip.Status}, feasible ${hOk}): ${of(w0)}`);
const inH = [];
const inL = [];
for (let k = 0; k < net.m; k++) if (h[k] !== sel[k]) (h[k] === 1 ? inH : inL).push(k);
const sum = (ks) => ks.reduce((s, k) => s + P.items[k].weight, 0n);
console.log(
  `  differ: HiGHS-only ${inH.length} trades (weight ${sum(inH)}), LSM-only ${inL.length} (${sum(inL)}); settled ${sel.reduce((a, b) => a + b, 0)} / ${h.reduce((a, b) => a + b, 0)} of ${net.m}`,
);
const ranked = Array.from({ length: net.m }, (_, k) => k).sort(byWeight);
const bands = [
  [0, 10],
  [10, 30],
  [30, 100],
  [100, 300],
  [300, net.m],
].map(([lo, hi]) => {
  const g = ranked.slice(lo, hi);
  return `${lo + 1}-${hi}: ${g.filter((k) => h[k]).length}/${g.filter((k) => sel[k]).length}`;
});
console.log(`  settled by weight rank (HiGHS/LSM): ${bands.join(', ')}`);
inH.sort(byWeight);
console.log(
  `  HiGHS-only heaviest 5: ${inH
    .slice(0, 5)
    .map((k) => P.items[k].weight)
    .join(', ')} (sum ${sum(inH.slice(0, 5))}; net gain ${wh - w0})`,
);
const room = S.exactRoom(net, net.cap, sel);
let fits = 0;
let one = 0;
let two = 0;
const shortBy = [0, 0];
for (const k of inH) {
  let s = 0;
  for (const l of P.items[k].legs) {
    if (room[l.from] < l.amount) {
      s++;
      shortBy[l.from % 2]++;
    }
  }
  if (s === 0) fits++;
  else if (s === 1) one++;
  else two++;
}
console.log(`  HiGHS-only trades added alone: fit ${fits}, one leg short ${one}, both ${two}; short legs by node parity (currency) ${shortBy.join(' / ')}`);

const eng = new L.LinkedEngine(net, new L.Work(1e15), new S.Rng(0x11a7ed));
const prot = new Uint8Array(net.m);
const insert = (ks, w) => {
  const s = sel.slice();
  for (const k of ks) {
    s[k] = 1;
    prot[k] = 1;
  }
  eng.load(s);
  eng.repair(prot, w, 0);
  for (const k of ks) prot[k] = 0;
  eng.fill();
  return eng.sel.slice();
};
if (parts.includes('a') && hOk) {
  const out = [];
  for (const n of [1, 3, 5, 8]) {
    for (const w of [0, 1, 4]) {
      const s = insert(inH.slice(0, n), w);
      out.push(`${n}/${w}: ${of(L.exactWeight(net, s))} (kept ${inH.slice(0, n).filter((k) => s[k]).length})`);
    }
  }
  console.log(`  (a) HiGHS's n heaviest inserted, cascade weight w (n/w): ${out.join(', ')}`);
}
const inflow = new Array(net.nodes).fill(0n);
for (const it of P.items) for (const l of it.legs) inflow[l.to] += l.amount;
const cand = [];
for (let k = 0; k < net.m; k++) if (sel[k] === 0 && P.items[k].legs.every((l) => l.amount <= P.capacities[l.from] + inflow[l.from])) cand.push(k);
cand.sort(byWeight);
const top = cand.slice(0, T);
if (parts.includes('b')) {
  t = cpu();
  let best = w0;
  let tries = 0;
  for (let i = 0; i < top.length; i++) {
    for (let j = i; j < top.length; j++) {
      for (const w of [0, 1]) {
        tries++;
        const v = L.exactWeight(net, insert(i === j ? [top[i]] : [top[i], top[j]], w));
        if (v > best) best = v;
      }
    }
  }
  console.log(
    `  (b) singles and pairs of the ${top.length} heaviest unsettled: ${tries} tries, best ${of(best)} (+${best - w0}), ${(cpu() - t).toFixed(0)} ms`,
  );
}
const p2 = (v) => {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m > 0 ? 2 ** Math.floor(Math.log2(m)) : 1;
};
/** The whole run's relaxation over the LSM's choice, scaled as the regions' are (not yet optimised). */
function wholeRelaxation(slack) {
  const all = Array.from({ length: net.m }, (_, k) => k);
  const rg = X.buildRegion(net, all, slack, sel);
  const aS = p2(rg.effF);
  const scaled = {
    nodes: rg.nodes,
    m: rg.m,
    effStart: rg.effStart,
    effNode: rg.effNode,
    effF: rg.effF.map((x) => x / aS),
    weightF: rg.weightF.map((x) => x / p2(rg.weightF)),
  };
  return new LP.BoundedLp(
    scaled,
    Float64Array.from(rg.resid, (v) => Number(v) / aS),
    sel.slice(),
  );
}
if (parts.includes('c')) {
  t = cpu();
  const all = Array.from({ length: net.m }, (_, k) => k);
  const slack = S.exactRoom(net, net.cap, sel);
  let fixFailed = 0;
  let gain = 0n;
  let finished = 0;
  let inDiff = 0;
  let size = 0;
  for (const k of top) {
    const lp = wholeRelaxation(slack);
    const work = new L.Work(1e8);
    if (!lp.optimise(work)) continue;
    const x0 = all.map((j) => lp.x(j));
    if (!lp.fix(k, true, work) || !lp.optimise(work)) {
      fixFailed++;
      continue;
    }
    const moved = all.filter((j) => j !== k && Math.abs(lp.x(j) - x0[j]) > 1e-6).sort((a, b) => Math.abs(lp.x(b) - x0[b]) - Math.abs(lp.x(a) - x0[a]) || a - b);
    const items = [k, ...moved.slice(0, R)];
    size += items.length;
    if (hOk) inDiff += items.filter((j) => h[j] !== sel[j]).length;
    const region = X.buildRegion(net, items, slack, sel);
    const start = Uint8Array.from(items, (j) => sel[j]);
    const { best, complete } = X.regionBranchAndBound(region, start, new L.Work(STEPS), true);
    if (complete) finished++;
    if (best !== null) {
      const g = X.regionWeight(region, best) - X.regionWeight(region, start);
      if (g > gain) gain = g;
    }
  }
  const tried = top.length - fixFailed;
  console.log(
    `  (c) forced-trade regions: ${tried} of ${top.length} could reach 1 in the relaxation; mean ${(size / Math.max(1, tried)).toFixed(0)} items (${(inDiff / Math.max(1, tried)).toFixed(0)} in the diff); ` +
      `searches finished ${finished}; best gain +${gain}; ${(cpu() - t).toFixed(0)} ms`,
  );
}
if (parts.includes('d')) {
  const rngOf = (s) => {
    let x = BigInt(s);
    return (n) => {
      x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      return Number((x >> 33n) % BigInt(n));
    };
  };
  const perturb = (s, lo, span) => {
    const r = rngOf(s);
    return P.items.map((it) => {
      const w = (it.weight * BigInt(lo + r(span + 1))) / 100n;
      return { ...it, weight: w > 0n ? w : 1n };
    });
  };
  const lpX = () => {
    const lp = wholeRelaxation(S.exactRoom(net, net.cap, sel));
    lp.optimise(new L.Work(1e9));
    return Array.from({ length: net.m }, (_, k) => lp.x(k));
  };
  const ws = P.items.map((it) => it.weight).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const q97 = ws[Math.floor(ws.length * 0.97)];
  const variants = {
    r19: () => L.restartWeights(P.items),
    p1: () => perturb(1001, 80, 40),
    p2: () => perturb(1003, 80, 40),
    w1: () => perturb(2001, 50, 100),
    w2: () => perturb(2003, 50, 100),
    lp: () => {
      const x = lpX();
      return P.items.map((it, k) => ({ ...it, weight: (it.weight * BigInt(50 + Math.round(100 * x[k]))) / 100n || 1n }));
    },
    pow110: () => P.items.map((it) => ({ ...it, weight: BigInt(Math.max(1, Math.round(Number(it.weight) ** 1.1))) })),
    pow125: () => P.items.map((it) => ({ ...it, weight: BigInt(Math.max(1, Math.round(Number(it.weight) ** 1.25))) })),
    boost2: () => P.items.map((it, k) => ({ ...it, weight: sel[k] === 0 && it.weight >= q97 ? it.weight * 2n : it.weight })),
  };
  const out = [];
  for (const [name, make] of Object.entries(variants)) {
    t = cpu();
    const o = L.solveLinked({ ...P, items: make() }, { region_restart: false });
    const s = new Uint8Array(net.m);
    for (const id of o.settled) s[index.get(id)] = 1;
    out.push(`${name} ${L.linkedViolation(net, s) === null ? of(L.exactWeight(net, s)) : 'infeasible'} (${(cpu() - t).toFixed(0)} ms)`);
  }
  console.log(`  (d) rules 18 on other weights, of the reference: ${out.join(', ')}`);
}

if (parts.includes('f')) {
  // (f) a SET of heavy trades fixed at 1 together in the whole relaxation; region = the set and the R items moved most.
  const all = Array.from({ length: net.m }, (_, k) => k);
  const slack = S.exactRoom(net, net.cap, sel);
  const relax = () => {
    const lp = wholeRelaxation(slack);
    lp.optimise(new L.Work(1e9));
    return lp;
  };
  const lp0 = relax();
  const x0 = all.map((j) => lp0.x(j));
  const sets = { lpHalf: top.filter((k) => x0[k] >= 0.5), lpAny: top.filter((k) => x0[k] > 1e-6) };
  if (hOk) for (const n of [3, 5, 8]) sets[`highs${n}`] = inH.slice(0, n);
  for (const [name, set] of Object.entries(sets)) {
    const lp = relax();
    const work = new L.Work(1e9);
    let ok = true;
    for (const k of set) if (!lp.fix(k, true, work)) ok = false;
    if (!ok || !lp.optimise(work)) {
      console.log(`  (f) ${name} (${set.length} fixed): the relaxation cannot take them`);
      continue;
    }
    const moved = all
      .filter((j) => !set.includes(j) && Math.abs(lp.x(j) - x0[j]) > 1e-6)
      .sort((a, b) => Math.abs(lp.x(b) - x0[b]) - Math.abs(lp.x(a) - x0[a]) || a - b);
    for (const r of [R, 2 * R]) {
      const items = [...set, ...moved.slice(0, r)];
      const region = X.buildRegion(net, items, slack, sel);
      const start = Uint8Array.from(items, (j) => sel[j]);
      t = cpu();
      const w = new L.Work(STEPS);
      const { best, complete } = X.regionBranchAndBound(region, start, w, true);
      const g = best === null ? 0n : X.regionWeight(region, best) - X.regionWeight(region, start);
      console.log(
        `  (f) ${name} (${set.length} fixed), ${items.length} items (${hOk ? items.filter((j) => h[j] !== sel[j]).length : '-'} of the diff): +${g} ${of(w0 + g)}${complete ? ' finished' : ''} ${(cpu() - t).toFixed(0)} ms`,
      );
    }
  }
}

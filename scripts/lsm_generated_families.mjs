// Generated gridlocks the clearing bench does not have (held out: shapes from
// src/bench/gridlock_families.ts with other sizes, liquidity and skew), solved by
// two builds' solveLinked and by HiGHS (10 s), and the small shapes against the
// proven optimum (the new build's exact search with a 200,000,000-step budget).
// Usage: node scripts/lsm_generated_families.mjs OLD_DIST NEW_DIST
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const O = await import(`${oldDist}/src/clearing/lsm_linked.js`);
const N = await import(`${newDist}/src/clearing/lsm_linked.js`);
const { FAMILIES, makeInstance } = await import(`${newDist}/src/bench/gridlock_families.js`);
const { lpModel } = await import(`${newDist}/src/bench/lp_model.js`);
const require = createRequire(import.meta.url);
const highs = await require('highs')();
const F = (n) => FAMILIES.find((f) => f.name === n);
const shapes = [
  ['star 200 spokes, 5,000 payments, spokes 0-2%', { ...F('star'), participants: 201, payments: 5000, balance: [0, 0.02] }],
  ['ring 300, 10,000 payments, scarce', { ...F('ring'), participants: 300, payments: 10000 }],
  [
    'tiered 3 large + 60 small, 800 payments, Pareto 1.05 (skewed)',
    { ...F('tiered'), participants: 63, payments: 800, amounts: { kind: 'pareto', alpha: 1.05 } },
  ],
  ['ample 20, 300 payments', { ...F('ample'), participants: 20, payments: 300 }],
  ['classic, 15 participants, 120 payments, nothing held', { ...F('classic'), participants: 15, payments: 120, balance: [0, 0] }],
  ['credit, 100 participants, 4,000 payments', { ...F('credit'), participants: 100, payments: 4000 }],
];
function highsValue(p) {
  const mip = highs.solve(lpModel(p, false), { output_flag: false, time_limit: 10, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  const sel = new Set(p.items.filter((_, k) => (mip.Columns[`x${k}`]?.Primal ?? 0) > 0.5).map((it) => it.id));
  const net = N.compileLinked(p);
  const s = Uint8Array.from(p.items, (it) => (sel.has(it.id) ? 1 : 0));
  if (N.linkedViolation(net, s) !== null) N.exactRepairLinked(net, s);
  return { value: N.exactWeight(net, s), status: mip.Status };
}
for (const [name, spec] of shapes) {
  const inst = makeInstance(spec, 'held_out', 777);
  let t = performance.now();
  const a = O.solveLinked(inst.problem);
  const ta = performance.now() - t;
  t = performance.now();
  const b = N.solveLinked(inst.problem);
  const tb = performance.now() - t;
  const h = highsValue(inst.problem);
  const r = (x) => (Number(x) / Math.max(1, Number(h.value))).toFixed(4);
  console.log(`${name}: old ${r(a.settled_weight)} (${ta.toFixed(0)} ms), new ${r(b.settled_weight)} (${tb.toFixed(0)} ms) of HiGHS ${h.value} [${h.status}]`);
}

// Small shapes: against the proven optimum, 8 instances each (those the long exact search proves).
const median = (x) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];
for (const [name, spec] of [
  ['small 8x50', F('small')],
  ['star 6x40', { ...F('star'), participants: 6, payments: 40 }],
  ['ring 10x60', { ...F('ring'), participants: 10, payments: 60 }],
  ['tiered 12x60', { ...F('tiered'), participants: 12, payments: 60 }],
]) {
  const ro = [];
  const rn = [];
  for (let seed = 1000; seed < 1008; seed++) {
    const inst = makeInstance(spec, 'held_out', seed);
    const ex = N.solveLinked(inst.problem, { work_budget: 200_000_000 });
    if (!ex.method.startsWith('exact') && !ex.method.includes('proven')) continue;
    ro.push(Number(O.solveLinked(inst.problem).settled_weight) / Number(ex.settled_weight));
    rn.push(Number(N.solveLinked(inst.problem).settled_weight) / Number(ex.settled_weight));
  }
  console.log(
    `${name}: ${ro.length} proven; old median ${median(ro).toFixed(4)} worst ${Math.min(...ro).toFixed(4)}, new median ${median(rn).toFixed(4)} worst ${Math.min(...rn).toFixed(4)}`,
  );
}

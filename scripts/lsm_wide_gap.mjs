// Issue #16, stop 51: what the LSM misses on the large single-leg families (held-out wide and large, novel whales).
// For each instance: the LSM's choice (solveLinked of DIST, current rules), HiGHS's (MILP, time limit; cached in
// CACHE_DIR as JSON so neighbourhoods can be tried without solving again), the items where they differ, how many
// nodes they span and how many nodes have an unsettled payment out, the exact region search over just the differing
// items (regionBranchAndBound, the rest of the LSM's choice fixed, reduced-cost fixing on), and the same search over
// the neighbourhood "every item at a node the diff touches" (its size says how cheap a neighbourhood holding the
// change would be). Read-only; prints one block an instance.
// Usage: node scripts/lsm_wide_gap.mjs DIST SET FAMILY RUN_SEED [PER_FAMILY=3] [HIGHS_S=60] [BUDGETS=1e7,1e8] [INDEX=all] [CACHE_DIR=/tmp/lsm_wide_gap]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, set, fam, seedArg, perArg, highsArg, budgetsArg, indexArg, cacheArg] = process.argv.slice(2);
if (seedArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_wide_gap.mjs DIST SET FAMILY RUN_SEED [PER_FAMILY] [HIGHS_S] [BUDGETS] [INDEX] [CACHE_DIR]\n');
  process.exit(2);
}
const d = pathToFileURL(resolve(distArg)).href;
const L = await import(`${d}/src/clearing/lsm_linked.js`);
const X = await import(`${d}/src/clearing/lsm_region_exact.js`);
const S = await import(`${d}/src/clearing/lsm.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${d}/src/bench/gridlock_families.js`);
const { lpModel } = await import(`${d}/src/bench/lp_model.js`);
const seed = Number(seedArg);
const per = Number(perArg ?? 3);
const limit = Number(highsArg ?? 60);
const budgets = (budgetsArg ?? '1e7,1e8').split(',').map(Number);
const only = indexArg === undefined || indexArg === 'all' ? null : Number(indexArg);
const cacheDir = cacheArg ?? '/tmp/lsm_wide_gap';
mkdirSync(cacheDir, { recursive: true });
const instances =
  set === 'unseen' ? unseenInstances(seed, per, [fam]) : set === 'novel' ? novelInstances(seed, per, [fam]) : familyInstances(set, seed, per, [fam]);
let highs = null;

const cpu = (f) => {
  const t = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(t);
  return [r, Math.round((c.user + c.system) / 1000)];
};

/** HiGHS's choice within `limit` s, from the cache when there. */
async function highsChoice(inst) {
  const file = `${cacheDir}/${set}-${fam}-${inst.seed}-${limit}s.json`;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  highs ??= await (await import('highs')).default();
  const mip = highs.solve(lpModel(inst.problem, false), { output_flag: false, time_limit: limit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  const x = inst.problem.items.map((_, k) => Math.round(mip.Columns[`x${k}`].Primal));
  const out = { status: mip.Status, x };
  writeFileSync(file, JSON.stringify(out));
  return out;
}

/** The branch and bound over `items` (rest of `sel` fixed) within each budget. */
function search(net, sel, items, slack) {
  const r = X.buildRegion(net, items, slack, sel);
  const start = Uint8Array.from(items, (k) => sel[k]);
  const out = [];
  for (const max of budgets) {
    const work = { steps: 0, max };
    const [{ best, complete }, ms] = cpu(() => X.regionBranchAndBound(r, start, work, true));
    const gain = best === null ? 0n : X.regionWeight(r, best) - X.regionWeight(r, start);
    out.push(`${max.toExponential(0)}: +${gain}${complete ? ' (finished)' : ''} ${ms} ms`);
  }
  return { r, out };
}

for (const [i, inst] of instances.entries()) {
  if (only !== null && i !== only) continue;
  const net = L.compileLinked(inst.problem);
  const [a, ms] = cpu(() => L.solveLinked(inst.problem));
  const ids = new Set(a.settled);
  const sel = Uint8Array.from(inst.problem.items, (it) => (ids.has(it.id) ? 1 : 0));
  const H = await highsChoice(inst);
  const h = Uint8Array.from(H.x);
  const hOk = L.linkedViolation(net, h) === null;
  const w = L.exactWeight(net, sel);
  const wh = L.exactWeight(net, h);
  const slack = S.exactRoom(net, net.cap, sel);
  const diff = [];
  for (let k = 0; k < net.m; k++) if (h[k] !== sel[k]) diff.push(k);
  const nodesOf = (list) => {
    const s = new Set();
    for (const k of list) for (const l of inst.problem.items[k].legs) s.add(l.from).add(l.to);
    return s;
  };
  const dn = nodesOf(diff);
  const unsettledPayers = new Set();
  for (let k = 0; k < net.m; k++) if (sel[k] === 0) unsettledPayers.add(inst.problem.items[k].legs[0].from);
  const hOnly = diff.filter((k) => h[k] === 1);
  const lOnly = diff.filter((k) => sel[k] === 1);
  const sumW = (list) => list.reduce((s, k) => s + inst.problem.items[k].weight, 0n);
  console.log(
    `${set}/${fam} #${i} ${inst.seed}: ${net.m} items, ${net.nodes} nodes; LSM ${w} in ${ms} ms (${a.method}), ` +
      `${(Number(w) / Number(wh)).toFixed(4)} of HiGHS ${wh} (${H.status}, feasible ${hOk}); ` +
      `${diff.length} differ (HiGHS-only ${hOnly.length} weighing ${sumW(hOnly)}, LSM-only ${lOnly.length} weighing ${sumW(lOnly)}), ` +
      `spanning ${dn.size} nodes; nodes with an unsettled payment out: ${unsettledPayers.size}; unsettled items ${sel.filter((x) => x === 0).length}`,
  );
  if (diff.length === 0 || !hOk) continue;
  // Heaviest HiGHS-only items and their weight rank among unsettled.
  const heavy = hOnly.map((k) => inst.problem.items[k].weight).sort((x, y) => (y > x ? 1 : y < x ? -1 : 0));
  console.log(`  HiGHS-only heaviest 5: ${heavy.slice(0, 5).join(', ')}`);
  const D = search(net, sel, diff, slack);
  console.log(`  diff region: ${D.r.m} items, ${D.r.nodes} rows; search ${D.out.join(', ')}`);
  // The neighbourhood of every item touching a node of the diff.
  const around = [];
  for (let k = 0; k < net.m; k++) if (inst.problem.items[k].legs.some((l) => dn.has(l.from) || dn.has(l.to))) around.push(k);
  console.log(`  items at the diff's nodes: ${around.length}`);
  if (around.length <= 3000) {
    const A = search(net, sel, around, slack);
    console.log(`  that region: ${A.r.nodes} rows; search ${A.out.join(', ')}`);
  }
  // The items among the diff's nodes only (induced).
  const induced = [];
  for (let k = 0; k < net.m; k++) if (inst.problem.items[k].legs.every((l) => dn.has(l.from) && dn.has(l.to))) induced.push(k);
  const I = search(net, sel, induced, slack);
  console.log(`  induced by the diff's nodes: ${induced.length} items; search ${I.out.join(', ')}`);
}

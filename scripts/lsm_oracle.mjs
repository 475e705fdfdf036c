// Where the LSM's choice stands against HiGHS, and which neighbourhoods of it hold more value: for one gridlock
// instance, solveLinked's choice, HiGHS's MILP and LP (the LP's point: its whole and fractional items), then HiGHS
// solving the MILP exactly with every item fixed at the LSM's value but a freed set, for these sets:
//   rins      the items where the LSM's choice differs from the LP's point (fractional, or whole at the other value);
//   lp-int    every item the LP settles whole or not at all fixed there, only its fractional items free (the LP's
//             point rounded by an exact choice; feasibility tells whether any rounding of it exists);
//   heavy:N   the N heaviest items;
//   pairs:G   every pair of units (G consecutive nodes a unit: 2 = a participant's two accounts in pvp_legs, 1 = a
//             node; a hub, node 0 of hub_cycles and short_hub, left out), each pair's items freed and re-chosen
//             exactly in turn, improvements kept (a large-neighbourhood search with an exact sub-solver: what the
//             rules-4 neighbourhood moves would reach with an exact solver and no 40-item cap).
// A diagnosis tool (issue #16), not a benchmark: HiGHS's times are not comparable with the LSM's work steps.
// Usage: node scripts/lsm_oracle.mjs DIST SET FAMILY SEED [HIGHS_SECONDS=20] [MODES=rins,lp-int,heavy:300,pairs:2] [PAIRS_MAX=1000000]
// SET: tuning | held_out | unseen | novel (instances of run seed 42, 3 a family, as in bench clearing).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, set, family, seedArg, secondsArg, modesArg, pairsArg] = process.argv.slice(2);
const dist = pathToFileURL(resolve(distArg)).href;
const seconds = Number(secondsArg ?? 20);
const modes = (modesArg ?? 'rins,lp-int,heavy:300,pairs:2').split(',');
const pairsMax = Number(pairsArg ?? 1_000_000);
const L = await import(`${dist}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${dist}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${dist}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${dist}/src/bench/gridlock_families.js`);
const highs = await (await import('highs')).default();
const all = set === 'unseen' ? unseenInstances(42, 3, [family]) : set === 'novel' ? novelInstances(42, 3, [family]) : familyInstances(set, 42, 3, [family]);
const inst = all.find((i) => String(i.seed) === seedArg);
if (inst === undefined) throw new Error(`no ${set}/${family} instance of seed ${seedArg} (seeds: ${all.map((i) => i.seed).join(', ')})`);
const problem = inst.problem;
const items = problem.items;

const { lpModel } = await import(`${dist}/src/bench/lp_model.js`);
/** The MILP in CPLEX LP format; `fixed[k]` 0 or 1 fixes item k there, -1 (or no `fixed`) leaves it free; `relax`: no integrality. */
const model = (fixed, relax) => lpModel(problem, relax, fixed);
const mipOptions = { output_flag: false, time_limit: seconds, mip_rel_gap: 0, mip_abs_gap: 0.5 };
/** Exact weight of a 0/1 choice, or null when it breaks an account's room. */
function exactValue(x) {
  const room = problem.capacities.slice();
  let w = 0n;
  items.forEach((it, k) => {
    if (x[k] !== 1) return;
    w += it.weight;
    for (const l of it.legs) {
      room[l.from] -= l.amount;
      room[l.to] += l.amount;
    }
  });
  return room.every((r) => r >= 0n) ? w : null;
}
function solveFixed(fixed) {
  const r = highs.solve(model(fixed, false), mipOptions);
  if (r.Status !== 'Optimal' && r.Status !== 'Time limit reached') return { status: r.Status, x: null, value: null };
  const x = items.map((_, k) => (fixed[k] >= 0 ? fixed[k] : (r.Columns[`x${k}`]?.Primal ?? 0) > 0.5 ? 1 : 0));
  return { status: r.Status, x, value: exactValue(x) };
}

const t0 = performance.now();
const lsm = L.solveLinked(problem, {});
const lsmMs = performance.now() - t0;
const chosen = new Set(lsm.settled);
const sel = items.map((it) => (chosen.has(it.id) ? 1 : 0));
const mip = highs.solve(model(null, false), mipOptions);
const mipX = items.map((_, k) => ((mip.Columns[`x${k}`]?.Primal ?? 0) > 0.5 ? 1 : 0));
const lp = highs.solve(model(null, true), { output_flag: false, time_limit: seconds });
const lpX = items.map((_, k) => lp.Columns[`x${k}`]?.Primal ?? 0);
const whole = (v) => (v > 1 - 1e-6 ? 1 : v < 1e-6 ? 0 : -1);
const differ = (a, b) => a.reduce((n, x, k) => n + (x !== b[k] ? 1 : 0), 0);
console.log(
  `${set}/${family} seed ${inst.seed}: ${problem.capacities.length} nodes, ${items.length} items; LSM ${lsm.settled_weight} (${lsm.method}, ${lsmMs.toFixed(0)} ms); ` +
    `HiGHS MILP ${exactValue(mipX)} (${mip.Status}), LP ${lp.ObjectiveValue.toFixed(0)} with ${lpX.filter((v) => whole(v) < 0).length} items in part; ` +
    `LSM and HiGHS differ on ${differ(sel, mipX)} items, HiGHS and the LP's point on ${items.filter((_, k) => whole(lpX[k]) >= 0 && whole(lpX[k]) !== mipX[k]).length} it settles whole or not at all`,
);
for (const mode of modes) {
  const [name, arg] = mode.split(':');
  const t = performance.now();
  if (name === 'rins' || name === 'lp-int' || name === 'heavy') {
    const heavy = new Set(
      items
        .map((it, k) => [it.weight, k])
        .sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : a[1] - b[1]))
        .slice(0, name === 'heavy' ? Number(arg) : 0)
        .map((p) => p[1]),
    );
    const fixed = items.map((_, k) => {
      const w = whole(lpX[k]);
      if (name === 'lp-int') return w;
      if (name === 'heavy') return heavy.has(k) ? -1 : sel[k];
      return w === sel[k] ? sel[k] : -1;
    });
    const r = solveFixed(fixed);
    console.log(`${mode}: ${fixed.filter((f) => f < 0).length} items free, ${r.status}, value ${r.value ?? 'none'} (${(performance.now() - t).toFixed(0)} ms)`);
    continue;
  }
  if (name !== 'pairs') throw new Error(`unknown mode ${mode}`);
  const g = Number(arg);
  const units = Math.floor(problem.capacities.length / g);
  const hub = family === 'hub_cycles' || family === 'short_hub';
  const cur = sel.slice();
  let value = exactValue(cur);
  let tried = 0;
  let kept = 0;
  for (let a = hub ? 1 : 0; a < units && tried < pairsMax; a++) {
    for (let b = a + 1; b < units && tried < pairsMax; b++, tried++) {
      const fixed = items.map((it, k) => (it.legs.some((l) => [l.from, l.to].some((n) => Math.floor(n / g) === a || Math.floor(n / g) === b)) ? -1 : cur[k]));
      const r = solveFixed(fixed);
      if (r.value !== null && r.value > value) {
        value = r.value;
        cur.splice(0, cur.length, ...r.x);
        kept++;
      }
    }
  }
  console.log(`${mode}: ${tried} pairs, ${kept} kept, value ${value} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
}

// Whether an early stop at a proven optimum could ever spare the later LSM phases (each keeps what it is given unless
// strictly heavier, so none can improve on a result at an upper bound): per instance of the bench's sets (run seed
// 42, one per family), the run's result (solveLinked at the default options: rules 19's phases) against the LP
// relaxation (BoundedLp from nothing, no work limit; "unfinished" when its pivot cap ends it first, then its value
// is no bound); counts the runs whose result reaches the bound's floor (less 1e-6).
// Usage: node scripts/lsm_lp_bound_gap.mjs DIST
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const d = pathToFileURL(resolve(process.argv[2])).href;
const N = await import(`${d}/src/clearing/lsm_linked.js`);
const L = await import(`${d}/src/clearing/lsm_lp.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const GF = await import(`${d}/src/bench/gridlock_families.js`);
const all = [...unseenInstances(42, 1, null), ...novelInstances(42, 1, null), ...GF.familyInstances('tuning', 42, 1, null)];
let proven = 0;
for (const inst of all) {
  const net = N.compileLinked(inst.problem);
  const r = N.solveLinked(inst.problem);
  const lp = new L.BoundedLp(net, net.capF, null);
  const ok = lp.optimise({ steps: 0, max: 1e15 });
  const v = lp.value();
  const w = Number(r.settled_weight);
  if (ok && w >= Math.floor(v + 1e-6)) proven++;
  console.log(
    `${inst.family} nodes ${net.nodes} items ${net.m} result ${w} LP ${ok ? v.toFixed(0) : 'unfinished'} result/LP ${(w / v).toFixed(4)} gap ${(v - w).toFixed(0)}`,
  );
}
console.log('results at the LP bound (finished relaxations only):', proven, 'of', all.length);

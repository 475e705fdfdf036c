// One build's solveLinked at its own work budget and at fractions of it, on the bench's instances (run seed 42):
// per fraction, the median and worst settled weight against the full budget's, and the median CPU ms. How far a
// run's time follows its budget, and what a smaller one would give up (issue #16: ≤ 50 ms a run). Values against
// the same build's full budget, not the optimum.
// Usage: node scripts/lsm_budget_frontier.mjs DIST SET[,SET...] [PER_FAMILY=1] [FRACTIONS=0.25,0.0625,0.015625]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, setsArg, perArg, fracArg] = process.argv.slice(2);
const d = pathToFileURL(resolve(dist)).href;
const L = await import(`${d}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const GF = await import(`${d}/src/bench/gridlock_families.js`);
const per = Number(perArg ?? 1);
const fractions = (fracArg ?? '0.25,0.0625,0.015625').split(',').map(Number);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpu = (f) => {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
};
const rows = fractions.map(() => []);
const full = [];
for (const set of setsArg.split(',')) {
  const insts = set === 'unseen' ? unseenInstances(42, per, null) : set === 'novel' ? novelInstances(42, per, null) : GF.familyInstances(set, 42, per, null);
  for (const inst of insts) {
    const budget = L.linkedWorkBudget(inst.problem.capacities.length, inst.problem.items.length);
    const [a, ta] = cpu(() => L.solveLinked(inst.problem));
    full.push(ta);
    const line = [`${set} ${inst.family}: full ${ta.toFixed(0)} ms`];
    fractions.forEach((f, i) => {
      const [b, tb] = cpu(() => L.solveLinked(inst.problem, { work_budget: Math.max(1, Math.floor(budget * f)) }));
      const v = Number(b.settled_weight) / Math.max(1, Number(a.settled_weight));
      rows[i].push({ v, tb });
      line.push(`x${f}: ${tb.toFixed(0)} ms value ${v.toFixed(4)}`);
    });
    console.log(line.join(', '));
  }
}
console.log(`full budget: n ${full.length}, median CPU ms ${median(full).toFixed(0)}`);
fractions.forEach((f, i) => {
  const r = rows[i];
  console.log(
    `x${f}: median CPU ms ${median(r.map((x) => x.tb)).toFixed(0)}, value vs full median ${median(r.map((x) => x.v)).toFixed(4)} worst ${Math.min(...r.map((x) => x.v)).toFixed(4)}`,
  );
});

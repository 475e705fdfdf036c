// Side-by-side LSM value and process CPU of two builds in one process: for one or more instances of every family
// of the named sets, solveLinked from the old build, then from the new one (alternating, so both see the same
// machine load), and the new / old time and value. Usage: node scripts/ab_lsm_cpu.mjs OLD_DIST NEW_DIST [SETS=unseen,novel,tuning] [PER_FAMILY=1]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const sets = (process.argv[4] ?? 'unseen,novel,tuning').split(',');
const per = Number(process.argv[5] ?? 1);
const O = await import(`${oldDist}/src/clearing/lsm_linked.js`);
const N = await import(`${newDist}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${newDist}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${newDist}/src/bench/gridlock_novel.js`);
const GF = await import(`${newDist}/src/bench/gridlock_families.js`);
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpu = (f) => {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
};
const rows = [];
for (const set of sets) {
  const insts = set === 'unseen' ? unseenInstances(42, per, null) : set === 'novel' ? novelInstances(42, per, null) : GF.familyInstances(set, 42, per, null);
  for (const inst of insts) {
    const [a, ta] = cpu(() => O.solveLinked(inst.problem));
    const [b, tb] = cpu(() => N.solveLinked(inst.problem));
    rows.push({ ta, tb });
    console.log(
      `${set} ${inst.family} ${inst.seed}: old ${a.settled_weight} ${ta.toFixed(0)} ms, new ${b.settled_weight} ${tb.toFixed(0)} ms, time x${(tb / ta).toFixed(2)}, value x${(Number(b.settled_weight) / Number(a.settled_weight)).toFixed(4)} [${b.method}]`,
    );
  }
}
console.log(
  `n ${rows.length}, median CPU ms old ${med(rows.map((r) => r.ta)).toFixed(0)} new ${med(rows.map((r) => r.tb)).toFixed(0)}, median new/old ${med(rows.map((r) => r.tb / r.ta)).toFixed(2)}, ratio of medians ${(med(rows.map((r) => r.tb)) / med(rows.map((r) => r.ta))).toFixed(2)}`,
);

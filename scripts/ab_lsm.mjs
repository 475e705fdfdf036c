// Side-by-side LSM value and run time of two builds in one process: for each
// gridlock instance of the named families, solveLinked from the old build, then
// from the new one (alternating, so both see the same machine load), and the
// new / old value. Optionally with the new build's neighbourhood moves off.
// Usage: node scripts/ab_lsm.mjs OLD_DIST NEW_DIST SET FAMILY[,FAMILY...] [PER_FAMILY=2] [--no-moves]
// SET: tuning | held_out | unseen | novel. Prints one line per instance, then the medians.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const [set, familyList, perArg] = process.argv.slice(4, 7);
const per = Number(perArg ?? 2);
const noMoves = process.argv.includes('--no-moves');
const O = await import(`${oldDist}/src/clearing/lsm_linked.js`);
const N = await import(`${newDist}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${newDist}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${newDist}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${newDist}/src/bench/gridlock_families.js`);
const fams = familyList.split(',');
const instances = set === 'unseen' ? unseenInstances(42, per, fams) : set === 'novel' ? novelInstances(42, per, fams) : familyInstances(set, 42, per, fams);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (const inst of instances) {
  let t = performance.now();
  const a = O.solveLinked(inst.problem);
  const ta = performance.now() - t;
  t = performance.now();
  const b = N.solveLinked(inst.problem, noMoves ? { neighbourhood_moves: false } : {});
  const tb = performance.now() - t;
  const ratio = Number(b.settled_weight) / Math.max(1, Number(a.settled_weight));
  rows.push({ ta, tb, ratio });
  console.log(
    `${inst.family} ${inst.seed}: old ${a.settled_weight} in ${ta.toFixed(0)} ms, new ${b.settled_weight} in ${tb.toFixed(0)} ms, new/old ${ratio.toFixed(4)} [${b.method}]`,
  );
}
console.log(
  `median ms: old ${median(rows.map((r) => r.ta)).toFixed(1)}, new ${median(rows.map((r) => r.tb)).toFixed(1)}, ` +
    `median new/old time ${median(rows.map((r) => r.tb / r.ta)).toFixed(2)}, worst new/old value ${Math.min(...rows.map((r) => r.ratio)).toFixed(4)}`,
);

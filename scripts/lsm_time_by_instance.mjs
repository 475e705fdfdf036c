// Wall time of one build's solveLinked on each instance of the bench's sets (run seed 42), slowest first, with the
// median: the driver to profile a run (node --cpu-prof --cpu-prof-dir=DIR scripts/lsm_time_by_instance.mjs ...,
// then scripts/cpuprofile_top.mjs). Usage: node scripts/lsm_time_by_instance.mjs DIST SET[,SET...] [PER_FAMILY=1]
// SETs: tuning, held_out, unseen, novel.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const [dist, setsArg, perArg] = process.argv.slice(2);
const d = pathToFileURL(resolve(dist)).href;
const N = await import(`${d}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const GF = await import(`${d}/src/bench/gridlock_families.js`);
const per = Number(perArg ?? 1);
const rows = [];
for (const set of setsArg.split(',')) {
  const insts = set === 'unseen' ? unseenInstances(42, per, null) : set === 'novel' ? novelInstances(42, per, null) : GF.familyInstances(set, 42, per, null);
  for (const inst of insts) {
    const t0 = performance.now();
    const r = N.solveLinked(inst.problem);
    const ms = performance.now() - t0;
    rows.push({ set, fam: inst.family, ms, n: inst.problem.items.length, m: r.method });
  }
}
rows.sort((a, b) => b.ms - a.ms);
for (const r of rows) console.log(`${r.set} ${r.fam} n=${r.n} ${r.ms.toFixed(0)} ms ${r.m}`);
const s = rows.map((r) => r.ms).sort((a, b) => a - b);
console.log('n', s.length, 'median', s[Math.floor(s.length / 2)].toFixed(0), 'total', s.reduce((a, b) => a + b, 0).toFixed(0));

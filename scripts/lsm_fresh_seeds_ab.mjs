// Two builds' LSM on gridlock instances the bench never runs: the bench's families
// drawn from another run seed than its 42, each solved by the old build's
// solveLinked, then the new one's (alternating), and by HiGHS (MILP with a time
// limit; its objective, not proven optimal unless it says so). A held-out check for
// a rules version chosen on the bench's own instances (issue #16).
// Usage: node scripts/lsm_fresh_seeds_ab.mjs OLD_DIST NEW_DIST SET FAMILY[,FAMILY...] RUN_SEED [PER_FAMILY=3] [HIGHS_S=20]
// SET: tuning | unseen | novel.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldArg, newArg, set, familyList, seedArg, perArg, highsArg] = process.argv.slice(2);
if (familyList === undefined || seedArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_fresh_seeds_ab.mjs OLD_DIST NEW_DIST SET FAMILY[,FAMILY...] RUN_SEED [PER_FAMILY] [HIGHS_S]\n');
  process.exit(2);
}
const url = (d) => pathToFileURL(resolve(d)).href;
const O = await import(`${url(oldArg)}/src/clearing/lsm_linked.js`);
const N = await import(`${url(newArg)}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${url(newArg)}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${url(newArg)}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${url(newArg)}/src/bench/gridlock_families.js`);
const { lpModel } = await import(`${url(newArg)}/src/bench/lp_model.js`);
const highs = await (await import('highs')).default();
const runSeed = Number(seedArg);
const per = Number(perArg ?? 3);
const limit = Number(highsArg ?? 20);
const fams = familyList.split(',');
const instances =
  set === 'unseen' ? unseenInstances(runSeed, per, fams) : set === 'novel' ? novelInstances(runSeed, per, fams) : familyInstances(set, runSeed, per, fams);
for (const inst of instances) {
  const c0 = process.cpuUsage();
  const a = O.solveLinked(inst.problem);
  const c1 = process.cpuUsage();
  const b = N.solveLinked(inst.problem);
  const c2 = process.cpuUsage();
  const mip = highs.solve(lpModel(inst.problem, false), { output_flag: false, time_limit: limit, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  const ref = Math.max(mip.ObjectiveValue ?? 0, Number(a.settled_weight), Number(b.settled_weight));
  const ms = (x, y) => ((y.user + y.system - x.user - x.system) / 1000).toFixed(0);
  const legs2 = inst.problem.items.some((it) => it.legs.length === 2);
  console.log(
    `${inst.family} ${inst.seed}${legs2 ? ' (two-leg items)' : ''}: old ${(Number(a.settled_weight) / ref).toFixed(4)} in ${ms(c0, c1)} ms, ` +
      `new ${(Number(b.settled_weight) / ref).toFixed(4)} in ${ms(c1, c2)} ms of the reference (HiGHS ${mip.Status}), new/old ${(Number(b.settled_weight) / Math.max(1, Number(a.settled_weight))).toFixed(4)}`,
  );
}

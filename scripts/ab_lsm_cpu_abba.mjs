// Process CPU of two builds' solveLinked per instance in A B B A order (A the old build, B the new), so a drift of
// the machine's load and a second run's warm start weigh on both builds alike; per instance the ratio
// (B1 + B2) / (A1 + A2), then the median ratio. Times only: identity is scripts/ab_lsm_identity.mjs's.
// Usage: node scripts/ab_lsm_cpu_abba.mjs OLD_DIST NEW_DIST [SETS=held_out] (tuning and held_out families, seed 42)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const sets = (process.argv[4] ?? 'held_out').split(',');
const O = await import(`${oldDist}/src/clearing/lsm_linked.js`);
const N = await import(`${newDist}/src/clearing/lsm_linked.js`);
const GF = await import(`${newDist}/src/bench/gridlock_families.js`);
const cpuMs = (f) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const ratios = [];
for (const set of sets) {
  for (const inst of GF.familyInstances(set, 42, 1, null)) {
    const a1 = cpuMs(() => O.solveLinked(inst.problem));
    const b1 = cpuMs(() => N.solveLinked(inst.problem));
    const b2 = cpuMs(() => N.solveLinked(inst.problem));
    const a2 = cpuMs(() => O.solveLinked(inst.problem));
    const ratio = (b1 + b2) / (a1 + a2);
    ratios.push(ratio);
    console.log(`${set} ${inst.family}: old ${a1.toFixed(0)} ${a2.toFixed(0)} new ${b1.toFixed(0)} ${b2.toFixed(0)} ratio ${ratio.toFixed(3)}`);
  }
}
ratios.sort((x, y) => x - y);
console.log(`n ${ratios.length} median ratio ${ratios[Math.floor(ratios.length / 2)].toFixed(3)}`);

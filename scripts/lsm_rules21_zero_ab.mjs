// Rules 21 on small runs (issue #16, stop 51): each bench instance's settled weight and CPU under a base build's
// solveLinked (BASE_DIST, rules 20) and this build's (DIST, rules 21's phase triple_restart on), on the families
// given (default: held-out zero_small, unseen dense_small, held-out and tuning small), for each run seed. Prints one
// line an instance (weights, ratio, CPU ms of each) and, per seed, how many rose or fell. Exact weights; no HiGHS.
// Usage: node scripts/lsm_rules21_zero_ab.mjs BASE_DIST DIST SEEDS(42,1234,99) [SET/FAMILY,...] [PER_FAMILY=3]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [baseArg, distArg, seedsArg, famsArg, perArg] = process.argv.slice(2);
if (seedsArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_rules21_zero_ab.mjs BASE_DIST DIST SEEDS [SET/FAMILY,...] [PER_FAMILY]\n');
  process.exit(2);
}
const at = (dist) => pathToFileURL(resolve(dist)).href;
const A = await import(`${at(baseArg)}/src/clearing/lsm_linked.js`);
const B = await import(`${at(distArg)}/src/clearing/lsm_linked.js`);
const d = at(distArg);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${d}/src/bench/gridlock_families.js`);
const per = Number(perArg ?? 3);
const fams = (famsArg ?? 'held_out/zero_small,unseen/dense_small,held_out/small,tuning/small').split(',').map((s) => s.split('/'));
const cpuMs = (f) => {
  const t = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(t);
  return [r, (c.user + c.system) / 1000];
};
for (const seed of seedsArg.split(',').map(Number)) {
  let rose = 0;
  let fell = 0;
  let same = 0;
  for (const [set, fam] of fams) {
    const insts =
      set === 'unseen' ? unseenInstances(seed, per, [fam]) : set === 'novel' ? novelInstances(seed, per, [fam]) : familyInstances(set, seed, per, [fam]);
    for (const inst of insts) {
      const [a, msA] = cpuMs(() => A.solveLinked(inst.problem));
      const [b, msB] = cpuMs(() => B.solveLinked(inst.problem));
      const wa = a.settled_weight;
      const wb = b.settled_weight;
      if (wb > wa) rose++;
      else if (wb < wa) fell++;
      else same++;
      console.log(
        `seed ${seed} ${set}/${fam} ${inst.seed}: base ${wa} (${msA.toFixed(0)} ms, ${a.method}) new ${wb} (${msB.toFixed(0)} ms, ${b.method}) x${(Number(wb) / Number(wa)).toFixed(4)}`,
      );
    }
  }
  console.log(`seed ${seed}: rose ${rose}, fell ${fell}, same ${same}`);
}

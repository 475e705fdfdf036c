// Rules 21 (issue #16, stop 51): each bench instance's settled weight and CPU under one build's solveLinked with
// wide_regions off (rules 20's choice) and on (rules 21's), on the families given (default: the three whose worst
// was under 0.95 after stop 50 outside zero_small: held-out wide and large, novel whales), for each run seed. Prints
// one line an instance (weights, ratio, CPU ms of each) and, per seed, how many rose or fell. Exact weights; no HiGHS.
// Usage: node scripts/lsm_rules21_wide_ab.mjs DIST SEEDS(42,1234,99) [SET/FAMILY,...=held_out/wide,novel/whales,held_out/large] [PER_FAMILY=3]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, seedsArg, famsArg, perArg] = process.argv.slice(2);
if (seedsArg === undefined) {
  process.stderr.write('usage: node scripts/lsm_rules21_wide_ab.mjs DIST SEEDS [SET/FAMILY,...] [PER_FAMILY]\n');
  process.exit(2);
}
const d = pathToFileURL(resolve(distArg)).href;
const L = await import(`${d}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const { familyInstances } = await import(`${d}/src/bench/gridlock_families.js`);
const per = Number(perArg ?? 3);
const fams = (famsArg ?? 'held_out/wide,novel/whales,held_out/large').split(',').map((s) => s.split('/'));
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
      const [a, msA] = cpuMs(() => L.solveLinked(inst.problem, { wide_regions: false }));
      const [b, msB] = cpuMs(() => L.solveLinked(inst.problem));
      const wa = a.settled_weight;
      const wb = b.settled_weight;
      if (wb > wa) rose++;
      else if (wb < wa) fell++;
      else same++;
      console.log(
        `seed ${seed} ${set}/${fam} ${inst.seed}: rules20 ${wa} (${msA.toFixed(0)} ms, ${a.method}) rules21 ${wb} (${msB.toFixed(0)} ms, ${b.method}) x${(Number(wb) / Number(wa)).toFixed(4)}`,
      );
    }
  }
  console.log(`seed ${seed}: rose ${rose}, fell ${fell}, same ${same}`);
}

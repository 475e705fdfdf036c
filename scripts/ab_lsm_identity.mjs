// Identity and side-by-side time of two builds' solveLinked (a pure speed-up must
// release the same set): for each instance of the named sets, old then new
// (alternating, same machine load), compares settled ids, weight and method; then
// per set the median CPU ms of each build and the median new/old time. Exit 1 on any
// difference. Rules versions: the default options (rules 12's phases) unless
// --options JSON is given (e.g. '{"dive_keep_whole":false}'), or --rules V (the
// options solveRunProblem passes under rules version V, 3-12).
// --record FILE writes the old build's results (weight, method, settled ids) per
// instance; --check FILE runs the new build alone against such a file (OLD_DIST
// then unused, times of the new build only).
// SETs: tuning, held_out, unseen, novel, generated (lsm_generated_families.mjs's shapes).
// Usage: node scripts/ab_lsm_identity.mjs OLD_DIST NEW_DIST SET[,SET...] [PER_FAMILY=1] [--options JSON | --rules V] [--only FAM,...] [--record FILE | --check FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? null : args.splice(i, 2)[1];
};
let options = JSON.parse(flag('--options') ?? '{}');
const rules = flag('--rules');
const only = flag('--only')?.split(',') ?? null;
const recordTo = flag('--record');
const checkFrom = flag('--check');
const recorded = checkFrom === null ? null : JSON.parse(readFileSync(checkFrom, 'utf8'));
const record = {};
const [oldDist, newDist] = args.slice(0, 2).map((d) => pathToFileURL(resolve(d)).href);
const sets = args[2].split(',');
const per = Number(args[3] ?? 1);
const O = await import(`${oldDist}/src/clearing/lsm_linked.js`);
const N = await import(`${newDist}/src/clearing/lsm_linked.js`);
if (rules !== null) {
  // The options the release's solveRunProblem passes under that rules version (its gates, from the new build).
  const R = await import(`${newDist}/src/clearing/lsm_release.js`);
  const v = Number(rules);
  options = {
    ...options,
    neighbourhood_moves: R.lsmNeighbourhoodMoves(v),
    small_moves: R.lsmRules5Search(v),
    chain_repair_weights: R.lsmRules5Search(v),
    short_repair: R.lsmRules6ShortRepair(v),
    lp_start: R.lsmRules7LpStart(v),
    lp_dive: R.lsmRules8LpDive(v),
    lp_repair: R.lsmRules9LpRepair(v),
    lp_paths: R.lsmRules10LpPaths(v),
    lp_split: R.lsmRules11LpSplit(v),
    dive_keep_whole: R.lsmRules12DiveKeepsWhole(v),
    // Builds before rules 13 have no such switch (undefined: the option left at its default, absent there).
    region_exact: R.lsmRules13RegionExact?.(v),
    region_gap: R.lsmRules14RegionGap?.(v),
    region_chunks: R.lsmRules15RegionChunks?.(v),
    region_pairs: R.lsmRules16RegionPairs?.(v),
    region_rounds: R.lsmRules17RegionRounds?.(v),
    region_induced: R.lsmRules18RegionInduced?.(v),
    region_restart: R.lsmRules19RegionRestart?.(v),
    region_triples: R.lsmRules20RegionTriples?.(v),
    triple_restart: R.lsmRules21TripleRestart?.(v),
    wide_regions: R.lsmRules21WideRegions?.(v),
  };
}
const { unseenInstances, UNSEEN_FAMILIES } = await import(`${newDist}/src/bench/gridlock_unseen.js`);
const { novelInstances, NOVEL_FAMILIES } = await import(`${newDist}/src/bench/gridlock_novel.js`);
const F = await import(`${newDist}/src/bench/gridlock_families.js`);
const { familyInstances, FAMILIES } = F;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** scripts/lsm_generated_families.mjs's shapes (seed 777) and its small shapes (seeds 1000-1007), as one set. */
function generatedInstances() {
  const { makeInstance } = F;
  const fam = (n) => FAMILIES.find((f) => f.name === n);
  const shapes = [
    ['star200', { ...fam('star'), participants: 201, payments: 5000, balance: [0, 0.02] }],
    ['ring300', { ...fam('ring'), participants: 300, payments: 10000 }],
    ['tiered63', { ...fam('tiered'), participants: 63, payments: 800, amounts: { kind: 'pareto', alpha: 1.05 } }],
    ['ample20', { ...fam('ample'), participants: 20, payments: 300 }],
    ['classic15', { ...fam('classic'), participants: 15, payments: 120, balance: [0, 0] }],
    ['credit100', { ...fam('credit'), participants: 100, payments: 4000 }],
  ];
  const out = shapes.map(([family, spec]) => ({ family, seed: 777, problem: makeInstance(spec, 'held_out', 777).problem }));
  const small = [
    ['small8x50', fam('small')],
    ['star6x40', { ...fam('star'), participants: 6, payments: 40 }],
    ['ring10x60', { ...fam('ring'), participants: 10, payments: 60 }],
    ['tiered12x60', { ...fam('tiered'), participants: 12, payments: 60 }],
  ];
  for (const [family, spec] of small)
    for (let seed = 1000; seed < 1008; seed++) out.push({ family, seed, problem: makeInstance(spec, 'held_out', seed).problem });
  return out;
}
function instancesOf(set) {
  if (set === 'generated') return generatedInstances();
  if (set === 'unseen') return unseenInstances(42, per, only ?? UNSEEN_FAMILIES.map((f) => f.name));
  if (set === 'novel') return novelInstances(42, per, only ?? NOVEL_FAMILIES.map((f) => f.name));
  return familyInstances(set, 42, per, only ?? FAMILIES.filter((f) => f.sets.includes(set)).map((f) => f.name));
}
let differ = 0;
const summary = [];
for (const set of sets) {
  const rows = [];
  for (const inst of instancesOf(set)) {
    // CPU time of the process (user + system), steadier than wall time on a shared machine.
    const id = `${set} ${inst.family} ${inst.seed}`;
    let t = process.cpuUsage();
    const a = recorded === null ? O.solveLinked(inst.problem, options) : recorded[id];
    let u = process.cpuUsage(t);
    const ta = recorded === null ? (u.user + u.system) / 1000 : Number.NaN;
    if (recordTo !== null) record[id] = { settled_weight: String(a.settled_weight), method: a.method, settled: a.settled };
    t = process.cpuUsage();
    const b = N.solveLinked(inst.problem, options);
    u = process.cpuUsage(t);
    const tb = (u.user + u.system) / 1000;
    const same = String(a.settled_weight) === String(b.settled_weight) && a.method === b.method && a.settled.join(',') === b.settled.join(',');
    if (!same) differ++;
    rows.push({ ta, tb });
    console.log(
      `${set} ${inst.family} ${inst.seed}: ${same ? 'same' : 'DIFFERENT'} ${a.settled_weight}${same ? '' : ` vs ${b.settled_weight}`} (${a.settled.length} ids) CPU ms old ${ta.toFixed(0)} new ${tb.toFixed(0)}`,
    );
  }
  summary.push(
    `${set}: n ${rows.length}, median CPU ms old ${median(rows.map((r) => r.ta)).toFixed(0)} new ${median(rows.map((r) => r.tb)).toFixed(0)}, median new/old ${median(rows.map((r) => r.tb / r.ta)).toFixed(2)}`,
  );
}
if (recordTo !== null) writeFileSync(recordTo, JSON.stringify(record));
for (const s of summary) console.log(s);
console.log(differ === 0 ? 'all identical' : `${differ} DIFFERENT`);
process.exitCode = differ === 0 ? 0 : 1;

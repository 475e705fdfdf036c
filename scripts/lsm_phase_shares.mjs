// Where one build's solveLinked spends a run, phase by phase, and whether each phase changed the run's result:
// copies DIST to a scratch folder, wraps the phases of src/clearing/lsm_linked.js there (shortRepairPhase,
// lpStartPhase as rules 7 / 8 / 12's second dive, lpRepairPhase, lpPathsPhase, lpSplitPhase, regionExactPhase as
// rules 13 / 14, regionChunkPhase, regionPairPhase (rules 16-18), regionRestartPhase (rules 19, its inner
// solveLinked counted in it)) and regionBranchAndBound of lsm_region_exact.js, then solves each instance of the
// named sets (run seed 42) at the default options (rules 19's phases). Per instance: each phase's share of the
// run's wall time, `*` where its result differs from what it was given (it keeps that unless strictly heavier);
// the rest ("before") is the search before the later phases. Per region search (regionBranchAndBound): how many
// repeat an earlier search of the same run on the same region, start and limit (a memo could answer those), and
// their share of the run. Then per phase: share of all time, median share, runs, runs whose result it changed.
// DIST is not changed. Usage: node scripts/lsm_phase_shares.mjs DIST [SETS=unseen,novel,tuning] [PER_FAMILY=1]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, setsArg, perArg] = process.argv.slice(2);
const sets = (setsArg ?? 'unseen,novel,tuning').split(',');
const per = Number(perArg ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'lsm-phases-'));
cpSync(resolve(dist), dir, { recursive: true });
const patch = (file, edits) => {
  const p = join(dir, file);
  let s = readFileSync(p, 'utf8');
  for (const [from, to] of edits) {
    if (!s.includes(from)) throw new Error(`${file}: not found: ${from}`);
    s = s.replace(from, to);
  }
  writeFileSync(p, s);
};
// Which argument is the candidate each phase keeps unless it finds strictly more.
const phases = {
  shortRepairPhase: 4,
  lpStartPhase: 4,
  lpRepairPhase: 4,
  lpPathsPhase: 4,
  lpSplitPhase: 4,
  regionExactPhase: 5,
  regionChunkPhase: 5,
  regionPairPhase: 6,
  regionRestartPhase: 5,
};
patch('src/clearing/lsm_linked.js', [
  ...Object.entries(phases).map(([f, i]) => [`function ${f}(`, `function ${f}(...a) { return __wrap('${f}', ${i}, ${f}__0, a); }\nfunction ${f}__0(`]),
  [
    'export function solveLinked(',
    `let __depth = 0;
function __wrap(name, i, f, a) {
  if (__depth > 1) return f(...a);
  const key = name === 'lpStartPhase' ? (a[5] ? (a[7] ? 'lpStart r12 dive' : 'lpStart r8 dive') : 'lpStart r7') : name === 'regionExactPhase' ? (a[6] === undefined ? 'regionExact r13' : 'regionExact r14 gap') : name;
  const t0 = performance.now();
  const r = f(...a);
  const e = (globalThis.__phases[key] ??= { ms: 0, changed: 0 });
  e.ms += performance.now() - t0;
  if (r !== a[i]) e.changed++;
  return r;
}
export function solveLinked(...a) { __depth++; try { return solveLinked__0(...a); } finally { __depth--; } }
function solveLinked__0(`,
  ],
]);
patch('src/clearing/lsm_region_exact.js', [
  [
    'export function regionBranchAndBound(r, start, work, rcFix = false) {',
    `export function regionBranchAndBound(r, start, work, rcFix = false) {
  const S = globalThis.__bb;
  const key = [rcFix, r.nodes, r.m, r.effStart.join(','), r.effNode.join(','), r.effDelta.join(','), r.weight.join(','), r.resid.join(','), start.join('')].join('|');
  const w0 = work.steps;
  const room = work.max - w0;
  const t0 = performance.now();
  const out = regionBranchAndBound__0(r, start, work, rcFix);
  const ms = performance.now() - t0;
  S.calls++;
  S.ms += ms;
  const prev = S.seen.get(key);
  // A repeat: the same region and start, and a limit that gives the same search (the same, or the earlier one finished within this one).
  if (prev !== undefined && (prev.room === room || (prev.complete && prev.steps <= room))) {
    S.repeats++;
    S.repeatMs += ms;
  } else S.seen.set(key, { room, complete: out.complete, steps: work.steps - w0 });
  return out;
}
function regionBranchAndBound__0(r, start, work, rcFix = false) {`,
  ],
]);
const d = pathToFileURL(dir).href;
const N = await import(`${d}/src/clearing/lsm_linked.js`);
const { unseenInstances } = await import(`${d}/src/bench/gridlock_unseen.js`);
const { novelInstances } = await import(`${d}/src/bench/gridlock_novel.js`);
const GF = await import(`${d}/src/bench/gridlock_families.js`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const agg = {};
let all = 0;
const bb = { calls: 0, ms: 0, repeats: 0, repeatMs: 0, shares: [] };
for (const set of sets) {
  const insts = set === 'unseen' ? unseenInstances(42, per, null) : set === 'novel' ? novelInstances(42, per, null) : GF.familyInstances(set, 42, per, null);
  for (const inst of insts) {
    globalThis.__phases = {};
    globalThis.__bb = { calls: 0, ms: 0, repeats: 0, repeatMs: 0, seen: new Map() };
    const t0 = performance.now();
    const r = N.solveLinked(inst.problem);
    const T = performance.now() - t0;
    all += T;
    let rest = T;
    const parts = [];
    for (const [k, e] of Object.entries(globalThis.__phases)) {
      rest -= e.ms;
      const a = (agg[k] ??= { ms: 0, runs: 0, changed: 0, shares: [] });
      a.ms += e.ms;
      a.runs++;
      if (e.changed > 0) a.changed++;
      a.shares.push(e.ms / T);
      parts.push(`${k} ${((100 * e.ms) / T).toFixed(0)}%${e.changed > 0 ? '*' : ''}`);
    }
    const b = (agg.before ??= { ms: 0, runs: 0, changed: 0, shares: [] });
    b.ms += rest;
    b.runs++;
    b.shares.push(rest / T);
    const B = globalThis.__bb;
    bb.calls += B.calls;
    bb.ms += B.ms;
    bb.repeats += B.repeats;
    bb.repeatMs += B.repeatMs;
    bb.shares.push(B.repeatMs / T);
    console.log(
      `${set} ${inst.family} ${T.toFixed(0)} ms [${r.method}]: before ${((100 * rest) / T).toFixed(0)}%, ${parts.join(', ')}; region searches ${B.calls} (${((100 * B.ms) / T).toFixed(0)}%), repeats ${B.repeats} (${((100 * B.repeatMs) / T).toFixed(1)}%)`,
    );
  }
}
console.log("\n| phase | share of all runs' time | median share a run | runs | runs whose result it changed |\n|---|---:|---:|---:|---:|");
for (const [k, a] of Object.entries(agg)) {
  console.log(`| ${k} | ${((100 * a.ms) / all).toFixed(1)} % | ${(100 * median(a.shares)).toFixed(1)} % | ${a.runs} | ${k === 'before' ? '-' : a.changed} |`);
}
console.log(
  `\nregion searches: ${bb.calls}, ${((100 * bb.ms) / all).toFixed(1)} % of all time; repeats ${bb.repeats}, ${((100 * bb.repeatMs) / all).toFixed(1)} % of all time, median share a run ${(100 * median(bb.shares)).toFixed(1)} %`,
);
rmSync(dir, { recursive: true, force: true });

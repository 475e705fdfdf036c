// Records every LSM run problem a demo day solves (the memo's misses), as `demo`
// runs the day (seed 3, 60 banks, DNS share 1, the demo's watch-list, one prepare
// worker): problem, budget, rules version and the release, v8-serialised, for
// scripts/demo_lsm_ab.mjs. Run it with the demo's heap flag:
//
//   node --max-semi-space-size=64 scripts/demo_lsm_record.mjs ROOT PAYMENTS OUT
//
// ROOT: a checkout with dist/ built (the base's, so a newer solver is checked
// against the base's releases); the store is /tmp/demo-lsm-record.db.

import { rmSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const [root, n, out] = process.argv.slice(2);
if (root === undefined || n === undefined || out === undefined) {
  process.stderr.write('usage: node scripts/demo_lsm_record.mjs ROOT PAYMENTS OUT\n');
  process.exit(2);
}
const { runDay } = await import(`${root}/dist/src/demo/day.js`);
const { demoScreen } = await import(`${root}/dist/src/demo/screener.js`);
const { WATCHLIST_VARIANTS } = await import(`${root}/dist/src/demo/watchlist.js`);
const { initStore } = await import(`${root}/dist/src/platform/store_tools.js`);
const { LsmSolutionMemo } = await import(`${root}/dist/src/clearing/lsm_memo.js`);
const recorded = [];
const solve = LsmSolutionMemo.prototype.solve;
LsmSolutionMemo.prototype.solve = function (problem, budget, rules) {
  const misses = this.misses;
  const copy = v8.deserialize(v8.serialize(problem));
  const r = solve.call(this, problem, budget, rules);
  if (this.misses > misses) recorded.push({ problem: copy, budget, rules, settled: [...r.settled], method: r.method });
  return r;
};
const path = '/tmp/demo-lsm-record.db';
for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
await initStore(`sqlite:${path}`, 'demo');
const run = await runDay({
  store: `sqlite:${path}`,
  seed: 3,
  banks: 60,
  payments: Number(n),
  dns_share: 1,
  screen: demoScreen(),
  workers: 1,
  prepare_ahead: 32,
  watchlist_every: 400,
  watchlist_names: WATCHLIST_VARIANTS,
  onProgress: () => {},
});
writeFileSync(out, v8.serialize(recorded));
process.stdout.write(`recorded ${recorded.length} solved runs; state digest ${run.platform.stateDigest().slice(0, 16)}\n`);
await run.platform.close();
process.exit(0);

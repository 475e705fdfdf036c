// The solver on a demo day's recorded LSM runs (scripts/demo_lsm_record.mjs):
// each run solved by OLD's and NEW's solveRunProblem in turn (the order
// alternating per run), the released ids, weight and method compared with each
// other and with the recorded release, and each side's CPU time summed. Exit 1
// on any difference. A figure and an identity check, not a test.
//
//   node scripts/demo_lsm_ab.mjs OLD_ROOT NEW_ROOT FILE [PASSES=1]

import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

const [oldRoot, newRoot, file, passes = '1'] = process.argv.slice(2);
if (oldRoot === undefined || newRoot === undefined || file === undefined) {
  process.stderr.write('usage: node scripts/demo_lsm_ab.mjs OLD_ROOT NEW_ROOT FILE [PASSES]\n');
  process.exit(2);
}
const runs = v8.deserialize(readFileSync(file));
const A = (await import(`${oldRoot}/dist/src/clearing/lsm_release.js`)).solveRunProblem;
const B = (await import(`${newRoot}/dist/src/clearing/lsm_release.js`)).solveRunProblem;
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
let oldUs = 0;
let newUs = 0;
let differ = 0;
for (let p = 0; p < Number(passes); p++) {
  runs.forEach((r, i) => {
    const got = new Map();
    for (const f of (i + p) % 2 === 0 ? [A, B] : [B, A]) {
      const t0 = cpuUs();
      got.set(f, f(r.problem, r.budget, undefined, r.rules));
      if (f === A) oldUs += cpuUs() - t0;
      else newUs += cpuUs() - t0;
    }
    const a = got.get(A);
    const b = got.get(B);
    const same =
      a.method === b.method && a.settled_weight === b.settled_weight && a.settled.join() === b.settled.join() && a.settled.join() === r.settled.join();
    if (!same) {
      differ++;
      process.stdout.write(
        `run ${i}: old ${a.method} ${a.settled_weight} (${a.settled.length} ids), new ${b.method} ${b.settled_weight} (${b.settled.length} ids)\n`,
      );
    }
  });
}
process.stdout.write(
  `runs ${runs.length} x ${passes}: ${differ === 0 ? 'all identical' : `${differ} differ`}; CPU s old ${(oldUs / 1e6).toFixed(2)} new ${(newUs / 1e6).toFixed(2)}, new/old ${(newUs / oldUs).toFixed(3)}\n`,
);
process.exit(differ === 0 ? 0 : 1);

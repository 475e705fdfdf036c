// How long the API fuzz target's first inputs take after a scheme restart: four
// rounds of 5,000 inputs (seed 3), printing the set-up's time and the first three
// inputs' times of each round, and each round's slowest input. An input over the
// runner's 2 s is reported as a hang; set-up is not timed.
//
// Usage: node scripts/fuzz_restart_probe.mjs [DIST]   (DIST: a build's dist folder, default ./dist)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? 'dist');
const { apiTarget } = await import(pathToFileURL(`${dist}/src/fuzz/api_target.js`).href);
const { inputRng } = await import(pathToFileURL(`${dist}/src/fuzz/target.js`).href);
const ROUNDS = 4;
const INPUTS = 5_000;
const target = apiTarget();
await target.setup();
for (let round = 0; round < ROUNDS; round++) {
  let max = 0;
  let maxAt = -1;
  for (let i = 0; i < INPUTS; i++) {
    const index = round * INPUTS + i;
    // Builds before the set-up fix restart inside run() and have no setupDue.
    if (target.setupDue?.() === true) {
      const t0 = performance.now();
      await target.setup();
      console.log(`round ${round}: set-up ${(performance.now() - t0).toFixed(0)} ms`);
    }
    const input = target.input(inputRng(3, index), index);
    const t0 = performance.now();
    await target.run(input);
    const ms = performance.now() - t0;
    if (i < 3) console.log(`round ${round}: input ${i} ${ms.toFixed(1)} ms`);
    if (ms > max) [max, maxAt] = [ms, i];
  }
  console.log(`round ${round}: slowest input ${max.toFixed(1)} ms (input ${maxAt})`);
}

// The fuzz targets the runner knows below the CLI (the CLI adds its own input
// readers' target), and `selftest`: a target that hangs at index 7 and crashes
// at index 13 of every thousand, and sets itself up again, slowly, after every
// 500 inputs, so the runner's hang watch (which must not time a set-up as an
// input) and crash capture are themselves tested.

import { apiTarget } from './api_target.js';
import { isoTarget } from './iso_target.js';
import type { FuzzTarget } from './target.js';
import { xmlTarget } from './xml_target.js';

export function platformTargets(): Record<string, () => FuzzTarget> {
  return { xml: xmlTarget, iso: isoTarget, api: apiTarget, selftest: selfTestTarget };
}

/** The selftest's periodic set-up: longer than the selftest's input timeout in the tests. */
const SELFTEST_SETUP_MS = 600;

function selfTestTarget(): FuzzTarget {
  let runs = 0;
  return {
    name: 'selftest',
    async setup() {
      if (runs > 0) await new Promise((r) => setTimeout(r, SELFTEST_SETUP_MS));
      runs = 0;
    },
    setupDue: () => runs >= 500,
    input: (rng, index) => `${index}:${rng.nextU32()}`,
    run(input) {
      runs++;
      const index = Number(input.split(':')[0]);
      if (index % 1000 === 7) for (;;);
      if (index % 1000 === 13) throw new TypeError('selftest crash');
      return { code: index % 2 === 0 ? 'even' : 'odd' };
    },
  };
}

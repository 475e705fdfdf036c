// The fuzz targets the runner knows below the CLI (the CLI adds its own input
// readers' target), and `selftest`: a target that hangs at index 7 and crashes
// at index 13 of every thousand, so the runner's hang watch and crash capture
// are themselves tested.

import { apiTarget } from './api_target.js';
import { isoTarget } from './iso_target.js';
import type { FuzzTarget } from './target.js';
import { xmlTarget } from './xml_target.js';

export function platformTargets(): Record<string, () => FuzzTarget> {
  return { xml: xmlTarget, iso: isoTarget, api: apiTarget, selftest: selfTestTarget };
}

function selfTestTarget(): FuzzTarget {
  return {
    name: 'selftest',
    input: (rng, index) => `${index}:${rng.nextU32()}`,
    run(input) {
      const index = Number(input.split(':')[0]);
      if (index % 1000 === 7) for (;;);
      if (index % 1000 === 13) throw new TypeError('selftest crash');
      return { code: index % 2 === 0 ? 'even' : 'odd' };
    },
  };
}

// The instruction check's UETR test by char codes (src/platform/instruction.ts
// isUetrV4) accepts exactly what the expression UETR_V4 accepts: a UUID v4 in
// lower case, nothing before or after it. Submissions' refusals depend on it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isUetrV4, UETR_V4 } from '../src/platform/instruction.js';

/** A UUID v4's text with one char code changed at a random place: the near misses. */
const nearMiss = fc
  .tuple(fc.uuid({ version: 4 }), fc.nat({ max: 35 }), fc.integer({ min: 0, max: 0x2fff }))
  .map(([u, at, code]) => u.slice(0, at) + String.fromCharCode(code) + u.slice(at + 1));

test('isUetrV4 agrees with UETR_V4 on UUIDs of every version, near misses and other strings', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uuid(),
        fc.uuid({ version: 4 }),
        fc.uuid({ version: 4 }).map((u) => u.toUpperCase()),
        nearMiss,
        fc.string({ minLength: 34, maxLength: 38 }),
        fc.string(),
      ),
      (s) => {
        assert.equal(isUetrV4(s), UETR_V4.test(s), JSON.stringify(s));
      },
    ),
    { numRuns: 20_000 },
  );
});

test('isUetrV4 on the edges: the version and variant digits, hyphens, case, length, a trailing newline', () => {
  const good = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const cases = [
    good,
    ...['8', '9', 'a', 'b', 'c', '7', 'A', 'B'].map((v) => `${good.slice(0, 19)}${v}${good.slice(20)}`),
    ...['4', '3', '5', 'f'].map((v) => `${good.slice(0, 14)}${v}${good.slice(15)}`),
    good.toUpperCase(),
    `${good}\n`,
    `\n${good}`,
    good.slice(1),
    `${good}0`,
    good.replace(/-/g, '_'),
    good.replace('e', 'g'),
    good.replace('3f', '3F'),
    `${good.slice(0, 8)}0${good.slice(9)}`,
    '',
  ];
  for (const s of cases) assert.equal(isUetrV4(s), UETR_V4.test(s), JSON.stringify(s));
  assert.equal(isUetrV4(good), true);
});

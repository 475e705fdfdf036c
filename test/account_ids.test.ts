// Account ids (src/clearing/accounts.ts): accountId remembers the ids it gave for
// the usual ranges; every answer, first or remembered, in range or out of it,
// must be the layout's participant_no << 48 | ledger << 16 | kind. uetrBits
// reads a UETR's 128 bits by slices and must agree with the general form
// (every hyphen dropped, the rest hex) on any string, errors included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountId, uetrBits, uetrBitsGeneral } from '../src/clearing/accounts.js';

function layout(no: number, ledger: number, kind: number): bigint {
  return (BigInt(no) << 48n) | (BigInt(ledger) << 16n) | BigInt(kind);
}

test('accountId is the layout for any participant, ledger and kind, asked once or again in any order', () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(0, 1, 65_535, 65_536));
  const ledger = fc.oneof(fc.integer({ min: 0, max: 1_100 }), fc.constantFrom(156, 643, 840, 1_023, 1_024, 70_000));
  const kind = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(1, 7, 63, 64, 65_535));
  fc.assert(
    fc.property(fc.array(fc.tuple(part, ledger, kind), { minLength: 1, maxLength: 40 }), (ids) => {
      for (let round = 0; round < 2; round++) for (const [n, l, k] of ids) assert.equal(accountId(n, l, k), layout(n, l, k));
    }),
    { numRuns: 500 },
  );
});

test('what BigInt refuses is still refused', () => {
  assert.throws(() => accountId(1.5, 156, 1), RangeError);
  assert.throws(() => accountId(Number.NaN, 156, 1), RangeError);
});

/** The hex digits of `u` (hyphens skipped), read one by one: an oracle that shares no code with uetrBits. */
function bitsByDigits(u: string): bigint {
  let v = 0n;
  for (const c of u) if (c !== '-') v = v * 16n + BigInt(Number.parseInt(c, 16));
  return v;
}

function outcome(f: (u: string) => bigint, u: string): string {
  try {
    return `= ${f(u)}`;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

test('uetrBits reads any UUID, lower or upper case, as its 128 bits', () => {
  fc.assert(
    fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
      const u = upper ? uuid.toUpperCase() : uuid;
      assert.equal(uetrBits(u), bitsByDigits(u));
      assert.equal(uetrBits(u), uetrBitsGeneral(u));
    }),
    { numRuns: 2_000 },
  );
  assert.equal(uetrBits('00000000-0000-4000-8000-000000000000'), (4n << 76n) | (8n << 60n));
  assert.equal(uetrBits('ffffffff-ffff-ffff-ffff-ffffffffffff'), (1n << 128n) - 1n);
});

test('uetrBits agrees with the general form on strings that are not UUIDs, errors included', () => {
  const edges = [
    '',
    '-',
    '12-45678-1234-1234-1234-123456789abc', // a hyphen more, in the first group
    '12345678-12-4-1234-1234-123456789abc',
    '12345678-1234-1234-1234-1234-6789abc', // a hyphen more, in the last group
    '12345678-1234-1234-1234-123456789abc ', // BigInt allows white space at the end
    '12345678-1234-1234-1234-123456789ab ',
    '12345678-1234-1234-1234-12345 789abc',
    '12345678-1234-1234-1234-',
    '12345678-1234-1234-1234',
    '12345678-1234-1234-1234a123456789abc', // no fourth hyphen
    '12345678a1234-1234-1234-123456789abc',
    '0x345678-1234-1234-1234-123456789abc',
    '1234567g-1234-1234-1234-123456789abc',
    '12345678-1234-1234-1234-123456789abcdef0123',
    '12345678123412341234123456789abc',
  ];
  for (const u of edges) assert.equal(outcome(uetrBits, u), outcome(uetrBitsGeneral, u), JSON.stringify(u));
  const char = fc.constantFrom(...'0123456789abcdefABCDEF- gx');
  const text = fc.array(char, { maxLength: 44 }).map((cs) => cs.join(''));
  // Hyphens put where a UUID has them (all four in most cases, so the slice path is tried; some of them else).
  const shaped = fc.tuple(text, fc.nat(3), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 })).map(([t, how, some]) => {
    if (how === 0) return t;
    const cs = [...t.padEnd(24, '0')];
    [8, 13, 18, 23].forEach((i, k) => {
      if (how > 1 || some[k]) cs[i] = '-';
    });
    return cs.join('');
  });
  fc.assert(
    fc.property(shaped, (u) => assert.equal(outcome(uetrBits, u), outcome(uetrBitsGeneral, u), JSON.stringify(u))),
    { numRuns: 5_000 },
  );
});

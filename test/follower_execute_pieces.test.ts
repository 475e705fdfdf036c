// Pure speed-ups of a command's per-payment work (issues #15, #18): each must give
// exactly what the code it replaced gave.
//  - queueKey (clearing/rtgs.ts) keeps the keys it wrote and gives the same string
//    again: its text must be `${no}:${currency}` for any number and text, kept or not.
//  - PaymentColumns.setArchived writes a position's locator and four columns in place:
//    every column and locator must read as after set(pos, loc, [c0, c1, c2, c3]),
//    frozen positions (a block written to the file) included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { queueKey } from '../src/clearing/rtgs.js';
import { PaymentColumns } from '../src/platform/payment_columns.js';
import { SpillFile } from '../src/store/spill_file.js';

test('queueKey gives the participant number, a colon and the currency for any participant number and currency, asked once or again', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.oneof(fc.nat(300), fc.nat(70_000), fc.integer({ min: -5, max: 5 }), fc.double(), fc.constantFrom(65_535, 65_536, 2 ** 31, Number.NaN)),
          fc.oneof(fc.constantFrom('CNY', 'RUB', 'INR', 'KZT', ''), fc.string({ maxLength: 5 })),
        ),
        { minLength: 1, maxLength: 200 },
      ),
      (asks) => {
        for (const [no, currency] of asks) {
          const expected = `${no}:${currency}`;
          assert.equal(queueKey(no, currency), expected);
          assert.equal(queueKey(no, currency), expected);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('PaymentColumns.setArchived reads back as set with the same columns, frozen positions included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-columns-test-'));
  try {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(63), fc.nat(0xffff_fffe), fc.array(fc.nat(0xffff_ffff), { minLength: 4, maxLength: 4 })), { minLength: 1, maxLength: 120 }),
        fc.boolean(),
        (writes, freezeFirst) => {
          const make = (): PaymentColumns => {
            let file: SpillFile | null = null;
            const cols = new PaymentColumns(4, () => (file ??= SpillFile.create({ dir, prefix: 'columns-test', max_bytes: 1 << 24, max_name: 'test' })));
            while (cols.capacity < 64) cols.grow();
            if (freezeFirst) {
              // The first block (16 positions) frozen: its positions are written through the file.
              cols.writeBlock();
              cols.commitFreeze();
            }
            return cols;
          };
          const a = make();
          const b = make();
          for (const [pos, loc, c] of writes) {
            a.set(pos, loc + 1, [c[0]!, c[1]!, c[2]!, c[3]!]);
            b.setArchived(pos, loc + 1, c[0]!, c[1]!, c[2]!, c[3]!);
          }
          for (let pos = 0; pos < 64; pos++) {
            assert.equal(b.loc(pos), a.loc(pos), `locator of ${pos}`);
            const ca = a.colsOf(pos);
            const cb = b.colsOf(pos);
            for (let k = 0; k < 4; k++) assert.equal(cb[b.colsOffset(pos) + k], ca[a.colsOffset(pos) + k], `column ${k} of ${pos}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

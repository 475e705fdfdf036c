// Where the payment book puts each record (src/platform/payment_book.ts): the codec
// writes a record straight into the chunk being filled when it fits there, and the
// chunks fill exactly as when each record was encoded apart and copied in: a record
// goes to the chunk being filled when its length fits, else opens the next (the
// writer's room checks ask for more bytes than some values take, so a record that
// fits near a chunk's end must not open a new one). Small chunks (the environment is
// set before the book is loaded) so that records cross many chunk ends; the spill
// file's size after each record tells the chunk and fill of the last chunk spilled.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

const CHUNK = 4096;
const SPILL_DIR = mkdtempSync(join(tmpdir(), 'sco-settle-chunks-test-'));
process.env.SCO_SETTLE_PAYMENT_SPILL_DIR = SPILL_DIR;
process.env.SCO_SETTLE_PAYMENT_CHUNK_BYTES = String(CHUNK);
process.env.SCO_SETTLE_RECENT_FINISHED = '0';

const { PaymentBook, PAYMENT_BOOK_LIMITS } = await import('../src/platform/payment_book.js');
const { ReferenceRecords } = await import('./support/payment_codec_reference.js');
type Payment = import('../src/clearing/types.js').Payment;

/** JSON that tells a bigint from a number or a string. */
function typedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? { bigint: x.toString() } : x));
}

const AT = 1_796_646_667_502_358_655n;
/** A settled payment as newPayment and the settlement write it; its remittance's length varies the record's from ~140 to ~800 bytes. */
const payments = fc
  .tuple(
    fc.uuid(),
    fc.nat({ max: 99_999 }),
    // Any length up to 300 (fast-check's strings are short by default), ASCII or not.
    fc.tuple(fc.nat({ max: 300 }), fc.constantFrom('r', 'é', '€')).map(([n, c]) => c.repeat(n)),
    fc.boolean(),
    fc.bigInt({ min: 1n, max: 10n ** 12n }),
  )
  .map(([uetr, seq, remittance, detail, amount]): Payment => {
    const instruction: Payment['instruction'] = {
      uetr,
      end_to_end_id: `E${seq}`,
      payer: 'BKAACNBJ',
      payee: 'BKABCNBJ',
      currency: 'CNY',
      amount_minor: amount,
      payee_currency: 'CNY',
      value_date: '2026-12-07',
      priority: 'normal',
      settlement: 'rtgs',
    };
    if (remittance !== '') instruction.remittance = remittance;
    return {
      instruction,
      seq,
      state: 'settled',
      history: [
        { state: 'received', at_ns: AT },
        detail ? { state: 'screened', at_ns: AT, detail: 'not screened' } : { state: 'validated', at_ns: AT },
        { state: 'settled', at_ns: AT },
      ],
      window_id: null,
      fx: null,
      transfer_ids: [(1n << 126n) + BigInt(seq)],
      settled_at_ns: AT,
      case_id: null,
      submitted_by: 'bench',
    };
  });

test('records fill the chunks exactly as records encoded apart and copied in, and read back', () => {
  assert.equal(PAYMENT_BOOK_LIMITS.chunk_bytes, CHUNK);
  try {
    fc.assert(
      fc.property(fc.uniqueArray(payments, { minLength: 40, maxLength: 150, selector: (p) => p.instruction.uetr }), (batch) => {
        const book = new PaymentBook(() => false);
        const reference = new ReferenceRecords();
        let chunks = 0;
        let fill = 0;
        let spilled = 0;
        try {
          for (const p of batch) {
            book.set(p.instruction.uetr, p);
            book.compact();
            const len = reference.encode(p).length;
            if (chunks === 0 || fill + len > CHUNK) {
              // The chunk just filled goes to the spill file at its place: the file ends at its fill.
              if (chunks > 0) spilled = (chunks - 1) * CHUNK + fill;
              chunks++;
              fill = 0;
            }
            fill += len;
            assert.equal(book.spilledBytes, spilled);
          }
          assert.ok(chunks >= 3, `${chunks} chunks`);
          assert.equal(book.archived, batch.length);
          for (let i = 0; i < batch.length; i++) assert.equal(typedJson(book.at(i)), typedJson(batch[i]));
        } finally {
          book.close();
        }
      }),
      { numRuns: 200 },
    );
  } finally {
    rmSync(SPILL_DIR, { recursive: true, force: true });
  }
});

test("archiving between a batch's payments gives the book archiving at the command's end gives", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(payments, fc.nat({ max: 3 })), { minLength: 20, maxLength: 80, selector: ([p]) => p.instruction.uetr }),
      fc.nat({ max: 30 }),
      (batch, split) => {
        // Two commands; a quarter of the payments queue and settle in the second (PaymentBook.changed, as CommandContext.change calls it).
        const books = [new PaymentBook(() => true), new PaymentBook(() => true)];
        const objects = [batch.map(([p]) => structuredClone(p)), batch.map(([p]) => structuredClone(p))];
        try {
          for (let b = 0; b < 2; b++) {
            const book = books[b]!;
            const command = (from: number, to: number): void => {
              for (let i = from; i < to; i++) {
                const p = objects[b]![i]!;
                if (batch[i]![1] === 0 && p.state === 'settled') p.state = 'queued';
                book.set(p.instruction.uetr, p);
                if (b === 0) book.archiveFinished();
              }
              for (let i = 0; i < from; i++) {
                const p = objects[b]![i]!;
                if (p.state !== 'queued') continue;
                p.state = 'settled';
                book.changed(p);
                if (b === 0) book.archiveFinished();
              }
              book.compact();
            };
            const mid = Math.min(split, batch.length);
            command(0, mid);
            command(mid, batch.length);
          }
          const [a, b] = books as [InstanceType<typeof PaymentBook>, InstanceType<typeof PaymentBook>];
          assert.equal(a.archived, b.archived);
          assert.equal(a.recordBytes, b.recordBytes);
          assert.equal(a.spilledBytes, b.spilledBytes);
          assert.equal(a.indexBytes, b.indexBytes);
          for (let i = 0; i < batch.length; i++) {
            assert.equal(a.positionOf(batch[i]![0].instruction.uetr), i);
            assert.equal(typedJson(a.at(i)), typedJson(b.at(i)));
          }
        } finally {
          for (const book of books) book.close();
        }
      },
    ),
    { numRuns: 100 },
  );
});

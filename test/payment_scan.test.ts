// A scan of every payment in arrival order (everyPayment, paymentsWhere) over
// records spilled in the order payments finished. Payments that waited in five
// queues and were released at five different times sit in five runs of chunks
// far from the payments that arrived beside them, so a scan that read each
// position's record on its own cycles through more chunks than the read cache
// holds and reads a chunk back for nearly every payment (the demo day's samples
// did so after the windows closed). The scan must read each spilled chunk about
// once, hand out the same payments in the same order as reading each position,
// and pass over positions by state without reading them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.SCO_SETTLE_PAYMENT_SPILL_DIR = mkdtempSync(join(tmpdir(), 'sco-settle-scan-test-'));
process.env.SCO_SETTLE_PAYMENT_CHUNK_BYTES = '4096';
process.env.SCO_SETTLE_RECENT_FINISHED = '0';

const { makeBackend } = await import('./support/backends.js');
const { BANKS, LP, openPlatform, payment, setupScheme } = await import('./support/platform.js');
const { SpillFile } = await import('../src/store/spill_file.js');
const { PAYMENT_BOOK_LIMITS } = await import('../src/platform/payment_book.js');
const { paymentView, stringify } = await import('../src/platform/state_machine.js');

const [A, B, R1, R2, K] = BANKS;
type Answer = { uetr: string | null; state: string };

/** Spill-file reads while `fn` runs. */
function readsDuring(fn: () => void): number {
  const proto = SpillFile.prototype as unknown as { read: (...a: unknown[]) => void };
  const read = proto.read;
  let n = 0;
  proto.read = function (this: unknown, ...a: unknown[]) {
    n++;
    return read.apply(this, a);
  };
  try {
    fn();
  } finally {
    proto.read = read;
  }
  return n;
}

test('a scan over payments released out of arrival order reads each spilled chunk about once and gives what reading each position gives', async () => {
  assert.equal(PAYMENT_BOOK_LIMITS.chunk_bytes, 4096);
  const backend = makeBackend('memory');
  const { platform: p } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000000.00' });
    // Five payers without money: their payments queue until each is funded, one after another.
    const waiting: Array<[string, string, string]> = [
      [B, A, 'CNY'],
      [R2, R1, 'RUB'],
      [LP, A, 'CNY'],
      [LP, R1, 'RUB'],
      [LP, K, 'KZT'],
    ];
    for (let round = 0; round < 10; round++) {
      const batch: Record<string, unknown>[] = [];
      for (let k = 0; k < 30; k++) {
        batch.push(payment(A, B, 'CNY', '1.00', { remittance: `invoice ${round}-${k} settled at once` }));
        const [payer, payee, ccy] = waiting[k % waiting.length]!;
        batch.push(payment(payer, payee, ccy, '1.00', { remittance: `invoice ${round}-${k} released later` }));
      }
      const r = await p.run<{ payments: Answer[] }>({ type: 'submit_payments', payments: batch });
      assert.deepEqual(new Set(r.payments.map((x) => x.state)), new Set(['settled', 'queued']));
    }
    for (const [payer, , ccy] of waiting) await p.run({ type: 'fund', participant: payer, currency: ccy, amount: '1000.00' });
    const n = p.paymentCount();
    assert.equal(n, 600);
    assert.equal(p.paymentCountsByState().get('settled'), n);
    const held = p.paymentsHeld();
    // Many more chunks than the read cache holds (4): ~20 with 8-byte command times repeated as one byte (~23 before).
    assert.ok(held.spilled_bytes > 16 * 4096, `records spilled over many chunks (${held.spilled_bytes} bytes)`);
    const chunks = Math.ceil(held.spilled_bytes / 4096);

    let scanned: string[] = [];
    const scanReads = readsDuring(() => {
      scanned = [...p.everyPayment()].map((x) => stringify(paymentView(x)));
    });
    let one: string[] = [];
    const oneByOneReads = readsDuring(() => {
      one = Array.from({ length: n }, (_, i) => stringify(paymentView(p.paymentAt(i)!)));
    });
    assert.deepEqual(scanned, one);
    assert.ok(scanReads <= chunks + 1, `a scan read ${scanReads} chunks for ${chunks} spilled (one by one: ${oneByOneReads})`);
    assert.ok(oneByOneReads > 3 * chunks, `the day does make reading one by one cycle through chunks (${oneByOneReads} reads, ${chunks} chunks)`);

    // A selection by position and state: the same payments, and positions passed over unread.
    const picked: Array<[number, string]> = [];
    const pickReads = readsDuring(() => {
      for (const [i, x] of p.paymentsWhere((j, state) => state === 'settled' && j % 7 === 3)) picked.push([i, stringify(paymentView(x))]);
    });
    assert.deepEqual(
      picked,
      one.flatMap((v, i) => (i % 7 === 3 ? [[i, v] as [number, string]] : [])),
    );
    assert.ok(pickReads <= chunks + 1);
    assert.equal(
      readsDuring(() => assert.equal([...p.paymentsWhere((_, state) => state === 'queued')].length, 0)),
      0,
    );
    assert.equal(p.paymentStateAt(0), 'settled');
    assert.equal(p.paymentStateAt(n), undefined);
  } finally {
    await p.close();
    await backend.cleanup();
  }
});

// Finished payments' records leave the process's memory: full record chunks are
// written to a spill file and read back on demand. Run with small chunks and
// every finished payment archived at once (the environment is set before the
// platform is loaded), the records held in memory stay bounded by the read cache
// whatever the number of payments, every spilled payment reads back as it was
// answered, the state's digest is the one of the same day held in memory, and no
// file is left in the spill folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHUNK = 4096;
const SPILL_DIR = process.env.SCO_SETTLE_PAYMENT_SPILL_DIR ?? mkdtempSync(join(tmpdir(), 'sco-settle-spill-test-'));
process.env.SCO_SETTLE_PAYMENT_SPILL_DIR = SPILL_DIR;
process.env.SCO_SETTLE_PAYMENT_CHUNK_BYTES = String(CHUNK);
process.env.SCO_SETTLE_RECENT_FINISHED = '0';

const { makeBackend } = await import('./support/backends.js');
const { BANKS, openPlatform, setupScheme } = await import('./support/platform.js');
const { PAYMENT_BOOK_LIMITS } = await import('../src/platform/payment_book.js');
const { paymentView, stringify } = await import('../src/platform/state_machine.js');

const [A, B] = BANKS;
type Answer = { uetr: string | null; state: string };

/** A fixed day: the same payments (UETRs, ids, amounts) on every run, so two runs' digests compare. */
async function day(n: number): Promise<{
  digest: string;
  answered: Map<string, string>;
  held: ReturnType<import('../src/platform/platform.js').Platform['paymentsHeld']>;
  after: string[];
}> {
  const backend = makeBackend('memory');
  const { platform: p } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000000.00' });
    const answered = new Map<string, string>();
    for (let i = 0; i < n; i += 250) {
      const batch = Array.from({ length: Math.min(250, n - i) }, (_, k) => {
        const j = i + k;
        const uetr = `${j.toString(16).padStart(8, '0')}-0000-4000-8000-${(j * 7919).toString(16).padStart(12, '0')}`;
        return {
          uetr,
          end_to_end_id: `E2E-${j}`,
          payer: A,
          payee: B,
          currency: 'CNY',
          amount: `${1 + (j % 97)}.${String(j % 100).padStart(2, '0')}`,
          remittance: `invoice ${j} of the spill test`,
        };
      });
      const r = await p.run<{ payments: Answer[] }>({ type: 'submit_payments', payments: batch });
      for (const x of r.payments) {
        assert.equal(x.state, 'settled');
        answered.set(x.uetr!, stringify(paymentView(p.payment(x.uetr!)!)));
      }
    }
    const after = [...answered.keys()].map((u) => stringify(paymentView(p.payment(u)!)));
    return { digest: p.stateDigest(), answered, held: p.paymentsHeld(), after };
  } finally {
    await p.close();
    await backend.cleanup();
  }
}

if (process.env.SCO_SETTLE_SPILL_TEST_CHILD === '1') {
  // The same day with the spill off, for the digest comparison below.
  process.stdout.write((await day(Number(process.env.SCO_SETTLE_SPILL_TEST_N))).digest);
} else {
  test('spilled payment records: bounded memory, read back equal, the same digest as in memory, no file left', async () => {
    try {
      assert.equal(PAYMENT_BOOK_LIMITS.chunk_bytes, CHUNK);
      const n = 3_000;
      const r = await day(n);
      // Every payment archived, nearly all of their records spilled; in memory: the chunk being filled and the read cache.
      assert.equal(r.held.records, n);
      assert.ok(r.held.record_bytes > 50 * CHUNK, `${r.held.record_bytes} record bytes`);
      assert.ok(r.held.spilled_bytes >= r.held.record_bytes - CHUNK, `${r.held.spilled_bytes} of ${r.held.record_bytes} bytes spilled`);
      assert.ok(r.held.resident_record_bytes <= (PAYMENT_BOOK_LIMITS.cached_chunks + 1) * CHUNK, `${r.held.resident_record_bytes} record bytes in memory`);
      // Read back (from the file, through the cache) exactly as answered.
      assert.deepEqual(r.after, [...r.answered.values()]);
      // The spill file is unlinked as soon as it is open: nothing is left behind.
      assert.deepEqual(readdirSync(SPILL_DIR), []);
      // The same day with every record in memory: the same state digest.
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, SCO_SETTLE_SPILL_TEST_CHILD: '1', SCO_SETTLE_SPILL_TEST_N: String(n), SCO_SETTLE_PAYMENT_SPILL: '0' },
        encoding: 'utf8',
      });
      assert.equal(child.status, 0, child.stderr);
      assert.equal(child.stdout, r.digest);
    } finally {
      rmSync(SPILL_DIR, { recursive: true, force: true });
    }
  });
}

// Finished payments held as objects or archived at once: the payment book's
// `recent_finished` (0 by default since issue #18: every finished payment becomes
// a record after its command) is a memory form only. The same day run with the
// default and, in a child process, with SCO_SETTLE_RECENT_FINISHED=64 (the
// environment is read when the platform is loaded) must answer every payment
// alike, read each back alike after later commands (a return among them), and
// end with the same state digest; the default must hold no finished payment as
// an object, the child some but never more than 64.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = process.env.SCO_SETTLE_RECENT_TEST_CHILD === '1';
if (!CHILD) delete process.env.SCO_SETTLE_RECENT_FINISHED;

const { makeBackend } = await import('./support/backends.js');
const { BANKS, openPlatform, setupScheme } = await import('./support/platform.js');
const { PAYMENT_BOOK_LIMITS } = await import('../src/platform/payment_book.js');
const { paymentView, stringify } = await import('../src/platform/state_machine.js');

const [A, B] = BANKS;
type Answer = { uetr: string | null; state: string };

interface Day {
  digest: string;
  answers: string[];
  reads: string[];
  objects: number;
}

/** A fixed day: the same payments on every run; batches of 1 to 9, so finished payments cross the recent window at every size. */
async function day(n: number): Promise<Day> {
  const backend = makeBackend('memory');
  const { platform: p } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000000.00' });
    const answers: string[] = [];
    const uetrs: string[] = [];
    for (let i = 0, size = 1; i < n; i += size, size = 1 + (size % 9)) {
      const batch = Array.from({ length: Math.min(size, n - i) }, (_, k) => {
        const j = i + k;
        return {
          uetr: `${j.toString(16).padStart(8, '0')}-0000-4000-8000-${(j * 7919).toString(16).padStart(12, '0')}`,
          end_to_end_id: `E2E-${j}`,
          payer: A,
          payee: B,
          currency: 'CNY',
          amount: `${1 + (j % 97)}.${String(j % 100).padStart(2, '0')}`,
        };
      });
      const r = await p.run<{ payments: Answer[] }>({ type: 'submit_payments', payments: batch });
      for (const x of r.payments) {
        answers.push(stringify(x));
        uetrs.push(x.uetr!);
        // Read right after its command: a recent object under one setting, a record under the other.
        answers.push(stringify(paymentView(p.payment(x.uetr!)!)));
      }
      // A return of a payment that finished a few commands ago (held as an object with 64, a record with 0).
      if (uetrs.length > 40 && uetrs.length % 50 < size) await p.run({ type: 'return_payment', uetr: uetrs[uetrs.length - 20]!, reason: 'AC04' });
    }
    const objects = p.paymentsHeld().objects;
    const reads = uetrs.map((u) => stringify(paymentView(p.payment(u)!)));
    return { digest: p.stateDigest(), answers, reads, objects };
  } finally {
    await p.close();
    await backend.cleanup();
  }
}

const N = 1_200;

if (CHILD) {
  process.stdout.write(JSON.stringify(await day(N)));
} else {
  test('finished payments archived at once (the default) or held as 64 recent objects: the same answers, reads and state digest', async () => {
    assert.equal(PAYMENT_BOOK_LIMITS.recent_finished, 0);
    const archived = await day(N);
    assert.equal(archived.objects, 0, 'no finished payment held as an object by default');
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, SCO_SETTLE_RECENT_TEST_CHILD: '1', SCO_SETTLE_RECENT_FINISHED: '64' },
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    assert.equal(child.status, 0, child.stderr);
    const held = JSON.parse(child.stdout) as Day;
    assert.ok(held.objects > 0 && held.objects <= 64, `${held.objects} objects held with 64`);
    assert.equal(held.answers.length, archived.answers.length);
    assert.deepEqual(held.answers, archived.answers);
    assert.deepEqual(held.reads, archived.reads);
    assert.equal(held.digest, archived.digest);
  });
}

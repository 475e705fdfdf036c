// The demo's time series: each sample's settled traffic count and USD value are
// kept by arrival position once a payment is seen settled (src/demo/day.ts
// SettledTraffic), not read back for every payment at every sample. Run with
// every finished payment archived at once and small spilled chunks (set before
// the platform is loaded), so the samples read archived and spilled records and
// the windows' payments settle hours after they arrived: the last sample must
// equal a pass over every payment at the close, to the last bit of the sum.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-samples-'));
process.env.SCO_SETTLE_PAYMENT_SPILL_DIR = dir;
process.env.SCO_SETTLE_PAYMENT_CHUNK_BYTES = '4096';
process.env.SCO_SETTLE_RECENT_FINISHED = '0';

const { runDay, isInterbank, usdRates } = await import('../src/demo/day.js');

test('the last sample of a day is the pass over every payment at the close, sum for sum', async () => {
  try {
    const run = await runDay({ store: `sqlite:${join(dir, 'demo.db')}`, seed: 5, banks: 20, payments: 1500, dns_share: 1, screen: null, onProgress: () => {} });
    try {
      const held = run.platform.paymentsHeld();
      assert.ok(held.spilled_bytes > 0 && held.records > 1000, 'the samples read archived, spilled records');
      assert.ok(run.platform.windows().length > 0, 'windows settled payments long after they arrived');
      const usd = usdRates(run.business_date);
      let settled = 0;
      let value = 0;
      for (const p of run.platform.everyPayment()) {
        if (p.state !== 'settled' || isInterbank(p.instruction.end_to_end_id)) continue;
        settled++;
        value += Number(p.instruction.amount_minor) * (usd.get(p.instruction.currency) ?? 0);
      }
      const last = run.samples.at(-1)!;
      assert.ok(settled > 1000);
      assert.equal(last.settled, settled);
      assert.equal(last.settled_value_usd, value);
      for (let i = 1; i < run.samples.length; i++) assert.ok(run.samples[i]!.settled >= run.samples[i - 1]!.settled);
    } finally {
      await run.platform.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The demo report's ceilings (issue #18: src/demo/report.ts takes the settled legs
// in its one pass over the payments instead of two passes of their own): the
// figures are exactly those of trafficCeiling over every settled payment's legs,
// and over the legs of the traffic's payments alone (interbank ones left out), as
// the report computed them before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInterbank, runDay, usdRates } from '../src/demo/day.js';
import { summarize } from '../src/demo/report.js';
import { demoScreen } from '../src/demo/screener.js';
import { initStore } from '../src/platform/store_tools.js';
import type { Platform } from '../src/platform/platform.js';
import { trafficCeiling, type Leg } from '../src/sim/liquidity_policy.js';

/** The report's legs as they were taken before: a pass of their own. */
function* settledLegs(p: Platform, placements: boolean): Generator<Leg> {
  for (const pay of p.everyPayment()) {
    if (pay.state !== 'settled') continue;
    const ins = pay.instruction;
    if (!placements && isInterbank(ins.end_to_end_id)) continue;
    if (pay.fx === null) {
      yield { from: ins.payer, to: ins.payee, currency: ins.currency, amount_minor: ins.amount_minor };
    } else {
      yield { from: ins.payer, to: pay.fx.provider, currency: ins.currency, amount_minor: ins.amount_minor };
      yield { from: pay.fx.provider, to: ins.payee, currency: ins.payee_currency, amount_minor: pay.fx.payee_amount_minor };
    }
  }
}

test("the report's ceilings are trafficCeiling over the settled legs, all and the traffic's alone", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-report-pass-'));
  try {
    const url = `sqlite:${join(dir, 'day.db')}`;
    await initStore(url, 'demo');
    const run = await runDay({ store: url, seed: 4, banks: 14, payments: 1_500, dns_share: 0.5, screen: demoScreen(), workers: 0, onProgress: () => {} });
    try {
      const s = summarize(run);
      const p = run.platform;
      const usd = usdRates(run.business_date);
      const sum = (legs: Iterable<Leg>): number => trafficCeiling(legs).reduce((a, c) => a + Number(c.net_debit_minor) * (usd.get(c.currency) ?? 0), 0);
      const all = sum(settledLegs(p, true));
      const traffic = sum(settledLegs(p, false));
      // Both kinds of payment settled, and the two ceilings differ: the check tells them apart.
      assert.ok(s.placements > 0 && s.pvp_settled > 0, `placements ${s.placements}, PvP ${s.pvp_settled}`);
      assert.notEqual(all, traffic);
      assert.equal(s.ceiling_all, s.value_settled_all_usd / all);
      assert.equal(s.ceiling, s.value_settled_usd / all);
      assert.equal(s.ceiling_traffic_only, s.value_settled_usd / traffic);
    } finally {
      await run.platform.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The adopted scheme's values are the ones the platform uses (rules 3): the
// payment maximum per currency (a larger payment is rejected AM02), the credit
// haircut per collateral class (a floor on what a pledged item counts with) and
// the rate staleness rule — each changed by a proposal, and each change altering
// behaviour only once its version is in force (the next business day), not at
// adoption.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { Platform, answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { BANKS, payment, setupScheme, TestClock } from './support/platform.js';
import { signingCentralBanks, threeMemberScheme } from './support/governance.js';

async function world(): Promise<{ p: Platform; url: string; clock: TestClock; keys: Record<string, string>; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gov-enf-'));
  const clock = new TestClock();
  const url = `sqlite:${join(dir, 'p.db')}`;
  const p = await Platform.open(url, { clock: clock.read });
  await setupScheme(p);
  const keys = await signingCentralBanks(p);
  const doc = threeMemberScheme();
  await p.run({ type: 'scheme_init', document: doc }, 'operator');
  const w = {
    p,
    url,
    clock,
    keys,
    close: async () => {
      await w.p.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return w;
}

async function submit(p: Platform, amount: string): Promise<{ state: string; reason?: string }> {
  const r = await p.run<{ payments: Array<{ state: string; reason?: string }> }>({
    type: 'submit_payments',
    payments: [payment(BANKS[0], BANKS[1], 'CNY', amount)],
  });
  return r.payments[0]!;
}

async function lineAfterPledge(p: Platform): Promise<bigint> {
  await p.run({
    type: 'set_collateral',
    participant: BANKS[0],
    currency: 'CNY',
    items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 100 }],
  });
  return p.facilities().find((f) => f.participant === BANKS[0] && f.currency === 'CNY')!.line_minor;
}

describe('the adopted scheme is enforced', () => {
  it('payment maximum, collateral haircut and rate staleness change with the version in force, not at adoption', async () => {
    const w = await world();
    try {
      const { p, clock, keys } = w;
      await p.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '100000.00' });
      // Version 1: at most 1,000,000,000.00 CNY a payment, government bonds at least 2 %, rates 3 business days old.
      assert.equal((await submit(p, '600.00')).state, 'settled');
      assert.equal(await lineAfterPledge(p), 98_000n, 'the scheme floor (200 bp) beats the pledged 100 bp');
      assert.equal(p.ratePolicy().max_age_business_days, 3);

      const body = {
        title: 'tighter limits',
        rationale: 'a test',
        changes: [
          { op: 'replace', path: '/limits/payment_max/CNY', value: '500.00' },
          { op: 'replace', path: '/limits/credit_haircuts_bp/government_bond', value: 5000 },
          { op: 'replace', path: '/rates/max_age_business_days', value: 1 },
        ],
        window_s: 3600,
        effective: 'next_business_day',
      };
      const opened = await p.run<{ id: string }>(
        { type: 'scheme_propose', ...body, signature: sign(null, canonicalBytes(proposeAct({ by: 'cn', ...body })), keys.cn!).toString('base64') },
        'cn',
      );
      for (const u of ['cn', 'ru', 'kz']) {
        const act = answerAct({ by: u, id: opened.id, answer: 'approve', reason: '' });
        await p.run(
          { type: 'scheme_answer', id: opened.id, answer: 'approve', reason: '', signature: sign(null, canonicalBytes(act), keys[u]!).toString('base64') },
          u,
        );
      }
      assert.equal(p.proposal(opened.id).state, 'adopted');
      // Adopted, not in force: the rest of the day runs under version 1.
      assert.equal((await submit(p, '600.00')).state, 'settled');
      assert.equal(await lineAfterPledge(p), 98_000n);
      assert.equal(p.ratePolicy().max_age_business_days, 3);

      await p.run({ type: 'close_day' }, 'operator');
      clock.now_ns = BigInt(Date.parse('2025-09-02T06:00:00Z')) * 1_000_000n;
      await p.run({ type: 'open_day', date: '2025-09-02' }, 'operator');
      assert.equal(p.scheme().version, 2);
      // Version 2 in force.
      const big = await submit(p, '600.00');
      assert.equal(big.state, 'rejected');
      assert.equal(big.reason, 'AM02');
      assert.equal((await submit(p, '500.00')).state, 'settled', 'the maximum itself is allowed');
      assert.equal(await lineAfterPledge(p), 50_000n, 'government bonds now count at half');
      assert.equal(p.ratePolicy().max_age_business_days, 1);
      // Replay reproduces it: the store reopened gives the same state.
      const digest = p.stateDigest();
      await p.close();
      const again = await Platform.open(w.url, { clock: clock.read });
      assert.equal(again.stateDigest(), digest);
      w.p = again;
    } finally {
      await w.close();
    }
  });
});

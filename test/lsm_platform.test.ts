// The LSM under rules version 3 on the platform state machine (issue 16): the
// run draws intraday credit only as far as its choice needs and never beyond a
// line; queued PvP payments take part, both legs in one linked chain or
// neither; liquidity arriving (funding, a settled window, a drawing) starts a
// run within the same command; rules 1 and 2 replay as before.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ACCOUNT_KIND, TRANSFER_CODE } from '../src/clearing/accounts.js';
import { credit, Harness, scheme } from './support/lsm_harness.js';
import { BANKS, BUSINESS_DATE, CB, LP, payment } from './support/platform.js';

const [A, B, S, D, K] = BANKS; // A, B: CNY; S: RUB and CNY; D: RUB; K: KZT and CNY

test('rules 3: an LSM run draws the credit its choice needs, no more; rules 2 neither draws nor releases', () => {
  for (const version of [2, 3]) {
    const h = new Harness(version);
    scheme(h);
    credit(h, A, 'CNY', '100.00'); // line 90.00
    const r = h.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '100.00'), payment(B, A, 'CNY', '60.00')] }) as {
      payments: Array<{ uetr: string; state: string }>;
    };
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['queued', 'queued'],
    );
    const run = h.run({ type: 'run_lsm', currency: 'CNY' });
    if (version === 2) {
      assert.equal(run.released, 0);
      assert.equal(h.outstanding(A, 'CNY'), 0n);
      continue;
    }
    assert.equal(run.released, 2);
    assert.deepEqual(run.credit_drawn, [{ participant: A, currency: 'CNY', amount_minor: '4000' }]);
    assert.equal(h.outstanding(A, 'CNY'), 4_000n, 'A needs 100 - 60 = 40.00 and draws exactly that');
    assert.equal(h.avail(A, 'CNY'), 0n);
    assert.equal(h.avail(B, 'CNY'), 4_000n);
    for (const x of r.payments) assert.equal(h.state(x.uetr), 'settled');
  }
});

test('rules 3: a run needing more credit than the line leaves the payment queued and draws nothing', () => {
  const h = new Harness(3);
  scheme(h);
  credit(h, A, 'CNY', '10.00'); // line 9.00
  const r = h.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '100.00'), payment(B, A, 'CNY', '60.00')] }) as {
    payments: Array<{ uetr: string }>;
  };
  const run = h.run({ type: 'run_lsm', currency: 'CNY' });
  assert.equal(run.released, 0);
  assert.equal(h.outstanding(A, 'CNY'), 0n);
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'queued');
});

/** A gridlock across two ledgers: D pays A in CNY through the LP (RUB leg, CNY leg); A pays the LP back in CNY. */
function pvpGridlock(h: Harness): { pvp: string; back: string; y: bigint } {
  h.run({ type: 'fund', participant: D, currency: 'RUB', amount: '1000.00' });
  h.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '0.10' });
  const r1 = h.run({ type: 'submit_payments', payments: [payment(D, A, 'RUB', '1000.00', { payee_currency: 'CNY', fx_provider: LP })] }) as {
    payments: Array<{ uetr: string; state: string }>;
  };
  const pvp = r1.payments[0]!.uetr;
  assert.equal(h.state(pvp), 'queued', 'the LP lacks the CNY');
  const y = h.sm.payments.get(pvp)!.fx!.payee_amount_minor;
  const back = (y - 5n).toString();
  const major = `${back.slice(0, -2) || '0'}.${back.slice(-2).padStart(2, '0')}`;
  const r2 = h.run({ type: 'submit_payments', payments: [payment(A, LP, 'CNY', major)] }) as { payments: Array<{ uetr: string; state: string }> };
  assert.equal(r2.payments[0]!.state, 'queued', 'A has nothing until the PvP payment arrives');
  return { pvp, back: r2.payments[0]!.uetr, y };
}

test('rules 3: a queued PvP payment settles in the LSM with both legs in the same chain; rules 2 leaves it', () => {
  for (const version of [2, 3]) {
    const h = new Harness(version);
    scheme(h);
    const { pvp, back, y } = pvpGridlock(h);
    const lpRub = h.avail(LP, 'RUB');
    const run = h.run({ type: 'run_lsm', currency: 'CNY' });
    if (version === 2) {
      assert.equal(run.released, 0);
      assert.equal(h.state(pvp), 'queued');
      continue;
    }
    assert.deepEqual(run.currencies, ['CNY', 'RUB']);
    assert.equal(run.weight_unit, 'usd_micro');
    assert.equal(run.released, 2);
    assert.equal(h.state(pvp), 'settled');
    assert.equal(h.state(back), 'settled');
    assert.equal(h.avail(LP, 'RUB'), lpRub + 100_000n, 'the RUB leg moved');
    assert.equal(h.avail(LP, 'CNY'), 10n - 5n, 'the CNY leg moved, and A paid back y - 5');
    assert.equal(h.avail(A, 'CNY'), 5n);
    const ids = h.sm.payments.get(pvp)!.transfer_ids;
    assert.equal(ids.length, 4, 'credit and debit half of each leg');
    const ledgers = new Set(ids.map((id) => h.ledger.lookupTransfer(id)!.ledger));
    assert.deepEqual([...ledgers].sort(), [156, 643]);
    assert.ok(y > 0n);
    const runs = h.sm.lsm_runs.slice(-2);
    assert.deepEqual(
      runs.map((x) => [x.currency, x.released, x.linked_to]),
      [
        ['CNY', 1, undefined],
        ['RUB', 1, 'CNY'],
      ],
    );
  }
});

test('rules 3: funding a currency with a gridlocked queue runs the LSM in the same command, once', () => {
  for (const version of [2, 3]) {
    const h = new Harness(version);
    scheme(h);
    const r = h.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '100.00'), payment(B, A, 'CNY', '100.00')] }) as {
      payments: Array<{ uetr: string }>;
    };
    const runs = h.sm.lsm_runs.length;
    h.run({ type: 'fund', participant: K, currency: 'CNY', amount: '1.00' });
    if (version === 2) {
      assert.equal(h.sm.lsm_runs.length, runs);
      for (const x of r.payments) assert.equal(h.state(x.uetr), 'queued');
      continue;
    }
    assert.equal(h.sm.lsm_runs.length, runs + 1);
    assert.equal(h.sm.lsm_runs.at(-1)!.trigger, 'event');
    for (const x of r.payments) assert.equal(h.state(x.uetr), 'settled');
    // Funding a currency with an empty queue runs nothing.
    h.run({ type: 'fund', participant: K, currency: 'KZT', amount: '1.00' });
    assert.equal(h.sm.lsm_runs.length, runs + 1);
  }
});

test('rules 3: a settled DNS window and drawn credit start a run too', () => {
  const h = new Harness(3);
  scheme(h);
  credit(h, S, 'CNY', '1000.00');
  h.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
  const r = h.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '100.00'), payment(B, A, 'CNY', '40.00')] }) as {
    payments: Array<{ uetr: string }>;
  };
  // A 50 + 40 >= 100? no: 90 < 100 — gridlocked until 10 more arrive.
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'queued');
  h.run({ type: 'submit_payments', payments: [payment(K, A, 'CNY', '10.00', { settlement: 'dns' })] });
  h.run({ type: 'fund', participant: K, currency: 'KZT', amount: '1.00' });
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'queued');
  h.run({ type: 'fund', participant: K, currency: 'CNY', amount: '10.00' });
  // Funding K ran the LSM already (K's CNY arrived): still 90 < 100 for A.
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'queued');
  const before = h.sm.lsm_runs.length;
  h.run({ type: 'close_window', currency: 'CNY' });
  assert.equal(h.sm.lsm_runs.length, before + 1);
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'settled');
  // Nothing queued any more: drawing credit runs nothing.
  const runs = h.sm.lsm_runs.length;
  h.run({ type: 'draw_credit', participant: S, currency: 'CNY', amount: '1.00' });
  assert.equal(h.sm.lsm_runs.length, runs);
});

// ---- properties ---------------------------------------------------------------------------------

const PAYERS: Array<[string, string]> = [
  [A, 'CNY'],
  [B, 'CNY'],
  [S, 'CNY'],
  [S, 'RUB'],
  [D, 'RUB'],
  [K, 'CNY'],
  [LP, 'CNY'],
  [LP, 'RUB'],
];
const HOLDERS: Record<string, string[]> = { CNY: [A, B, S, K, LP], RUB: [S, D, LP] };

const arbPayment = fc.record({
  from: fc.integer({ min: 0, max: PAYERS.length - 1 }),
  to: fc.integer({ min: 0, max: 4 }),
  pvp: fc.boolean(),
  amount: fc.integer({ min: 1, max: 500 }),
  urgent: fc.boolean(),
});

const arbCase = fc.record({
  funds: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: PAYERS.length, maxLength: PAYERS.length }),
  lines: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: PAYERS.length, maxLength: PAYERS.length }),
  payments: fc.array(arbPayment, { minLength: 1, maxLength: 14 }),
  bypass: fc.boolean(),
});

type Case = { funds: number[]; lines: number[]; payments: Array<{ from: number; to: number; pvp: boolean; amount: number; urgent: boolean }>; bypass: boolean };

function setupCase(h: Harness, c: Case): void {
  scheme(h);
  if (c.bypass) h.run({ type: 'set_config', bypass_fifo: true });
  PAYERS.forEach(([id, ccy], i) => {
    if (c.lines[i]! > 0) credit(h, id, ccy, `${c.lines[i]}.00`);
  });
  const list = c.payments.map((x) => {
    const [payer, ccy] = PAYERS[x.from]!;
    const other = ccy === 'CNY' ? 'RUB' : 'CNY';
    const payeeCcy = x.pvp ? other : ccy;
    const holders = HOLDERS[payeeCcy]!.filter((id) => id !== payer);
    const extra: Record<string, unknown> = x.urgent ? { priority: 'urgent' } : {};
    if (x.pvp) Object.assign(extra, { payee_currency: payeeCcy, fx_provider: LP });
    return payment(payer, holders[x.to % holders.length]!, ccy, `${x.amount}.00`, extra);
  });
  PAYERS.forEach(([id, ccy], i) => {
    if (c.funds[i]! > 0) h.run({ type: 'fund', participant: id, currency: ccy, amount: `${c.funds[i]}.00` });
  });
  h.run({ type: 'submit_payments', payments: list });
}

function transitNet(h: Harness, numeric: number): bigint {
  const a = h.ledger.lookupAccount((BigInt(numeric) << 16n) | BigInt(ACCOUNT_KIND.lsm_transit))!;
  return a.credits_posted - a.debits_posted;
}

export function checkCase(c: Case): void {
  PROPERTY(c);
}

test('property (rules 3): an LSM run never draws beyond a line, draws exactly what its choice needs, settles PvP legs together, conserves per currency', () => {
  fc.assert(fc.property(arbCase, PROPERTY), { numRuns: 60, seed: 16 });
});

function PROPERTY(c: Case): void {
  {
    const h = new Harness(3);
    setupCase(h, c);
    const before = new Map(PAYERS.map(([id, ccy]) => [`${id}:${ccy}`, h.avail(id, ccy)]));
    const settledBefore = new Set([...h.sm.payments.values()].filter((p) => p.state === 'settled').map((p) => p.instruction.uetr));
    const run = h.run({ type: 'run_lsm', currency: 'CNY' }) as { credit_drawn: Array<{ participant: string; currency: string; amount_minor: string }> };
    for (const f of h.sm.facilities.values()) assert.ok(f.outstanding_minor <= f.line_minor, `${f.participant} ${f.currency} beyond its line`);
    // What the LSM chain settled (its transfers carry the LSM codes): the net need per node.
    const net = new Map<string, bigint>();
    const bump = (k: string, v: bigint) => net.set(k, (net.get(k) ?? 0n) + v);
    for (const p of h.sm.payments.values()) {
      if (p.state !== 'settled' || settledBefore.has(p.instruction.uetr)) continue;
      const ts = p.transfer_ids.map((id) => h.ledger.lookupTransfer(id)!);
      if (p.fx !== null) {
        const ledgers = new Set(ts.map((t) => t.ledger));
        assert.equal(ledgers.size, 2, 'both legs of a PvP payment moved');
      }
      if (ts[0]!.code !== TRANSFER_CODE.lsm_credit) continue;
      const ins = p.instruction;
      bump(`${ins.payer}:${ins.currency}`, ins.amount_minor);
      if (p.fx === null) bump(`${ins.payee}:${ins.currency}`, -ins.amount_minor);
      else {
        bump(`${p.fx.provider}:${ins.currency}`, -ins.amount_minor);
        bump(`${p.fx.provider}:${ins.payee_currency}`, p.fx.payee_amount_minor);
        bump(`${ins.payee}:${ins.payee_currency}`, -p.fx.payee_amount_minor);
      }
    }
    const drawn = new Map(run.credit_drawn.map((d) => [`${d.participant}:${d.currency}`, BigInt(d.amount_minor)]));
    for (const [k, v] of net) {
      const need = v - (before.get(k) ?? 0n);
      assert.equal(drawn.get(k) ?? 0n, need > 0n ? need : 0n, `credit drawn for ${k}`);
    }
    for (const k of drawn.keys()) assert.ok(net.has(k), `${k} drew without paying in the run`);
    for (const p of h.sm.payments.values()) if (p.state !== 'settled') assert.equal(p.transfer_ids.length, 0);
    for (const numeric of [156, 643]) {
      assert.equal(transitNet(h, numeric), 0n, 'the transit account nets to zero');
      let sum = 0n;
      for (const a of h.ledger.accountLog) if (a.ledger === numeric) sum += a.credits_posted - a.debits_posted;
      assert.equal(sum, 0n, 'conservation per currency');
    }
    for (const [id, ccy] of PAYERS) assert.ok(h.avail(id, ccy) >= 0n);
  }
}

test('rules 3: an explicit credit drawing starts a run that releases a gridlock the drawing alone does not', () => {
  const h = new Harness(3);
  scheme(h);
  // A facility without automatic drawing: the LSM may not draw it, the participant may.
  h.run({
    type: 'set_collateral',
    participant: A,
    currency: 'CNY',
    auto_draw: false,
    items: [{ id: 'bond-A', kind: 'government_bond', currency: 'CNY', market_value: '100.00', haircut_bp: 1000 }],
  });
  const r = h.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '100.00'), payment(B, A, 'CNY', '60.00')] }) as {
    payments: Array<{ uetr: string }>;
  };
  assert.equal(h.run({ type: 'run_lsm', currency: 'CNY' }).released, 0, 'no credit counted without auto_draw');
  const runs = h.sm.lsm_runs.length;
  h.run({ type: 'draw_credit', participant: A, currency: 'CNY', amount: '40.00' });
  assert.equal(h.sm.lsm_runs.length, runs + 1);
  assert.equal(h.sm.lsm_runs.at(-1)!.trigger, 'event');
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'settled');
  assert.equal(h.outstanding(A, 'CNY'), 4_000n);
});

test('rules 3: a swap-line drawing in a currency with a queue starts a run', () => {
  const h = new Harness(3);
  scheme(h);
  const r = h.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '100.00'), payment(B, A, 'CNY', '100.00')] }) as {
    payments: Array<{ uetr: string }>;
  };
  h.run({
    type: 'open_swap_line',
    id: 'CNY-RUB-1',
    provider: CB.CNY,
    drawer: CB.RUB,
    limit: '1000.00',
    interest_rate: '0.035',
    day_count: 'ACT/360',
    start_date: BUSINESS_DATE,
    maturity_date: '2025-11-30',
  });
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'queued');
  const runs = h.sm.lsm_runs.length;
  h.run({ type: 'draw_swap', line: 'CNY-RUB-1', amount: '10.00' });
  assert.equal(h.sm.lsm_runs.length, runs + 1);
  assert.deepEqual([h.sm.lsm_runs.at(-1)!.currency, h.sm.lsm_runs.at(-1)!.trigger], ['CNY', 'event']);
  for (const x of r.payments) assert.equal(h.state(x.uetr), 'settled');
});

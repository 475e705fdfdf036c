// Issue 16 item 3: reference rates valid for the day. The embedded rates are each
// for (or within the staleness rule before) the demo day 2025-08-29; under rules 3
// a rate older than the scheme's rule (business days, settable by the operator)
// raises an operator alert and an event, and PvP pricing falls back (the
// provider's own quote within a tolerance band, else the stale rate within an
// extended age) instead of refusing; a refusal for a rate problem carries its own
// proprietary reason (pacs.002 Rsn/Prtry), not NARR. A central bank publishes its
// own currency's rate for its business day. Rules 2 replay as before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend } from './support/backends.js';
import { BANKS, CB, LP, openPlatform, payment, setupScheme } from './support/platform.js';
import { Platform, type OperatorAlert } from '../src/platform/platform.js';
import type { PlatformError } from '../src/platform/errors.js';
import { REFERENCE_RATES } from '../src/fx/reference_data.js';
import { SCO_MEMBER_CURRENCIES } from '../src/fx/iso4217.js';
import { businessDaysBetween, DEFAULT_RATE_POLICY, judgeRateAge } from '../src/fx/rate_policy.js';
import { isoStatusOf } from '../src/iso20022/mapping.js';
import { withinBand } from '../src/clearing/pvp.js';
import { RecordingLedger } from '../src/journal/command.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { PlatformStateMachine } from '../src/platform/state_machine.js';

type Result = { payments: Array<{ uetr: string | null; state: string; reason?: string }> };
const DEMO_DAY = '2025-08-29';
const [, CN2, RU1] = BANKS;

test('every embedded reference rate is for the demo day or within the staleness rule before it, with its source', () => {
  assert.deepEqual(REFERENCE_RATES.map((r) => r.currency).sort(), [...SCO_MEMBER_CURRENCIES].sort());
  for (const r of REFERENCE_RATES) {
    assert.ok(r.date <= DEMO_DAY, `${r.currency} is dated ${r.date}, after ${DEMO_DAY}`);
    assert.equal(judgeRateAge(r.date, DEMO_DAY, DEFAULT_RATE_POLICY).state, 'fresh', `${r.currency} ${r.date}`);
    assert.ok(r.source.length > 20, `${r.currency} names its source`);
    // A figure adopted for a day it was not observed on says so, and keeps its observed date.
    if (r.observed !== undefined) assert.match(r.source, /^ADOPTED for 2025-08-29/, r.currency);
  }
});

test('business days between dates: weekends do not count', () => {
  assert.equal(businessDaysBetween('2025-08-29', '2025-08-29'), 0);
  assert.equal(businessDaysBetween('2025-08-28', '2025-08-29'), 1); // Thu -> Fri
  assert.equal(businessDaysBetween('2025-08-29', '2025-09-01'), 1); // Fri -> Mon
  assert.equal(businessDaysBetween('2025-08-30', '2025-09-01'), 1); // Sat -> Mon
  assert.equal(businessDaysBetween('2025-08-20', '2025-09-01'), 8);
  assert.equal(businessDaysBetween('2025-01-31', '2025-08-29'), 150);
  assert.equal(businessDaysBetween('2025-09-16', '2025-08-29'), 0);
  // Against a day-by-day count.
  for (let n = 0; n < 40; n++) {
    const to = new Date(Date.UTC(2025, 7, 1 + n)).toISOString().slice(0, 10);
    let count = 0;
    for (let d = 1; d <= n; d++) {
      const wd = new Date(Date.UTC(2025, 7, 1 + d)).getUTCDay();
      if (wd !== 0 && wd !== 6) count++;
    }
    assert.equal(businessDaysBetween('2025-08-01', to), count, to);
  }
});

test('on the demo day, UZS, KGS and IRR PvP payments price at the embedded rates', async () => {
  const backend = makeBackend('memory');
  const day_ns = BigInt(Date.parse(`${DEMO_DAY}T06:00:00Z`)) * 1_000_000n;
  const clock = { now_ns: day_ns, read: () => (clock.now_ns += 1_000n) };
  const p = await Platform.open(await backend.open(), { clock: clock.read });
  try {
    const cbs: Array<[string, string, string]> = [
      ['CNY', 'PBOCCNBJ', 'CN'],
      ['UZS', 'CBUZUZ22', 'UZ'],
      ['KGS', 'NBKRKG22', 'KG'],
      ['IRR', 'BMJIIRTH', 'IR'],
    ];
    for (const [c, id, country] of cbs) await p.run({ type: 'register_participant', id, kind: 'central_bank', name: `CB ${c}`, country, currencies: [c] });
    await p.run({ type: 'register_participant', id: 'BANKUZ22', kind: 'bank', name: 'UZ bank', country: 'UZ', currencies: ['UZS', 'KGS', 'IRR'] });
    await p.run({ type: 'register_participant', id: 'BANKCNBJ', kind: 'bank', name: 'CN bank', country: 'CN', currencies: ['CNY'] });
    await p.run({
      type: 'register_participant',
      id: 'FXLPUZ22',
      kind: 'liquidity_provider',
      name: 'LP',
      country: 'UZ',
      currencies: ['UZS', 'KGS', 'IRR', 'CNY'],
    });
    for (const c of ['UZS', 'KGS', 'IRR']) await p.run({ type: 'fund', participant: 'BANKUZ22', currency: c, amount: '100000000.00' });
    await p.run({ type: 'fund', participant: 'FXLPUZ22', currency: 'CNY', amount: '1000000.00' });
    await p.run({ type: 'open_day', date: DEMO_DAY, default_cutoff: '17:00' });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: ['UZS', 'KGS', 'IRR'].map((c) => payment('BANKUZ22', 'BANKCNBJ', c, '100000.00', { payee_currency: 'CNY' })),
    });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['settled', 'settled', 'settled'],
      JSON.stringify(
        r.payments.map((x) => p.payment(x.uetr!)!.history.at(-1)),
        (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
      ),
    );
    assert.deepEqual(p.rateAlerts(), [], 'no stale rate on the demo day');
  } finally {
    await p.close();
    await backend.cleanup();
  }
});

/** The test scheme (business day 2025-09-01) with CNY and RUB rates dated `date`, RU1 funded in RUB and the LP in CNY. */
async function withRates(date: string, fn: (p: Platform, alerts: OperatorAlert[][]) => Promise<void>): Promise<void> {
  const backend = makeBackend('memory');
  const { platform: p } = await openPlatform(await backend.open());
  const events: OperatorAlert[][] = [];
  p.events.on('alerts', (a: OperatorAlert[]) => events.push(a));
  try {
    await setupScheme(p);
    await p.run({
      type: 'import_rates',
      file: 'old.csv',
      rows: [
        { currency: 'CNY', units_per_usd: '7.1063', date, source: 'test CNY' },
        { currency: 'RUB', units_per_usd: '80.44', date, source: 'test RUB' },
      ],
    });
    await p.run({ type: 'fund', participant: RU1!, currency: 'RUB', amount: '1000000.00' });
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1000000.00' });
    await fn(p, events);
  } finally {
    await p.close();
    await backend.cleanup();
  }
}

const rubToCny = (amount = '1000.00') => payment(RU1!, CN2!, 'RUB', amount, { payee_currency: 'CNY' });

test('a stale rate within the extended age prices the payment, with one operator alert and event', async () => {
  await withRates('2025-08-20', async (p, events) => {
    const r = await p.run<Result>({ type: 'submit_payments', payments: [rubToCny(), rubToCny()] });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['settled', 'settled'],
    );
    assert.match(
      p.payment(r.payments[0]!.uetr!)!.fx!.rate_source,
      /^STALE reference rate \(RUB rate of 2025-08-20 is 8 business days old, CNY rate of 2025-08-20 is 8 business days old; at most 3, used up to 10\)/,
    );
    const alerts = p.rateAlerts();
    assert.deepEqual(
      alerts.map((a) => [a.currency, a.rate_date, a.value_date, a.age_business_days, a.action]),
      [
        ['RUB', '2025-08-20', '2025-09-01', 8, 'last_rate'],
        ['CNY', '2025-08-20', '2025-09-01', 8, 'last_rate'],
      ],
    );
    assert.equal(events.length, 1, 'one event for the command that raised them');
    assert.equal(events[0]!.length, 2);
    assert.match(alerts[0]!.message, /Publish the day's rate/);
  });
});

test("a stale rate: the provider's own quote within the tolerance band prices it; one outside does not", async () => {
  await withRates('2025-08-20', async (p) => {
    // Reference RUB->CNY is 7.1063/80.44 = 0.088343...; 0.0880 is within 2%, 0.0850 is not.
    const quote = async (bid: string) =>
      p.run({ type: 'publish_quote', provider: LP, base: 'RUB', quote: 'CNY', valid_s: 600, tiers: [{ min: '1.00', max: '100000.00', bid, ask: '0.0900' }] });
    await quote('0.0880');
    const a = await p.run<Result>({ type: 'submit_payments', payments: [rubToCny()] });
    const fxA = p.payment(a.payments[0]!.uetr!)!.fx!;
    assert.match(fxA.rate_source, /^quote of FXLPCNSH: 0\.0880 CNY per RUB; STALE/);
    assert.equal(fxA.payee_amount_minor, 8_800n);
    await quote('0.0850');
    const b = await p.run<Result>({ type: 'submit_payments', payments: [rubToCny()] });
    assert.match(p.payment(b.payments[0]!.uetr!)!.fx!.rate_source, /^STALE reference rate/);
    assert.deepEqual([...new Set(p.rateAlerts().map((x) => x.action))].sort(), ['last_rate', 'provider_quote']);
  });
});

test('a rate beyond the extended age, or none, is refused with its own proprietary reason, not NARR', async () => {
  await withRates('2025-08-01', async (p) => {
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [rubToCny(), payment(RU1!, 'HSBKKZKX', 'RUB', '10.00', { payee_currency: 'KZT' })],
    });
    assert.deepEqual(
      r.payments.map((x) => x.reason),
      ['FX_RATE_STALE', 'FX_RATE_MISSING'],
    );
    const h = p.payment(r.payments[0]!.uetr!)!.history.at(-1)!;
    assert.match(h.detail!, /CNY rate of 2025-08-01 is 21 business days old/);
    const iso = isoStatusOf({ state: 'rejected', reason: h.reason!, detail: h.detail! })!;
    assert.equal(iso.reason_proprietary, 'FX_RATE_STALE', 'pacs.002 StsRsnInf/Rsn/Prtry');
    assert.equal(iso.reason_code, undefined);
    assert.ok(p.rateAlerts().some((a) => a.action === 'rejected' && a.currency === 'CNY'));
  });
});

test('the operator sets the staleness rule; it is checked, journaled and survives a restart', async () => {
  const backend = makeBackend('sqlite');
  let { platform: p, clock } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    assert.deepEqual(p.ratePolicy(), DEFAULT_RATE_POLICY);
    await assert.rejects(
      p.run({ type: 'set_rate_policy', max_age_business_days: 5, extended_age_business_days: 4, quote_tolerance_bp: 100 }),
      (e: unknown) => (e as PlatformError).code === 'invalid_field' && (e as PlatformError).field === 'extended_age_business_days',
    );
    await assert.rejects(
      p.run({ type: 'set_rate_policy', max_age_business_days: 1.5, extended_age_business_days: 4, quote_tolerance_bp: 100 }),
      (e: unknown) => (e as PlatformError).field === 'max_age_business_days',
    );
    const policy = { max_age_business_days: 10, extended_age_business_days: 20, quote_tolerance_bp: 50 };
    await p.run({ type: 'set_rate_policy', ...policy }, 'operator');
    await p.run({ type: 'import_rates', file: 'f', rows: [{ currency: 'CNY', units_per_usd: '7.1', date: '2025-08-20', source: 's' }] });
    await p.run({ type: 'import_rates', file: 'f', rows: [{ currency: 'RUB', units_per_usd: '80.4', date: '2025-08-20', source: 's' }] });
    await p.run({ type: 'fund', participant: RU1!, currency: 'RUB', amount: '1000.00' });
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1000.00' });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [rubToCny('10.00')] });
    assert.equal(r.payments[0]!.state, 'settled');
    assert.deepEqual(p.rateAlerts(), [], '8 business days is fresh under a 10-day rule');
    const before = Platform.internals(p).state.encodeState();
    await p.close();
    ({ platform: p, clock } = await openPlatform(await backend.open(), clock));
    assert.deepEqual(p.ratePolicy(), policy);
    assert.ok(Platform.internals(p).state.encodeState().equals(before));
  } finally {
    await p.close();
    await backend.cleanup();
  }
});

test('a central bank publishes its own currency rate for the business day, adding to the embedded ones', async () => {
  const backend = makeBackend('memory');
  const { platform: p } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    const published = { type: 'publish_reference_rate', currency: 'RUB', units_per_usd: '80.43', date: '2025-09-01', source: 'Bank of Russia, 2025-09-01' };
    await assert.rejects(p.run({ ...published, participant: CB.CNY }), (e: unknown) => (e as PlatformError).field === 'participant');
    await assert.rejects(p.run({ ...published, participant: CB.RUB, date: '2025-09-02' }), (e: unknown) => (e as PlatformError).field === 'date');
    await p.run({ ...published, participant: CB.RUB });
    const rates = p.referenceRates('2025-09-01').rates;
    assert.deepEqual(
      rates.find((r) => r.currency === 'RUB'),
      { currency: 'RUB', units_per_usd: '80.43', date: '2025-09-01', source: 'Bank of Russia, 2025-09-01' },
    );
    assert.equal((rates.find((r) => r.currency === 'CNY') as { date: string }).date, '2025-08-28', 'the embedded CNY rate still applies');
    await assert.rejects(p.run({ ...published, participant: CB.RUB }), (e: unknown) => (e as PlatformError).code === 'invalid_field');
  } finally {
    await p.close();
    await backend.cleanup();
  }
});

test('under rules 2 a stale-rate PvP payment replays as it ran: NARR, no alert', () => {
  const run = (rules_version: number): PlatformStateMachine => {
    const sm = new PlatformStateMachine();
    const ledger = new LedgerStateMachine();
    let now = BigInt(Date.parse('2025-09-01T06:00:00Z')) * 1_000_000n;
    const cmds: Record<string, unknown>[] = [
      { type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] },
      { type: 'register_participant', id: CB.RUB, kind: 'central_bank', name: 'CBR', country: 'RU', currencies: ['RUB'] },
      { type: 'register_participant', id: RU1, kind: 'bank', name: 'RU', country: 'RU', currencies: ['RUB'] },
      { type: 'register_participant', id: CN2, kind: 'bank', name: 'CN', country: 'CN', currencies: ['CNY'] },
      { type: 'register_participant', id: LP, kind: 'liquidity_provider', name: 'LP', country: 'CN', currencies: ['CNY', 'RUB'] },
      { type: 'open_day', date: '2025-09-01', default_cutoff: '17:00' },
      {
        type: 'import_rates',
        file: 'old',
        rows: [
          { currency: 'CNY', units_per_usd: '7.1', date: '2025-07-01', source: 's' },
          { currency: 'RUB', units_per_usd: '80.4', date: '2025-07-01', source: 's' },
        ],
      },
      { type: 'fund', participant: RU1, currency: 'RUB', amount: '100.00' },
      { type: 'submit_payments', payments: [{ ...rubToCny('10.00'), uetr: '7c0c3b0e-4a7a-4c1e-9d7e-2b8f4f6a1c01' }] },
    ];
    for (const c of cmds) {
      now += 1_000n;
      sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version);
    }
    return sm;
  };
  const v2 = run(2);
  const v3 = run(3);
  const uetr = '7c0c3b0e-4a7a-4c1e-9d7e-2b8f4f6a1c01';
  assert.equal(v2.payments.get(uetr)!.history.at(-1)!.reason, 'NARR');
  assert.deepEqual(v2.rateAlerts, []);
  assert.equal(v3.payments.get(uetr)!.history.at(-1)!.reason, 'FX_RATE_STALE');
  assert.equal(v3.rateAlerts.length, 2);
});

test('the CLI: fx rates policy prints and sets the rule, refusals carry code and field; fx rates alerts lists them', async () => {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'fx-rates-cli-'));
  const bin = new URL('../../bin/sco-settle.js', import.meta.url).pathname;
  const cli = (args: string[]): Promise<{ code: number; out: string; err: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [bin, '--store', `sqlite:${join(dir, 's.db')}`, ...args], (e, out, err) =>
        resolve({ code: e === null ? 0 : Number(e.code ?? 1), out, err }),
      );
    });
  try {
    assert.equal((await cli(['init'])).code, 0);
    assert.deepEqual(JSON.parse((await cli(['fx', 'rates', 'policy'])).out).rate_policy, DEFAULT_RATE_POLICY);
    const bad = await cli(['fx', 'rates', 'policy', '--max-age-business-days', '5', '--extended-age-business-days', '4', '--quote-tolerance-bp', '0']);
    assert.equal(bad.code, 4); // invalid input
    assert.match(bad.err, /invalid_field: extended_age_business_days/);
    const set = await cli(['fx', 'rates', 'policy', '--max-age-business-days', '5', '--extended-age-business-days', '12', '--quote-tolerance-bp', '0']);
    assert.deepEqual(JSON.parse(set.out).rate_policy, { max_age_business_days: 5, extended_age_business_days: 12, quote_tolerance_bp: 0 });
    const alerts = JSON.parse((await cli(['fx', 'rates', 'alerts'])).out);
    assert.deepEqual(alerts, { rate_policy: { max_age_business_days: 5, extended_age_business_days: 12, quote_tolerance_bp: 0 }, alerts: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tolerance band is exact: a quote exactly at the band edge is in, one unit beyond is out', () => {
  const ref = { num: 1000n, den: 1n };
  assert.ok(withinBand({ num: 1020n, den: 1n }, ref, 200));
  assert.ok(withinBand({ num: 980n, den: 1n }, ref, 200));
  assert.ok(!withinBand({ num: 102001n, den: 100n }, ref, 200));
  assert.ok(!withinBand({ num: 97999n, den: 100n }, ref, 200));
  assert.ok(withinBand(ref, ref, 0));
  assert.ok(!withinBand({ num: 1000001n, den: 1000n }, ref, 0));
});

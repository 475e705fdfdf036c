// A week across time zones through the platform (rules 3 with calendars): CNY
// (Beijing +8), RUB (Moscow +3), KZT (Almaty +5) and IRR (Tehran +3:30, Friday
// weekend, Thursday half-day), a holiday all four share on Wednesday. Nothing
// settles in a closed currency; PvP only in the overlap of both currencies'
// hours; warehoused payments settle on their next open day exactly once, across
// a store reopen and a replay of the journal; a value date on a closed day is
// refused DT01 or rolled as the calendar says. A store without calendars is
// untouched (its snapshot header carries nothing new).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accepting, localAt, sessionOn } from '../src/clearing/calendar.js';
import { validateCalendar } from '../src/clearing/calendar_validate.js';
import { isKnownTimeZone, zoneOffsets } from '../src/clearing/time_zone.js';
import { Platform } from '../src/platform/platform.js';
import { uetrBits } from '../src/platform/state_machine.js';
import { makeBackend } from './support/backends.js';
import { BANKS, CB, LP, payment, setupScheme, TestClock } from './support/platform.js';
import { reconciliation } from '../src/iso20022/reconciliation.js';

const A = BANKS[0]; // CNY
const B = BANKS[1]; // CNY
const S = BANKS[2]; // RUB, CNY
const D = BANKS[3]; // RUB
const K = BANKS[4]; // KZT, CNY
const CBI = 'MKIRIRTH';
const I1 = 'BMJIIRTH';
const I2 = 'BSIRIRTH';
const SHARED = { date: '2025-09-03', name: 'shared holiday (test)' };

const CALENDARS = [
  { currency: 'CNY', time_zone: 'Asia/Shanghai', hours: [{ from: '09:00', to: '17:00' }], cutoff: '16:30', weekend: [6, 7] },
  { currency: 'RUB', time_zone: 'Europe/Moscow', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7] },
  { currency: 'KZT', time_zone: 'Asia/Almaty', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7], closed_value_date: 'following' },
  {
    currency: 'IRR',
    time_zone: 'Asia/Tehran',
    hours: [{ from: '08:00', to: '15:00' }],
    cutoff: '14:00',
    weekend: [5],
    half_days: [{ weekday: 4, close: '12:00' }],
  },
].map((c) => ({ holidays: [SHARED], holidays_through: '2025-12-31', source: 'test week', ...c }));

type Result = { payments: Array<{ uetr: string | null; state: string; reason?: string; field?: string; detail?: string }> };

function at(clock: TestClock, date: string, hhmm: string): void {
  clock.now_ns = BigInt(Date.parse(`${date}T${hhmm}:00Z`)) * 1_000_000n;
}

function transfersOf(p: Platform, uetr: string): number {
  const bits = uetrBits(uetr);
  return [...Platform.internals(p).ledger.state.transfersInOrder()].filter((t) => t.user_data_128 === bits).length;
}

/** Whether a currency of the test calendars accepts payments at `ns` (pure, from the same calendar). */
function openAt(currency: string, ns: bigint): boolean {
  const cal = validateCalendar(CALENDARS.find((c) => c.currency === currency)!, '', isKnownTimeZone);
  const z = zoneOffsets(cal.time_zone, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1));
  return accepting(sessionOn(cal, z, localAt(z, Number(ns / 1_000_000n)).date), ns);
}

async function scheme(p: Platform): Promise<void> {
  await setupScheme(p);
  await p.run({ type: 'register_participant', id: CBI, kind: 'central_bank', name: 'Bank Markazi', country: 'IR', currencies: ['IRR'] });
  await p.run({ type: 'register_participant', id: I1, kind: 'bank', name: 'Bank Melli', country: 'IR', currencies: ['IRR'] });
  await p.run({ type: 'register_participant', id: I2, kind: 'bank', name: 'Bank Saderat', country: 'IR', currencies: ['IRR'] });
  await p.run({ type: 'set_rate_policy', max_age_business_days: 10, extended_age_business_days: 20, quote_tolerance_bp: 200 });
  const set = await p.execute({ type: 'set_calendars', calendars: CALENDARS });
  assert.ok(set.ok, JSON.stringify(set.error));
  for (const [who, c, amount] of [
    [A, 'CNY', '1000.00'],
    [D, 'RUB', '100000.00'],
    [LP, 'CNY', '100000.00'],
    [K, 'KZT', '100000.00'],
    [I1, 'IRR', '100000000.00'],
  ] as const)
    await p.run({ type: 'fund', participant: who, currency: c, amount });
}

async function submit(p: Platform, ...payments: Record<string, unknown>[]): Promise<Result['payments']> {
  return (await p.run<Result>({ type: 'submit_payments', payments })).payments;
}

/** The operator's platform day: opened after midnight UTC, closed before the next. */
async function newDay(p: Platform, clock: TestClock, date: string): Promise<void> {
  at(clock, date, '00:05');
  const closed = await p.execute({ type: 'close_day' });
  assert.ok(closed.ok, JSON.stringify(closed.error));
  at(clock, date, '00:10');
  const opened = await p.execute({ type: 'open_day', date });
  assert.ok(opened.ok, JSON.stringify(opened.error));
}

test('a week across four time zones: own weekends, a shared holiday, PvP only in overlaps, warehoused payments settle once on the next open day', async () => {
  const backend = makeBackend('sqlite');
  const clock = new TestClock();
  const open = async (): Promise<Platform> => Platform.open(await backend.open(), { clock: clock.read });
  try {
    at(clock, '2025-09-01', '00:30');
    let p = await open();
    await scheme(p);
    assert.deepEqual(p.calendarOverlaps('2025-09-01').find((o) => o.pair === 'CNY/RUB')!.windows_utc, ['2025-09-01T06:00Z/2025-09-01T08:31Z']);
    // Monday 00:40 UTC: every currency is still closed (CNY opens 01:00 UTC, IRR 04:30, KZT 04:00, RUB 06:00).
    at(clock, '2025-09-01', '00:40');
    const [p1, p2, p3] = await submit(
      p,
      payment(A, B, 'CNY', '10.00'),
      payment(D, S, 'RUB', '100.00'),
      payment(D, A, 'RUB', '1150.00', { payee_currency: 'CNY' }),
    );
    assert.deepEqual([p1!.state, p2!.state, p3!.state], ['warehoused', 'warehoused', 'warehoused']);
    assert.match(
      p.payment(p1!.uetr!)!.history.at(-1)!.detail!,
      /CNY is outside its operating hours \(Asia\/Shanghai\): warehoused to CNY's business day 2025-09-01/,
    );
    // 01:30: CNY opened; its warehoused payment settles at the first command, the RUB ones wait.
    at(clock, '2025-09-01', '01:30');
    const [p4] = await submit(p, payment(A, B, 'CNY', '5.00'));
    assert.equal(p4!.state, 'settled');
    assert.equal(p.payment(p1!.uetr!)!.state, 'settled');
    assert.equal(p.payment(p2!.uetr!)!.state, 'warehoused');
    assert.equal(p.payment(p3!.uetr!)!.state, 'warehoused');
    // 06:30: RUB opened, CNY still open: the RUB payment and the PvP settle; KZT (open since 04:00 UTC) settles at once.
    at(clock, '2025-09-01', '06:30');
    const [p5] = await submit(p, payment(K, LP, 'KZT', '100.00'));
    assert.equal(p5!.state, 'settled');
    assert.equal(p.payment(p2!.uetr!)!.state, 'settled');
    assert.equal(p.payment(p3!.uetr!)!.state, 'settled');
    // 09:00: CNY closed at 08:30:59 UTC (16:30 Beijing); RUB is open: a PvP RUB->CNY waits for the next overlap.
    at(clock, '2025-09-01', '09:00');
    const [p6, p7] = await submit(p, payment(D, A, 'RUB', '1150.00', { payee_currency: 'CNY' }), payment(A, B, 'CNY', '7.00'));
    assert.equal(p6!.state, 'warehoused');
    assert.match(p.payment(p6!.uetr!)!.history.at(-1)!.detail!, /PvP settles only while both RUB and CNY are open/);
    assert.equal(p7!.state, 'warehoused');
    assert.equal(p.payment(p7!.uetr!)!.instruction.value_date, '2025-09-02');
    const rubNow = p.currencyDays().find((c) => c.currency === 'RUB')!;
    assert.deepEqual([rubNow.accepting, rubNow.business_date, rubNow.cutoff_local, rubNow.cutoff_utc], [true, '2025-09-01', '17:30', '2025-09-01T14:30Z']);

    // Tuesday: CNY opens 01:00 UTC (p7 settles), RUB at 06:00 (the PvP p6 settles in the overlap).
    await newDay(p, clock, '2025-09-02');
    at(clock, '2025-09-02', '01:10');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1.00' });
    assert.equal(p.payment(p7!.uetr!)!.state, 'settled');
    assert.equal(p.payment(p6!.uetr!)!.state, 'warehoused');
    at(clock, '2025-09-02', '06:10');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1.00' });
    assert.equal(p.payment(p6!.uetr!)!.state, 'settled');
    // Value dates on closed days: IRR's Friday is refused DT01; KZT's Saturday rolls to Monday (its rule is 'following').
    at(clock, '2025-09-02', '07:00');
    const [p8, p9, p10] = await submit(
      p,
      payment(I1, I2, 'IRR', '1000.00', { value_date: '2025-09-05' }),
      payment(K, LP, 'KZT', '10.00', { value_date: '2025-09-06' }),
      payment(A, B, 'CNY', '3.00'),
    );
    assert.deepEqual(p8, {
      uetr: p8!.uetr,
      state: 'rejected',
      reason: 'DT01',
      field: 'payments[0].value_date',
      detail: '2025-09-05 is a closed day of IRR (weekend)',
    });
    assert.equal(p9!.state, 'warehoused');
    assert.equal(p.payment(p9!.uetr!)!.instruction.value_date, '2025-09-08');
    assert.equal(p10!.state, 'settled');
    // After CNY's cut-off the next CNY business day is Thursday: Wednesday is the shared holiday.
    at(clock, '2025-09-02', '12:00');
    const [p11] = await submit(p, payment(A, B, 'CNY', '4.00'));
    assert.equal(p.payment(p11!.uetr!)!.instruction.value_date, '2025-09-04');

    // Wednesday, the shared holiday: nothing settles in any currency, at any hour.
    await newDay(p, clock, '2025-09-03');
    const wednesday: string[] = [];
    for (const hhmm of ['01:30', '05:00', '07:00', '10:00']) {
      at(clock, '2025-09-03', hhmm);
      const out = await p.execute({
        type: 'submit_payments',
        payments: [payment(A, B, 'CNY', '1.00'), payment(I1, I2, 'IRR', '1.00'), payment(K, LP, 'KZT', '1.00'), payment(D, S, 'RUB', '1.00')],
      });
      assert.ok(out.ok);
      assert.deepEqual(
        out.changes.filter((c) => c.state === 'settled'),
        [],
        `nothing settles at ${hhmm} on the holiday`,
      );
      for (const c of out.changes) if (c.state === 'warehoused') wednesday.push(c.uetr);
    }
    assert.equal(wednesday.length, 16);

    // Thursday: IRR's half-day closes at noon Tehran (08:30 UTC); after it an IRR payment waits for Saturday (Friday is IRR's weekend).
    await newDay(p, clock, '2025-09-04');
    at(clock, '2025-09-04', '01:10');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1.00' });
    assert.equal(p.payment(p11!.uetr!)!.state, 'settled');
    at(clock, '2025-09-04', '09:00');
    const [p12] = await submit(p, payment(I1, I2, 'IRR', '500.00'));
    assert.equal(p12!.state, 'warehoused');
    assert.equal(p.payment(p12!.uetr!)!.instruction.value_date, '2025-09-06');

    // Friday: IRR closed all day, CNY open.
    await newDay(p, clock, '2025-09-05');
    at(clock, '2025-09-05', '05:00');
    const [p13] = await submit(p, payment(A, B, 'CNY', '2.00'), payment(I1, I2, 'IRR', '1.00', { value_date: '2025-09-06' }));
    assert.equal(p13!.state, 'settled');
    assert.equal(p.payment(p12!.uetr!)!.state, 'warehoused');

    // A store reopen (replay) before Saturday.
    await p.close();
    p = await open();
    // Saturday: IRR open (its week starts), CNY closed: IRR payments settle, a CNY payment waits for Monday.
    await newDay(p, clock, '2025-09-06');
    at(clock, '2025-09-06', '05:00');
    const [p14] = await submit(p, payment(A, B, 'CNY', '2.00'));
    assert.equal(p.payment(p12!.uetr!)!.state, 'settled');
    assert.equal(p14!.state, 'warehoused');
    assert.equal(p.payment(p14!.uetr!)!.instruction.value_date, '2025-09-08');

    // Every settled payment settled once, inside the hours of each currency it touches; value is conserved.
    let settled = 0;
    for (const pay of p.everyPayment()) {
      const s = pay.history.filter((h) => h.state === 'settled');
      if (s.length === 0) continue;
      settled++;
      assert.equal(s.length, 1, `${pay.instruction.uetr} settled once`);
      const at_ns = s[0]!.at_ns;
      assert.ok(openAt(pay.instruction.currency, at_ns), `${pay.instruction.currency} open when ${pay.instruction.uetr} settled`);
      assert.ok(openAt(pay.instruction.payee_currency, at_ns), `${pay.instruction.payee_currency} open when ${pay.instruction.uetr} settled`);
      assert.equal(transfersOf(p, pay.instruction.uetr), pay.instruction.currency === pay.instruction.payee_currency ? 1 : 2);
    }
    assert.ok(settled >= 13, `${settled} settled`);
    for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor, c.currency);
    await p.close();
    const store = await backend.open();
    try {
      const r = await Platform.verify(store);
      assert.equal(r.ok, true, r.problem ?? '');
    } finally {
      await store.close();
    }
  } finally {
    await backend.cleanup();
  }
});

test('bad set_calendars: stable codes and the field, nothing applied; a store without calendars has none in its state', async () => {
  const backend = makeBackend('sqlite');
  const clock = new TestClock();
  try {
    const p = await Platform.open(await backend.open(), { clock: clock.read });
    await setupScheme(p);
    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ ...CALENDARS[0], time_zone: 'Asia/Beijing' }, 'unknown_time_zone', 'calendars[0].time_zone'],
      [{ ...CALENDARS[0], hours: [{ from: '17:00', to: '09:00' }] }, 'invalid_window', 'calendars[0].hours[0]'],
      [{ ...CALENDARS[0], holidays: [{ date: '2025-02-29', name: 'x' }] }, 'invalid_holiday', 'calendars[0].holidays[0].date'],
    ];
    const before = Platform.internals(p).store;
    const seq = p.journalHead().seq;
    for (const [cal, code, field] of bad) {
      await assert.rejects(
        p.execute({ type: 'set_calendars', calendars: [cal] }),
        (e: { code?: string; field?: string }) => e.code === code && e.field === field,
      );
    }
    assert.equal(p.journalHead().seq, seq, 'nothing journaled');
    assert.deepEqual(p.currencyDays(), []);
    assert.ok(before !== null);
    const state = Platform.internals(p).state.encodeState().toString('utf8');
    assert.equal(state.split('\n', 1)[0]!.includes('calendar'), false, 'no calendar in the header of a store without calendars');
    await p.close();
  } finally {
    await backend.cleanup();
  }
});

test('zero balance at the close: when CNY closes on its calendar, each bank’s CNY beyond its intraday credit is swept home, and the mirror account reconciles', async () => {
  const backend = makeBackend('sqlite');
  const clock = new TestClock();
  try {
    at(clock, '2025-09-01', '00:30');
    const p = await Platform.open(await backend.open(), { clock: clock.read });
    await setupScheme(p);
    const cny = { ...CALENDARS[0]!, zero_balance_at_close: true };
    const set = await p.execute({ type: 'set_calendars', calendars: [cny] });
    assert.ok(set.ok, JSON.stringify(set.error));
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    await p.run({
      type: 'set_collateral',
      participant: B,
      currency: 'CNY',
      items: [{ id: 'c1', kind: 'cash', currency: 'CNY', market_value: '50.00', haircut_bp: 0 }],
    });
    at(clock, '2025-09-01', '01:30');
    await p.run({ type: 'draw_credit', participant: B, currency: 'CNY', amount: '20.00' });
    const [pay] = await submit(p, payment(A, B, 'CNY', '30.00'));
    assert.equal(pay!.state, 'settled');
    const before = p.conservation().find((c) => c.currency === 'CNY')!;
    assert.equal(before.issued_minor, 10_000n);
    // 09:00 UTC: CNY closed at 16:30 Beijing; the next command finds it closed and sweeps.
    at(clock, '2025-09-01', '09:00');
    await p.run({ type: 'fund', participant: D, currency: 'RUB', amount: '1.00' });
    const bal = (id: string): bigint => p.balances(id).find((b) => b.currency === 'CNY')!.available_minor;
    assert.equal(bal(A), 0n);
    assert.equal(bal(B), 2_000n, 'B keeps what it owes on its intraday credit');
    assert.equal(p.conservation().find((c) => c.currency === 'CNY')!.issued_minor, 0n);
    // Not swept twice: a later command in the same closed period moves nothing.
    at(clock, '2025-09-01', '10:00');
    await p.run({ type: 'fund', participant: D, currency: 'RUB', amount: '1.00' });
    const r = await reconciliation(p, CB.CNY, '2025-09-01');
    assert.equal(r.reconciled, true);
    assert.deepEqual(r.defunded_out, { count: 2, amount_minor: 10_000n });
    assert.equal(r.closing_issued_minor, 0n);
    await p.close();
  } finally {
    await backend.cleanup();
  }
});

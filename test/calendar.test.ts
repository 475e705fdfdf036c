// Operating calendars, pure: time zones by table (resolved once with Intl, checked
// on DST-free zones, Tehran's +3:30 and its former DST, Almaty's 2024 move to +5),
// open days and sessions, half-days, overlaps of two currencies' hours, the
// validator's field-level errors, and the ten calendar files of the repository.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  accepting,
  CalendarError,
  isOpenDay,
  localAt,
  localToUtcMs,
  nextOpenDay,
  offsetAt,
  openDaysAfter,
  overlap,
  overlapOnUtcDate,
  sessionOn,
  statusAt,
} from '../src/clearing/calendar.js';
import { validateCalendar } from '../src/clearing/calendar_validate.js';
import { calendarDisposition, calendarValueDate, currencyState } from '../src/clearing/currency_day.js';
import { isKnownTimeZone, offsetMinutesAt, zoneOffsets, type ZoneOffsets } from '../src/clearing/time_zone.js';

const CAL_DIR = join(import.meta.dirname, '..', '..', 'calendars');

function ns(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}

function zone(tz: string): ZoneOffsets {
  return zoneOffsets(tz, Date.UTC(2019, 0, 1), Date.UTC(2028, 0, 1));
}

function cal(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    currency: 'IRR',
    time_zone: 'Asia/Tehran',
    hours: [{ from: '08:00', to: '15:00' }],
    cutoff: '14:00',
    weekend: [5],
    holidays: [{ date: '2026-03-23', name: 'Nowruz' }],
    half_days: [{ weekday: 4, close: '12:00' }],
    holidays_through: '2026-12-31',
    source: 'test',
    ...over,
  };
}

function errorOf(raw: unknown): { code: string; field: string } {
  try {
    validateCalendar(raw, 'cal', isKnownTimeZone);
  } catch (err) {
    assert.ok(err instanceof CalendarError, String(err));
    return { code: err.code, field: err.field };
  }
  assert.fail('the calendar was accepted');
}

test('time zones: Tehran +3:30 now and +4:30 in its former summers, Almaty +6 then +5 from March 2024, DST-free zones constant', () => {
  assert.equal(offsetMinutesAt('Asia/Tehran', Date.parse('2026-06-01T00:00:00Z')), 210);
  assert.equal(offsetMinutesAt('Asia/Tehran', Date.parse('2021-06-01T00:00:00Z')), 270);
  assert.equal(offsetMinutesAt('Asia/Kolkata', Date.parse('2026-01-01T00:00:00Z')), 330);
  const teh = zone('Asia/Tehran');
  // Iran's last DST: 2022-03-22 00:00 local (+3:30) -> +4:30, back on 2022-09-22 00:00 (+4:30) -> +3:30.
  assert.deepEqual(
    teh.changes.filter(([t]) => t >= Date.UTC(2022, 0, 1)),
    [
      [Date.parse('2022-03-21T20:30:00Z'), 270],
      [Date.parse('2022-09-21T19:30:00Z'), 210],
    ],
  );
  const alm = zone('Asia/Almaty');
  assert.deepEqual(alm.changes, [[Date.parse('2024-02-29T18:00:00Z'), 300]]);
  for (const tz of ['Asia/Shanghai', 'Europe/Moscow', 'Asia/Kolkata', 'Asia/Karachi', 'Asia/Tashkent', 'Asia/Dushanbe', 'Asia/Bishkek', 'Europe/Minsk'])
    assert.deepEqual(zone(tz).changes, [], tz);
  assert.equal(isKnownTimeZone('Asia/Tehran'), true);
  for (const bad of ['Asia/Atlantis', '+03:30', 'UTC+3', '', 'Asia/Tehran\n']) assert.equal(isKnownTimeZone(bad), false, bad);
});

test('local time <-> UTC by table: 08:00 in Tehran is 04:30 UTC (03:30 in a 2021 summer), and the round trip holds for any minute', () => {
  const teh = zone('Asia/Tehran');
  assert.equal(localToUtcMs(teh, '2026-03-16', 8 * 60), Date.parse('2026-03-16T04:30:00Z'));
  assert.equal(localToUtcMs(teh, '2021-06-01', 8 * 60), Date.parse('2021-06-01T03:30:00Z'));
  assert.deepEqual(localAt(teh, Date.parse('2026-03-16T20:29:00Z')), { date: '2026-03-16', minutes: 23 * 60 + 59 });
  assert.deepEqual(localAt(teh, Date.parse('2026-03-16T20:30:00Z')), { date: '2026-03-17', minutes: 0 });
  const zones = ['Asia/Tehran', 'Asia/Shanghai', 'Asia/Kolkata', 'Asia/Almaty', 'Europe/Minsk'].map(zone);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 8 * 365 * 1440 }), fc.constantFrom(...zones), (minute, z) => {
      const utc = Date.UTC(2020, 0, 1) + minute * 60_000;
      const l = localAt(z, utc);
      // The table agrees with Intl everywhere; the round trip holds where no offset change is near (a skipped or repeated local hour reads one way).
      assert.equal(offsetAt(z, utc), offsetMinutesAt(z.time_zone, utc));
      const back = localToUtcMs(z, l.date, l.minutes);
      if (!z.changes.some(([t]) => Math.abs(t - utc) < 2 * 3_600_000)) assert.equal(back, utc);
    }),
    { numRuns: 500 },
  );
});

test('IRR: Friday weekend, Thursday half-day to noon, a holiday; sessions in UTC; the business date moves past the cut-off', () => {
  const c = validateCalendar(cal(), 'cal', isKnownTimeZone);
  const z = zone('Asia/Tehran');
  assert.equal(isOpenDay(c, '2026-03-20'), false); // Friday
  assert.equal(isOpenDay(c, '2026-03-23'), false); // holiday
  assert.equal(isOpenDay(c, '2026-03-21'), true); // Saturday: open in Iran
  assert.equal(nextOpenDay(c, '2026-03-19', true), '2026-03-21');
  assert.equal(nextOpenDay(c, '2026-03-22', true), '2026-03-24');
  const thu = sessionOn(c, z, '2026-03-19')!;
  assert.equal(thu.half_day, true);
  assert.deepEqual(thu.windows, [[ns('2026-03-19T04:30:00Z'), ns('2026-03-19T08:30:00Z')]]);
  assert.equal(thu.cutoff_ns, ns('2026-03-19T08:30:00Z') - 1n, 'cut-off ends with the minute before the noon close');
  const mon = sessionOn(c, z, '2026-03-16')!;
  assert.equal(mon.cutoff_ns, ns('2026-03-16T10:31:00Z') - 1n);
  assert.equal(accepting(mon, ns('2026-03-16T04:29:59Z')), false);
  assert.equal(accepting(mon, ns('2026-03-16T04:30:00Z')), true);
  assert.equal(accepting(mon, ns('2026-03-16T10:30:59Z')), true);
  assert.equal(accepting(mon, ns('2026-03-16T10:31:00Z')), false, 'past the cut-off, still inside the hours');
  assert.equal(statusAt(c, z, ns('2026-03-16T10:31:00Z')).business_date, '2026-03-17');
  assert.equal(statusAt(c, z, ns('2026-03-19T09:00:00Z')).business_date, '2026-03-21');
  assert.equal(statusAt(c, z, ns('2026-03-16T02:00:00Z')).business_date, '2026-03-16', 'before the opening: today');
  assert.equal(openDaysAfter(c, '2026-03-16', '2026-03-24', 10), 6); // 17, 18, 19, 21, 22, 24 (20 Friday, 23 Nowruz)
});

test('open days: the next open day is open and nothing open lies between (any date, any weekend)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 700 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 729 }), { maxLength: 40 }),
      (start, weekend, hol) => {
        const day = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
        const c = validateCalendar(
          cal({ weekend, half_days: [], holidays: hol.map((n) => ({ date: day(n), name: 'h' })), holidays_through: '2027-12-31' }),
          'cal',
          isKnownTimeZone,
        );
        const from = day(start);
        const next = nextOpenDay(c, from, true);
        assert.ok(next > from && isOpenDay(c, next));
        for (let n = start + 1; day(n) < next; n++) assert.equal(isOpenDay(c, day(n)), false);
        assert.equal(openDaysAfter(c, from, next, 10), 1);
      },
    ),
    { numRuns: 300 },
  );
});

test('overlap: CNY and IRR share 04:30-08:31 UTC on a Monday, none on a Friday (IRR weekend) or a Saturday (CNY weekend)', () => {
  const irr = validateCalendar(cal(), 'cal', isKnownTimeZone);
  const cny = validateCalendar(
    cal({
      currency: 'CNY',
      time_zone: 'Asia/Shanghai',
      hours: [{ from: '09:00', to: '17:00' }],
      cutoff: '16:30',
      weekend: [6, 7],
      half_days: [],
      holidays: [],
    }),
    'cal',
    isKnownTimeZone,
  );
  const zi = zone('Asia/Tehran');
  const zc = zone('Asia/Shanghai');
  assert.deepEqual(overlap(sessionOn(cny, zc, '2026-03-16'), sessionOn(irr, zi, '2026-03-16')), [[ns('2026-03-16T04:30:00Z'), ns('2026-03-16T08:31:00Z')]]);
  assert.deepEqual(overlapOnUtcDate([cny, zc], [irr, zi], '2026-03-20'), []);
  assert.deepEqual(overlapOnUtcDate([cny, zc], [irr, zi], '2026-03-21'), []);
  // Thursday: IRR closes at noon Tehran (08:30 UTC), its cut-off a minute before.
  assert.deepEqual(overlapOnUtcDate([cny, zc], [irr, zi], '2026-03-19'), [[ns('2026-03-19T04:30:00Z'), ns('2026-03-19T08:30:00Z')]]);
  // Every instant of an overlap is accepted by both; just after its end, by one at most.
  for (const [a, b] of overlapOnUtcDate([cny, zc], [irr, zi], '2026-03-16')) {
    for (const t of [a, (a + b) / 2n, b - 1n]) assert.ok(accepting(sessionOn(cny, zc, '2026-03-16'), t) && accepting(sessionOn(irr, zi, '2026-03-16'), t));
    assert.ok(!(accepting(sessionOn(cny, zc, '2026-03-16'), b) && accepting(sessionOn(irr, zi, '2026-03-16'), b)));
  }
});

test('bad calendars: stable codes with the field — unknown zone, inverted or overlapping windows, invalid holiday dates, overrides', () => {
  assert.deepEqual(errorOf(cal({ time_zone: 'Asia/Atlantis' })), { code: 'unknown_time_zone', field: 'cal.time_zone' });
  assert.deepEqual(errorOf(cal({ time_zone: '+03:30' })), { code: 'unknown_time_zone', field: 'cal.time_zone' });
  assert.deepEqual(errorOf(cal({ hours: [{ from: '15:00', to: '08:00' }] })), { code: 'invalid_window', field: 'cal.hours[0]' });
  assert.deepEqual(errorOf(cal({ hours: [{ from: '08:00', to: '08:00' }] })), { code: 'invalid_window', field: 'cal.hours[0]' });
  assert.deepEqual(errorOf(cal({ hours: [{ from: '08:00', to: '25:00' }] })), { code: 'invalid_window', field: 'cal.hours[0].to' });
  assert.deepEqual(errorOf(cal({ hours: [] })), { code: 'invalid_window', field: 'cal.hours' });
  assert.deepEqual(
    errorOf(
      cal({
        hours: [
          { from: '08:00', to: '12:00' },
          { from: '11:00', to: '15:00' },
        ],
      }),
    ),
    { code: 'overlapping_windows', field: 'cal.hours[1]' },
  );
  assert.deepEqual(errorOf(cal({ cutoff: '16:00' })), { code: 'invalid_window', field: 'cal.cutoff' });
  assert.deepEqual(errorOf(cal({ holidays: [{ date: '2026-02-30', name: 'x' }] })), { code: 'invalid_holiday', field: 'cal.holidays[0].date' });
  assert.deepEqual(errorOf(cal({ holidays: [{ date: '26-01-01', name: 'x' }] })), { code: 'invalid_holiday', field: 'cal.holidays[0].date' });
  assert.deepEqual(
    errorOf(
      cal({
        holidays: [
          { date: '2026-01-01', name: 'x' },
          { date: '2026-01-01', name: 'y' },
        ],
      }),
    ),
    { code: 'invalid_holiday', field: 'cal.holidays[1].date' },
  );
  assert.deepEqual(errorOf(cal({ holidays: [{ date: '2027-01-01', name: 'x' }] })), { code: 'invalid_holiday', field: 'cal.holidays[0].date' });
  assert.deepEqual(errorOf(cal({ overrides: { remove: ['2026-01-09'] } })), { code: 'invalid_holiday', field: 'cal.overrides.remove[0]' });
  assert.deepEqual(errorOf(cal({ overrides: { add: [{ date: '2026-13-01', name: 'x' }] } })), { code: 'invalid_holiday', field: 'cal.overrides.add[0].date' });
  assert.deepEqual(errorOf(cal({ holidays_from: '2028-01-01' })), { code: 'invalid_field', field: 'cal.holidays_from' });
  assert.deepEqual(errorOf(cal({ holidays_from: '2026-02-30' })), { code: 'invalid_holiday', field: 'cal.holidays_from' });
  assert.deepEqual(errorOf(cal({ holidays_from: '2026-06-01', holidays: [{ date: '2026-03-21', name: 'x' }] })), {
    code: 'invalid_holiday',
    field: 'cal.holidays[0].date',
  });
  assert.deepEqual(errorOf(cal({ weekend: [5, 5] })), { code: 'invalid_field', field: 'cal.weekend[1]' });
  assert.deepEqual(errorOf(cal({ currency: 'USD' })), { code: 'unknown_currency', field: 'cal.currency' });
  assert.deepEqual(errorOf(cal({ colour: 'red' })), { code: 'invalid_field', field: 'cal.colour' });
  assert.deepEqual(errorOf(cal({ half_days: [{ weekday: 5, close: '12:00' }] })), { code: 'invalid_field', field: 'cal.half_days[0].weekday' });
  assert.deepEqual(errorOf(cal({ closed_value_date: 'preceding' })), { code: 'invalid_field', field: 'cal.closed_value_date' });
  // Overrides apply: a seeded holiday removed is open, an added one closed.
  const c = validateCalendar(cal({ overrides: { remove: ['2026-03-23'], add: [{ date: '2026-03-24', name: 'added' }] } }), 'cal', isKnownTimeZone);
  assert.equal(isOpenDay(c, '2026-03-23'), true);
  assert.equal(isOpenDay(c, '2026-03-24'), false);
});

test('a value date on a closed day: refused DT01 by default, rolled to the following open day when the calendar says so', () => {
  const z = zone('Asia/Tehran');
  const refuse = { calendar: validateCalendar(cal(), 'cal', isKnownTimeZone), zone: z };
  assert.deepEqual(calendarValueDate(refuse, '2026-03-20', '2026-03-16'), { problem: '2026-03-20 is a closed day of IRR (weekend)' });
  assert.deepEqual(calendarValueDate(refuse, '2026-03-23', '2026-03-16'), { problem: '2026-03-23 is a closed day of IRR (Nowruz)' });
  assert.deepEqual(calendarValueDate(refuse, '2026-03-15', '2026-03-16'), { problem: '2026-03-15 is before the IRR business day 2026-03-16' });
  assert.deepEqual(calendarValueDate(refuse, '2026-03-21', '2026-03-16'), { value_date: '2026-03-21' });
  const follow = { calendar: validateCalendar(cal({ closed_value_date: 'following' }), 'cal', isKnownTimeZone), zone: z };
  assert.deepEqual(calendarValueDate(follow, '2026-03-20', '2026-03-16'), { value_date: '2026-03-21' });
  assert.deepEqual(calendarValueDate(follow, '2026-03-23', '2026-03-16'), { value_date: '2026-03-24' });
  assert.match((calendarValueDate(follow, '2026-04-30', '2026-03-16') as { problem: string }).problem, /more than 10 IRR business days/);
});

test('the ten calendar files of the repository read, each with its zone, a weekend, holidays 2025 through 2027 and a source', () => {
  const files = readdirSync(CAL_DIR).filter((f) => f.endsWith('.json'));
  assert.deepEqual(
    files.sort(),
    ['BYN', 'CNY', 'INR', 'IRR', 'KGS', 'KZT', 'PKR', 'RUB', 'TJS', 'UZS'].map((c) => `${c}.json`),
  );
  const zones: Record<string, string> = {};
  const national: Record<string, string> = {
    BYN: '2026-07-03',
    CNY: '2026-10-01',
    INR: '2026-01-26',
    IRR: '2026-03-21',
    KGS: '2026-08-31',
    KZT: '2026-12-16',
    PKR: '2026-08-14',
    RUB: '2026-06-12',
    TJS: '2026-09-09',
    UZS: '2026-09-01',
  };
  for (const f of files) {
    const c = validateCalendar(JSON.parse(readFileSync(join(CAL_DIR, f), 'utf8')), f, isKnownTimeZone);
    assert.equal(`${c.currency}.json`, f);
    assert.ok(c.holidays.length >= 10, `${f}: ${c.holidays.length} holidays`);
    assert.equal(c.holidays_through, '2027-12-31');
    // 2025 is the demo's and the tests' year: its holidays are listed, and nothing before it claims to be known.
    assert.equal(c.holidays_from, '2025-01-01');
    assert.ok(c.source.length > 20);
    zones[c.currency] = c.time_zone;
    assert.equal(isOpenDay(c, national[c.currency]!), false, `${f}: its national day ${national[c.currency]} is closed`);
    const national2025 = `2025${national[c.currency]!.slice(4)}`;
    // A national day on a weekend is closed anyway; on a weekday it must be a listed holiday.
    assert.equal(isOpenDay(c, national2025), false, `${f}: its national day ${national2025} is closed`);
  }
  assert.equal(zones.IRR, 'Asia/Tehran');
  assert.equal(zones.INR, 'Asia/Kolkata');
  const irr = validateCalendar(JSON.parse(readFileSync(join(CAL_DIR, 'IRR.json'), 'utf8')), 'IRR', isKnownTimeZone);
  assert.deepEqual(irr.weekend, [5]);
  assert.equal(isOpenDay(irr, '2026-03-21'), false, 'Nowruz');
});

test('a day per currency (property): a payment settles exactly when every currency it touches accepts payments; otherwise it waits for an open day', () => {
  const defs: Record<string, [string, string, string, string, number[]]> = {
    CNY: ['Asia/Shanghai', '09:00', '17:00', '16:30', [6, 7]],
    RUB: ['Europe/Moscow', '09:00', '18:00', '17:30', [6, 7]],
    IRR: ['Asia/Tehran', '08:00', '15:00', '14:00', [5]],
    INR: ['Asia/Kolkata', '09:00', '18:00', '17:30', [6, 7]],
  };
  const cals = new Map(
    Object.entries(defs).map(([c, [tz, from, to, cutoff, weekend]]) => {
      const calendar = validateCalendar(
        cal({ currency: c, time_zone: tz, hours: [{ from, to }], cutoff, weekend, half_days: [], holidays: [{ date: '2026-03-18', name: 'shared' }] }),
        c,
        isKnownTimeZone,
      );
      return [c, { calendar, zone: zone(tz) }] as const;
    }),
  );
  const day = { date: '2026-03-16', state: 'open' as const, opened_at_ns: 0n, closed_at_ns: null, cutoffs: [] };
  const codes = [...cals.keys()];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 7 * 1440 - 1 }), fc.constantFrom(...codes), fc.constantFrom(...codes), (minute, a, b) => {
      const now = ns('2026-03-15T00:00:00Z') + BigInt(minute) * 60_000_000_000n;
      const open = (c: string): boolean => {
        const e = cals.get(c)!;
        return accepting(sessionOn(e.calendar, e.zone, localAt(e.zone, Number(now / 1_000_000n)).date), now);
      };
      const pay = currencyState(cals, a, day, now)!;
      const d = calendarDisposition({ currency: a, payee_currency: b, value_date: pay.business_date }, cals, day, now);
      assert.equal(d.kind === 'settle', open(a) && open(b));
      if (d.kind === 'warehouse') {
        assert.ok(isOpenDay(cals.get(a)!.calendar, d.value_date), `${a} waits for an open day, not ${d.value_date}`);
        assert.ok(d.value_date >= localAt(cals.get(a)!.zone, Number(now / 1_000_000n)).date);
      }
      // With the platform's business day closed, nothing settles.
      assert.notEqual(
        calendarDisposition({ currency: a, payee_currency: b, value_date: pay.business_date }, cals, { ...day, state: 'closed' }, now).kind,
        'settle',
      );
    }),
    { numRuns: 1000 },
  );
});

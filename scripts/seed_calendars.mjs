#!/usr/bin/env node
// Seeds the holiday lists of calendars/<CURRENCY>.json from the `date-holidays`
// library (ISC code, CC-BY-3.0 data), which is NOT a dependency of sco-settle:
// install it anywhere and point this script at it,
//
//   npm install --prefix /tmp/dh date-holidays@3.37.0
//   node scripts/seed_calendars.mjs --lib /tmp/dh/node_modules/date-holidays --years 2026-2027
//
// Only full-day public holidays are taken (date-holidays types 'public'; entries
// starting at noon, which bind one group only, are left out). Everything else in
// a file — hours, cut-off, weekend, half-days, the closed-value-date rule and
// `overrides` — is kept as the file has it; a new file gets the defaults below.
// KGS and TJS: the library has no Kyrgyzstan or Tajikistan, so their files are
// kept by hand (their `source` says so) and this script leaves them alone.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEEDED = {
  CNY: { country: 'CN', time_zone: 'Asia/Shanghai', hours: [{ from: '09:00', to: '17:00' }], cutoff: '16:30', weekend: [6, 7], half_days: [] },
  RUB: { country: 'RU', time_zone: 'Europe/Moscow', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7], half_days: [] },
  INR: { country: 'IN', time_zone: 'Asia/Kolkata', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7], half_days: [] },
  PKR: { country: 'PK', time_zone: 'Asia/Karachi', hours: [{ from: '09:00', to: '17:00' }], cutoff: '16:30', weekend: [6, 7], half_days: [] },
  IRR: {
    country: 'IR',
    time_zone: 'Asia/Tehran',
    hours: [{ from: '08:00', to: '15:00' }],
    cutoff: '14:00',
    weekend: [5],
    half_days: [{ weekday: 4, close: '12:00', name: 'Thursday: institutions close at noon' }],
  },
  KZT: { country: 'KZ', time_zone: 'Asia/Almaty', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7], half_days: [] },
  UZS: { country: 'UZ', time_zone: 'Asia/Tashkent', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7], half_days: [] },
  BYN: { country: 'BY', time_zone: 'Europe/Minsk', hours: [{ from: '09:00', to: '18:00' }], cutoff: '17:30', weekend: [6, 7], half_days: [] },
};

function args() {
  const a = process.argv.slice(2);
  const get = (k) => {
    const i = a.indexOf(k);
    return i < 0 ? undefined : a[i + 1];
  };
  const lib = get('--lib');
  if (lib === undefined) throw new Error('--lib PATH_TO_date-holidays is required (see the header of this script)');
  const [from, to] = (get('--years') ?? '2026-2027').split('-').map(Number);
  return { lib: resolve(lib), from, to };
}

function holidaysOf(Holidays, country, from, to) {
  const h = new Holidays(country);
  const byDate = new Map();
  for (let y = from; y <= to; y++) {
    for (const x of h.getHolidays(y, 'en')) {
      if (x.type !== 'public' || x.date.slice(11, 19) !== '00:00:00') continue;
      const date = x.date.slice(0, 10);
      const names = byDate.get(date) ?? [];
      if (!names.includes(x.name)) names.push(x.name);
      byDate.set(date, names);
    }
  }
  return [...byDate].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, names]) => ({ date, name: names.join('; ') }));
}

function main() {
  const { lib, from, to } = args();
  const require = createRequire(import.meta.url);
  const Holidays = require(lib);
  const version = JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8')).version;
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'calendars');
  for (const [currency, d] of Object.entries(SEEDED)) {
    const file = join(dir, `${currency}.json`);
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    const cal = {
      currency,
      time_zone: old.time_zone ?? d.time_zone,
      hours: old.hours ?? d.hours,
      cutoff: old.cutoff ?? d.cutoff,
      weekend: old.weekend ?? d.weekend,
      half_days: old.half_days ?? d.half_days,
      closed_value_date: old.closed_value_date ?? 'refuse',
      holidays_through: `${to}-12-31`,
      holidays_from: `${from}-01-01`,
      source: `date-holidays ${version} (country ${d.country}, public holidays, full days; data CC-BY-3.0), seeded ${from}-${to}; overrides by hand`,
      holidays: holidaysOf(Holidays, d.country, from, to),
      overrides: old.overrides ?? { add: [], remove: [] },
    };
    writeFileSync(file, `${JSON.stringify(cal, null, 2)}\n`);
    console.log(`${currency}: ${cal.holidays.length} holidays ${from}-${to}`);
  }
}

main();

// Tests of src/sim: the embedded trade data against ../shared, the default
// profile and its validation, and the traffic generator's statistics. Expected
// figures are computed here from the trade matrix and the stated parameters,
// never copied from a run.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SCO_MEMBER_CURRENCIES, currencyInfo } from '../src/fx/iso4217.js';
import { parseDecimal } from '../src/fx/rational.js';
import { REFERENCE_RATES } from '../src/fx/reference_data.js';
import { parseCsv } from '../src/fx/rates.js';
import {
  ARRIVAL_PATTERN,
  DEFAULT_BANKS,
  MEMBERS,
  PROFILE_FORMAT,
  SIM_LIMITS,
  SimInputError,
  TRADE_FILE,
  TRADE_FLOWS,
  corridorShares,
  dayLengthNs,
  defaultProfile,
  generatePayments,
  parseProfile,
  parseProfileText,
  paymentToJson,
  profileToJson,
  simulateDay,
  tradeTurnover,
  type SchemeProfile,
  type SimPayment,
} from '../src/sim/index.js';

const TRADE_CSV = fileURLToPath(new URL(`../../../shared/data/${TRADE_FILE}`, import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));

/** ISO 9362: 4 letters (bank), 2 letters (country), 2 alphanumerics (location, not 0/1 first, not O second), optional 3 (branch). */
const BIC_RE = /^[A-Z]{4}[A-Z]{2}[A-Z2-9][A-NP-Z0-9](?:[A-Z0-9]{3})?$/;
const UUID_V4_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const HAN = /\p{Script=Han}/u;
const ARABIC = /\p{Script=Arabic}/u;

const PROFILE = defaultProfile();

/** Float USD per minor unit of a currency (for statistics only). */
function usdPerMinor(currency: string): number {
  const row = REFERENCE_RATES.find((r) => r.currency === currency)!;
  const r = parseDecimal(row.units_per_usd);
  return 1 / ((Number(r.num) / Number(r.den)) * 10 ** currencyInfo(currency).minor_units);
}

function expectSimError(fn: () => unknown, code: string, field: string, reason?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SimInputError, `expected SimInputError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.field, field, err.message);
    assert.ok(err.message.includes(`field "${field}"`), err.message);
    if (reason !== undefined) assert.match(err.reason, reason);
    return true;
  });
}

describe('trade data', () => {
  test('the embedded flows equal sco-trade-2024.csv, row by row with sources', {
    skip: existsSync(TRADE_CSV) ? false : `${TRADE_CSV} is absent (../shared not mounted)`,
  }, () => {
    const records = parseCsv(readFileSync(TRADE_CSV, 'utf8'), TRADE_FILE);
    assert.deepEqual(records[0]!.fields, ['exporter', 'importer', 'usd_millions', 'year', 'source']);
    const rows = records.slice(1);
    assert.equal(rows.length, TRADE_FLOWS.length);
    rows.forEach((r, i) => {
      const f = TRADE_FLOWS[i]!;
      assert.deepEqual([f.exporter, f.importer, f.usd_millions, String(f.year), f.source], r.fields, `row ${i + 2}`);
    });
  });

  test('56 directed flows over 28 pairs, both directions each, among members; weights exact', () => {
    assert.equal(TRADE_FLOWS.length, 56);
    const members = new Set(MEMBERS.map((m) => m.country));
    const keys = new Set(TRADE_FLOWS.map((f) => `${f.exporter}>${f.importer}`));
    assert.equal(keys.size, 56);
    for (const f of TRADE_FLOWS) {
      assert.ok(members.has(f.exporter) && members.has(f.importer) && f.exporter !== f.importer, `${f.exporter}>${f.importer}`);
      assert.ok(keys.has(`${f.importer}>${f.exporter}`), `reverse of ${f.exporter}>${f.importer}`);
      assert.ok(f.source.length > 20);
      const [int, frac = ''] = f.usd_millions.split('.');
      assert.equal(f.usd_thousands, Number(int) * 1000 + Number(frac.padEnd(3, '0')));
    }
    assert.deepEqual(
      MEMBERS.map((m) => m.currency),
      [...SCO_MEMBER_CURRENCIES],
    );
  });
});

describe('profile', () => {
  test('default: 60 banks over all ten members, more for bigger traders; valid unique test BICs', () => {
    assert.equal(PROFILE.banks.length, DEFAULT_BANKS);
    const counts = new Map<string, number>();
    for (const b of PROFILE.banks) counts.set(b.country, (counts.get(b.country) ?? 0) + 1);
    const turnover = tradeTurnover();
    for (const m of MEMBERS) assert.ok((counts.get(m.country) ?? 0) >= 2, m.country);
    // Count is non-decreasing in turnover.
    const byTrade = [...MEMBERS].sort((a, b) => turnover.get(b.country)! - turnover.get(a.country)!);
    for (let i = 1; i < byTrade.length; i++) assert.ok(counts.get(byTrade[i - 1]!.country)! >= counts.get(byTrade[i]!.country)!);
    const bics = new Set<string>();
    for (const p of [...PROFILE.banks, ...PROFILE.liquidity_providers]) {
      assert.match(p.bic, BIC_RE);
      assert.equal(p.bic.slice(4, 6), p.country);
      assert.equal(p.bic[7], '0', 'a test BIC (location code ends in 0)');
      assert.ok(!bics.has(p.bic), p.bic);
      bics.add(p.bic);
    }
    for (const b of PROFILE.banks) {
      assert.equal(b.currency, MEMBERS.find((m) => m.country === b.country)!.currency);
      assert.ok(b.size > 0);
      assert.ok(b.liquidity[b.currency]! > 0n, `${b.bic} home liquidity`);
      for (const v of Object.values(b.liquidity)) assert.ok(v >= 0n);
    }
    assert.equal(PROFILE.liquidity_providers.length, 3);
    for (const lp of PROFILE.liquidity_providers) {
      assert.deepEqual(Object.keys(lp.liquidity), [...SCO_MEMBER_CURRENCIES]);
      for (const v of Object.values(lp.liquidity)) assert.ok(v > 0n);
    }
  });

  test('bank names include Chinese, Cyrillic and Perso-Arabic scripts, each with a Latin form', () => {
    const names = PROFILE.banks.map((b) => b.name);
    assert.ok(names.some((n) => HAN.test(n)));
    assert.ok(names.some((n) => CYRILLIC.test(n)));
    assert.ok(names.some((n) => ARABIC.test(n)));
    for (const b of PROFILE.banks) assert.match(b.name_latin, /^[A-Za-z0-9 .,&()'-]+$/);
  });

  test('bank count option and floors', () => {
    for (const n of [10, 20, 61, 200]) {
      const p = defaultProfile({ banks: n });
      assert.equal(p.banks.length, n);
      assert.equal(new Set(p.banks.map((b) => b.bic)).size, n);
    }
    expectSimError(() => defaultProfile({ banks: 9 }), 'out_of_range', 'banks');
    expectSimError(() => defaultProfile({ banks: -1 }), 'negative', 'banks');
  });

  test('starting liquidity scales with the day it is sized for, exactly', () => {
    const small = defaultProfile({ traffic: { payments: 1000 } });
    const big = defaultProfile({ traffic: { payments: 10_000 } });
    const a = small.banks[0]!.liquidity.CNY!;
    const b = big.banks[0]!.liquidity.CNY!;
    assert.ok(b >= a * 10n && b < a * 10n + 10n, `${a} ${b}`);
  });

  test('JSON round trip: profileToJson -> parseProfile gives the same profile', () => {
    const text = JSON.stringify(profileToJson(PROFILE));
    assert.deepEqual(parseProfileText(text), PROFILE);
  });

  describe('validation names the field', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the cases below corrupt arbitrary fields of the profile JSON
    const base = (): Record<string, any> => JSON.parse(JSON.stringify(profileToJson(PROFILE)));
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const cases: Array<[string, (j: Record<string, any>) => void, string, string, RegExp?]> = [
      ['unknown country', (j) => (j.banks[2].country = 'US'), 'unknown_country', 'banks[2].country', /unknown country "US"/],
      ['unknown currency (not ISO)', (j) => (j.banks[0].liquidity.XYZ = '1'), 'unknown_currency', 'banks[0].liquidity.XYZ', /unknown currency/],
      [
        'non-member currency',
        (j) => (j.liquidity_providers[1].liquidity.USD = '1'),
        'unknown_currency',
        'liquidity_providers[1].liquidity.USD',
        /not an SCO member currency/,
      ],
      ["bank currency not its country's", (j) => (j.banks[0].currency = 'RUB'), 'invalid_value', 'banks[0].currency'],
      ['negative size', (j) => (j.banks[1].size = -5), 'negative', 'banks[1].size'],
      ['negative liquidity', (j) => (j.banks[3].liquidity.CNY = '-1'), 'negative', 'banks[3].liquidity.CNY'],
      ['liquidity as a float', (j) => (j.banks[3].liquidity.CNY = 1.5), 'invalid_value', 'banks[3].liquidity.CNY'],
      ['share over 1', (j) => (j.traffic = { urgent_share: 1.2 }), 'out_of_range', 'traffic.urgent_share', /at most 1/],
      ['negative share', (j) => (j.traffic.cross_currency_share = -0.1), 'negative', 'traffic.cross_currency_share'],
      ['negative size parameter', (j) => (j.traffic.customer_size.sigma = -1), 'negative', 'traffic.customer_size.sigma'],
      ['negative median', (j) => (j.traffic.interbank_size.median_usd = -3), 'negative', 'traffic.interbank_size.median_usd'],
      ['too many payments', (j) => (j.traffic.payments = SIM_LIMITS.payments_max + 1), 'limit_exceeded', 'traffic.payments'],
      ['bad date', (j) => (j.traffic.business_date = '2025-02-30'), 'invalid_value', 'traffic.business_date'],
      ['bad BIC', (j) => (j.banks[4].bic = 'AB1CCNB0'), 'invalid_value', 'banks[4].bic', /ISO 9362/],
      ['BIC country mismatch', (j) => (j.banks[0].bic = 'YACNRUB0'), 'invalid_value', 'banks[0].bic'],
      ['duplicate BIC', (j) => (j.banks[1].bic = j.banks[0].bic), 'duplicate', 'banks[1].bic'],
      ['missing home-currency account', (j) => delete j.banks[0].liquidity.CNY, 'missing_field', 'banks[0].liquidity.CNY'],
      ['unknown field', (j) => (j.banks[0].colour = 'red'), 'unknown_field', 'banks[0].colour'],
      ['wrong format', (j) => (j.format = 'x'), 'invalid_value', 'format'],
      ['no usable corridor', (j) => (j.banks = j.banks.filter((b: { country: string }) => b.country === 'CN')), 'invalid_value', 'banks'],
    ];
    for (const [name, mutate, code, field, reason] of cases) {
      test(name, () => {
        const j = base();
        mutate(j);
        expectSimError(() => parseProfile(j), code, field, reason);
      });
    }
    test('malformed JSON', () => expectSimError(() => parseProfileText('{'), 'invalid_value', '(root)', /malformed JSON/));
  });
});

describe('traffic', () => {
  test('same seed, same day; another seed, another day', () => {
    const a = simulateDay(PROFILE, { seed: 42, payments: 3000 });
    const b = simulateDay(PROFILE, { seed: 42, payments: 3000 });
    const c = simulateDay(PROFILE, { seed: 43, payments: 3000 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.map((p) => p.uetr),
      c.map((p) => p.uetr),
    );
    assert.notDeepEqual(
      a.map((p) => p.amount_minor),
      c.map((p) => p.amount_minor),
    );
  });

  test('property: every payment is well formed and reproducible (fast-check)', () => {
    const dayNs = dayLengthNs(PROFILE.traffic);
    const banks = new Map(PROFILE.banks.map((b) => [b.bic, b]));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, payments, x, urgent) => {
          const opts = { seed, payments, cross_currency_share: x, urgent_share: urgent };
          const day = simulateDay(PROFILE, opts);
          assert.equal(day.length, payments);
          assert.deepEqual(simulateDay(PROFILE, opts), day);
          let last = -1n;
          for (const p of day) {
            assert.match(p.uetr, UUID_V4_RE);
            assert.ok(p.end_to_end_id.length <= 35);
            assert.ok(p.remittance.length <= 140);
            assert.ok(p.arrival_offset_ns >= last && p.arrival_offset_ns < dayNs);
            last = p.arrival_offset_ns;
            const payer = banks.get(p.payer_bic)!;
            const payee = banks.get(p.payee_bic)!;
            assert.equal(payer.country, p.payer_country);
            assert.equal(payee.country, p.payee_country);
            assert.equal(p.currency, payer.currency, 'the payer pays in its own currency');
            if (p.payee_currency !== p.currency) assert.equal(p.payee_currency, payee.currency);
            else assert.ok(p.currency in payee.liquidity, 'the payee holds the single currency');
            assert.ok(p.amount_minor >= 1n && p.amount_minor < 10n ** 18n);
            if (x === 0) assert.equal(p.payee_currency, p.currency);
            if (x === 1) assert.equal(p.payee_currency, payee.currency);
            if (urgent === 0) assert.equal(p.priority, 'normal');
          }
        },
      ),
      { numRuns: 40, seed: 20250829 },
    );
  });

  test('options are checked before anything is generated', () => {
    expectSimError(() => generatePayments(PROFILE, { seed: -1 }), 'negative', 'seed');
    expectSimError(() => generatePayments(PROFILE, { seed: 2 ** 32 }), 'invalid_value', 'seed');
    expectSimError(() => generatePayments(PROFILE, { payments: SIM_LIMITS.payments_max + 1 }), 'limit_exceeded', 'payments');
    expectSimError(() => generatePayments(PROFILE, { cross_currency_share: 1.5 }), 'out_of_range', 'cross_currency_share');
    expectSimError(() => generatePayments(PROFILE, { urgent_share: -0.5 }), 'negative', 'urgent_share');
  });

  describe('a large day (200,000 payments, seed 7)', () => {
    const N = 200_000;
    const day: SimPayment[] = simulateDay(PROFILE, { seed: 7, payments: N });
    const t = PROFILE.traffic;

    test('corridor value shares match the trade matrix within 5 standard errors', () => {
      // Tolerance: a corridor's value share is a sum of i.i.d. payments, so its
      // standard error is at most sqrt(p·r/N) with r = E[X²]/E[X]² of the size
      // mixture (log-normal moments, caps ignored — they only shrink r). We allow
      // 5 standard errors plus 0.0005 absolute (with the default sizes r ≈ 15, so
      // RU→CN, share 0.194, gets ±0.020), and require the three corridors of
      // ≥ 10% each to be within 10% relative (≥ 4.7 standard errors).
      const lnMoments = (m: number, s: number): [number, number] => [m * Math.exp((s * s) / 2), m * m * Math.exp(2 * s * s)];
      const [c1, c2] = lnMoments(t.customer_size.median_usd, t.customer_size.sigma);
      const [i1, i2] = lnMoments(t.interbank_size.median_usd, t.interbank_size.sigma);
      const s9 = t.interbank_share;
      const ex = (1 - s9) * c1 + s9 * i1;
      const ex2 = (1 - s9) * c2 + s9 * i2;
      const r = ex2 / (ex * ex);

      const value = new Map<string, number>();
      let total = 0;
      const rate = new Map(SCO_MEMBER_CURRENCIES.map((c) => [c, usdPerMinor(c)]));
      for (const p of day) {
        const usd = Number(p.amount_minor) * rate.get(p.currency)!;
        const k = `${p.payee_country}>${p.payer_country}`;
        value.set(k, (value.get(k) ?? 0) + usd);
        total += usd;
      }
      const expected = corridorShares(PROFILE);
      assert.equal(expected.length, 56);
      let tv = 0;
      for (const c of expected) {
        const k = `${c.exporter}>${c.importer}`;
        const obs = (value.get(k) ?? 0) / total;
        const tol = 5 * Math.sqrt((c.share * r) / N) + 0.0005;
        tv += Math.abs(obs - c.share) / 2;
        assert.ok(Math.abs(obs - c.share) <= tol, `${k}: observed ${obs.toFixed(5)}, expected ${c.share.toFixed(5)} ± ${tol.toFixed(5)}`);
        if (c.share >= 0.1) assert.ok(Math.abs(obs / c.share - 1) <= 0.1, `${k}: observed ${obs.toFixed(5)} vs ${c.share.toFixed(5)} (>10% off)`);
      }
      for (const k of value.keys())
        assert.ok(
          expected.some((c) => `${c.exporter}>${c.importer}` === k),
          `unexpected corridor ${k}`,
        );
      assert.ok(tv < 0.05, `total variation distance ${tv}`);
    });

    test('shares of cross-currency, urgent and pacs.009 payments match the parameters (±0.01)', () => {
      const share = (f: (p: SimPayment) => boolean): number => day.filter(f).length / N;
      assert.ok(Math.abs(share((p) => p.payee_currency !== p.currency) - t.cross_currency_share) < 0.01);
      assert.ok(Math.abs(share((p) => p.priority === 'urgent') - t.urgent_share) < 0.01);
      assert.ok(Math.abs(share((p) => p.kind === 'pacs.009') - t.interbank_share) < 0.01);
    });

    test('amounts are positive exact minor units within the size limits; the tail is heavy', () => {
      const usdOf = (p: SimPayment): number => Number(p.amount_minor) * usdPerMinor(p.currency);
      const sizes: number[] = [];
      for (const p of day) {
        assert.equal(typeof p.amount_minor, 'bigint');
        assert.ok(p.amount_minor >= 1n);
        const lim = p.kind === 'pacs.009' ? t.interbank_size : t.customer_size;
        const usd = usdOf(p);
        // Rounding down loses less than one minor unit; the float check allows a hair.
        assert.ok(usd <= lim.max_usd * (1 + 1e-9) && usd >= lim.min_usd - usdPerMinor(p.currency) * 1.000001, `${p.seq}: ${usd}`);
        if (p.kind === 'pacs.008') sizes.push(usd);
      }
      sizes.sort((a, b) => a - b);
      const median = sizes[sizes.length >> 1]!;
      const p99 = sizes[Math.floor(sizes.length * 0.99)]!;
      // Log-normal: the median is the median parameter; p99 = median·e^(2.326σ).
      assert.ok(Math.abs(median / t.customer_size.median_usd - 1) < 0.03, `median ${median}`);
      const p99Expected = t.customer_size.median_usd * Math.exp(2.326 * t.customer_size.sigma);
      assert.ok(Math.abs(p99 / p99Expected - 1) < 0.1, `p99 ${p99} vs ${p99Expected}`);
      assert.ok(p99 / median > 20, 'heavy tail');
    });

    test('UETRs are unique, valid UUID v4; end-to-end ids unique', () => {
      const uetrs = new Set<string>();
      const e2e = new Set<string>();
      for (const p of day) {
        assert.match(p.uetr, UUID_V4_RE);
        uetrs.add(p.uetr);
        e2e.add(p.end_to_end_id);
      }
      assert.equal(uetrs.size, N);
      assert.equal(e2e.size, N);
    });

    test('arrivals: in order, with a morning and an afternoon peak and a lull between', () => {
      const dayNs = Number(dayLengthNs(t));
      const BINS = 40; // 15 minutes each in a 10-hour day
      const hist = new Array<number>(BINS).fill(0);
      let last = -1n;
      for (const p of day) {
        assert.ok(p.arrival_offset_ns >= last);
        last = p.arrival_offset_ns;
        hist[Math.floor((Number(p.arrival_offset_ns) / dayNs) * BINS)]! += 1;
      }
      const argmax = (lo: number, hi: number): number => {
        let best = lo;
        for (let i = lo; i < hi; i++) if (hist[i]! > hist[best]!) best = i;
        return best;
      };
      const { morning, afternoon } = ARRIVAL_PATTERN;
      const mid = Math.round(((morning.at + afternoon.at) / 2) * BINS);
      const m = argmax(0, mid);
      const a = argmax(mid, BINS);
      // Peaks within one bin (±15 min) of where the pattern puts them.
      assert.ok(Math.abs((m + 0.5) / BINS - morning.at) <= 1.5 / BINS, `morning peak at bin ${m}`);
      assert.ok(Math.abs((a + 0.5) / BINS - afternoon.at) <= 1.5 / BINS, `afternoon peak at bin ${a}`);
      // The lull between them is well below both peaks; the day's edges are quiet.
      const lull = Math.min(...hist.slice(m, a));
      assert.ok(lull * 2.5 < hist[a]! && lull * 2.5 < hist[m]!, `lull ${lull}, peaks ${hist[m]} ${hist[a]}`);
      assert.ok(hist[0]! * 3 < hist[m]! && hist[BINS - 1]! * 3 < hist[a]!);
    });

    test('counterparties: companies for pacs.008, the banks for pacs.009; names in several scripts', () => {
      const banks = new Map(PROFILE.banks.map((b) => [b.bic, b]));
      const names = new Set<string>();
      for (const p of day) {
        assert.equal(p.debtor.country, p.payer_country);
        assert.equal(p.creditor.country, p.payee_country);
        if (p.kind === 'pacs.009') {
          assert.equal(p.debtor.name, banks.get(p.payer_bic)!.name);
          assert.equal(p.creditor.name, banks.get(p.payee_bic)!.name);
          assert.match(p.purpose, /^(TREA|CASH|CORT)$/);
        } else {
          assert.match(p.purpose, /^(GDDS|SUPP|TRAD|SCVE|INTC)$/);
          names.add(p.debtor.name);
          names.add(p.creditor.name);
        }
      }
      const list = [...names];
      assert.ok(
        list.some((n) => HAN.test(n)),
        'Chinese',
      );
      assert.ok(
        list.some((n) => CYRILLIC.test(n)),
        'Cyrillic',
      );
      assert.ok(
        list.some((n) => ARABIC.test(n)),
        'Perso-Arabic',
      );
      assert.ok(
        list.some((n) => /^[\x20-\x7e]+$/.test(n)),
        'Latin',
      );
    });
  });

  test('a profile without some members: only corridors with banks at both ends', () => {
    const j = profileToJson(PROFILE) as { banks: Array<{ country: string }> };
    j.banks = j.banks.filter((b) => ['CN', 'RU', 'KZ'].includes(b.country));
    const p: SchemeProfile = parseProfile(j);
    const shares = corridorShares(p);
    assert.equal(shares.length, 6);
    assert.ok(Math.abs(shares.reduce((a, c) => a + c.share, 0) - 1) < 1e-12);
    for (const pay of generatePayments(p, { seed: 1, payments: 2000 })) {
      assert.ok(['CN', 'RU', 'KZ'].includes(pay.payer_country) && ['CN', 'RU', 'KZ'].includes(pay.payee_country));
    }
  });

  test('paymentToJson writes bigints as decimal strings', () => {
    const [p] = simulateDay(PROFILE, { seed: 3, payments: 1 });
    const j = JSON.parse(JSON.stringify(paymentToJson(p!)));
    assert.equal(j.amount_minor, p!.amount_minor.toString());
    assert.equal(j.arrival_offset_ns, p!.arrival_offset_ns.toString());
    assert.match(j.amount_minor, /^[1-9][0-9]*$/);
  });
});

describe('CLI', { skip: existsSync(BIN) ? false : 'bin/sco-settle.js not found' }, () => {
  const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('sim generate prints a reproducible NDJSON day', () => {
    const a = run(['sim', 'generate', '--seed', '9', '--payments', '200', '--banks', '30', '--urgent-share', '0.5']);
    assert.equal(a.code, 0, a.stderr);
    const lines = a.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 200);
    const expected = simulateDay(defaultProfile({ banks: 30, traffic: { payments: 200 } }), { seed: 9, payments: 200, urgent_share: 0.5 });
    assert.deepEqual(
      lines.map((l) => JSON.parse(l)),
      expected.map((p) => JSON.parse(JSON.stringify(paymentToJson(p)))),
    );
  });

  test('sim profile prints the default profile; --profile reads it back; bad input names the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    try {
      const p = run(['sim', 'profile']);
      assert.equal(p.code, 0, p.stderr);
      assert.deepEqual(parseProfileText(p.stdout), PROFILE);
      assert.equal(JSON.parse(p.stdout).format, PROFILE_FORMAT);
      const file = join(dir, 'p.json');
      writeFileSync(file, p.stdout);
      const g = run(['sim', 'generate', '--profile', file, '--payments', '5']);
      assert.equal(g.code, 0, g.stderr);
      assert.equal(g.stdout.trimEnd().split('\n').length, 5);
      writeFileSync(file, p.stdout.replace('"country": "TJ"', '"country": "XX"'));
      const bad = run(['sim', 'generate', '--profile', file]);
      assert.equal(bad.code, 4, 'invalid input');
      assert.match(bad.stderr, /unknown_country: .*field "banks\[\d+\]\.country": unknown country "XX"/);
      const share = run(['sim', 'generate', '--cross-currency-share', '1.5']);
      assert.equal(share.code, 4, 'invalid input');
      assert.match(share.stderr, /field "--cross-currency-share": a share must be at most 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

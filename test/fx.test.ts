// Tests of the fx core (src/fx): rounding rules, decimal parsing, conversion across
// minor units, triangulated cross rates, rate-file import and refusal, staleness,
// quotes, selection and locks; then fast-check properties. Expected values are
// worked out by hand from the rules (shown in comments), not taken from a run.
//
// The round-trip bound proved and tested below. Convert a (minor units of A) to B
// with k = rate * 10^mu_B / 10^mu_A (minor B per minor A), rounding by rule r1:
//   b = a*k - e1, where e1 is the residue (exact - rounded), |e1| <= E(r1).
// Convert b back at the exact inverse rate 1/k by rule r2:
//   a' = b/k - e2, |e2| <= E(r2).
// So exactly  a' - a = -e1/k - e2,  hence  |a' - a| <= E(r1)/k + E(r2),
// with E = 1/2 for half_even/half_up/half_down and E < 1 for down/up/floor/ceiling.
// "One minor unit per rounding": each rounding costs at most one minor unit of the
// currency it rounds into (the first one, of B, is worth 1/k minor units of A).
// Corollary: when k >= 1 (A's minor unit worth at least B's), |a' - a| <= 1.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Command } from 'commander';

import {
  FxError,
  ONE,
  ROUNDING_RULES,
  absRational,
  add,
  compare,
  div,
  equals,
  mul,
  neg,
  parseDecimal,
  parseRoundingRule,
  parseScaled,
  formatScaled,
  rational,
  roundRational,
  sub,
  toExactDecimal,
  type Rational,
  type RoundingRule,
} from '../src/fx/rational.js';
import { CURRENCIES, SCO_MEMBER_CURRENCIES, currencyInfo, memberCurrency } from '../src/fx/iso4217.js';
import { PairConverter, ResidueAccumulator, convertAmount, formatMinor, parseMajorAmount } from '../src/fx/convert.js';
import { RateBook, RateFileError, parseCsv, parseIsoDate } from '../src/fx/rates.js';
import { REFERENCE_RATES } from '../src/fx/reference_data.js';
import { QuoteBook, type QuoteInput, type QuoteTier, type Side } from '../src/fx/quotes.js';
import { registerFxCommands } from '../src/cli/fx_commands.js';

const REAL_FILE = fileURLToPath(new URL('../../../shared/data/fx-reference-2025-08-29.csv', import.meta.url));
const R = (n: bigint, d: bigint = 1n): Rational => rational(n, d);

function throwsCode(fn: () => unknown, code: string, match?: RegExp): FxError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof FxError, `expected an FxError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (match) assert.match(caught.message, match);
  return caught;
}

describe('rounding rules', () => {
  // x -> [half_even, half_up, half_down, down, up, floor, ceiling]
  const table: Array<[Rational, bigint[]]> = [
    [R(5n, 2n), [2n, 3n, 2n, 2n, 3n, 2n, 3n]], // 2.5: tie
    [R(7n, 2n), [4n, 4n, 3n, 3n, 4n, 3n, 4n]], // 3.5: tie, even neighbour is 4
    [R(-5n, 2n), [-2n, -3n, -2n, -2n, -3n, -3n, -2n]],
    [R(-7n, 2n), [-4n, -4n, -3n, -3n, -4n, -4n, -3n]],
    [R(1n, 2n), [0n, 1n, 0n, 0n, 1n, 0n, 1n]],
    [R(-1n, 2n), [0n, -1n, 0n, 0n, -1n, -1n, 0n]],
    [R(27n, 10n), [3n, 3n, 3n, 2n, 3n, 2n, 3n]],
    [R(-27n, 10n), [-3n, -3n, -3n, -2n, -3n, -3n, -2n]],
    [R(21n, 10n), [2n, 2n, 2n, 2n, 3n, 2n, 3n]],
    [R(-21n, 10n), [-2n, -2n, -2n, -2n, -3n, -3n, -2n]],
    [R(4n), [4n, 4n, 4n, 4n, 4n, 4n, 4n]],
    [R(-4n), [-4n, -4n, -4n, -4n, -4n, -4n, -4n]],
    [R(0n), [0n, 0n, 0n, 0n, 0n, 0n, 0n]],
  ];
  for (const [x, expected] of table) {
    test(`${x.num}/${x.den}`, () => {
      ROUNDING_RULES.forEach((rule, i) => {
        const r = roundRational(x, rule);
        assert.equal(r.value, expected[i], `${rule}`);
        assert.ok(equals(add(R(r.value), r.residue), x), `${rule}: value + residue == x`);
      });
    });
  }

  test('residue values', () => {
    assert.deepEqual(roundRational(R(5n, 2n), 'half_even').residue, R(1n, 2n)); // 2.5 - 2
    assert.deepEqual(roundRational(R(7n, 2n), 'half_even').residue, R(-1n, 2n)); // 3.5 - 4
    assert.deepEqual(roundRational(R(-21n, 10n), 'floor').residue, R(9n, 10n)); // -2.1 - (-3)
    assert.deepEqual(roundRational(R(7n, 3n), 'ceiling').residue, R(-2n, 3n)); // 7/3 - 3
  });

  test('the default is half_even and unknown rules are refused', () => {
    assert.equal(roundRational(R(5n, 2n)).value, 2n);
    assert.equal(parseRoundingRule('floor'), 'floor');
    throwsCode(() => parseRoundingRule('bankers'), 'unknown_rounding_rule', /known: half_even/);
  });
});

describe('rationals and decimals', () => {
  test('exact parsing, no floats', () => {
    assert.deepEqual(parseDecimal('7.1063'), { num: 71063n, den: 10000n });
    assert.deepEqual(parseDecimal('9.5580'), { num: 4779n, den: 500n });
    assert.deepEqual(parseDecimal('-0.50'), { num: -1n, den: 2n });
    assert.deepEqual(parseDecimal('950000'), { num: 950000n, den: 1n });
    // 0.1 + 0.2 is exactly 0.3 here, unlike binary floating point.
    assert.ok(equals(add(parseDecimal('0.1'), parseDecimal('0.2')), parseDecimal('0.3')));
    for (const bad of ['1e5', '.5', '5.', '1,000', '', 'NaN', ' 1', '0x10', '1.2.3', '+-1']) {
      throwsCode(() => parseDecimal(bad, 'rate'), 'invalid_decimal', /^rate:/);
    }
    throwsCode(() => parseDecimal('1'.repeat(41)), 'invalid_decimal', /more than 40 digits/);
  });

  test('normalisation, arithmetic and comparison', () => {
    assert.deepEqual(rational(6n, -4n), { num: -3n, den: 2n });
    assert.deepEqual(rational(0n, -7n), { num: 0n, den: 1n });
    throwsCode(() => rational(1n, 0n), 'division_by_zero');
    throwsCode(() => div(ONE, R(0n)), 'division_by_zero');
    assert.ok(equals(mul(R(2n, 3n), R(9n, 4n)), R(3n, 2n)));
    assert.ok(equals(sub(R(1n, 3n), R(1n, 6n)), R(1n, 6n)));
    assert.equal(compare(R(-1n, 3n), R(-1n, 4n)), -1);
    assert.equal(compare(parseDecimal('88.09'), parseDecimal('88.090')), 0);
  });

  test('decimal output and scaled amounts', () => {
    assert.equal(toExactDecimal(R(4779n, 500n)), '9.558');
    assert.equal(toExactDecimal(R(-1n, 8n)), '-0.125');
    assert.equal(toExactDecimal(R(1n, 3n)), null);
    assert.equal(parseScaled('1000000.00', 2), 100000000n);
    assert.equal(parseScaled('1.5', 3), 1500n);
    assert.equal(parseScaled('-7', 0), -7n);
    throwsCode(() => parseScaled('1.234', 2), 'invalid_amount', /3 fraction digits; at most 2/);
    assert.equal(formatScaled(5n, 3), '0.005');
    assert.equal(formatScaled(-12345n, 2), '-123.45');
    assert.equal(formatScaled(42n, 0), '42');
  });
});

describe('ISO 4217 table', () => {
  test('member currencies and unusual minor units', () => {
    assert.deepEqual([...SCO_MEMBER_CURRENCIES], ['CNY', 'RUB', 'INR', 'PKR', 'IRR', 'KZT', 'KGS', 'TJS', 'UZS', 'BYN']);
    const numerics: Record<string, number> = { CNY: 156, RUB: 643, INR: 356, PKR: 586, IRR: 364, KZT: 398, KGS: 417, TJS: 972, UZS: 860, BYN: 933 };
    for (const code of SCO_MEMBER_CURRENCIES) {
      const c = memberCurrency(code);
      assert.equal(c.numeric, numerics[code]);
      assert.equal(c.minor_units, 2);
    }
    assert.equal(currencyInfo('JPY').minor_units, 0);
    assert.equal(currencyInfo('KWD').minor_units, 3);
    assert.equal(currencyInfo('CLF').minor_units, 4);
    assert.equal(currencyInfo('USD').numeric, 840);
    assert.equal(currencyInfo('EUR').numeric, 978);
    assert.equal(new Set([...CURRENCIES.values()].map((c) => c.numeric)).size, CURRENCIES.size, 'numeric codes are unique');
  });

  test('IRR and PKR have 2 minor units (ISO), whatever Intl says', () => {
    // Intl (CLDR) gives 0 display digits for IRR/PKR in many ICU versions; the ledger must not follow it.
    assert.equal(currencyInfo('IRR').minor_units, 2);
    assert.equal(currencyInfo('PKR').minor_units, 2);
  });

  test('unknown and non-member currencies', () => {
    throwsCode(() => currencyInfo('XYZ', 'from'), 'unknown_currency', /^from: "XYZ" is not in the ISO 4217 table/);
    throwsCode(() => currencyInfo('cny', 'from'), 'unknown_currency', /three-letter upper-case/);
    throwsCode(() => memberCurrency('EUR', 'to'), 'not_a_member_currency', /^to: EUR is not an SCO member currency/);
  });
});

describe('conversion', () => {
  test('KZT -> CNY through USD at the reference rates', () => {
    const book = RateBook.reference();
    const cross = book.crossRate('KZT', 'CNY', '2025-08-29');
    // (7.1063 CNY/USD) / (537.63 KZT/USD) = 71063/10000 * 100/53763 = 71063/5376300.
    assert.ok(equals(cross.rate, R(71063n, 5376300n)));
    assert.deepEqual(
      cross.legs.map((l) => `${l.currency}@${l.date}`),
      ['KZT@2025-08-28', 'CNY@2025-08-28'],
    );
    const c = new PairConverter('KZT', 'CNY', cross.rate).convert(parseMajorAmount('1000000.00', currencyInfo('KZT')));
    // 100,000,000 tiyn * 71063/5376300 = 7,106,300,000,000 / 5,376,300 = 1,321,782.6386... fen.
    assert.equal(c.amount_minor, 1321783n);
    assert.ok(equals(c.residue, sub(R(7106300000000n, 5376300n), R(1321783n))));
    assert.equal(formatMinor(c.amount_minor, currencyInfo('CNY')), '13217.83');
    assert.equal(c.rule, 'half_even');
  });

  test('JPY (0 minor units) <-> KWD (3 minor units)', () => {
    // 1,000 JPY at 0.00205 KWD/JPY = 2.05 KWD = 2,050 fils exactly.
    const jk = convertAmount(1000n, 'JPY', 'KWD', parseDecimal('0.00205'));
    assert.equal(jk.amount_minor, 2050n);
    assert.ok(equals(jk.residue, R(0n)));
    // 1.234 KWD = 1,234 fils at 487.5 JPY/KWD = 601.575 JPY -> 602 (half_even), residue -0.425 = -17/40.
    const kj = convertAmount(1234n, 'KWD', 'JPY', parseDecimal('487.5'));
    assert.equal(kj.amount_minor, 602n);
    assert.ok(equals(kj.residue, R(-17n, 40n)));
    assert.equal(convertAmount(1234n, 'KWD', 'JPY', parseDecimal('487.5'), 'down').amount_minor, 601n);
    // 1 JPY at 0.00205 = 2.05 fils; 3 JPY = 6.15 fils; 2.05 -> 2 under every nearest rule.
    assert.equal(convertAmount(1n, 'JPY', 'KWD', parseDecimal('0.00205'), 'half_up').amount_minor, 2n);
    assert.equal(convertAmount(1n, 'JPY', 'KWD', parseDecimal('0.00205'), 'ceiling').amount_minor, 3n);
  });

  test('CLF (4 minor units) and exact ties', () => {
    // 1 CNY cent at 0.00005 CLF/CNY = 0.0000005 CLF = 0.005 CLF minor units -> 0.
    assert.equal(convertAmount(1n, 'CNY', 'CLF', parseDecimal('0.00005')).amount_minor, 0n);
    // 2.5 minor units exactly: CNY 0.25 (25 fen) at 0.001 CLF/CNY = 0.00025 CLF = 2.5 units of 0.0001.
    const tie = (rule: RoundingRule): bigint => convertAmount(25n, 'CNY', 'CLF', parseDecimal('0.001'), rule).amount_minor;
    assert.deepEqual(ROUNDING_RULES.map(tie), [2n, 3n, 2n, 2n, 3n, 2n, 3n]);
    // Negative (a reversal): -25 fen -> -2.5 units.
    const ntie = (rule: RoundingRule): bigint => convertAmount(-25n, 'CNY', 'CLF', parseDecimal('0.001'), rule).amount_minor;
    assert.deepEqual(ROUNDING_RULES.map(ntie), [-2n, -3n, -2n, -2n, -3n, -3n, -2n]);
  });

  test('bad amounts and rates', () => {
    throwsCode(() => parseMajorAmount('10.001', currencyInfo('CNY')), 'invalid_amount');
    throwsCode(() => parseMajorAmount('1.5', currencyInfo('JPY')), 'invalid_amount', /at most 0/);
    throwsCode(() => new PairConverter('CNY', 'RUB', R(0n)), 'invalid_rate');
    throwsCode(() => new PairConverter('CNY', 'RUB', R(-1n)), 'invalid_rate');
    throwsCode(() => convertAmount(1n << 128n, 'CNY', 'RUB', ONE), 'amount_too_large');
    throwsCode(() => convertAmount((1n << 128n) - 1n, 'CNY', 'RUB', R(2n)), 'amount_too_large');
  });

  test('residues accumulate exactly and are booked in whole minor units', () => {
    const acc = new ResidueAccumulator();
    const conv = new PairConverter('KZT', 'CNY', R(71063n, 5376300n));
    let sum = R(0n);
    for (let a = 1n; a <= 500n; a++) {
      const c = conv.convert(a * 9973n);
      acc.add('CNY', c.residue);
      sum = add(sum, c.residue);
      if (a % 50n === 0n) acc.take('CNY');
    }
    assert.ok(equals(add(R(acc.bookedOf('CNY')), acc.pendingOf('CNY')), sum));
    assert.equal(compare(absRational(acc.pendingOf('CNY')), ONE), -1);
  });
});

describe('cross rates by triangulation', () => {
  const book = RateBook.reference({ max_age_days: 365 });
  const date = '2025-09-16';
  test('exact chain and inverse identities', () => {
    for (const a of SCO_MEMBER_CURRENCIES) {
      for (const b of SCO_MEMBER_CURRENCIES) {
        const ab = book.crossRate(a, b, date).rate;
        assert.ok(equals(mul(ab, book.crossRate(b, a, date).rate), ONE), `${a}/${b} * ${b}/${a}`);
        for (const c of ['CNY', 'IRR', 'BYN']) {
          assert.ok(equals(mul(ab, book.crossRate(b, c, date).rate), book.crossRate(a, c, date).rate), `${a}->${b}->${c}`);
        }
      }
    }
    assert.ok(equals(book.crossRate('CNY', 'CNY', date).rate, ONE));
  });

  test('USD pivot when non-members are allowed', () => {
    const open = RateBook.fromRows([{ line: 2, row: { currency: 'EUR', units_per_usd: '0.8556', date: '2025-08-29', source: 'test' } }], {
      members_only: false,
    });
    assert.ok(equals(open.crossRate('USD', 'EUR', '2025-08-29').rate, parseDecimal('0.8556')));
    assert.ok(equals(open.crossRate('EUR', 'USD', '2025-08-29').rate, div(ONE, parseDecimal('0.8556'))));
    throwsCode(() => book.crossRate('USD', 'CNY', date), 'not_a_member_currency');
  });
});

describe('rate files', () => {
  const header = 'currency,units_per_usd,date,source\n';
  const refused = (text: string, line: number, field: string, detail?: string, json = false): RateFileError => {
    let caught: unknown;
    try {
      if (json) RateBook.fromJson(text, {}, 'f.json');
      else RateBook.fromCsv(text, {}, 'f.csv');
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof RateFileError, `expected a RateFileError, got ${String(caught)}`);
    assert.equal(caught.code, 'invalid_rate_file');
    assert.equal(caught.line, line, caught.message);
    assert.equal(caught.field, field, caught.message);
    if (detail !== undefined) assert.equal(caught.detail_code, detail, caught.message);
    assert.match(caught.message, new RegExp(`^f\\.(csv|json): line ${line}: field "${field.replace(/[[\]()]/g, '\\$&')}": .*nothing was imported$`));
    return caught;
  };

  test('the real reference file imports whole and matches the embedded table', {
    skip: existsSync(REAL_FILE) ? false : `${REAL_FILE} is absent (../shared not mounted)`,
  }, () => {
    const text = readFileSync(REAL_FILE, 'utf8');
    const book = RateBook.fromCsv(text, {}, 'fx-reference-2025-08-29.csv');
    assert.equal(book.size, 10);
    assert.deepEqual(book.currencies(), [...SCO_MEMBER_CURRENCIES].sort());
    const records = parseCsv(text);
    for (const row of REFERENCE_RATES) {
      // A figure adopted for a day it was not observed on names its observed date (the file's).
      const r = book.rateAsOf(row.currency, row.observed ?? row.date);
      assert.equal(r.units_per_usd_text, row.units_per_usd, row.currency);
      assert.equal(r.date, row.observed ?? row.date, row.currency);
      const rec = records.find((x) => x.fields[0] === row.currency)!;
      assert.equal(Number(rec.fields[4]), row.minor_units, `${row.currency} minor_units`);
    }
    // Quoted sources with commas and quotes survive intact.
    assert.match(book.rateAsOf('INR', '2025-08-29').source, /record low; PTI\) per https/);
    assert.match(book.rateAsOf('IRR', '2025-09-01').source, /'around IRR950,000 per dollar in early September 2025'/);
    assert.ok(equals(book.rateAsOf('TJS', '2025-08-29').units_per_usd, R(4779n, 500n)));
  });

  test('RFC 4180 quoting', () => {
    const recs = parseCsv('a,b\r\n"x, ""y""",2\n"multi\nline",3\n\n4,5');
    assert.deepEqual(
      recs.map((r) => [r.line, r.fields]),
      [
        [1, ['a', 'b']],
        [2, ['x, "y"', '2']],
        [3, ['multi\nline', '3']],
        [6, ['4', '5']],
      ],
    );
  });

  test('bad rows refuse the whole file, naming the line and field', () => {
    const good = 'CNY,7.1063,2025-08-28,PBOC\n';
    refused(header + good + 'RUB,0,2025-08-28,CBR\n', 3, 'units_per_usd', 'invalid_rate');
    refused(header + good + 'RUB,-80.44,2025-08-28,CBR\n', 3, 'units_per_usd', 'invalid_rate');
    refused(header + good + 'RUB,"80,44",2025-08-28,CBR\n', 3, 'units_per_usd', 'invalid_decimal');
    refused(header + good + 'RUB,8e1,2025-08-28,CBR\n', 3, 'units_per_usd', 'invalid_decimal');
    refused(header + good + 'RUB,80.44,2025-02-30,CBR\n', 3, 'date', 'invalid_date');
    refused(header + good + 'RUB,80.44,28.08.2025,CBR\n', 3, 'date', 'invalid_date');
    const dup = refused(header + good + 'RUB,80.44,2025-08-28,CBR\nCNY,7.11,2025-08-28,again\n', 4, 'date');
    assert.match(dup.message, /duplicate rate for CNY on 2025-08-28 \(first given on line 2\)/);
    refused(header + good + 'XYZ,1,2025-08-28,x\n', 3, 'currency', 'unknown_currency');
    refused(header + good + 'EUR,0.85,2025-08-28,ECB\n', 3, 'currency', 'not_a_member_currency');
    refused(header + 'USD,1,2025-08-28,pivot\n', 2, 'currency', 'not_a_member_currency');
    assert.throws(
      () => RateBook.fromCsv(header + 'USD,1,2025-08-28,pivot\n', { members_only: false }),
      (e: RateFileError) => e.detail_code === 'invalid_rate' && /USD is the pivot/.test(e.message),
    );
    refused(header + good + 'RUB,80.44,2025-08-28,\n', 3, 'source');
    refused(header + good + 'RUB,80.44,2025-08-28,CBR,extra\n', 3, '(row)');
    refused(header + good + 'RUB,80.44,2025-08-28,"unterminated\n', 3, 'column 4');
    refused(header + good + 'RUB,80.44,2025-08-28,say "hi"\n', 3, 'column 4');
    refused('currency,units_per_usd,date,source,minor_units\n' + 'CNY,7.1063,2025-08-28,PBOC,0\n', 2, 'minor_units');
    refused('currency,rate,date,source\n' + good, 1, 'rate');
    refused('currency,units_per_usd,date\n' + 'CNY,7.1063,2025-08-28\n', 1, 'source');
    refused('', 1, '(header)');
  });

  test('JSON files', () => {
    const book = RateBook.fromJson(
      JSON.stringify([
        { currency: 'CNY', units_per_usd: '7.1063', date: '2025-08-28', source: 'PBOC' },
        { currency: 'CNY', units_per_usd: '7.1108', date: '2025-08-27', source: 'PBOC' },
      ]),
    );
    assert.deepEqual(
      book.history('CNY').map((r) => r.date),
      ['2025-08-27', '2025-08-28'],
    );
    const text =
      '[\n  {"currency":"CNY","units_per_usd":"7.1063","date":"2025-08-28","source":"PBOC"},\n  {"currency":"RUB",\n   "units_per_usd":80.44,"date":"2025-08-28","source":"CBR"}\n]';
    refused(text, 3, 'units_per_usd', 'invalid_rate', true);
    refused('[{"currency":"CNY","units_per_usd":"7.1","date":"2025-08-28","source":"x","extra":1}]', 1, 'extra', undefined, true);
    refused('[{"currency":"CNY",', 1, '(json)', undefined, true);
    refused('{"currency":"CNY"}', 1, '(json)', undefined, true);
    // RateBook.parse tells CSV from JSON.
    assert.equal(RateBook.parse('  [' + JSON.stringify({ currency: 'BYN', units_per_usd: '2.9769', date: '2025-08-29', source: 'NBRB' }) + ']').size, 1);
  });
});

describe('history, as-of and staleness', () => {
  const csv =
    'currency,units_per_usd,date,source\n' +
    'CNY,7.1108,2025-08-27,fix 27\n' +
    'CNY,7.1063,2025-08-28,fix 28\n' +
    'CNY,7.1200,2025-07-01,fix jul\n' +
    'RUB,80.44,2025-08-28,CBR\n';
  const book = RateBook.fromCsv(csv, { max_age_days: 3 });

  test('history is in date order and as-of picks the latest on or before', () => {
    assert.deepEqual(
      book.history('CNY').map((r) => r.units_per_usd_text),
      ['7.1200', '7.1108', '7.1063'],
    );
    assert.deepEqual(
      book.history('CNY', { from: '2025-08-01' }).map((r) => r.date),
      ['2025-08-27', '2025-08-28'],
    );
    assert.equal(book.rateAsOf('CNY', '2025-08-27').source, 'fix 27');
    assert.equal(book.rateAsOf('CNY', '2025-08-31').source, 'fix 28');
    assert.equal(book.rateAsOf('CNY', '2025-08-15').source, 'fix jul');
    throwsCode(() => book.rateAsOf('CNY', '2025-06-30'), 'rate_not_found', /earliest is 2025-07-01/);
    throwsCode(() => book.rateAsOf('KZT', '2025-08-28'), 'rate_not_found');
    throwsCode(() => book.rateAsOf('CNY', '2025-13-01'), 'invalid_date');
    assert.equal(book.latestDate(), '2025-08-28');
  });

  test('a rate older than max_age_days is refused for conversion', () => {
    assert.ok(equals(book.crossRate('CNY', 'RUB', '2025-08-31').rate, div(parseDecimal('80.44'), parseDecimal('7.1063')))); // age 3: ok
    const e = throwsCode(() => book.crossRate('CNY', 'RUB', '2025-09-01'), 'rate_stale');
    assert.equal(e.field, 'from');
    assert.match(e.message, /CNY rate on or before 2025-09-01 is dated 2025-08-28, 4 days old; the maximum age is 3 days/);
    // The embedded rates are for 2025-08-29 (KGS and UZS adopted for it): usable that day, stale 47 days later.
    assert.equal(RateBook.reference().crossRate('UZS', 'KGS', '2025-08-29').legs.length, 2);
    throwsCode(() => RateBook.reference().crossRate('CNY', 'KGS', '2025-10-15'), 'rate_stale', /^from: the latest CNY rate/);
    throwsCode(() => RateBook.reference().crossRate('UZS', 'CNY', '2025-08-28'), 'rate_not_found');
    assert.equal(book.withMaxAge(10).crossRate('CNY', 'RUB', '2025-09-07').legs.length, 2);
    throwsCode(() => book.withMaxAge(-1), 'limit_exceeded');
  });

  test('dates', () => {
    assert.equal(parseIsoDate('2024-02-29') - parseIsoDate('2024-02-28'), 1);
    throwsCode(() => parseIsoDate('2025-02-29'), 'invalid_date', /not a calendar date/);
    throwsCode(() => parseIsoDate('2025-8-1'), 'invalid_date');
  });
});

describe('quotes', () => {
  const T = 1_000_000_000_000n;
  const S = 1_000_000_000n;
  const q = (provider: string, bid: string, ask: string, tiers?: QuoteInput['tiers'], expires = T + 60n * S): QuoteInput => ({
    provider,
    base: 'CNY',
    quote: 'RUB',
    tiers: tiers ?? [{ min_minor: 1n, max_minor: 1_000_000_00n, bid, ask }],
    expires_at_ns: expires,
  });

  test('best covering quote per side, tiers, expiry and deterministic ties', () => {
    const book = new QuoteBook({ lock_seconds: 10 });
    book.publish(q('B', '11.30', '11.34'), T);
    book.publish(
      q('A', '11.31', '11.36', [
        { min_minor: 1n, max_minor: 99_999n, bid: '11.28', ask: '11.38' },
        { min_minor: 100_000n, max_minor: 10_000_000_00n, bid: '11.31', ask: '11.33' },
      ]),
      T,
    );
    book.publish(q('C', '11.32', '11.34', undefined, T + 5n * S), T); // best bid, but expires soon
    // Buyer of 500 CNY: A's small tier (up to 999.99 CNY) asks 11.38; B and C both ask 11.34: the tie goes to B.
    assert.equal(book.select('CNY', 'RUB', 'buy', 500_00n, T).provider, 'B');
    // 5,000 CNY: A's big tier asks 11.33, the best.
    const big = book.select('CNY', 'RUB', 'buy', 5_000_00n, T);
    assert.deepEqual([big.provider, big.ask_text, big.tier_index], ['A', '11.33', 1]);
    // Seller: C's bid 11.32 while live, then A's 11.31 for large amounts, B's 11.30 for small.
    assert.equal(book.select('CNY', 'RUB', 'sell', 5_000_00n, T).provider, 'C');
    assert.equal(book.select('CNY', 'RUB', 'sell', 5_000_00n, T + 5n * S).provider, 'A');
    assert.equal(book.select('CNY', 'RUB', 'sell', 500_00n, T + 5n * S).provider, 'B');
    throwsCode(() => book.select('CNY', 'RUB', 'buy', 10_000_000_01n, T), 'no_quote_covers_amount');
    throwsCode(() => book.select('RUB', 'CNY', 'buy', 1n, T), 'pair_not_quoted');
    throwsCode(() => book.select('CNY', 'EUR', 'buy', 1n, T), 'not_a_member_currency');
    throwsCode(() => book.select('CNY', 'RUB', 'buy', 1n, T + 61n * S), 'no_quote_covers_amount');
  });

  test('ties break by provider id, whatever the publication order', () => {
    for (const order of [
      ['Y', 'X'],
      ['X', 'Y'],
    ]) {
      const book = new QuoteBook();
      for (const p of order) book.publish(q(p, '11.30', '11.34'), T);
      assert.equal(book.select('CNY', 'RUB', 'buy', 100n, T).provider, 'X');
    }
  });

  test('publishing replaces; bad quotes are refused whole', () => {
    const book = new QuoteBook({ limits: { providers_max: 2, tiers_per_quote_max: 2 } });
    book.publish(q('A', '11.30', '11.34'), T);
    book.publish(q('A', '11.20', '11.24'), T);
    assert.equal(book.select('CNY', 'RUB', 'buy', 100n, T).ask_text, '11.24');
    assert.equal(book.provider_count, 1);
    throwsCode(() => book.publish(q('B', '11.35', '11.34'), T), 'invalid_quote', /crossed/);
    throwsCode(() => book.publish(q('B', '0', '11.34'), T), 'invalid_quote', /greater than zero/);
    throwsCode(() => book.publish(q('B', 'abc', '11.34'), T), 'invalid_quote');
    throwsCode(
      () =>
        book.publish(
          q('B', '11.30', '11.34', [
            { min_minor: 1n, max_minor: 100n, bid: '1', ask: '2' },
            { min_minor: 100n, max_minor: 200n, bid: '1', ask: '2' },
          ]),
          T,
        ),
      'invalid_quote',
      /overlaps/,
    );
    throwsCode(
      () =>
        book.publish(
          q(
            'B',
            '1',
            '2',
            [1n, 2n, 3n].map((m) => ({ min_minor: m * 10n, max_minor: m * 10n + 5n, bid: '1', ask: '2' })),
          ),
          T,
        ),
      'limit_exceeded',
    );
    throwsCode(() => book.publish(q('B', '11.30', '11.34', undefined, T), T), 'quote_expired');
    throwsCode(() => book.publish({ ...q('B', '1', '2'), quote: 'CNY' }, T), 'invalid_quote');
    throwsCode(() => book.publish({ ...q('B', '1', '2'), base: 'USD' }, T), 'not_a_member_currency');
    throwsCode(() => book.publish(q('bad provider!', '1', '2'), T), 'invalid_quote');
    book.publish(q('B', '11.30', '11.34'), T);
    throwsCode(() => book.publish(q('C', '11.30', '11.34'), T), 'limit_exceeded', /at most 2/);
    book.withdraw('A', 'CNY', 'RUB');
    book.publish(q('C', '11.30', '11.34'), T);
    assert.equal(book.provider_count, 2);
    // A refused publication changed nothing.
    assert.deepEqual(
      book
        .pair('CNY', 'RUB')!
        .ranked('buy')
        .map((t) => t.provider),
      ['B', 'C'],
    );
  });

  test('a quote lock holds the price for lock_seconds, once', () => {
    const book = new QuoteBook({ lock_seconds: 10 });
    book.publish(q('A', '11.30', '11.34', undefined, T + 3n * S), T);
    const lock = book.selectAndLock('CNY', 'RUB', 'buy', 1_000_00n, T);
    assert.equal(lock.price_text, '11.34');
    assert.equal(lock.expires_at_ns, T + 10n * S);
    // The lock outlives the quote it came from: that is what a lock is for.
    assert.equal(book.lookupLock(lock.id, T + 9n * S).provider, 'A');
    const used = book.useLock(lock.id, T + 9n * S);
    assert.ok(equals(used.price, parseDecimal('11.34')));
    throwsCode(() => book.useLock(lock.id, T + 9n * S), 'quote_not_found', /already been used/);
    const late = book.selectAndLock('CNY', 'RUB', 'sell', 1_000_00n, T + 1n * S);
    assert.equal(late.price_text, '11.30');
    throwsCode(() => book.useLock(late.id, T + 11n * S), 'quote_expired', /expired at/);
    throwsCode(() => book.useLock(late.id, T + 11n * S), 'quote_not_found');
    throwsCode(() => book.useLock('q999', T), 'quote_not_found');
    throwsCode(() => book.selectAndLock('CNY', 'RUB', 'buy', 1n, T + 3n * S), 'no_quote_covers_amount');
    const tier = book.pair('CNY', 'RUB')!.ranked('buy')[0]!;
    throwsCode(() => book.lock(tier, 'buy', 1n, T + 3n * S), 'quote_expired');
    throwsCode(() => new QuoteBook({ lock_seconds: 0 }), 'limit_exceeded');
  });

  test('lock and purge limits', () => {
    const book = new QuoteBook({ lock_seconds: 1, limits: { locks_max: 2 } });
    book.publish(q('A', '11.30', '11.34'), T);
    book.selectAndLock('CNY', 'RUB', 'buy', 1n, T);
    book.selectAndLock('CNY', 'RUB', 'buy', 1n, T);
    throwsCode(() => book.selectAndLock('CNY', 'RUB', 'buy', 1n, T), 'limit_exceeded');
    book.selectAndLock('CNY', 'RUB', 'buy', 1n, T + 2n * S); // the expired ones are purged to make room
    assert.equal(book.live_locks, 1);
    book.purgeExpired(T + 61n * S);
    assert.equal(book.live_locks, 0);
    assert.equal(book.provider_count, 0);
    assert.equal(book.pair('CNY', 'RUB')!.ranked('buy').length, 0);
  });
});

describe('fx CLI', () => {
  async function runCli(args: string[]): Promise<string> {
    const program = new Command().exitOverride();
    registerFxCommands(program);
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      chunks.push(String(s));
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'sco-settle', ...args]);
    } finally {
      process.stdout.write = write;
    }
    return chunks.join('');
  }

  test('fx convert prints the rate, its sources and dates, the rounding and the residue', async () => {
    const out = JSON.parse(await runCli(['fx', 'convert', '--from', 'KZT', '--to', 'CNY', '--amount', '1000000.00']));
    assert.equal(out.output.amount, '13217.83');
    assert.equal(out.output.amount_minor, '1321783');
    assert.equal(out.rate.exact, '71063/5376300');
    assert.equal(out.rate.date, '2025-08-28');
    assert.deepEqual(
      out.rate.legs.map((l: { currency: string; units_per_usd: string }) => `${l.currency}=${l.units_per_usd}`),
      ['KZT=537.63', 'CNY=7.1063'],
    );
    assert.equal(out.rounding, 'half_even');
    // residue = 7106300000000/5376300 - 1321783 = -1942900/5376300 = -19429/53763
    assert.equal(out.residue.exact, '-19429/53763');
    const down = JSON.parse(await runCli(['fx', 'convert', '--from', 'KZT', '--to', 'CNY', '--amount', '1000000.00', '--rounding', 'down']));
    assert.equal(down.output.amount_minor, '1321782');
  });

  test('fx convert errors carry a code', async () => {
    await assert.rejects(runCli(['fx', 'convert', '--from', 'KGS', '--to', 'CNY', '--amount', '1', '--date', '2025-10-15']), { code: 'rate_stale' });
    await assert.rejects(runCli(['fx', 'convert', '--from', 'EUR', '--to', 'CNY', '--amount', '1']), { code: 'not_a_member_currency' });
    await assert.rejects(runCli(['fx', 'convert', '--from', 'CNY', '--to', 'RUB', '--amount', '1.001']), { code: 'invalid_amount' });
    await assert.rejects(runCli(['fx', 'convert', '--from', 'CNY', '--to', 'RUB', '--amount', '1', '--rounding', 'nearest']), {
      code: 'unknown_rounding_rule',
    });
  });
});

// --- properties ------------------------------------------------------------------

const arbRule = fc.constantFrom<RoundingRule>(...ROUNDING_RULES);
const HALF = R(1n, 2n);
const maxError = (rule: RoundingRule): Rational => (rule.startsWith('half_') ? HALF : ONE);

/** A positive decimal rate string with up to 6 integer and 8 fraction digits. */
const arbRate = fc
  .tuple(fc.bigInt({ min: 0n, max: 999_999n }), fc.bigInt({ min: 0n, max: 99_999_999n }), fc.integer({ min: 0, max: 8 }))
  .filter(([i, f]) => i > 0n || f > 0n)
  .map(([i, f, digits]) => (digits === 0 ? `${i === 0n ? 1n : i}` : `${i}.${f.toString().padStart(8, '0').slice(0, digits)}`))
  .filter((s) => parseDecimal(s).num > 0n);

const arbCurrency = fc.constantFrom('CNY', 'IRR', 'JPY', 'KWD', 'CLF', 'RUB', 'KZT');

describe('properties', () => {
  test("rounding: value + residue == x, and the residue is within the rule's bound", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), arbRule, (n, d, rule) => {
        const x = R(n, d);
        const { value, residue } = roundRational(x, rule);
        assert.ok(equals(add(R(value), residue), x));
        const bound = compare(absRational(residue), maxError(rule));
        if (rule.startsWith('half_')) assert.ok(bound <= 0);
        else assert.ok(bound < 0);
        if (rule === 'floor') assert.ok(residue.num >= 0n);
        if (rule === 'ceiling') assert.ok(residue.num <= 0n);
        if (rule === 'down') assert.ok(residue.num === 0n || residue.num < 0n === n < 0n);
        if (rule === 'up') assert.ok(residue.num === 0n || residue.num < 0n !== n < 0n);
      }),
      { numRuns: 2000 },
    );
  });

  test('conversion residues are exact: rounded + residue == exact value', () => {
    fc.assert(
      fc.property(arbCurrency, arbCurrency, arbRate, fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), arbRule, (a, b, rate, amount, rule) => {
        const conv = new PairConverter(a, b, parseDecimal(rate));
        const c = conv.convert(amount, rule);
        const exact = mul(mul(R(amount), parseDecimal(rate)), R(10n ** BigInt(currencyInfo(b).minor_units), 10n ** BigInt(currencyInfo(a).minor_units)));
        assert.ok(equals(conv.exact(amount), exact));
        assert.ok(equals(add(R(c.amount_minor), c.residue), exact));
        assert.ok(c.residue.den > 0n && equals(c.residue, R(c.residue.num, c.residue.den)), 'residue is normalised');
      }),
      { numRuns: 2000 },
    );
  });

  test("conversion then reverse conversion: a' - a == -e1/k - e2, so |a' - a| <= E1/k + E2 (<= 1 when k >= 1)", () => {
    fc.assert(
      fc.property(arbCurrency, arbCurrency, arbRate, fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), arbRule, arbRule, (a, b, rate, amount, r1, r2) => {
        const there = new PairConverter(a, b, parseDecimal(rate));
        const back = there.reverse();
        const c1 = there.convert(amount, r1);
        const c2 = back.convert(c1.amount_minor, r2);
        const k = there.scaled;
        const drift = R(c2.amount_minor - amount);
        // The exact identity.
        assert.ok(equals(drift, sub(neg(div(c1.residue, k)), c2.residue)));
        // The bound: each rounding costs at most E minor units of the currency it rounds into.
        const bound = add(div(maxError(r1), k), maxError(r2));
        const directed = !r1.startsWith('half_') || !r2.startsWith('half_');
        const cmp = compare(absRational(drift), bound);
        assert.ok(directed ? cmp < 0 : cmp <= 0, `|${drift.num}| vs ${bound.num}/${bound.den}`);
        if (compare(k, ONE) >= 0) assert.ok(compare(absRational(drift), ONE) <= 0, 'within one minor unit when k >= 1');
      }),
      { numRuns: 3000 },
    );
  });

  test('half_even is unbiased on ties: residues of consecutive ties cancel', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 1, max: 20 }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (start, pairs, scale) => {
          // Ties m + 1/2 for m = start .. start + 2*pairs - 1, written over the denominator 2*scale.
          let sumEven = R(0n);
          let sumUp = R(0n);
          for (let i = 0n; i < BigInt(2 * pairs); i++) {
            const x = R((2n * (start + i) + 1n) * scale, 2n * scale);
            sumEven = add(sumEven, roundRational(x, 'half_even').residue);
            sumUp = add(sumUp, roundRational(x, 'half_up').residue);
            // Symmetric: half_even(-x) == -half_even(x).
            assert.equal(roundRational(neg(x), 'half_even').value, -roundRational(x, 'half_even').value);
          }
          assert.ok(equals(sumEven, R(0n)));
          // For comparison, half_up drifts by 1/2 per tie when all ties are positive.
          if (start >= 0n) assert.ok(equals(sumUp, R(-BigInt(pairs))));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('selection returns a covering live quote at least as good as every other covering live quote', () => {
    const T = 10n ** 12n;
    const arbTiers = fc.uniqueArray(fc.bigInt({ min: 1n, max: 2000n }), { minLength: 2, maxLength: 6 }).chain((cuts) => {
      const sorted = [...cuts].sort((x, y) => (x < y ? -1 : 1));
      return fc.tuple(
        ...sorted.slice(0, -1).map((lo, i) =>
          fc.tuple(fc.integer({ min: 100, max: 140 }), fc.integer({ min: 0, max: 5 }), fc.boolean()).map(([mid, spread, gap]) => ({
            min_minor: lo,
            max_minor: sorted[i + 1]! - (gap && sorted[i + 1]! - 1n > lo ? 2n : 1n),
            bid: `${mid - spread}.5`,
            ask: `${mid + spread}.5`,
          })),
        ),
      );
    });
    type Tier = { min_minor: bigint; max_minor: bigint; bid: string; ask: string };
    const arbQuote = fc.record({
      provider: fc.constantFrom('P1', 'P2', 'P3', 'P4', 'P5'),
      tiers: arbTiers,
      life: fc.integer({ min: 1, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbQuote, { minLength: 1, maxLength: 8 }),
        fc.constantFrom<Side>('buy', 'sell'),
        fc.bigInt({ min: 0n, max: 2100n }),
        fc.integer({ min: 0, max: 100 }),
        (quotes, side, amount, at) => {
          const book = new QuoteBook();
          const live = new Map<string, { tiers: Tier[]; expires: bigint }>();
          for (const qt of quotes) {
            const expires = T + BigInt(qt.life);
            book.publish({ provider: qt.provider, base: 'INR', quote: 'PKR', tiers: qt.tiers, expires_at_ns: expires }, T);
            live.set(qt.provider, { tiers: qt.tiers, expires });
          }
          const now = T + BigInt(at);
          const price = (t: { bid: string; ask: string }): Rational => parseDecimal(side === 'buy' ? t.ask : t.bid);
          const better = (x: Rational, y: Rational): boolean => (side === 'buy' ? compare(x, y) < 0 : compare(x, y) > 0);
          const covering: Array<{ provider: string; p: Rational }> = [];
          for (const [provider, { tiers, expires }] of live) {
            for (const t of tiers) if (now < expires && t.min_minor <= amount && amount <= t.max_minor) covering.push({ provider, p: price(t) });
          }
          let chosen: QuoteTier | null = null;
          try {
            chosen = book.select('INR', 'PKR', side, amount, now);
          } catch (err) {
            assert.equal((err as FxError).code, 'no_quote_covers_amount');
          }
          if (covering.length === 0) {
            assert.equal(chosen, null);
            return;
          }
          assert.ok(chosen !== null, 'a covering quote exists, so one is selected');
          assert.ok(chosen.min_minor <= amount && amount <= chosen.max_minor && now < chosen.expires_at_ns);
          const p = side === 'buy' ? chosen.ask : chosen.bid;
          for (const c of covering) {
            assert.ok(!better(c.p, p), `${c.provider} offers a better price`);
            if (compare(c.p, p) === 0) assert.ok(chosen.provider <= c.provider, 'ties go to the provider id that sorts first');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

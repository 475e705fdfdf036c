// What the demo reads of the platform per payment and per sample, made cheaper
// without changing an answer: convertAtReferenceRate keeps a converter per pair
// and date for the rate book in use (a new import makes a new book), and a
// sample sums the intraday credit drawn from the transfers since the last one
// (transferAmounts from a row), giving the same float sum as from the start.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PairConverter } from '../src/fx/convert.js';
import { RateBook } from '../src/fx/rates.js';
import { liquidityPutIn, usdRates, type CreditSeen } from '../src/demo/day.js';
import { MemoryStore } from '../src/store/memory.js';
import { BANKS, BUSINESS_DATE, openPlatform, setupScheme } from './support/platform.js';

const PAIRS: ReadonlyArray<[string, string]> = [
  ['CNY', 'RUB'],
  ['RUB', 'CNY'],
  ['KZT', 'CNY'],
  ['CNY', 'KZT'],
  ['RUB', 'KZT'],
];
const AMOUNTS = [1n, 7n, 999n, 123_456_789n, 10n ** 15n + 3n];

function expected(book: RateBook, from: string, to: string, minor: bigint, rounding: 'down' | 'up'): bigint {
  return new PairConverter(from, to, book.crossRate(from, to, BUSINESS_DATE).rate).convert(minor, rounding).amount_minor;
}

test('convertAtReferenceRate: the converter built per call, before and after new rates are imported', async () => {
  const { platform } = await openPlatform(new MemoryStore());
  await setupScheme(platform);
  const check = (book: RateBook): void => {
    for (let round = 0; round < 2; round++)
      for (const [from, to] of PAIRS)
        for (const a of AMOUNTS)
          for (const r of ['down', 'up'] as const)
            assert.equal(platform.convertAtReferenceRate(from, to, a, BUSINESS_DATE, r), expected(book, from, to, a, r), `${a} ${from}>${to} ${r}`);
  };
  check(RateBook.reference());
  const rows = [
    { currency: 'CNY', units_per_usd: '7.3', date: BUSINESS_DATE, source: 'test' },
    { currency: 'RUB', units_per_usd: '91.25', date: BUSINESS_DATE, source: 'test' },
    { currency: 'KZT', units_per_usd: '480.5', date: BUSINESS_DATE, source: 'test' },
  ];
  await platform.run({ type: 'import_rates', file: 'test', rows }, 'operator');
  const book = RateBook.fromRows(
    rows.map((row, i) => ({ line: i + 1, row })),
    {},
    'test',
  );
  // The new rates differ: a converter kept from the old book would answer otherwise.
  assert.notEqual(expected(book, 'CNY', 'RUB', 123_456_789n, 'down'), expected(RateBook.reference(), 'CNY', 'RUB', 123_456_789n, 'down'));
  check(book);
  // Refusals as before, whatever is kept.
  assert.throws(() => platform.convertAtReferenceRate('CNY', 'XXX', 1n, BUSINESS_DATE, 'down'));
  assert.throws(() => platform.convertAtReferenceRate('CN', 'RUB', 1n, BUSINESS_DATE, 'down'));
  assert.throws(() => platform.convertAtReferenceRate('CNY', 'RUB', 1n, '2020-01-01', 'down'));
  await platform.close();
});

test("transferAmounts from a row, and a sample's running sum of credit drawn: the same as read from the start", async () => {
  const { platform } = await openPlatform(new MemoryStore());
  await setupScheme(platform);
  const usd = usdRates(BUSINESS_DATE);
  const funding = new Map<string, bigint>([['CNY', 1_000_000n]]);
  for (const bank of [BANKS[0], BANKS[2]]) {
    await platform.run({
      type: 'set_collateral',
      participant: bank,
      currency: 'CNY',
      auto_draw: false,
      items: [{ id: `bond-${bank}`, kind: 'government_bond', currency: 'CNY', market_value: '1000000.00', haircut_bp: 1000 }],
    });
  }
  const seen: CreditSeen = { transfers: 0, usd: 0 };
  const draws = ['10.01', '2.37', '1234.56', '0.03', '777.77', '5.55'];
  let before = platform.transferCount();
  for (const [i, amount] of draws.entries()) {
    await platform.run({ type: 'draw_credit', participant: BANKS[i % 2 === 0 ? 0 : 2], currency: 'CNY', amount });
    const all = platform.transferAmounts('intraday_credit_drawdown');
    assert.equal(all.length, i + 1);
    assert.deepEqual(platform.transferAmounts('intraday_credit_drawdown', before), all.slice(i));
    before = platform.transferCount();
    assert.deepEqual(platform.transferAmounts('intraday_credit_drawdown', before), []);
    // Two samples in a row: the second reads nothing new and says the same.
    for (let k = 0; k < 2; k++) assert.deepEqual(liquidityPutIn(platform, funding, usd, seen), liquidityPutIn(platform, funding, usd));
  }
  assert.ok(seen.usd > 0);
  await platform.close();
});

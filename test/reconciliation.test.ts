// Reconciliation per central bank and day: the mirror account (what the central
// bank issued on the platform) against every balance in its currency — zero
// difference after a day of funding, defunding, domestic and PvP payments and
// intraday credit; a home RTGS balance that disagrees is named; the CSV summary
// and the camt.053 of the mirror account; bad input with its field.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defundingPacs009, mirrorStatementXml, reconciliation, reconciliationCsv } from '../src/iso20022/reconciliation.js';
import { parseMessage } from '../src/iso20022/messages/index.js';
import { validateBuiltIn } from '../src/iso20022/validate.js';
import { Platform } from '../src/platform/platform.js';
import { makeBackend } from './support/backends.js';
import { BANKS, BUSINESS_DATE, CB, LP, payment, setupScheme, TestClock } from './support/platform.js';

const [A, B, RU1, RU2] = BANKS;

test('a day of funding, defunding, payments and intraday credit reconciles to zero difference; a wrong home balance is named', async () => {
  const backend = makeBackend('sqlite');
  try {
    const p = await Platform.open(await backend.open(), { clock: new TestClock().read });
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    await p.run({ type: 'fund', participant: B, currency: 'CNY', amount: '500.00' });
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '100000.00' });
    await p.run({ type: 'fund', participant: RU2, currency: 'RUB', amount: '100000.00' });
    await p.run({ type: 'defund', participant: B, currency: 'CNY', amount: '200.00' });
    await p.run({
      type: 'set_collateral',
      participant: A,
      currency: 'CNY',
      items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: '10000.00', haircut_bp: 1000 }],
    });
    await p.run({ type: 'draw_credit', participant: A, currency: 'CNY', amount: '300.00' });
    await p.run({
      type: 'submit_payments',
      payments: [payment(A, B, 'CNY', '1200.00'), payment(RU2, A, 'RUB', '1150.00', { payee_currency: 'CNY' }), payment(RU2, RU1, 'RUB', '10.00')],
    });
    const r = await reconciliation(p, CB.CNY, BUSINESS_DATE);
    assert.equal(r.currency, 'CNY');
    assert.equal(r.opening_issued_minor, 0n);
    assert.deepEqual(r.funded_in, { count: 3, amount_minor: 10_150_000n });
    assert.deepEqual(r.defunded_out, { count: 1, amount_minor: 20_000n });
    assert.equal(r.closing_issued_minor, 10_130_000n);
    assert.equal(r.other_movements_minor, 0n);
    assert.equal(
      r.reconciled,
      true,
      JSON.stringify(r.differences, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
    for (const d of r.differences.filter((x) => x.must_be_zero)) assert.equal(d.amount_minor, 0n, d.name);
    // What the settlement accounts hold differs from what was issued by what sits elsewhere, each named.
    const elsewhere = r.differences.filter((d) => !d.must_be_zero);
    assert.equal(
      r.closing_issued_minor - r.settlement_accounts_minor,
      elsewhere.reduce((s, d) => s + d.amount_minor, 0n),
    );
    // Intraday credit drawn (300.00) sits in the credit account as a debit balance: settlement accounts hold 300.00 more than was issued.
    assert.deepEqual(
      elsewhere.map((d) => [d.name, d.amount_minor]),
      [['held elsewhere: intraday_credit', -30_000n]],
    );
    assert.equal(r.settlement_accounts_minor, 10_160_000n);
    for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor);
    // The home RTGS says one yuan more: named, and the report does not reconcile.
    const off = await reconciliation(p, CB.CNY, BUSINESS_DATE, r.closing_issued_minor + 100n);
    assert.equal(off.reconciled, false);
    assert.deepEqual(
      off.differences.filter((d) => d.must_be_zero && d.amount_minor !== 0n).map((d) => [d.name, d.amount_minor]),
      [['home: home RTGS mirror balance - platform mirror account', 100n]],
    );
    const csv = reconciliationCsv(off);
    assert.match(csv, /^item,amount_minor,count,must_be_zero\n/);
    assert.match(csv, /\nfunded_in,10150000,3,\n/);
    assert.match(csv, /\n"home: home RTGS mirror balance - platform mirror account",100,,true\n/);
    // The camt.053 of the mirror account: closing booked balance is the issued amount (a debit balance).
    const xml = await mirrorStatementXml(p, CB.CNY, BUSINESS_DATE);
    const msg = parseMessage(xml);
    assert.equal(msg.message_type, 'camt.053.001.08');
    assert.match(xml, /<Cd>CLBD<\/Cd>/);
    // The day's defunding as a pacs.009 to the home RTGS: the mirror (the central bank) pays the bank at home.
    const out = await defundingPacs009(p, CB.CNY, BUSINESS_DATE);
    const m = parseMessage(out) as unknown as {
      message_type: string;
      document: { group_header: { settlement_method: string }; transactions: Array<Record<string, unknown>> };
    };
    assert.equal(m.message_type, 'pacs.009.001.08');
    const v = validateBuiltIn(out);
    assert.equal(v.valid, true, JSON.stringify(v.errors));
    assert.equal(m.document.group_header.settlement_method, 'INDA');
    assert.equal(m.document.transactions.length, 1);
    const tx = m.document.transactions[0]!;
    assert.deepEqual(tx.interbank_settlement_amount, { currency: 'CNY', value: '200.00' });
    assert.deepEqual([(tx.debtor as { bic: string }).bic, (tx.creditor as { bic: string }).bic], [CB.CNY, B]);
    await assert.rejects(defundingPacs009(p, CB.RUB, BUSINESS_DATE), (e: { code?: string; field?: string }) => e.code === 'not_found' && e.field === 'date');
    // The next day nothing moved: opening = closing = the day before's closing.
    const next = await reconciliation(p, CB.CNY, '2025-09-02');
    assert.equal(next.opening_issued_minor, r.closing_issued_minor);
    assert.equal(next.closing_issued_minor, r.closing_issued_minor);
    assert.equal(next.reconciled, true);
    // Bad input: the field named.
    await assert.rejects(reconciliation(p, A, BUSINESS_DATE), (e: { code?: string; field?: string }) => e.code === 'not_found' && e.field === 'central_bank');
    await assert.rejects(reconciliation(p, CB.CNY, '2025-02-30'), (e: { code?: string; field?: string }) => e.code === 'invalid_date' && e.field === 'date');
    await p.close();
  } finally {
    await backend.cleanup();
  }
});

test("the day is the currency's home business day: a funding at 01:00 Beijing counts on the next CNY day, not the UTC date's", async () => {
  const backend = makeBackend('sqlite');
  try {
    const clock = new TestClock();
    const p = await Platform.open(await backend.open(), { clock: clock.read });
    await setupScheme(p, { cutoff: '23:00' });
    // 06:00 UTC = 14:00 in Beijing, 09:00 in Moscow (2025-09-01 local).
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    await p.run({ type: 'fund', participant: RU1, currency: 'RUB', amount: '100.00' });
    // 17:00 UTC: 01:00 on 2025-09-02 in Beijing, still 20:00 on 2025-09-01 in Moscow.
    clock.at('17:00');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '7.00' });
    await p.run({ type: 'fund', participant: RU1, currency: 'RUB', amount: '7.00' });

    const cny = await reconciliation(p, CB.CNY, BUSINESS_DATE);
    assert.equal(cny.time_zone, 'Asia/Shanghai');
    assert.equal(cny.from, '2025-08-31T16:00:00.000Z');
    assert.equal(cny.to, '2025-09-01T15:59:59.999Z');
    assert.deepEqual(cny.funded_in, { count: 1, amount_minor: 10_000n });
    assert.equal(cny.reconciled, true);
    const cnyNext = await reconciliation(p, CB.CNY, '2025-09-02');
    assert.deepEqual(cnyNext.funded_in, { count: 1, amount_minor: 700n });
    assert.equal(cnyNext.opening_issued_minor, 10_000n);
    assert.equal(cnyNext.closing_issued_minor, 10_700n);
    // Moscow's day holds both fundings.
    const rub = await reconciliation(p, CB.RUB, BUSINESS_DATE);
    assert.equal(rub.time_zone, 'Europe/Moscow');
    assert.equal(rub.from, '2025-08-31T21:00:00.000Z');
    assert.deepEqual(rub.funded_in, { count: 2, amount_minor: 10_700n });
    // --utc: the UTC date, as the camt.053 statements have it.
    const utc = await reconciliation(p, CB.CNY, BUSINESS_DATE, null, 'utc');
    assert.equal(utc.time_zone, 'UTC');
    assert.deepEqual(utc.funded_in, { count: 2, amount_minor: 10_700n });
    await p.close();
  } finally {
    await backend.cleanup();
  }
});

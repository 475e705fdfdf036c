// The API instruction for a simulated payment (src/sim/api_instruction.ts), the
// one body both `sim run --server` and the soak benchmark send: the amount is
// the payment's exact minor units written in major units at the currency's
// ISO 4217 exponent, payee_currency appears only on a cross-currency payment,
// and the parties screening reads are carried over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memberCurrency } from '../src/fx/iso4217.js';
import { apiInstruction, defaultProfile, generatePayments } from '../src/sim/index.js';
import type { PaymentInstruction } from '../src/client/client.js';

function minorOf(amount: string, currency: string): bigint {
  const digits = memberCurrency(currency).minor_units;
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(amount);
  assert.ok(m !== null, `a plain decimal: ${amount}`);
  assert.equal((m[2] ?? '').length, digits, `${amount}: ${digits} decimals for ${currency}`);
  return BigInt(m[1]! + (m[2] ?? ''));
}

test('apiInstruction: exact amounts in major units, payee_currency only across currencies, parties kept', () => {
  const profile = defaultProfile({ banks: 20, traffic: { payments: 300 } });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
      for (const p of generatePayments(profile, { seed, payments: 300, cross_currency_share: 0.3 })) {
        const ins: PaymentInstruction = apiInstruction(p, '2025-08-29');
        assert.equal(minorOf(ins.amount, p.currency), p.amount_minor);
        assert.equal(ins.payee_currency, p.payee_currency === p.currency ? undefined : p.payee_currency);
        assert.equal('payee_currency' in ins, p.payee_currency !== p.currency);
        assert.deepEqual([ins.payer, ins.payee, ins.uetr, ins.value_date], [p.payer_bic, p.payee_bic, p.uetr, '2025-08-29']);
        assert.deepEqual(ins.debtor, { name: p.debtor.name, country: p.debtor.country });
        assert.deepEqual(ins.creditor, { name: p.creditor.name, country: p.creditor.country });
        assert.equal(ins.remittance, p.remittance);
      }
    }),
    { numRuns: 20 },
  );
});

// The demo's message model of a simulated payment (src/demo/payment_message.ts
// isoMessageOf) is written field by field (issue #18: a spread of the ids made
// every model a slow object). It must stay the very model it was: the same
// fields, values and order (the XML is written in model order), for pacs.008 and
// pacs.009, so the same messages, instructions and journal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoMessageOf } from '../src/demo/payment_message.js';
import { formatMajor } from '../src/platform/fx_tools.js';
import { buildMessage } from '../src/iso20022/messages/index.js';
import { defaultProfile, generatePayments, type SimPayment } from '../src/sim/index.js';

/** The model as it was written before (ids spread into the transaction). */
function reference(sp: SimPayment, date: string): unknown {
  const amount = { currency: sp.currency, value: formatMajor(sp.amount_minor, sp.currency) };
  const group = {
    message_id: `M${sp.seq}-${sp.uetr.slice(0, 8)}`,
    creation_date_time: `${date}T08:00:00Z`,
    settlement_method: 'CLRG',
    interbank_settlement_date: date,
  };
  const ids = { instruction_id: `I${sp.seq}`, end_to_end_id: sp.end_to_end_id, uetr: sp.uetr };
  const payment_type = { instruction_priority: sp.priority === 'urgent' ? 'HIGH' : 'NORM' };
  if (sp.kind === 'pacs.009') {
    const tx = {
      ...ids,
      payment_type,
      interbank_settlement_amount: amount,
      debtor: { bic: sp.payer_bic },
      creditor: { bic: sp.payee_bic },
      remittance_information: [sp.remittance],
    };
    return { message_type: 'pacs.009.001.08', document: { group_header: group, transactions: [tx] } };
  }
  const tx = {
    ...ids,
    payment_type,
    interbank_settlement_amount: amount,
    charge_bearer: 'SHAR',
    debtor: { name: sp.debtor.name, postal_address: { country: sp.payer_country } },
    debtor_agent: { bic: sp.payer_bic },
    creditor_agent: { bic: sp.payee_bic },
    creditor: { name: sp.creditor.name, postal_address: { country: sp.payee_country } },
    purpose: { code: sp.purpose },
    remittance_information: [sp.remittance],
  };
  return { message_type: 'pacs.008.001.08', document: { group_header: group, transactions: [tx] } };
}

test('the message model of a payment is the same model, field for field and in order, for pacs.008 and pacs.009', () => {
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 400 } });
  const date = profile.traffic.business_date;
  let kinds = 0;
  for (const generated of generatePayments(profile, { seed: 9, payments: 400 })) {
    for (const sp of [generated, { ...generated, kind: 'pacs.009' as const, priority: 'urgent' as const }]) {
      const model = isoMessageOf(sp, date);
      const want = reference(sp, date);
      assert.deepStrictEqual(model, want);
      // deepStrictEqual ignores key order; the XML follows it.
      assert.equal(JSON.stringify(model), JSON.stringify(want));
      if (sp.kind === 'pacs.009') kinds++;
    }
  }
  assert.ok(kinds > 0);
  // And the XML of one of each is the same text.
  const [sp] = generatePayments(profile, { seed: 9, payments: 1 });
  assert.equal(buildMessage(isoMessageOf(sp!, date)), buildMessage(reference(sp!, date) as Parameters<typeof buildMessage>[0]));
});

// The message path of one demo payment, as a bank sends it and the platform
// reads it: the ISO 20022 pacs.008/pacs.009 built for a simulated payment,
// validated, read back (the tree the validation parsed, not a second parse) and
// mapped to instructions. A pure function of the payment, the business date and
// which BICs are participants, so the same answer comes from the main thread or
// from a worker thread preparing payments ahead (./prepare_pool.ts).

import { formatMajor } from '../platform/fx_tools.js';
import { CURRENCIES, ISO4217 } from '../platform/reference.js';
import { buildMessage, modelOf, type Pacs008, type Pacs009 } from '../iso20022/messages/index.js';
import { validateBuiltIn } from '../iso20022/validate.js';
import { amountText, instructionsOfPacs008, instructionsOfPacs009, type RawInstruction } from '../iso20022/mapping.js';
import type { SimPayment } from '../sim/index.js';

/** The instructions the platform reads from the payment's message; null when the message is invalid. */
export function messageInstructions(sp: SimPayment, date: string, resolveBic: (bic: string) => string): RawInstruction[] | null {
  const xml = buildMessage(isoMessageOf(sp, date));
  const v = validateBuiltIn(xml);
  if (!v.valid) return null;
  const parsed = modelOf(v.message!);
  const mapped =
    parsed.message_type === 'pacs.008.001.08'
      ? instructionsOfPacs008(parsed.document as Pacs008, { resolveBic })
      : instructionsOfPacs009(parsed.document as Pacs009, { resolveBic });
  return mapped.map((m) => m.instruction);
}

/**
 * The instructions of `sp` from those the message path gave for another form of the same payment (`of`: the payment
 * as generated, or recycled into the payee's home currency, ./recycling.ts), without building its message: the two
 * forms differ only in the currency and amount, so their messages differ only in IntrBkSttlmAmt (its Ccy and its
 * text) and their instructions only in `currency` and `amount`. Null when that message's verdict is not sure to be the
 * other's: the other form's message was invalid (`of` null), the currency is not a member currency whose minor units
 * ISO 4217 gives alike, or the amount is not positive and well inside 18 digits (AM12); then the caller runs the path.
 * New objects, members in the same order (the platform journals them as JSON text); the parties are shared, read only.
 */
export function instructionsInForm(of: readonly RawInstruction[] | null, sp: SimPayment): RawInstruction[] | null {
  if (of === null || sp.payee_currency !== sp.currency) return null;
  const info = CURRENCIES.get(sp.currency);
  if (info === undefined || !info.sco_member || ISO4217.get(sp.currency)?.minor_units !== info.minor_units) return null;
  if (info.minor_units > 5 || sp.amount_minor <= 0n || sp.amount_minor >= AMOUNT_WELL_INSIDE) return null;
  const amount = amountText({ currency: sp.currency, value: formatMajor(sp.amount_minor, sp.currency) });
  const out: RawInstruction[] = [];
  for (const ins of of) {
    // Only a message's own instruction is of a form: its amount and currency are the form's.
    if (ins.payee_currency !== undefined || ins.uetr !== sp.uetr) return null;
    out.push({ ...ins, currency: sp.currency, amount });
  }
  return out;
}

/** Amounts below this (in minor units, 15 digits) are far from the 18 digits a message's amount may have. */
const AMOUNT_WELL_INSIDE = 10n ** 15n;

/** The ISO 20022 message a bank would send for a simulated payment. */
export function isoMessageOf(sp: SimPayment, date: string): Parameters<typeof buildMessage>[0] {
  const amount = { currency: sp.currency, value: formatMajor(sp.amount_minor, sp.currency) };
  const group = {
    message_id: `M${sp.seq}-${sp.uetr.slice(0, 8)}`,
    creation_date_time: `${date}T08:00:00Z`,
    settlement_method: 'CLRG' as const,
    interbank_settlement_date: date,
  };
  // The ids are written out in each transaction, not spread from a shared object: the spread
  // made every message model a slow object (about 15 µs of CPU a message on the prepare
  // worker, against under 1 µs for the whole model now); same fields in the same order.
  const instruction_id = `I${sp.seq}`;
  const payment_type = { instruction_priority: sp.priority === 'urgent' ? ('HIGH' as const) : ('NORM' as const) };
  if (sp.kind === 'pacs.009') {
    return {
      message_type: 'pacs.009.001.08',
      document: {
        group_header: group,
        transactions: [
          {
            instruction_id,
            end_to_end_id: sp.end_to_end_id,
            uetr: sp.uetr,
            payment_type,
            interbank_settlement_amount: amount,
            debtor: { bic: sp.payer_bic },
            creditor: { bic: sp.payee_bic },
            remittance_information: [sp.remittance],
          },
        ],
      },
    };
  }
  return {
    message_type: 'pacs.008.001.08',
    document: {
      group_header: group,
      transactions: [
        {
          instruction_id,
          end_to_end_id: sp.end_to_end_id,
          uetr: sp.uetr,
          payment_type,
          interbank_settlement_amount: amount,
          charge_bearer: 'SHAR',
          debtor: { name: sp.debtor.name, postal_address: { country: sp.payer_country } },
          debtor_agent: { bic: sp.payer_bic },
          creditor_agent: { bic: sp.payee_bic },
          creditor: { name: sp.creditor.name, postal_address: { country: sp.payee_country } },
          purpose: { code: sp.purpose },
          remittance_information: [sp.remittance],
        },
      ],
    },
  };
}

// The demo day's scheme document (version 1, `scheme init` before the day opens):
// the members and central banks, currencies, and participants the demo
// registered, with the timetable the demo runs — cut-off 18:00, DNS windows
// 08:00-15:00, an LSM round every 15 minutes — and the rate staleness rule in
// force by default. The operator may move the LSM interval (5-60 minutes) and the
// default cut-off (17:00-19:00) by proposal alone; all else is the members'.

import type { Participant } from '../platform/types.js';

/** ISO 4217 numbers of the member currencies (the scheme states each ledger). */
const LEDGER: Record<string, number> = { CNY: 156, RUB: 643, INR: 356, PKR: 586, IRR: 364, KZT: 398, KGS: 417, TJS: 972, UZS: 860, BYN: 933 };

export const DEMO_TIMETABLE = Object.freeze({ cutoff: '18:00', window_open: '08:00', window_close: '15:00', lsm_every_minutes: 15 });

export function demoSchemeDocument(participants: readonly Participant[]): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  const currencies: Record<string, unknown> = {};
  const list: Record<string, unknown> = {};
  for (const p of participants) {
    list[p.id] = { kind: p.kind, country: p.country, currencies: [...p.currencies] };
    for (const c of p.currencies) currencies[c] = { ledger: LEDGER[c], minor_units: 2 };
    if (p.kind === 'central_bank' && p.issues !== null) members[p.country] = { name: p.name, central_bank: p.id, currency: p.issues, status: 'active' };
  }
  return {
    name: 'sco-settle demo scheme',
    members,
    currencies,
    participants: list,
    limits: { payment_max: {}, credit_haircuts_bp: { government_bond: 200, central_bank_bill: 100 }, queue_length_max: 1_000_000 },
    cutoffs: { default: DEMO_TIMETABLE.cutoff, currencies: {} },
    dns_windows: { open_at: DEMO_TIMETABLE.window_open, close_at: DEMO_TIMETABLE.window_close, currencies: Object.keys(currencies).sort() },
    lsm: { interval_minutes: DEMO_TIMETABLE.lsm_every_minutes, bypass_fifo: false },
    swap_lines: { caps: {} },
    rates: { sources: ['embedded central bank reference rates'], max_age_business_days: 3, extended_age_business_days: 10, quote_tolerance_bp: 200 },
    screening: { list_sources: ['ofac-sdn', 'un-consolidated'] },
    operator_owned: { '/lsm/interval_minutes': { min: 5, max: 60 }, '/cutoffs/default': { min: '17:00', max: '19:00' } },
  };
}

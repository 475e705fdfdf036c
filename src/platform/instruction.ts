// Checking a payment instruction against the scheme: from the raw JSON a bank
// sent (or a pacs.008/009 mapped to it) to a PaymentInstruction, or to the ISO
// 20022 reason it is rejected with. Pure: the state machine calls it with what
// it knows (participants, the business day).
//
// Rules version 3 (clearing/warehouse.ts) adds `settle_by` (reject if not settled
// by then) and accepts a value date up to 10 business days ahead, or any after a
// closed day, for the warehouse; rules 1 and 2 check as they did.

import { currentDate, futureValueDateProblem, parseSettleBy, settleByProblem, WAREHOUSE_LIMITS } from '../clearing/warehouse.js';
import { calendarValueDate, currencyState, type Calendars } from '../clearing/currency_day.js';
import { memberCurrency } from '../fx/iso4217.js';
import { parseScaled } from '../fx/rational.js';
import { U128_MAX } from '../ledger/types.js';
import { readAmount } from './amounts.js';
import { COMMAND_LIMITS, strValue } from './commands.js';
import { PlatformError, REASON } from './errors.js';
import type { BusinessDay, PartyInfo, Participant, PaymentInstruction, Priority, SettlementMode } from './types.js';

export const UETR_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const FIELDS = [
  'uetr',
  'end_to_end_id',
  'payer',
  'payee',
  'currency',
  'amount',
  'payee_currency',
  'value_date',
  'priority',
  'settlement',
  'fx_provider',
  'quote_id',
  'purpose',
  'remittance',
  'debtor',
  'creditor',
  'message',
] as const;
/** Fields rules version 3 adds. */
const FIELDS_V3 = [...FIELDS, 'settle_by'] as const;
// Sets for readFields' test of every key of every payment (an array's includes scans up to 18 names a key).
const KNOWN_FIELDS: ReadonlySet<string> = new Set(FIELDS);
const KNOWN_FIELDS_V3: ReadonlySet<string> = new Set(FIELDS_V3);

export interface InstructionRejection {
  reason: string;
  field: string;
  detail: string;
}

export type InstructionCheck = { ok: true; instruction: PaymentInstruction } | { ok: false; uetr: string | null; rejection: InstructionRejection };

export interface SchemeView {
  participant(id: string): Participant | undefined;
  /** Whether the currency has a central bank on the platform. */
  currencyActive(code: string): boolean;
  business_date: string | null;
}

/** What rules version 3 checks need beyond the scheme: the time and the current (or last) business day. */
export interface CheckRules {
  rules_version: number;
  now_ns: bigint;
  day: BusinessDay | null;
  /** Rules 3: operating calendars per currency (empty or absent: the platform's business day for all). */
  calendars?: Calendars;
}

/** Rules 1 and 2: no warehouse, no settle_by. */
const RULES_V2: CheckRules = { rules_version: 2, now_ns: 0n, day: null };

/** The debtor or creditor (`key`) of `field`'s instruction; its path is written only for a refusal, by checking again with it. */
function party(v: unknown, field: string, key: string): PartyInfo | undefined {
  if (v === undefined) return undefined;
  try {
    return partyAt(v, '');
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
  }
  return partyAt(v, `${field}.${key}`);
}

function partyAt(v: unknown, field: string): PartyInfo {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PlatformError('invalid_field', field, 'must be an object');
  const o = v as Record<string, unknown>;
  // for-in, not Object.keys (no key array a party): own keys first, in Object.keys' order; an inherited key is skipped.
  for (const k in o)
    if (k !== 'name' && k !== 'country' && k !== 'address' && Object.hasOwn(o, k)) throw new PlatformError('invalid_field', `${field}.${k}`, 'unknown field');
  const p: PartyInfo = { name: strValue(o.name, 'name', field) };
  if (o.country !== undefined) p.country = strValue(o.country, 'country', field, 2);
  if (o.address !== undefined) p.address = strValue(o.address, 'address', field, COMMAND_LIMITS.text_max);
  return p;
}

function reject(uetr: string | null, reason: string, field: string, detail: string): InstructionCheck {
  return { ok: false, uetr, rejection: { reason, field, detail } };
}

/** Checks one raw instruction; `field` prefixes paths in the rejection (e.g. "payments[3]"). */
export function checkInstruction(raw: Record<string, unknown>, scheme: SchemeView, field: string, rules: CheckRules = RULES_V2): InstructionCheck {
  const uetrRaw = raw.uetr;
  const uetr = typeof uetrRaw === 'string' && UETR_V4.test(uetrRaw) ? uetrRaw : null;
  if (uetr === null) return reject(null, REASON.format, `${field}.uetr`, 'must be a UUID v4 in lower case');
  let read: { ins: PaymentInstruction; amountText: string };
  try {
    read = readFields(raw, uetr, scheme, field, rules);
  } catch (err) {
    if (err instanceof PlatformError) return reject(uetr, REASON.format, err.field, err.message);
    throw err;
  }
  const { ins, amountText } = read;
  const parties = checkParties(ins, scheme, field);
  if (parties !== null) return parties;
  const amount = rules.rules_version >= 3 ? amountOf(amountText, ins.currency) : amountUnderRules1(amountText, ins.currency);
  if (typeof amount === 'string') return reject(uetr, REASON.invalid_amount, `${field}.amount`, amount);
  ins.amount_minor = amount;
  const dates = rules.rules_version >= 3 ? checkDatesV3(ins, rules, field) : checkDates(ins, scheme, field);
  if (dates !== null) return dates;
  if (ins.settlement === 'dns' && ins.payee_currency !== ins.currency) {
    return reject(uetr, REASON.forbidden, `${field}.settlement`, 'cross-currency payments settle payment-versus-payment in RTGS only');
  }
  return { ok: true, instruction: ins };
}

/** Rules 1 and 2: the value date is the open business day. */
function checkDates(ins: PaymentInstruction, scheme: SchemeView, field: string): InstructionCheck | null {
  const uetr = ins.uetr;
  if (scheme.business_date === null) return reject(uetr, REASON.invalid_date, `${field}.value_date`, 'no business day is open');
  if (ins.value_date !== scheme.business_date) {
    return reject(uetr, REASON.invalid_date, `${field}.value_date`, `${ins.value_date} is not the business day ${scheme.business_date}`);
  }
  return null;
}

/**
 * Rules 3: the value date is the current business day (open, or the last one
 * closed: the payment is late and goes to the warehouse) or a business day at most
 * WAREHOUSE_LIMITS.value_date_business_days_max after it; settle_by, when given,
 * is after now, not before the value date and at most settle_by_days_max days
 * after it.
 */
function checkDatesV3(ins: PaymentInstruction, rules: CheckRules, field: string): InstructionCheck | null {
  const uetr = ins.uetr;
  const today = currentDate(rules.day);
  if (today === null) return reject(uetr, REASON.invalid_date, `${field}.value_date`, 'no business day is open');
  const cal = rules.calendars?.get(ins.currency);
  if (cal !== undefined) {
    // The value date is in the payer currency's calendar: refused on a closed day (DT01) or rolled, as the calendar says.
    const r = calendarValueDate(cal, ins.value_date, currencyState(rules.calendars!, ins.currency, rules.day, rules.now_ns)!.business_date);
    if ('problem' in r) return reject(uetr, REASON.invalid_date, `${field}.value_date`, r.problem);
    ins.value_date = r.value_date;
  } else if (ins.value_date !== today) {
    const problem = futureValueDateProblem(ins.value_date, today, ins.currency);
    if (problem !== null) return reject(uetr, REASON.invalid_date, `${field}.value_date`, problem);
  }
  if (ins.settle_by_ns !== undefined) {
    const problem = settleByProblem(ins.settle_by_ns, ins.value_date, rules.now_ns);
    if (problem !== null) return reject(uetr, REASON.invalid_date, `${field}.settle_by`, problem);
  }
  return null;
}

/** Rules 3: the amount grammar of ./amounts.ts (no sign, at most 18 digits); the refusal names the rule broken. */
function amountOf(text: string, currency: string): bigint | string {
  const r = readAmount(text, memberCurrency(currency).minor_units, currency);
  return r.ok ? r.minor : r.message;
}

/** Rules 1 and 2, as they ran: a sign was read ("+1"), and every refusal said "decimals". */
function amountUnderRules1(text: string, currency: string): bigint | string {
  const mu = memberCurrency(currency).minor_units;
  let amount: bigint;
  try {
    amount = parseScaled(text, mu, 'amount');
  } catch {
    return `${JSON.stringify(text)} is not an amount in ${currency} (at most ${mu} decimals)`;
  }
  if (amount <= 0n || amount > U128_MAX) return 'must be greater than zero and within 128 bits';
  return amount;
}

/** The instruction's fields as given (the amount still text); throws PlatformError on a malformed one. */
function readFields(
  raw: Record<string, unknown>,
  uetr: string,
  scheme: SchemeView,
  field: string,
  rules: CheckRules,
): { ins: PaymentInstruction; amountText: string } {
  const known = rules.rules_version >= 3 ? KNOWN_FIELDS_V3 : KNOWN_FIELDS;
  // for-in, not Object.keys (no key array a payment): its own keys come first, in Object.keys' order, so the
  // first unknown one is the same; a key it inherits (none, for JSON data) is not the payment's and is skipped.
  for (const k in raw) {
    if (!known.has(k) && Object.hasOwn(raw, k)) throw new PlatformError('invalid_field', `${field}.${k}`, 'unknown field');
  }
  const priority = (raw.priority ?? 'normal') as Priority;
  if (priority !== 'urgent' && priority !== 'normal') throw new PlatformError('invalid_field', `${field}.priority`, 'must be urgent or normal');
  const settlement = (raw.settlement ?? 'rtgs') as SettlementMode;
  if (settlement !== 'rtgs' && settlement !== 'dns') throw new PlatformError('invalid_field', `${field}.settlement`, 'must be rtgs or dns');
  const currency = strValue(raw.currency, 'currency', field, 3);
  const amountText = strValue(raw.amount, 'amount', field, 40);
  const ins: PaymentInstruction = {
    uetr,
    end_to_end_id: strValue(raw.end_to_end_id, 'end_to_end_id', field, 35),
    payer: strValue(raw.payer, 'payer', field, 11),
    payee: strValue(raw.payee, 'payee', field, 11),
    currency,
    amount_minor: 0n,
    payee_currency: raw.payee_currency === undefined ? currency : strValue(raw.payee_currency, 'payee_currency', field, 3),
    value_date: raw.value_date === undefined ? defaultValueDate(scheme, rules, currency) : strValue(raw.value_date, 'value_date', field, 10),
    priority,
    settlement,
  };
  if (raw.fx_provider !== undefined) ins.fx_provider = strValue(raw.fx_provider, 'fx_provider', field, 11);
  if (raw.quote_id !== undefined) ins.quote_id = strValue(raw.quote_id, 'quote_id', field, 20);
  if (raw.purpose !== undefined) ins.purpose = strValue(raw.purpose, 'purpose', field, 35);
  if (raw.remittance !== undefined) ins.remittance = strValue(raw.remittance, 'remittance', field, COMMAND_LIMITS.text_max);
  if (raw.message !== undefined) ins.message = strValue(raw.message, 'message', field, 15);
  if (raw.settle_by !== undefined) {
    const text = strValue(raw.settle_by, 'settle_by', field, WAREHOUSE_LIMITS.settle_by_length_max);
    const ns = parseSettleBy(text);
    if (ns === null)
      throw new PlatformError(
        'invalid_field',
        `${field}.settle_by`,
        'must be an ISO 8601 date-time with a zone, e.g. 2025-09-01T15:00:00Z or 2025-09-01T18:00:00+03:00',
      );
    ins.settle_by_ns = ns;
  }
  const debtor = party(raw.debtor, field, 'debtor');
  if (debtor !== undefined) ins.debtor = debtor;
  const creditor = party(raw.creditor, field, 'creditor');
  if (creditor !== undefined) ins.creditor = creditor;
  return { ins, amountText };
}

/** The value date of an instruction that names none: the business date (under calendars, its currency's). */
function defaultValueDate(scheme: SchemeView, rules: CheckRules, currency: string): string {
  if (rules.rules_version < 3) return scheme.business_date ?? '';
  if (rules.calendars?.has(currency) === true) return currencyState(rules.calendars, currency, rules.day, rules.now_ns)?.business_date ?? '';
  return currentDate(rules.day) ?? '';
}

/** Payer and payee: known, different, not suspended, each holding its side's currency on the platform. */
function checkParties(ins: PaymentInstruction, scheme: SchemeView, field: string): InstructionCheck | null {
  const uetr = ins.uetr;
  const payer = scheme.participant(ins.payer);
  if (payer === undefined) return reject(uetr, REASON.incorrect_agent, `${field}.payer`, `${ins.payer} is not a participant`);
  const payee = scheme.participant(ins.payee);
  if (payee === undefined) return reject(uetr, REASON.incorrect_agent, `${field}.payee`, `${ins.payee} is not a participant`);
  if (payer.id === payee.id) return reject(uetr, REASON.forbidden, `${field}.payee`, 'a payment to oneself');
  if (payer.suspended) return reject(uetr, REASON.forbidden, `${field}.payer`, `${payer.id} is suspended`);
  // The payer's side, then the payee's (called twice rather than looping over pairs made for every payment).
  return (
    currencyRefusal(uetr, scheme, field, 'currency', ins.currency, payer) ?? currencyRefusal(uetr, scheme, field, 'payee_currency', ins.payee_currency, payee)
  );
}

/** A side's currency: a member currency the platform settles and the side holds an account in; else its refusal. */
function currencyRefusal(uetr: string, scheme: SchemeView, field: string, k: string, code: string, who: Participant): InstructionCheck | null {
  let ok = true;
  try {
    memberCurrency(code, k);
  } catch {
    ok = false;
  }
  if (!ok || !scheme.currencyActive(code)) return reject(uetr, REASON.currency_not_allowed, `${field}.${k}`, `${code} is not settled on the platform`);
  if (!who.currencies.includes(code)) return reject(uetr, REASON.currency_not_allowed, `${field}.${k}`, `${who.id} holds no ${code} account`);
  return null;
}

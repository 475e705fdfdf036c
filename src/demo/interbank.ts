// The banks' interbank business in the demo day, besides their customers'
// payments: money-market loans repaid with interest (src/sim/money_market.ts)
// and FX squaring of the foreign-currency positions trade leaves them with
// (src/sim/fx_squaring.ts). Owns when the rounds run, reading positions from the
// platform, the loan book, and the tally of what was sent; every payment goes
// through the demo's ISO 20022 message path like the traffic (`send`).
//
// Interbank payments are marked by their end-to-end id's prefix, so the report
// can count trade traffic and all traffic apart: PLC- a placement (loan), RPY- a
// repayment with interest, FXS- one leg of an FX squaring trade.

import type { Platform } from '../platform/platform.js';
import { minorUnits, referenceRate } from '../sim/profile.js';
import { planSquaring, squarable, type FxPosition, type SquaringPolicy } from '../sim/fx_squaring.js';
import { dueRepayments, type Loan, type MoneyMarketPolicy } from '../sim/money_market.js';
import type { TreasuryContext } from './treasury.js';

export type InterbankKind = 'placement' | 'repayment' | 'fx_squaring';

export const INTERBANK_PREFIX: Readonly<Record<InterbankKind, string>> = Object.freeze({ placement: 'PLC-', repayment: 'RPY-', fx_squaring: 'FXS-' });

/** The kind of an interbank payment from its end-to-end id; null for the traffic's own payments. */
export function interbankKindOf(end_to_end_id: string): InterbankKind | null {
  // Asked of every payment several times a day (receive, samples, report): the table is walked, not rebuilt.
  for (const [kind, prefix] of PREFIXES) if (end_to_end_id.startsWith(prefix)) return kind;
  return null;
}

const PREFIXES = Object.entries(INTERBANK_PREFIX) as ReadonlyArray<[InterbankKind, string]>;

/** One interbank payment to send (a pacs.009). */
export interface InterbankPayment {
  readonly kind: InterbankKind;
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly amount_minor: bigint;
  /** ISO 20022 ExternalPurpose1Code. */
  readonly purpose: string;
  readonly remittance: string;
}

export interface DeskContext {
  readonly platform: Platform;
  readonly t: TreasuryContext;
  readonly date: string;
  readonly opening_ns: bigint;
  /** Adds the payment to the open batch; returns its UETR. */
  readonly send: (p: InterbankPayment) => string;
  /** null: no squaring. */
  readonly squaring: SquaringPolicy | null;
  /** null: placements stay overnight (repaid after the day). */
  readonly money: MoneyMarketPolicy | null;
  /** Loans placed and not yet repaid. */
  loans: Loan[];
  next_square_ns: bigint;
  /** Index of the next repayment round in `money.repay_at_min`. */
  next_repay: number;
  /** Trades and repayments sent: count and value per currency. */
  readonly sent: Map<InterbankKind, Map<string, { count: number; value_minor: bigint }>>;
}

const NS_PER_MIN = 60_000_000_000n;

export function newDesk(
  platform: Platform,
  t: TreasuryContext,
  date: string,
  opening_ns: bigint,
  send: (p: InterbankPayment) => string,
  squaring: SquaringPolicy | null,
  money: MoneyMarketPolicy | null,
): DeskContext {
  // Without squaring the first round is never due.
  const first = squaring === null ? -1n : opening_ns + BigInt(Math.round(squaring.every_min)) * NS_PER_MIN;
  return { platform, t, date, opening_ns, send, squaring, money, loans: [], next_square_ns: first, next_repay: 0, sent: new Map() };
}

function record(d: DeskContext, p: InterbankPayment): string {
  const uetr = d.send(p);
  const by = d.sent.get(p.kind) ?? new Map<string, { count: number; value_minor: bigint }>();
  d.sent.set(p.kind, by);
  const rec = by.get(p.currency) ?? { count: 0, value_minor: 0n };
  by.set(p.currency, { count: rec.count + 1, value_minor: rec.value_minor + p.amount_minor });
  return uetr;
}

/** A treasury's placement (liquidity_policy.ts): sent as a loan the money market will see repaid. */
export function placeLoan(d: DeskContext, lender: string, borrower: string, currency: string, amount_minor: bigint): void {
  const remittance = `Money-market loan ${currency} ${d.date}, repayable with interest at ${currency} rate`;
  const uetr = record(d, { kind: 'placement', from: lender, to: borrower, currency, amount_minor, purpose: 'CASH', remittance });
  d.loans.push({ id: uetr, lender, borrower, currency, principal_minor: amount_minor, placed_ns: d.t.now() });
}

/** The rounds due at the current time: repayments first (they free nothing others need), then squaring. */
export async function interbankRounds(d: DeskContext): Promise<void> {
  const now = d.t.now();
  const rounds = d.money?.repay_at_min ?? [];
  if (d.money !== null && d.next_repay < rounds.length && now >= d.opening_ns + BigInt(rounds[d.next_repay]!) * NS_PER_MIN) {
    d.next_repay++;
    await repayLoans(d, d.money, now);
  }
  if (d.squaring !== null && d.next_square_ns >= 0n && now >= d.next_square_ns) {
    d.next_square_ns += BigInt(Math.round(d.squaring.every_min)) * NS_PER_MIN;
    await square(d, d.squaring);
  }
}

async function repayLoans(d: DeskContext, money: MoneyMarketPolicy, now: bigint): Promise<void> {
  const queued = queuedAccounts(d.platform);
  const due = dueRepayments(
    d.loans,
    now,
    (loan) => d.platform.payment(loan.id)?.state === 'settled',
    (bic, ccy) => ({ available_minor: available(d.platform, bic, ccy), queue_empty: !queued.has(`${bic}:${ccy}`) }),
    money,
  );
  if (due.length === 0) return;
  const repaid = new Set<string>();
  for (const r of due) {
    const l = r.loan;
    const remittance = `Repayment of loan ${l.id.slice(0, 8)}: principal ${l.principal_minor} + interest ${r.interest_minor} minor units ${l.currency}`;
    record(d, { kind: 'repayment', from: l.borrower, to: l.lender, currency: l.currency, amount_minor: r.amount_minor, purpose: 'INTE', remittance });
    repaid.add(l.id);
  }
  d.loans = d.loans.filter((l) => !repaid.has(l.id));
  await d.t.flush();
}

/** One squaring round: positions read, trades planned, each sent as two pacs.009 legs. */
async function square(d: DeskContext, policy: SquaringPolicy): Promise<void> {
  const { banks, dealers } = positions(d, policy);
  const convert = (from: string, to: string, minor: bigint): bigint | null => {
    try {
      return d.platform.convertAtReferenceRate(from, to, minor, d.date, 'down');
    } catch {
      return null;
    }
  };
  const trades = planSquaring(banks, dealers, convert, (ccy) => minMinor(policy.min_usd, ccy));
  if (trades.length === 0) return;
  for (const tr of trades) {
    const ref = `${tr.sell_ccy}/${tr.buy_ccy} ${d.date}`;
    const who = tr.with_dealer ? 'dealer' : 'bank';
    record(d, {
      kind: 'fx_squaring',
      from: tr.seller,
      to: tr.buyer,
      currency: tr.sell_ccy,
      amount_minor: tr.sell_minor,
      purpose: 'FREX',
      remittance: `FX ${ref}: sold to ${who}`,
    });
    record(d, {
      kind: 'fx_squaring',
      from: tr.buyer,
      to: tr.seller,
      currency: tr.buy_ccy,
      amount_minor: tr.buy_minor,
      purpose: 'FREX',
      remittance: `FX ${ref}: countervalue`,
    });
  }
  await d.t.flush();
}

/** Banks' foreign-currency surpluses and dealers' long positions (fx_squaring.ts, step 1). */
function positions(d: DeskContext, policy: SquaringPolicy): { banks: FxPosition[]; dealers: FxPosition[] } {
  const queued = queuedAccounts(d.platform);
  const banks: FxPosition[] = [];
  const dealers: FxPosition[] = [];
  for (const p of d.platform.participants()) {
    if (p.kind !== 'bank' && p.kind !== 'liquidity_provider') continue;
    const home = d.t.home.get(p.id) ?? null;
    for (const ccy of p.currencies) {
      const key = `${p.id}:${ccy}`;
      if (queued.has(key)) continue;
      const avail = d.platform.availableMinor(p, ccy);
      // What it holds beyond what it brought in from home today.
      const s = squarable(avail - (d.t.funded_minor.get(key) ?? 0n), policy);
      if (s <= 0n) continue;
      if (p.kind === 'liquidity_provider') dealers.push({ bic: p.id, home: null, currency: ccy, surplus_minor: s });
      else if (ccy !== home) banks.push({ bic: p.id, home, currency: ccy, surplus_minor: s });
    }
  }
  return { banks, dealers };
}

/** `min_usd` in minor units of `ccy` at the embedded reference rate, rounded down (exact). */
function minMinor(min_usd: number, ccy: string): bigint {
  const r = referenceRate(ccy);
  return (BigInt(Math.round(min_usd)) * r.num * 10n ** BigInt(minorUnits(ccy))) / r.den;
}

function available(platform: Platform, bic: string, ccy: string): bigint {
  const p = platform.participant(bic);
  if (p === undefined || !p.currencies.includes(ccy)) return 0n;
  return platform.availableMinor(p, ccy);
}

/** `bic:ccy` of every payer (and PvP provider leg) with an RTGS payment queued. */
function queuedAccounts(platform: Platform): Set<string> {
  const out = new Set<string>();
  for (const pay of platform.queuedPayments()) {
    if (pay.instruction.settlement !== 'rtgs') continue;
    out.add(`${pay.instruction.payer}:${pay.instruction.currency}`);
    if (pay.fx !== null) out.add(`${pay.fx.provider}:${pay.instruction.payee_currency}`);
  }
  return out;
}

// The banks' treasuries in the demo day: they apply the liquidity policy of
// src/sim/liquidity_policy.ts through platform commands. Owns the opening
// funding, the collateral behind intraday credit, covering due shortfalls
// (borrowing from participants with a surplus first, a money-market loan sent
// as a pacs.009 and repaid by ./interbank.ts, then funding from home within the
// day's cap), and the record of
// every unit of liquidity put in (the report divides by it).
//
// Every liquidity source is counted where it enters: opening funding and home
// top-ups here (`funding`), intraday credit drawn and swap-line drawings by the
// report from the platform. Placements move money already on the platform, so
// they add none. Funding is also kept per phase of the day (`FundingPhase`), so
// the report can say where a day's liquidity went (issue #16: on the 20,000-payment
// day the cover of the deferred-net windows' net debits at 15:00 is ~30-40 % of it).

import { formatMajor } from '../platform/fx_tools.js';
import type { Platform } from '../platform/platform.js';
import { dueShortfalls, planCover, type LenderPosition, type LiquidityPolicy, type QueuedNeed } from '../sim/liquidity_policy.js';
import type { SchemeProfile } from '../sim/index.js';

/**
 * When funding from home was put in: the opening; intraday top-ups of the queues;
 * the deferred-net windows' close (the RTGS queues covered first, then the
 * windows' net debits); the day's close (whatever is still queued); the
 * repayment of intraday credit before the close.
 */
export type FundingPhase = 'opening' | 'intraday' | 'window' | 'close' | 'credit_repayment';
export const FUNDING_PHASES: readonly FundingPhase[] = ['opening', 'intraday', 'window', 'close', 'credit_repayment'];

/** What the treasuries need of the running day. */
export interface TreasuryContext {
  readonly platform: Platform;
  readonly policy: LiquidityPolicy;
  /** The expected outflow of the day per `bic:ccy` (the profile computed at ratio 1), minor units. */
  readonly expected: Map<string, bigint>;
  /** Liquidity put in from home (opening and top-ups), per currency, minor units. */
  readonly funding: Map<string, bigint>;
  /** The same per phase of the day, then per currency (every phase's sum equals `funding`). */
  readonly funding_by_phase: Map<FundingPhase, Map<string, bigint>>;
  /** The phase funding is put in now (the day sets it). */
  phase: FundingPhase;
  /** What each `bic:ccy` may still be funded with from home today (the cap). */
  readonly budget: Map<string, bigint>;
  /** Simulated time now, ns. */
  readonly now: () => bigint;
  /** Adds an overnight placement `lender` → `borrower` (an urgent pacs.009) to the open batch. */
  readonly place: (lender: string, borrower: string, currency: string, amount_minor: bigint) => void;
  /** Submits the open batch. */
  readonly flush: () => Promise<void>;
  /** `bic:ccy` funded from home today (opening or top-up): such an account lends nothing (no money brought in is passed on). */
  readonly funded: Set<string>;
  /** Placements sent: count and value per currency. */
  readonly placements: Map<string, { count: number; value_minor: bigint }>;
  /** Funded from home today per `bic:ccy`, minor units (a dealer's long position is what it holds beyond this). */
  readonly funded_minor: Map<string, bigint>;
  /** Each bank's home currency, by BIC (liquidity providers have none). */
  readonly home: Map<string, string>;
}

const PPM = 1_000_000n;

function ppm(x: number): bigint {
  return BigInt(Math.round(x * 1e6));
}

/** Expected outflow of the day per `bic:ccy`: the profile's liquidity when built at ratio 1. */
export function expectedOutflows(profile: SchemeProfile): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const q of [...profile.banks, ...profile.liquidity_providers]) for (const [ccy, minor] of Object.entries(q.liquidity)) out.set(`${q.bic}:${ccy}`, minor);
  return out;
}

/**
 * The day's cap of home top-ups per account: `topup_cap_multiple` × the expected
 * outflow; an account with no expected outflow (a foreign currency a bank only
 * receives in) gets the multiple of its home outflow converted, rounded down.
 */
export function topUpBudgets(t: Pick<TreasuryContext, 'platform' | 'policy' | 'expected'>, profile: SchemeProfile, date: string): Map<string, bigint> {
  const m = ppm(t.policy.topup_cap_multiple);
  const budget = new Map<string, bigint>();
  for (const b of profile.banks) {
    const home = t.expected.get(`${b.bic}:${b.currency}`) ?? 0n;
    for (const ccy of Object.keys(b.liquidity)) {
      let base = t.expected.get(`${b.bic}:${ccy}`) ?? 0n;
      if (base === 0n && ccy !== b.currency) base = convertOrZero(t.platform, b.currency, ccy, home, date);
      budget.set(`${b.bic}:${ccy}`, (base * m) / PPM);
    }
  }
  // A provider's cap in a currency is the multiple of ALL its expected payouts converted to it: the platform picks the
  // provider holding the most, so one may serve a whole corridor, and a small currency's expected payouts are lumpy.
  for (const lp of profile.liquidity_providers) {
    const ccys = Object.keys(lp.liquidity);
    for (const ccy of ccys) {
      let total = 0n;
      for (const from of ccys) total += convertOrZero(t.platform, from, ccy, t.expected.get(`${lp.bic}:${from}`) ?? 0n, date);
      budget.set(`${lp.bic}:${ccy}`, (total * m) / PPM);
    }
  }
  return budget;
}

function convertOrZero(platform: Platform, from: string, to: string, minor: bigint, date: string): bigint {
  if (from === to || minor === 0n) return minor;
  try {
    return platform.convertAtReferenceRate(from, to, minor, date, 'down');
  } catch {
    return 0n; // no rate: that part counts for nothing
  }
}

function recordFunding(t: TreasuryContext, phase: FundingPhase, ccy: string, amount: bigint): void {
  t.funding.set(ccy, (t.funding.get(ccy) ?? 0n) + amount);
  const m = t.funding_by_phase.get(phase) ?? new Map<string, bigint>();
  t.funding_by_phase.set(phase, m);
  m.set(ccy, (m.get(ccy) ?? 0n) + amount);
}

/** Opening balances: `opening_share` of each account's expected outflow, funded from home. */
export async function fundOpening(t: TreasuryContext): Promise<void> {
  const share = ppm(t.policy.opening_share);
  for (const [key, expected] of t.expected) {
    const amount = (expected * share) / PPM;
    if (amount <= 0n) continue;
    const [bic, ccy] = key.split(':') as [string, string];
    await t.platform.run({ type: 'fund', participant: bic, currency: ccy, amount: formatMajor(amount, ccy) }, 'operator');
    recordFunding(t, 'opening', ccy, amount);
    t.funded.add(key);
    t.funded_minor.set(key, (t.funded_minor.get(key) ?? 0n) + amount);
  }
}

/** Every bank with an expected home outflow pledges government bonds for a line of `credit_share` of it (5% haircut), drawn automatically. */
export async function pledgeCollateral(t: TreasuryContext, profile: SchemeProfile): Promise<void> {
  const share = ppm(t.policy.credit_share);
  if (share === 0n) return;
  for (const b of profile.banks) {
    const line = ((t.expected.get(`${b.bic}:${b.currency}`) ?? 0n) * share) / PPM;
    // Market value so that value × (1 − 5%) ≥ the line, rounded up.
    const value = (line * 10_000n + 9_499n) / 9_500n;
    if (line <= 0n) continue;
    await t.platform.run(
      {
        type: 'set_collateral',
        participant: b.bic,
        currency: b.currency,
        auto_draw: true,
        items: [{ id: `${b.bic}-GB1`, kind: 'government_bond', currency: b.currency, market_value: formatMajor(value, b.currency), haircut_bp: 500 }],
      },
      'operator',
    );
  }
}

/** The accounts queued RTGS payments need: each payer's currency and, for PvP, its provider's payee currency. */
function queuedNeeds(platform: Platform, now_ns: bigint): QueuedNeed[] {
  const needs: QueuedNeed[] = [];
  for (const pay of platform.queuedPayments()) {
    const ins = pay.instruction;
    if (ins.settlement !== 'rtgs') continue;
    const waited_ns = now_ns - pay.history[pay.history.length - 1]!.at_ns;
    const urgent = ins.priority === 'urgent';
    needs.push({ account: `${ins.payer}:${ins.currency}`, amount_minor: ins.amount_minor, waited_ns, urgent });
    if (pay.fx !== null) needs.push({ account: `${pay.fx.provider}:${ins.payee_currency}`, amount_minor: pay.fx.payee_amount_minor, waited_ns, urgent });
  }
  return needs;
}

function available(platform: Platform, account: string): bigint {
  const [bic, ccy] = account.split(':') as [string, string];
  const p = platform.participant(bic);
  if (p === undefined || !p.currencies.includes(ccy)) return 0n;
  return platform.availableMinor(p, ccy);
}

/**
 * The RTGS queues' due shortfalls covered: borrowed, then funded from home.
 * `all`: nothing may wait (the day's end); `urgentOnly`: between the 15-minute
 * rounds only accounts with an urgent payment due are covered (fewer commands).
 */
export async function coverDue(t: TreasuryContext, all = false, urgentOnly = false): Promise<void> {
  const due = dueShortfalls(queuedNeeds(t.platform, t.now()), (a) => available(t.platform, a), t.policy, all);
  const shortfalls = urgentOnly ? due.filter((s) => s.urgent) : due;
  await cover(
    t,
    shortfalls.map((s) => [s.account, s.shortfall_minor]),
  );
}

/**
 * Covers each `[bic:ccy, shortfall]` in order; lenders' positions are read once
 * per currency and kept current. `reserved`: what a `bic:ccy` must keep (a
 * window's net debit) and so may not lend.
 */
export async function cover(t: TreasuryContext, shortfalls: ReadonlyArray<readonly [string, bigint]>, reserved = new Map<string, bigint>()): Promise<void> {
  const lenders = new Map<string, LenderPosition[]>();
  const queued = t.policy.borrow_first ? queuedAccounts(t.platform) : new Set<string>();
  // Placements first, all in one batch, so no funding re-examines a queue between a plan and its placements.
  const funds: Array<[string, bigint]> = [];
  for (const [account, shortfall] of shortfalls) {
    const [bic, ccy] = account.split(':') as [string, string];
    const who = t.platform.participant(bic);
    if (who === undefined || who.kind === 'central_bank') continue;
    const pool = lenders.get(ccy) ?? lenderPositions(t, ccy, queued, reserved);
    lenders.set(ccy, pool);
    const plan = planCover(bic, shortfall, pool, t.budget.get(account) ?? 0n, t.policy);
    if (plan.fund_minor > 0n) funds.push([account, plan.fund_minor]);
    for (const loan of plan.loans) {
      t.place(loan.lender, bic, ccy, loan.amount_minor);
      const i = pool.findIndex((l) => l.bic === loan.lender);
      pool[i] = { ...pool[i]!, available_minor: pool[i]!.available_minor - loan.amount_minor };
      const rec = t.placements.get(ccy) ?? { count: 0, value_minor: 0n };
      t.placements.set(ccy, { count: rec.count + 1, value_minor: rec.value_minor + loan.amount_minor });
    }
  }
  await t.flush();
  for (const [account, amount] of funds) {
    const [bic, ccy] = account.split(':') as [string, string];
    await t.platform.run({ type: 'fund', participant: bic, currency: ccy, amount: formatMajor(amount, ccy) }, `${bic}-treasury`);
    t.budget.set(account, (t.budget.get(account) ?? 0n) - amount);
    recordFunding(t, t.phase, ccy, amount);
    t.funded.add(account);
    t.funded_minor.set(account, (t.funded_minor.get(account) ?? 0n) + amount);
  }
}

/** Before the close: every bank holds what repays its intraday credit (borrowed, then funded), so none stays outstanding overnight. */
export async function coverCreditRepayment(t: TreasuryContext): Promise<void> {
  t.phase = 'credit_repayment';
  const due: Array<[string, bigint]> = [];
  for (const f of t.platform.facilities()) {
    if (f.outstanding_minor <= 0n) continue;
    const short = f.outstanding_minor - available(t.platform, `${f.participant}:${f.currency}`);
    if (short > 0n) due.push([`${f.participant}:${f.currency}`, short]);
  }
  due.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const reserved = new Map<string, bigint>();
  for (const f of t.platform.facilities()) if (f.outstanding_minor > 0n) reserved.set(`${f.participant}:${f.currency}`, f.outstanding_minor);
  await cover(t, due, reserved);
}

/** `bic:ccy` of every account with an RTGS payment queued (such a participant lends nothing in that currency). */
function queuedAccounts(platform: Platform): Set<string> {
  const out = new Set<string>();
  for (const pay of platform.queuedPayments()) if (pay.instruction.settlement === 'rtgs') out.add(`${pay.instruction.payer}:${pay.instruction.currency}`);
  return out;
}

/**
 * Who may lend in `ccy`: banks and liquidity providers (a dealer long a currency
 * from the PvP payments it intermediated places it in the market like a bank),
 * what they hold beyond what they funded from home today and beyond their
 * outstanding intraday credit: no money brought in and no central-bank credit is
 * passed on.
 */
function lenderPositions(t: TreasuryContext, ccy: string, queued: Set<string>, reserved: Map<string, bigint>): LenderPosition[] {
  const { platform } = t;
  const credit = new Map<string, bigint>();
  for (const f of platform.facilities()) if (f.currency === ccy) credit.set(f.participant, (credit.get(f.participant) ?? 0n) + f.outstanding_minor);
  const out: LenderPosition[] = [];
  for (const p of platform.participants()) {
    if ((p.kind !== 'bank' && p.kind !== 'liquidity_provider') || !p.currencies.includes(ccy)) continue;
    const key = `${p.id}:${ccy}`;
    const brought = (t.funded_minor.get(key) ?? 0n) + (credit.get(p.id) ?? 0n);
    const free = platform.availableMinor(p, ccy) - brought - (reserved.get(key) ?? 0n);
    out.push({ bic: p.id, available_minor: free, queue_empty: !queued.has(key) });
  }
  return out;
}

// Commands of financing: collateral (which sets a participant's intraday-credit
// line), explicit credit drawdowns, and central-bank swap lines (opened, drawn,
// unwound by financing/swap_lines.ts).

import { schemeHaircut } from './governance_effect.js';
import { ACCOUNT_KIND, accountId } from '../clearing/accounts.js';
import { isOpen } from '../clearing/business_day.js';
import type { Participant } from '../clearing/types.js';
import { creditLine, emptyPool, registerItem, type CollateralKind } from '../financing/collateral.js';
import { headroom, withLine } from '../financing/intraday_credit.js';
import { drawSwap, openSwapLine, remaining, unwindAtMaturity, type DayCount, type SwapLine } from '../financing/swap_lines.js';
import { memberCurrency } from '../fx/iso4217.js';
import { parseDecimal, type Rational } from '../fx/rational.js';
import { REFERENCE_RATES } from '../fx/reference_data.js';
import { AccountFlags, emptyAccount, RESULT_CODES, type Transfer } from '../ledger/types.js';
import type { Command } from './commands.js';
import type { CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { activeCurrency, amount, memberOrAny, need } from './participant_commands.js';
import { drawCredit as applyDraw } from './settlement.js';
import { facilityKey } from './state.js';
import type { CollateralRecord } from './types.js';
import { facilityView, swapView } from './views.js';

/** Runs a financing rule, reporting its input errors as the platform's. */
function financing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PlatformError) throw err;
    const e = err as Error & { field?: string; code?: string };
    if (e.field === undefined) throw err;
    throw new PlatformError(e.code === 'limit_exceeded' ? 'limit_exceeded' : 'financing', e.field, e.message);
  }
}

export function setCollateral(cx: CommandContext, cmd: Extract<Command, { type: 'set_collateral' }>): unknown {
  const s = cx.s;
  const p = need(s, cmd.participant, 'participant');
  const c = activeCurrency(s, cmd.currency, 'currency');
  if (!p.currencies.includes(c.code) || p.issues === c.code)
    throw new PlatformError('invalid_state', 'currency', `${p.id} holds no ${c.code} settlement account`);
  let pool = emptyPool(p.id);
  const items: CollateralRecord[] = [];
  try {
    cmd.items.forEach((it, i) => {
      const ic = memberOrAny(it.currency, `items[${i}].currency`);
      const market_value_minor = amount(it.market_value, ic, `items[${i}].market_value`, cx.rules_version);
      // Rules 3 under a scheme: the scheme's haircut for the class is the least an item counts with.
      const haircut_bp = cx.rules_version >= 3 ? schemeHaircut(s, it.kind, it.haircut_bp) : it.haircut_bp;
      pool = registerItem(pool, { id: it.id, kind: it.kind as CollateralKind, currency: ic.code, market_value_minor, haircut_bp });
      items.push({ id: it.id, kind: it.kind, currency: ic.code, market_value_minor, haircut_bp });
    });
  } catch (err) {
    if (err instanceof PlatformError) throw err;
    const e = err as Error & { field?: string };
    throw new PlatformError('financing', e.field ?? 'items', e.message);
  }
  let line: bigint;
  try {
    line = poolLine(s, pool, c.code);
  } catch (err) {
    throw new PlatformError('rate_unavailable', 'items', (err as Error).message);
  }
  const existing = s.facilityOf(p.id, c.code);
  const f = withLine(existing, p.id, c.code, line, cmd.auto_draw);
  if (f === null)
    throw new PlatformError('limit_exceeded', 'items', `the new line ${line} is below the ${existing!.outstanding_minor} outstanding; repay first`);
  s.putFacility(f);
  s.collateral.set(facilityKey(p.id, c.code), items);
  cx.markDirty(p, c.code);
  return facilityView(f);
}

/** The credit line a pool gives in `currency`, at the business day's reference rates (throws when a rate is missing). */
function poolLine(s: CommandContext['s'], pool: ReturnType<typeof emptyPool>, currency: string): bigint {
  const date = s.day?.date ?? s.days[s.days.length - 1]?.date ?? REFERENCE_RATES[0]!.date;
  return creditLine(pool, currency, (from, to) => s.rates().crossRate(from, to, date).rate).line_minor;
}

/** A credit line a scheme version's haircut floors lowered when it came into force. */
export interface LineLowered {
  participant: string;
  currency: string;
  line_before: string;
  line: string;
}

/**
 * Rules 3, when a scheme version comes into force: items pledged with a haircut
 * below the version's floor for their class count with the floor from now on, and
 * the line falls to what the pool is then worth at the day's rates — never rises
 * (a lowered floor waits for the next pledge) and never below what is
 * outstanding. A pool whose value cannot be formed (a rate is missing) is left
 * as it was. Pools in participant and currency order.
 */
export function applyHaircutFloors(cx: CommandContext): LineLowered[] {
  const s = cx.s;
  const out: LineLowered[] = [];
  for (const [key, items] of [...s.collateral].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const floored = items.map((it) => ({ ...it, haircut_bp: schemeHaircut(s, it.kind, it.haircut_bp) }));
    if (floored.every((it, i) => it.haircut_bp === items[i]!.haircut_bp)) continue;
    const f = s.facilities.get(key);
    if (f === undefined) continue;
    let pool = emptyPool(f.participant);
    let worth: bigint;
    try {
      for (const it of floored) pool = registerItem(pool, { ...it, kind: it.kind as CollateralKind });
      worth = poolLine(s, pool, f.currency);
    } catch {
      continue;
    }
    const line = worth < f.line_minor ? (worth > f.outstanding_minor ? worth : f.outstanding_minor) : f.line_minor;
    s.collateral.set(key, floored);
    if (line === f.line_minor) continue;
    s.putFacility({ ...f, line_minor: line });
    out.push({ participant: f.participant, currency: f.currency, line_before: f.line_minor.toString(), line: line.toString() });
  }
  return out;
}

export function drawCredit(cx: CommandContext, participant: string, currency: string, amountText: string): unknown {
  const s = cx.s;
  const p = need(s, participant, 'participant');
  const c = activeCurrency(s, currency, 'currency');
  const f = s.facilityOf(p.id, c.code);
  if (f === undefined) throw new PlatformError('not_found', 'currency', `${p.id} has no ${c.code} credit facility`);
  if (!isOpen(s.day)) throw new PlatformError('no_business_day', '', 'intraday credit is drawn during an open business day');
  const value = amount(amountText, c, 'amount', cx.rules_version);
  if (value > headroom(f)) throw new PlatformError('limit_exceeded', 'amount', `only ${headroom(f)} minor units of the line are available`);
  applyDraw(cx, p, f, value);
  cx.markDirty(p, c.code);
  return facilityView(s.facilityOf(p.id, c.code)!);
}

/** Gives a participant an account in a currency it did not hold (swap-line legs). */
function ensureAccount(cx: CommandContext, p: Participant, currency: string, kind: number): bigint {
  const c = memberCurrency(currency);
  const id = accountId(p.no, c.numeric, kind);
  if (cx.ledger.machine.lookupAccount(id) !== undefined) return id;
  const flags = kind === ACCOUNT_KIND.settlement ? AccountFlags.debits_must_not_exceed_credits | AccountFlags.history : 0;
  const r = cx.ledger.createAccounts([emptyAccount(id, c.numeric, kind, flags)]);
  if (r[0] !== 0) throw new Error(`account ${id} refused: ${RESULT_CODES[r[0]!]}`);
  if (kind === ACCOUNT_KIND.settlement && !p.currencies.includes(currency)) p.currencies.push(currency);
  return id;
}

export function openSwap(cx: CommandContext, cmd: Extract<Command, { type: 'open_swap_line' }>): unknown {
  const s = cx.s;
  if (s.swapLines.has(cmd.id)) throw new PlatformError('invalid_state', 'id', `swap line ${cmd.id} exists`);
  const provider = need(s, cmd.provider, 'provider');
  const drawer = need(s, cmd.drawer, 'drawer');
  if (provider.kind !== 'central_bank' || drawer.kind !== 'central_bank')
    throw new PlatformError('invalid_field', provider.kind !== 'central_bank' ? 'provider' : 'drawer', 'swap lines are between central banks');
  const P = provider.issues!;
  const D = drawer.issues!;
  const pc = memberCurrency(P);
  const limit = amount(cmd.limit, pc, 'limit', cx.rules_version);
  let rate: Rational;
  try {
    rate = cmd.rate === '' ? s.rates().crossRate(P, D, cmd.start_date).rate : parseDecimal(cmd.rate, 'rate');
  } catch (err) {
    throw new PlatformError('rate_unavailable', 'rate', (err as Error).message);
  }
  const interest = financing(() => parseDecimal(cmd.interest_rate, 'interest_rate'));
  const dc = memberCurrency(D);
  const accounts = {
    provider_p_account_id: accountId(provider.no, pc.numeric, ACCOUNT_KIND.issuing),
    drawer_p_account_id: accountId(drawer.no, pc.numeric, ACCOUNT_KIND.settlement),
    provider_p_interest_account_id: accountId(provider.no, pc.numeric, ACCOUNT_KIND.swap_interest),
    drawer_d_account_id: accountId(drawer.no, dc.numeric, ACCOUNT_KIND.issuing),
    provider_d_account_id: accountId(provider.no, dc.numeric, ACCOUNT_KIND.settlement),
  };
  // Validate everything before creating accounts: a refused line leaves nothing behind.
  const line = financing(() =>
    openSwapLine({
      id: cmd.id,
      provider: provider.id,
      drawer: drawer.id,
      provider_currency: P,
      drawer_currency: D,
      limit_minor: limit,
      rate,
      interest_rate: interest,
      day_count: cmd.day_count as DayCount,
      start_date: cmd.start_date,
      maturity_date: cmd.maturity_date,
      accounts,
    }),
  );
  ensureAccount(cx, drawer, P, ACCOUNT_KIND.settlement);
  ensureAccount(cx, provider, P, ACCOUNT_KIND.swap_interest);
  ensureAccount(cx, provider, D, ACCOUNT_KIND.settlement);
  s.swapLines.set(line.terms.id, line);
  return swapView(line);
}

function swapLine(cx: CommandContext, id: string): SwapLine {
  const l = cx.s.swapLines.get(id);
  if (l === undefined) throw new PlatformError('not_found', 'line', `no swap line ${id}`);
  return l;
}

function businessDate(cx: CommandContext): string {
  if (!isOpen(cx.s.day)) throw new PlatformError('no_business_day', '', 'no business day is open');
  return cx.s.day.date;
}

/** The first failure of a swap batch that is not its chain partner's, or -1. */
function rootFailure(results: Uint8Array): number {
  return results.findIndex((x) => x !== 0 && RESULT_CODES[x] !== 'linked_event_failed');
}

export function drawSwapLine(cx: CommandContext, id: string, amountText: string): unknown {
  const line = swapLine(cx, id);
  const date = businessDate(cx);
  const value = amount(amountText, memberCurrency(line.terms.provider_currency), 'amount', cx.rules_version);
  if (value > remaining(line))
    throw new PlatformError('limit_exceeded', 'amount', `only ${remaining(line)} minor units of the ${line.terms.limit_minor} limit remain`);
  const step = applySwapStep(
    cx,
    (ids) => drawSwap(line, value, date, ids),
    'amount',
    (code) => `the ledger refused the drawing: ${code}`,
  );
  cx.s.swapLines.set(id, step.line);
  cx.markDirty(cx.s.byId.get(line.terms.drawer)!, line.terms.provider_currency);
  return swapView(step.line);
}

export function unwindSwapLine(cx: CommandContext, id: string): unknown {
  const line = swapLine(cx, id);
  const date = businessDate(cx);
  const step = applySwapStep(
    cx,
    (ids) => unwindAtMaturity(line, date, ids),
    'line',
    (code) => `the ledger refused the unwind: ${code}; the drawer needs the principal and interest on its account`,
  );
  cx.s.swapLines.set(id, step.line);
  return { ...(swapView(step.line) as object), interest_minor: step.interest.interest_minor };
}

/** Applies a swap-line step's transfers if the ledger accepts them all; a refusal names `field` (insufficient_funds when it is liquidity). */
function applySwapStep<T extends { transfers: readonly Transfer[] }>(
  cx: CommandContext,
  plan: (ids: () => bigint) => T,
  field: string,
  why: (code: string) => string,
): T {
  const applied = cx.applyPlan(
    (ids) => financing(() => plan(ids)),
    (step) => step.transfers,
    'if_accepted',
  );
  const bad = rootFailure(applied.results);
  if (bad >= 0) {
    const code = RESULT_CODES[applied.results[bad]!]!;
    throw new PlatformError(code === 'exceeds_credits' ? 'insufficient_funds' : 'ledger_refused', field, why(code));
  }
  return applied.plan;
}

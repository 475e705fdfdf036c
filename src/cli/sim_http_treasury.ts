// The banks' treasuries in the simulator's HTTP mode (`sim run --server URL
// --treasury`): at every liquidity-saving checkpoint, after the LSM runs, each
// bank whose payments of the day are still queued tops its account up from
// home by the shortfall (queued value minus available balance), as the demo's
// treasuries do last (src/sim/liquidity_policy.ts, step 5's "the rest funded
// from home"), within the same cap: top-ups of one account over the run at
// most `topup_cap_multiple` times its starting liquidity in the profile.
// Everything is read and written through the API, as a bank's treasury system
// would: queued payments from GET /v1/payments, balances from
// GET /v1/participants/{id}/balances, top-ups with POST …/funding (an
// operator's key), each with an idempotency key from the seed, the date, the
// checkpoint and the amount, so a re-run funds nothing twice.
//
// What it does not model, and why: no market borrowing (a placement and its
// repayment are two more payments whose timing the demo takes from simulated
// business time, which the HTTP mode does not have: it sends as fast as the
// server answers), no intraday credit, no recycling into the payee's currency,
// no waiting (`wait_min`: every checkpoint covers all that is queued). A
// cross-currency payment queued on its liquidity provider's side is not
// covered (the need is counted on the payer's account only).

import type { ScoSettleClient } from '../client/client.js';
import { formatMajor } from '../platform/fx_tools.js';
import { DEFAULT_LIQUIDITY_POLICY, dueShortfalls, type QueuedNeed, type SchemeProfile } from '../sim/index.js';

export interface HttpTreasury {
  /** What each `bic:ccy` may still be funded with this run (minor units). */
  readonly budget: Map<string, bigint>;
  readonly funded: Map<string, bigint>;
  readonly uncovered: Map<string, bigint>;
  top_ups: number;
  checkpoints: number;
}

export interface TreasuryReport {
  rule: string;
  checkpoints: number;
  top_ups: number;
  /** Funded from home per currency, minor units. */
  funded_by_currency: Record<string, string>;
  /** Shortfalls the cap left uncovered at the last checkpoint (the end of the run), per currency, minor units. */
  uncovered_by_currency: Record<string, string>;
}

/** A treasury for the profile's banks: the cap per account is `topup_cap_multiple` × its starting liquidity. */
export function newTreasury(profile: SchemeProfile): HttpTreasury {
  const budget = new Map<string, bigint>();
  const multiple = BigInt(Math.round(DEFAULT_LIQUIDITY_POLICY.topup_cap_multiple * 1000));
  for (const b of profile.banks) for (const [ccy, minor] of Object.entries(b.liquidity)) budget.set(`${b.bic}:${ccy}`, (minor * multiple) / 1000n);
  return { budget, funded: new Map(), uncovered: new Map(), top_ups: 0, checkpoints: 0 };
}

/** Tops up every account whose queued payments of the day exceed its balance; the currencies funded (their queues move). */
export async function coverQueued(client: ScoSettleClient, t: HttpTreasury, mine: ReadonlySet<string>, since_ns: string, key: string): Promise<Set<string>> {
  t.checkpoints++;
  t.uncovered.clear();
  const needs: QueuedNeed[] = [];
  for await (const p of client.allPayments({ state: 'queued', limit: 10_000, updated_since: since_ns })) {
    if (!mine.has(p.uetr) || !t.budget.has(`${p.payer}:${p.currency}`)) continue;
    needs.push({ account: `${p.payer}:${p.currency}`, amount_minor: BigInt(p.amount_minor), waited_ns: 0n, urgent: p.priority === 'urgent' });
  }
  const available = new Map<string, bigint>();
  for (const bic of new Set(needs.map((n) => n.account.split(':')[0]!))) {
    for (const b of (await client.getBalances(bic)).balances) available.set(`${bic}:${b.currency}`, BigInt(b.available_minor));
  }
  const moved = new Set<string>();
  for (const s of dueShortfalls(needs, (a) => available.get(a) ?? 0n, DEFAULT_LIQUIDITY_POLICY, true)) {
    const [bic, ccy] = s.account.split(':') as [string, string];
    const left = t.budget.get(s.account) ?? 0n;
    const fund = s.shortfall_minor < left ? s.shortfall_minor : left;
    if (s.shortfall_minor > fund) t.uncovered.set(ccy, (t.uncovered.get(ccy) ?? 0n) + s.shortfall_minor - fund);
    if (fund <= 0n) continue;
    await client.fundAccount(bic, ccy, formatMajor(fund, ccy), { idempotencyKey: `${key}-${t.checkpoints}-${s.account}-${fund}` });
    t.budget.set(s.account, left - fund);
    t.funded.set(ccy, (t.funded.get(ccy) ?? 0n) + fund);
    t.top_ups++;
    moved.add(ccy);
  }
  return moved;
}

export function treasuryReport(t: HttpTreasury): TreasuryReport {
  const record = (m: Map<string, bigint>): Record<string, string> => Object.fromEntries([...m.keys()].sort().map((k) => [k, m.get(k)!.toString()]));
  return {
    rule: `just-in-time top-ups from home at each checkpoint, capped at ${DEFAULT_LIQUIDITY_POLICY.topup_cap_multiple}x each account's starting liquidity`,
    checkpoints: t.checkpoints,
    top_ups: t.top_ups,
    funded_by_currency: record(t.funded),
    uncovered_by_currency: record(t.uncovered),
  };
}

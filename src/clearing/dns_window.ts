// Deferred net settlement in windows: payments of one currency collect in an open
// window; closing it settles them by net positions. The rule, as steps the
// platform drives with the ledger's answers in between:
//   1. net positions of the window's payments, by participant number;
//   2. every net debit reserved by a pending transfer to the operator's DNS
//      account (reservationPlan), the ledger says which ones it refused;
//   3. if one failed: the default rule — the failed participants default, the
//      reservations that held are voided (voidPlan), every payment of the window
//      a defaulter sent or received leaves it rejected (withoutDefaulters), and
//      the rest is netted again from step 1;
//   4. else the posting plan: every reservation posted and every net credit paid,
//      in one linked chain (postingPlan).
// Pure: positions, transfers and removals out; the ledger's results in.

import { memberCurrency } from '../fx/iso4217.js';
import { TransferFlags, type Transfer } from '../ledger/types.js';
import { ACCOUNT_KIND, accountId, ledgerTransfer, OPERATOR_NO, settlementAccountOf, TRANSFER_CODE, type IdSource } from './accounts.js';
import { netPositions } from './netting.js';
import { REASON } from './reasons.js';
import type { Participant, Payment, SettlementWindow } from './types.js';

/** A window of `currency` opened at `now_ns`, numbered `id`. */
export function newWindow(id: number, currency: string, now_ns: bigint): SettlementWindow {
  return { id, currency, state: 'open', opened_at_ns: now_ns, closed_at_ns: null, uetrs: [], net_positions: [], defaulters: [] };
}

/** The operator's DNS account of a currency: collects net debits, pays net credits, nets to zero. */
export function dnsPool(currency: string): bigint {
  return accountId(OPERATOR_NO, memberCurrency(currency).numeric, ACCOUNT_KIND.dns_settlement);
}

/** Net positions (+ receives, - pays) of the payments, every participant that pays or receives, ordered by participant number. */
export function windowPositions(members: readonly Payment[], currency: string, participant: (id: string) => Participant): Array<[string, bigint]> {
  const net = netPositions(members.map((p) => ({ payer: p.instruction.payer, payee: p.instruction.payee, currency, amount: p.instruction.amount_minor })));
  return [...(net.get(currency) ?? new Map<string, bigint>())].sort((a, b) => participant(a[0]).no - participant(b[0]).no);
}

export interface ReservationPlan {
  /** Participants with a net debit, in position order; transfer i reserves debtor i's. */
  debtors: string[];
  transfers: Transfer[];
}

/** Step 2: a pending transfer per net debit, settlement account -> DNS account. */
export function reservationPlan(
  positions: ReadonlyArray<[string, bigint]>,
  currency: string,
  participant: (id: string) => Participant,
  ids: IdSource,
): ReservationPlan {
  const c = memberCurrency(currency);
  const pool = dnsPool(currency);
  const debtors = positions.filter(([, v]) => v < 0n);
  return {
    debtors: debtors.map(([id]) => id),
    transfers: debtors.map(([id, v]) =>
      ledgerTransfer(ids(), settlementAccountOf(participant(id), currency), pool, -v, c.numeric, TRANSFER_CODE.dns_reserve, TransferFlags.pending),
    ),
  };
}

/** Reads the ledger's answer to a reservation plan: who failed, which reservations hold. */
export function reservationOutcome(plan: ReservationPlan, results: Uint8Array): { failed: string[]; held: Transfer[] } {
  return { failed: plan.debtors.filter((_, i) => results[i] !== 0), held: plan.transfers.filter((_, i) => results[i] === 0) };
}

/** Step 4: every held reservation posted, then every net credit paid, one linked chain (empty when nothing nets). */
export function postingPlan(
  held: readonly Transfer[],
  positions: ReadonlyArray<[string, bigint]>,
  currency: string,
  participant: (id: string) => Participant,
  ids: IdSource,
): Transfer[] {
  const c = memberCurrency(currency);
  const pool = dnsPool(currency);
  const chain: Transfer[] = [];
  for (const t of held) {
    const post = ledgerTransfer(
      ids(),
      t.debit_account_id,
      t.credit_account_id,
      t.amount,
      c.numeric,
      TRANSFER_CODE.dns_reserve,
      TransferFlags.linked | TransferFlags.post_pending_transfer,
    );
    post.pending_id = t.id;
    chain.push(post);
  }
  for (const [id, v] of positions) {
    if (v > 0n)
      chain.push(ledgerTransfer(ids(), pool, settlementAccountOf(participant(id), currency), v, c.numeric, TRANSFER_CODE.dns_credit, TransferFlags.linked));
  }
  if (chain.length > 0) chain[chain.length - 1]!.flags &= ~TransferFlags.linked;
  return chain;
}

/** Step 3: voids of the reservations that held. */
export function voidPlan(held: readonly Transfer[], currency: string, ids: IdSource): Transfer[] {
  const c = memberCurrency(currency);
  return held.map((t) => {
    const v = ledgerTransfer(ids(), t.debit_account_id, t.credit_account_id, 0n, c.numeric, TRANSFER_CODE.dns_reserve, TransferFlags.void_pending_transfer);
    v.pending_id = t.id;
    return v;
  });
}

export interface DefaultStep {
  /** Payments that stay in the window, in window order. */
  stay: Payment[];
  /** Payments that leave it rejected, with the reason and detail of their rejection. */
  rejected: Array<{ payment: Payment; reason: string; detail: string }>;
}

/** Step 3, the default rule: a payment a defaulter sends or receives leaves the window. */
export function withoutDefaulters(members: readonly Payment[], defaulters: ReadonlySet<string>, window_id: number): DefaultStep {
  const out: DefaultStep = { stay: [], rejected: [] };
  for (const p of members) {
    const { payer, payee } = p.instruction;
    if (!defaulters.has(payer) && !defaulters.has(payee)) {
      out.stay.push(p);
      continue;
    }
    const who = defaulters.has(payer) ? payer : payee;
    out.rejected.push({ payment: p, reason: REASON.insufficient_funds, detail: `${who} could not cover its net debit in window ${window_id}` });
  }
  return out;
}

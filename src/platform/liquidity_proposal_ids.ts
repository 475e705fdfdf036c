// Identifiers of the liquidity optimiser's proposals, so an operator can list
// them (`liquidity optimise`, GET /v1/liquidity/proposals) and then execute one
// by name (`liquidity execute ID`, POST /v1/liquidity/proposals/:id/execute).
// Owns the id's form and what an id resolves to now.
//
// An id is `LP-<seq>-<hash>`: the journal position when it was listed and 16 hex
// digits of the SHA-256 of what the proposal does (currency, kind, via,
// participant, the currency sold, the amount bought). Resolving an id computes
// the proposals again: one that does the same thing now is executed (its price
// is taken again by the command); otherwise the id is stale when it was listed
// before the journal's current position (the queues or balances have moved) and
// unknown when not. Nothing is stored: proposals are a read of the state.

import { createHash } from 'node:crypto';
import type { LiquidityProposal, OptimiserResult } from '../clearing/liquidity_optimiser.js';
import { formatMinor } from '../fx/convert.js';
import { memberCurrency } from '../fx/iso4217.js';
import { PlatformError } from './errors.js';

export type IdentifiedProposal = LiquidityProposal & { readonly id: string };
export type IdentifiedResult = Omit<OptimiserResult, 'proposals'> & { readonly proposals: IdentifiedProposal[] };

const ID_FORM = /^LP-(\d{1,15})-([0-9a-f]{16})$/;

function contentHash(currency: string, p: LiquidityProposal): string {
  const what = [currency, p.kind, p.via, p.participant, p.sell_currency, p.buy_currency, p.buy_minor.toString()].join('\u001f');
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

/** The results with an id on every proposal, listed at journal position `seq`. */
export function identify(results: readonly OptimiserResult[], seq: number): IdentifiedResult[] {
  return results.map((r) => ({ ...r, proposals: r.proposals.map((p) => ({ id: `LP-${seq}-${contentHash(r.currency, p)}`, ...p })) }));
}

/**
 * The `execute_liquidity_proposal` command of proposal `id`, found among the
 * proposals of now (`current`, listed at `seq_now`). Refuses a malformed id
 * (invalid_field), a stale one (stale_proposal) and an unknown one (not_found).
 */
export function proposalCommand(id: string, current: readonly OptimiserResult[], seq_now: number): Record<string, unknown> {
  const m = ID_FORM.exec(id);
  if (m === null)
    throw new PlatformError('invalid_field', 'id', `a proposal id looks like LP-<journal position>-<16 hex digits>, got ${JSON.stringify(id.slice(0, 80))}`);
  const seq = Number(m[1]);
  for (const r of current) {
    for (const p of r.proposals) {
      if (contentHash(r.currency, p) !== m[2]) continue;
      return {
        type: 'execute_liquidity_proposal',
        kind: p.kind,
        via: p.via,
        participant: p.participant,
        sell_currency: p.sell_currency,
        buy_currency: p.buy_currency,
        buy_amount: formatMinor(p.buy_minor, memberCurrency(p.buy_currency)),
      };
    }
  }
  if (seq < seq_now)
    throw new PlatformError(
      'stale_proposal',
      'id',
      `proposal ${id} was listed at journal position ${seq}; the state has moved on (now ${seq_now}) and it is no longer proposed: list the proposals again`,
    );
  throw new PlatformError('not_found', 'id', `no proposal ${id}`);
}

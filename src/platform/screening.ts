// Sanctions screening in the payment flow: the lists active in the store (loaded
// with `sco-settle screen load`) screen every submitted instruction's debtor,
// creditor, agents and remittance before the submission is journaled. Screening
// reads lists that change outside the journal, so its outcome (hit, score, list
// version) is decided here, in the shell's step, and journaled with the command:
// replay never re-screens.

import { ScreeningIndex } from '../compliance/matcher.js';
import { loadActiveLists } from '../compliance/list_store.js';
import { screenPayment } from '../compliance/payments.js';
import type { DocumentStore } from '../store/types.js';
import type { ScreeningOutcome } from './types.js';

/** Screening results kept for reuse (a bounded memo; each is a few hundred bytes). */
export const SCREENING_RESULT_CACHE = 50_000;

export class PaymentScreener {
  private constructor(
    private readonly index: ScreeningIndex,
    readonly list_version: string,
  ) {}

  /** The screener over the store's active lists (those named in `only`, when given: the scheme's list sources), or null when none is loaded. */
  static async fromStore(store: DocumentStore, only?: readonly string[]): Promise<PaymentScreener | null> {
    const lists = await loadActiveLists(store, only);
    if (lists.length === 0) return null;
    const version = lists.map((l) => l.version.version_id).join('+');
    // Payment streams repeat names and remittance phrases: recent results are reused (matcher.ts).
    return new PaymentScreener(new ScreeningIndex(lists, { result_cache: SCREENING_RESULT_CACHE }), version);
  }

  /** Screens one raw instruction; fields it does not have are simply not screened. */
  screen(raw: Record<string, unknown>): ScreeningOutcome {
    const party = (v: unknown): { name: string; country: string | null } => {
      const o = (v ?? {}) as { name?: unknown; country?: unknown };
      return { name: typeof o.name === 'string' ? o.name.slice(0, 1_000) : '', country: typeof o.country === 'string' ? o.country : null };
    };
    const r = screenPayment(this.index, {
      uetr: typeof raw.uetr === 'string' ? raw.uetr : '',
      debtor: party(raw.debtor),
      creditor: party(raw.creditor),
      debtor_agent_bic: typeof raw.payer === 'string' ? raw.payer : null,
      creditor_agent_bic: typeof raw.payee === 'string' ? raw.payee : null,
      remittance: typeof raw.remittance === 'string' ? raw.remittance : null,
    });
    const out: ScreeningOutcome = { hit: r.hit, score: Math.min(1, Math.max(0, r.score)), list_version: this.list_version };
    const best = r.matches[0];
    if (best !== undefined) out.detail = `${best.role} "${best.screened}" ~ ${best.matched_name} (${best.list} ${best.entry_id}, ${best.why})`.slice(0, 1_000);
    return out;
  }
}

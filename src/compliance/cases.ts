// Compliance cases: a payment held by a screening hit waits in a case until two
// different officers agree to release or reject it (four eyes). This module owns
// the case record and its rule — opening, proposing, confirming, withdrawing —
// as pure functions: a case in, the next case (or a refusal) out. The platform
// stores the cases and moves the payment.

/** The outcome of screening, decided before the command is journaled (screening reads lists). */
export interface ScreeningOutcome {
  hit: boolean;
  score: number;
  list_version: string;
  /** Short description of the best match, for the case. */
  detail?: string;
}

export type CaseDecision = 'release' | 'reject';

export interface ComplianceCase {
  id: number;
  uetr: string;
  opened_at_ns: bigint;
  screening: ScreeningOutcome;
  status: 'open' | 'proposed' | 'released' | 'rejected';
  /** The first officer's proposal, waiting for a second officer. */
  proposal: { decision: CaseDecision; officer: string; at_ns: bigint; note?: string } | null;
  decided_by: string[];
  decided_at_ns: bigint | null;
}

export interface CaseRefusal {
  code: 'not_found' | 'invalid_state' | 'four_eyes';
  field: string;
  message: string;
}

export type CaseStep =
  | { kind: 'refused'; refusal: CaseRefusal }
  /** A proposal recorded; nothing happens to the payment until a second officer confirms. */
  | { kind: 'proposed'; case: ComplianceCase }
  /** Confirmed by a second officer: `case.status` says which way. */
  | { kind: 'decided'; case: ComplianceCase };

export function openCase(id: number, uetr: string, screening: ScreeningOutcome, now_ns: bigint): ComplianceCase {
  return { id, uetr, opened_at_ns: now_ns, screening, status: 'open', proposal: null, decided_by: [], decided_at_ns: null };
}

/** What a held payment's history says about its case. */
export function holdDetail(c: ComplianceCase): string {
  return `screening hit ${c.screening.score.toFixed(3)} (list ${c.screening.list_version}); case ${c.id}`;
}

/**
 * An officer's decision on case `id` (undefined when there is none). A decision
 * that differs from the standing proposal (or the first one) becomes the
 * proposal; the same decision by a different officer settles the case.
 */
export function decideCase(c: ComplianceCase | undefined, id: number, officer: string, decision: CaseDecision, note: string, now_ns: bigint): CaseStep {
  if (c === undefined) return refuse('not_found', 'case_id', `no case ${id}`);
  if (c.status !== 'open' && c.status !== 'proposed') return refuse('invalid_state', 'case_id', `case ${id} is ${c.status}`);
  if (c.proposal === null || c.proposal.decision !== decision) {
    // A new proposal, also when the same officer changes their mind.
    const proposal: NonNullable<ComplianceCase['proposal']> = { decision, officer, at_ns: now_ns };
    if (note !== '') proposal.note = note;
    return { kind: 'proposed', case: { ...c, proposal, status: 'proposed' } };
  }
  if (c.proposal.officer === officer) return refuse('four_eyes', 'by', `${officer} proposed this decision; a different officer must confirm it`);
  return {
    kind: 'decided',
    case: { ...c, status: decision === 'release' ? 'released' : 'rejected', decided_by: [c.proposal.officer, officer], decided_at_ns: now_ns },
  };
}

/** The case of a payment cancelled while held: an undecided case ends rejected. */
export function withdrawCase(c: ComplianceCase): ComplianceCase {
  return c.status === 'open' || c.status === 'proposed' ? { ...c, status: 'rejected' } : c;
}

function refuse(code: CaseRefusal['code'], field: string, message: string): CaseStep {
  return { kind: 'refused', refusal: { code, field, message } };
}

// The decision rule of the scheme (SCO Charter, Art. 16, applied to sco-settle):
// a proposal is adopted if no member objects before its window closes (silence
// is consent); a member may state a reservation without blocking it; it is
// adopted early once every voter has answered and none objected; a member has
// no voice on its own suspension or expulsion (a change to /members/<code> or
// /members/<code>/status). One voice per member: a later answer replaces an
// earlier one until the window closes. Pure: time is an input (ns since epoch).

import { GovernanceError } from './errors.js';
import type { PatchOperation } from './json_patch.js';
import { memberConcerned, withinBounds, type SchemeDocument } from './scheme.js';

export type ProposalState = 'open' | 'adopted' | 'rejected' | 'withdrawn';
export const PROPOSAL_STATES: readonly ProposalState[] = ['open', 'adopted', 'rejected', 'withdrawn'];
export type AnswerKind = 'approve' | 'object' | 'reserve';
export const ANSWER_KINDS: readonly AnswerKind[] = ['approve', 'object', 'reserve'];

export const PROPOSAL_LIMITS = Object.freeze({
  window_s_min: 60,
  window_s_max: 30 * 86_400,
  title_max: 200,
  text_max: 4_000,
  open_max: 100,
  proposals_max: 10_000,
});

export interface Answer {
  member: string;
  user: string;
  answer: AnswerKind;
  reason: string;
  at_ns: bigint;
  signature: string;
}

export interface Proposal {
  id: string;
  title: string;
  rationale: string;
  changes: PatchOperation[];
  window_s: number;
  /** 'next_business_day' or a date YYYY-MM-DD. */
  effective: string;
  proposer: string;
  /** The proposer's member, or null for the operator. */
  proposer_member: string | null;
  /** The version the proposal was made against. */
  base_version: number;
  opened_at_ns: bigint;
  closes_at_ns: bigint;
  voters: string[];
  /** The latest answer of each member, in the order members first answered. */
  answers: Answer[];
  state: ProposalState;
  decided_at_ns: bigint | null;
  /** Adopted: the business date it takes effect and the version it becomes. */
  effective_at: string | null;
  version: number | null;
  /** Why it was decided as it was, in words. */
  outcome: string | null;
  signature: string;
}

/** The members a change concerns (its suspension or expulsion): they have no voice on it. */
export function membersConcerned(changes: readonly PatchOperation[]): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    for (const p of c.op === 'move' || c.op === 'copy' ? [c.path, c.from] : [c.path]) {
      const m = memberConcerned(p);
      if (m !== null) out.add(m);
    }
  }
  return [...out].sort();
}

/** Who votes: members whose status is active, less the members the change concerns; in the document's member order. */
export function votersFor(doc: SchemeDocument, changes: readonly PatchOperation[]): string[] {
  const concerned = membersConcerned(changes);
  return Object.keys(doc.members).filter((m) => doc.members[m]!.status === 'active' && !concerned.includes(m));
}

/** Whether `member` may answer `p` at `now_ns`; throws GovernanceError with the stable code when not. */
export function checkAnswer(p: Proposal, doc: SchemeDocument, member: string, now_ns: bigint): void {
  // Past the close the window is closed, whether or not the decision was journaled yet.
  if (now_ns >= p.closes_at_ns && p.state !== 'withdrawn') throw new GovernanceError('window_closed', 'id', `the window of proposal ${p.id} closed`);
  if (p.state !== 'open') throw new GovernanceError('proposal_closed', 'id', `proposal ${p.id} is ${p.state}`);
  if (doc.members[member] === undefined) throw new GovernanceError('not_a_member', 'by', `${member} is not a member state of the scheme`);
  if (membersConcerned(p.changes).includes(member))
    throw new GovernanceError('concerned_member', 'by', `proposal ${p.id} concerns ${member}'s own status; ${member} has no voice on it`);
  if (!p.voters.includes(member))
    throw new GovernanceError('not_a_member', 'by', `${member} has no voice on proposal ${p.id} (its status is ${doc.members[member]!.status})`);
}

/** Records an answer: it replaces the member's earlier one. */
export function recordAnswer(p: Proposal, a: Answer): void {
  const i = p.answers.findIndex((x) => x.member === a.member);
  if (i >= 0) p.answers[i] = a;
  else p.answers.push(a);
}

/** The decision due at `now_ns`, or null while the proposal stays open. */
export function decisionDue(p: Proposal, now_ns: bigint): { state: 'adopted' | 'rejected'; outcome: string } | null {
  if (p.state !== 'open') return null;
  const objections = p.answers.filter((a) => a.answer === 'object' && p.voters.includes(a.member)).map((a) => a.member);
  if (now_ns >= p.closes_at_ns) {
    if (objections.length > 0) return { state: 'rejected', outcome: `objected by ${objections.join(', ')}` };
    const silent = p.voters.filter((v) => !p.answers.some((a) => a.member === v));
    return { state: 'adopted', outcome: silent.length > 0 ? `no objection; silent (consent): ${silent.join(', ')}` : 'no objection' };
  }
  const answered = p.voters.every((v) => p.answers.some((a) => a.member === v));
  if (answered && objections.length === 0) return { state: 'adopted', outcome: 'adopted early: every voter answered and none objected' };
  return null;
}

/** The answers that are reservations. */
export function reservationsOf(p: Proposal): Answer[] {
  return p.answers.filter((a) => a.answer === 'reserve');
}

const DATE_RE = /^\d{4}-\d\d-\d\d$/;

/** The next business day (Monday to Friday) after `date`; the operating calendars refine this when they arrive. */
export function nextBusinessDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d.toISOString().slice(0, 10);
}

/** The business date an adopted proposal takes effect: the next business day after `today`, or the stated date when later. */
export function effectiveDate(effective: string, today: string): string {
  const next = nextBusinessDay(today);
  if (effective === 'next_business_day' || !DATE_RE.test(effective)) return next;
  return effective > next ? effective : next;
}

/** The operator may only replace operator-owned parameters, within their bounds. Throws GovernanceError. */
export function checkOperatorChanges(doc: SchemeDocument, changes: readonly PatchOperation[]): void {
  changes.forEach((c, i) => {
    const bound = doc.operator_owned[c.path];
    if (c.op !== 'replace' || bound === undefined)
      throw new GovernanceError(
        'not_operator_owned',
        `changes[${i}].path`,
        `the operator may only replace operator-owned parameters; ${c.op} ${c.path} is for the members`,
      );
    if (withinBounds(c.value, bound) !== true)
      throw new GovernanceError('out_of_bounds', `changes[${i}].value`, `${c.path} must stay within ${String(bound.min)}..${String(bound.max)}`);
  });
}

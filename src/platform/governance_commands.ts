// The governance commands (new in rules version 3, so no older rules branch):
// scheme_init, set_signing_key, scheme_propose, scheme_answer, scheme_withdraw
// and scheme_decide — their strict decoding, the checks that refuse them and
// the state changes they make. Every check is a pure function of the state and
// the time (checkGovernance), so the facade runs it before journaling (nothing
// is written for a refusal) and the state machine runs it again on execution
// and replay. Signatures are Ed25519 over the canonical encoding of the act
// (./governance_state.ts); a journaled act whose signature does not hold is an
// integrity problem `verify` names (the facade never journals one).

import { ANSWER_KINDS, checkAnswer, checkOperatorChanges, decisionDue, PROPOSAL_LIMITS, recordAnswer, votersFor } from '../governance/decision.js';
import type { AnswerKind, Proposal } from '../governance/decision.js';
import { GovernanceError } from '../governance/errors.js';
import { applyPatch, checkJson, checkOperation, type JsonValue, type PatchOperation } from '../governance/json_patch.js';
import { validateScheme, type SchemeDocument } from '../governance/scheme.js';
import { PlatformError } from './errors.js';
import { adopt, initScheme } from './governance_effect.js';
import { calendarCheck, decodeZones, keepZones } from './governance_calendars.js';
import {
  answerAct,
  emptyGovernance,
  GOVERNANCE_LIMITS,
  headVersion,
  isEd25519PublicKey,
  proposeAct,
  signatureHolds,
  signingKeyOf,
  type GovernanceData,
} from './governance_state.js';
import type { PlatformState } from './state.js';
import { proposalView } from './governance_views.js';

export type GovernanceCommand =
  | { type: 'scheme_init'; by: string; document: Record<string, unknown>; zones?: Record<string, unknown>[] }
  | { type: 'set_signing_key'; by: string; user: string; public_key: string }
  | {
      type: 'scheme_propose';
      by: string;
      title: string;
      rationale: string;
      changes: unknown[];
      window_s: number;
      effective: string;
      signature: string;
      /** The UTC offsets of the zones its changes name (./governance_calendars.ts). */
      zones?: Record<string, unknown>[];
    }
  | { type: 'scheme_answer'; by: string; id: string; answer: AnswerKind; reason: string; member: string; signature: string }
  | { type: 'scheme_withdraw'; by: string; id: string }
  | { type: 'scheme_decide'; by: string; id: string };

export const GOVERNANCE_COMMAND_TYPES: readonly string[] = [
  'scheme_init',
  'set_signing_key',
  'scheme_propose',
  'scheme_answer',
  'scheme_withdraw',
  'scheme_decide',
];

export function isGovernanceCommand(c: { type: unknown }): c is GovernanceCommand {
  return GOVERNANCE_COMMAND_TYPES.includes(c.type as string);
}

// ---- decoding -----------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ID_RE = /^P-[1-9][0-9]{0,8}$/;

function only(o: Obj, names: readonly string[]): void {
  for (const k of Object.keys(o)) if (k !== 'type' && k !== 'by' && !names.includes(k)) throw new PlatformError('invalid_field', k, 'unknown field');
}

function text(o: Obj, k: string, max: number, optional = false): string {
  const v = o[k];
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new PlatformError('invalid_field', k, 'must be a string');
  if ((v.length === 0 && !optional) || v.length > max) throw new PlatformError('invalid_field', k, `must be 1..${max} characters`);
  return v;
}

function proposalId(o: Obj): string {
  const id = text(o, 'id', 12);
  if (!ID_RE.test(id)) throw new PlatformError('invalid_field', 'id', 'must be a proposal id such as P-1');
  return id;
}

/** Decodes a governance command's shape (not its meaning against the state). Throws PlatformError. */
export function decodeGovernanceCommand(o: Obj, by: string): GovernanceCommand {
  switch (o.type) {
    case 'scheme_init': {
      only(o, ['document', 'zones']);
      if (o.document === null || typeof o.document !== 'object' || Array.isArray(o.document))
        throw new PlatformError('invalid_field', 'document', 'must be an object');
      try {
        checkJson(o.document, 'document', 0);
      } catch (err) {
        throw asPlatformError(err);
      }
      const zones = decodeZones(o);
      return { type: 'scheme_init', by, document: o.document as Obj, ...(zones !== undefined ? { zones } : {}) };
    }
    case 'set_signing_key':
      only(o, ['user', 'public_key']);
      return { type: 'set_signing_key', by, user: text(o, 'user', 64), public_key: text(o, 'public_key', GOVERNANCE_LIMITS.public_key_max) };
    case 'scheme_propose':
      return decodePropose(o, by);
    case 'scheme_answer': {
      only(o, ['id', 'answer', 'reason', 'member', 'signature']);
      if (!(ANSWER_KINDS as readonly unknown[]).includes(o.answer))
        throw new PlatformError('invalid_field', 'answer', `must be one of ${ANSWER_KINDS.join(', ')}`);
      const answer = o.answer as AnswerKind;
      const reason = text(o, 'reason', PROPOSAL_LIMITS.text_max, answer === 'approve');
      const member = text(o, 'member', 2, true);
      return { type: 'scheme_answer', by, id: proposalId(o), answer, reason, member, signature: text(o, 'signature', GOVERNANCE_LIMITS.signature_max) };
    }
    case 'scheme_withdraw':
    case 'scheme_decide':
      only(o, ['id']);
      return { type: o.type, by, id: proposalId(o) };
    default:
      throw new PlatformError('invalid_command', 'type', `unknown command type ${JSON.stringify(o.type)}`);
  }
}

function decodePropose(o: Obj, by: string): GovernanceCommand {
  only(o, ['title', 'rationale', 'changes', 'window_s', 'effective', 'signature', 'zones']);
  const zones = decodeZones(o);
  if (!Array.isArray(o.changes) || o.changes.length === 0)
    throw new PlatformError('invalid_field', 'changes', 'must be a non-empty array of JSON Patch operations');
  const changes = o.changes;
  try {
    changes.forEach((c, i) => {
      checkOperation(c, i);
    });
  } catch (err) {
    throw asPlatformError(err);
  }
  const w = o.window_s;
  if (!Number.isSafeInteger(w) || (w as number) < PROPOSAL_LIMITS.window_s_min || (w as number) > PROPOSAL_LIMITS.window_s_max)
    throw new PlatformError('invalid_field', 'window_s', `must be whole seconds ${PROPOSAL_LIMITS.window_s_min}..${PROPOSAL_LIMITS.window_s_max}`);
  const effective = text(o, 'effective', 20);
  if (effective !== 'next_business_day' && !DATE_RE.test(effective))
    throw new PlatformError('invalid_field', 'effective', 'must be next_business_day or a date YYYY-MM-DD');
  return {
    type: 'scheme_propose',
    by,
    title: text(o, 'title', PROPOSAL_LIMITS.title_max),
    rationale: text(o, 'rationale', PROPOSAL_LIMITS.text_max),
    changes,
    window_s: w as number,
    effective,
    signature: text(o, 'signature', GOVERNANCE_LIMITS.signature_max),
    ...(zones !== undefined ? { zones } : {}),
  };
}

export function asPlatformError(err: unknown): unknown {
  return err instanceof GovernanceError ? new PlatformError(err.code, err.field, err.message) : err;
}

// ---- who acts -----------------------------------------------------------------------------------

type Actor = { kind: 'member'; member: string } | { kind: 'operator' };

/** The member a user speaks for (a central-bank user of a member's central bank), or the operator. */
export function actorOf(s: PlatformState, doc: SchemeDocument, user: string): Actor {
  const u = s.apiDirectory.users.get(user);
  if (u === undefined || u.disabled) throw new PlatformError('not_a_member', 'by', `${user} is not an enabled API user`);
  if (u.role === 'operator') return { kind: 'operator' };
  const member = Object.keys(doc.members).find((m) => doc.members[m]!.central_bank === u.participant);
  if (u.role !== 'central_bank' || member === undefined)
    throw new PlatformError('not_a_member', 'by', `${user} is not a user of a member's central bank (role ${u.role}, participant ${u.participant ?? 'none'})`);
  return { kind: 'member', member };
}

function needSignature(s: PlatformState, user: string, act: unknown, signature: string): void {
  const key = signingKeyOf(s.governance, user);
  if (key === undefined) throw new PlatformError('no_signing_key', 'by', `${user} has no signing key (users set-signing-key)`);
  if (!signatureHolds(key, act, signature)) throw new PlatformError('bad_signature', 'signature', `the signature is not ${user}'s over this act`);
}

function needScheme(s: PlatformState): { g: GovernanceData; doc: SchemeDocument } {
  const g = s.governance;
  const head = g === null ? undefined : headVersion(g);
  if (g === null || head === undefined) throw new PlatformError('no_scheme', '', 'no scheme: scheme init first');
  return { g, doc: head.document };
}

function needProposal(g: GovernanceData, id: string): Proposal {
  const p = g.proposals.find((x) => x.id === id);
  if (p === undefined) throw new PlatformError('not_found', 'id', `no proposal ${id}`);
  return p;
}

// ---- checks (pure: state and time in, a refusal or the plan out) ----------------------------------

/** Checks a proposal and returns it as it would be opened; throws PlatformError. */
export function checkPropose(s: PlatformState, cmd: Extract<GovernanceCommand, { type: 'scheme_propose' }>, now: bigint): Proposal {
  const { g, doc } = needScheme(s);
  const actor = actorOf(s, doc, cmd.by);
  if (actor.kind === 'member' && doc.members[actor.member]!.status !== 'active')
    throw new PlatformError('not_a_member', 'by', `${actor.member} is ${doc.members[actor.member]!.status}; it may not propose`);
  const changes = cmd.changes as PatchOperation[];
  try {
    if (actor.kind === 'operator') checkOperatorChanges(doc, changes);
    validateScheme(applyPatch(doc as unknown as JsonValue, changes), { calendar: calendarCheck(g, cmd.zones) });
  } catch (err) {
    throw asPlatformError(err);
  }
  if (g.proposals.filter((p) => p.state === 'open').length >= PROPOSAL_LIMITS.open_max)
    throw new PlatformError('limit_exceeded', '', `at most ${PROPOSAL_LIMITS.open_max} open proposals`);
  if (g.proposals.length >= PROPOSAL_LIMITS.proposals_max) throw new PlatformError('limit_exceeded', '', `at most ${PROPOSAL_LIMITS.proposals_max} proposals`);
  needSignature(s, cmd.by, proposeAct(cmd), cmd.signature);
  return {
    id: `P-${g.proposals.length + 1}`,
    title: cmd.title,
    rationale: cmd.rationale,
    changes,
    window_s: cmd.window_s,
    effective: cmd.effective,
    proposer: cmd.by,
    proposer_member: actor.kind === 'member' ? actor.member : null,
    base_version: g.versions.length,
    opened_at_ns: now,
    closes_at_ns: now + BigInt(cmd.window_s) * 1_000_000_000n,
    voters: votersFor(doc, changes),
    answers: [],
    state: 'open',
    decided_at_ns: null,
    effective_at: null,
    version: null,
    outcome: null,
    signature: cmd.signature,
  };
}

/** Checks an answer; returns the proposal and the answering member. */
export function checkAnswerCommand(s: PlatformState, cmd: Extract<GovernanceCommand, { type: 'scheme_answer' }>, now: bigint): { p: Proposal; member: string } {
  const { g, doc } = needScheme(s);
  const p = needProposal(g, cmd.id);
  const actor = actorOf(s, doc, cmd.by);
  if (actor.kind === 'operator') throw new PlatformError('not_a_member', 'by', 'the operator has no voice; only member central banks answer');
  if (cmd.member !== '' && cmd.member !== actor.member)
    throw new PlatformError('not_your_member', 'member', `${cmd.by} speaks for ${actor.member} only, not for ${cmd.member}`);
  try {
    checkAnswer(p, doc, actor.member, now);
  } catch (err) {
    throw asPlatformError(err);
  }
  needSignature(s, cmd.by, answerAct(cmd), cmd.signature);
  return { p, member: actor.member };
}

/** Checks any governance command against the state at `now` without changing anything; throws PlatformError. */
export function checkGovernance(s: PlatformState, cmd: GovernanceCommand, now: bigint): void {
  switch (cmd.type) {
    case 'scheme_init':
      if (s.governance !== null && s.governance.versions.length > 0)
        throw new PlatformError('scheme_exists', '', 'the scheme was initialised already; change it by proposal');
      try {
        validateScheme(cmd.document, { calendar: calendarCheck(s.governance, cmd.zones) });
      } catch (err) {
        throw asPlatformError(err);
      }
      return;
    case 'set_signing_key':
      if (!s.apiDirectory.users.has(cmd.user)) throw new PlatformError('not_found', 'user', `no user ${cmd.user}`);
      if (!isEd25519PublicKey(cmd.public_key)) throw new PlatformError('invalid_field', 'public_key', 'must be an Ed25519 public key in PEM (SPKI)');
      return;
    case 'scheme_propose':
      checkPropose(s, cmd, now);
      return;
    case 'scheme_answer':
      checkAnswerCommand(s, cmd, now);
      return;
    case 'scheme_withdraw':
    case 'scheme_decide': {
      const p = needProposal(needScheme(s).g, cmd.id);
      if (p.state !== 'open') throw new PlatformError('proposal_closed', 'id', `proposal ${p.id} is ${p.state}`);
      if (cmd.type === 'scheme_withdraw' && p.proposer !== cmd.by) throw new PlatformError('not_proposer', 'by', `only ${p.proposer} may withdraw ${p.id}`);
      if (cmd.type === 'scheme_decide' && decisionDue(p, now) === null)
        throw new PlatformError('invalid_state', 'id', `proposal ${p.id} is not due until its window closes`);
    }
  }
}

// ---- execution ----------------------------------------------------------------------------------

/** Runs a governance command (the state machine calls this); `now` is the entry's clock. */
export function runGovernanceCommand(s: PlatformState, cmd: GovernanceCommand, now: bigint): unknown {
  if (cmd.type === 'scheme_propose' || cmd.type === 'scheme_answer') noteBadSignature(s, cmd);
  checkGovernance(s, cmd, now);
  switch (cmd.type) {
    case 'scheme_init': {
      const doc = validateScheme(cmd.document, { calendar: calendarCheck(s.governance, cmd.zones) });
      keepZones((s.governance ??= emptyGovernance()), cmd.zones);
      return initScheme(s, doc, now);
    }
    case 'set_signing_key': {
      const g = (s.governance ??= emptyGovernance());
      const keys = g.signing_keys.filter(([u]) => u !== cmd.user);
      if (keys.length >= GOVERNANCE_LIMITS.signing_keys_max) throw new PlatformError('limit_exceeded', 'user', 'too many signing keys');
      g.signing_keys = [...keys, [cmd.user, cmd.public_key]];
      return { user: cmd.user, signing_key: 'ed25519' };
    }
    case 'scheme_propose': {
      const p = checkPropose(s, cmd, now);
      keepZones(s.governance!, cmd.zones);
      s.governance!.proposals.push(p);
      return proposalView(p);
    }
    case 'scheme_answer': {
      const { p, member } = checkAnswerCommand(s, cmd, now);
      recordAnswer(p, { member, user: cmd.by, answer: cmd.answer, reason: cmd.reason, at_ns: now, signature: cmd.signature });
      const due = decisionDue(p, now);
      if (due !== null) adopt(s, p, due, now);
      return proposalView(p);
    }
    case 'scheme_withdraw': {
      const p = needProposal(s.governance!, cmd.id);
      Object.assign(p, { state: 'withdrawn', decided_at_ns: now, outcome: `withdrawn by ${cmd.by}` });
      return proposalView(p);
    }
    case 'scheme_decide': {
      const p = needProposal(s.governance!, cmd.id);
      adopt(s, p, decisionDue(p, now)!, now);
      return proposalView(p);
    }
  }
}

/** A journaled act whose signature does not hold: the facade never writes one, so it is a forgery `verify` names. */
function noteBadSignature(s: PlatformState, cmd: Extract<GovernanceCommand, { type: 'scheme_propose' | 'scheme_answer' }>): void {
  const key = signingKeyOf(s.governance, cmd.by);
  const act = cmd.type === 'scheme_propose' ? proposeAct(cmd) : answerAct(cmd);
  if (key !== undefined && !signatureHolds(key, act, cmd.signature))
    s.integrityProblemText = `${cmd.type} by ${cmd.by}: the signature does not verify against the user's key`;
}

/** What the audit trail names as a governance command's target. */
export function governanceTarget(c: GovernanceCommand): string {
  if (c.type === 'scheme_init') return 'version 1';
  if (c.type === 'set_signing_key') return c.user;
  if (c.type === 'scheme_propose') return c.title.slice(0, 80);
  return c.id;
}

/** The proposals whose decision is due at `now` (their window closed), oldest first. */
export function dueProposals(s: PlatformState, now: bigint): string[] {
  return (s.governance?.proposals ?? []).filter((p) => p.state === 'open' && decisionDue(p, now) !== null).map((p) => p.id);
}

// The governance records as the shells show them: times as ISO 8601 text,
// proposals with their answers and reservations, the scheme versions, and the
// auditor's trail. Views only; nothing here changes state.

import { reservationsOf, type Proposal } from '../governance/decision.js';
import type { SchemeDocument } from '../governance/scheme.js';
import { PlatformError } from './errors.js';
import { inForce, type GovernanceData, type SchemeVersion } from './governance_state.js';
import type { AuditRecord } from './types.js';

export const AUDIT_TRAIL_MAX = 10_000;

export function isoTime(ns: bigint | null): string | null {
  return ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString();
}

export interface SchemeView {
  version: number;
  adopted_at: string;
  effective_date: string | null;
  in_force: boolean;
  document: SchemeDocument;
}

/** The version in force, or version N; throws no_scheme / not_found. */
export function schemeView(g: GovernanceData | null, version?: number): SchemeView {
  const current = inForce(g);
  if (g === null || current === undefined) throw new PlatformError('no_scheme', '', 'no scheme: scheme init first');
  const v: SchemeVersion | undefined = version === undefined ? current : g.versions[version - 1];
  if (v === undefined) throw new PlatformError('not_found', 'version', `no scheme version ${version}; versions 1..${g.versions.length}`);
  return {
    version: v.version,
    adopted_at: isoTime(v.adopted_at_ns)!,
    effective_date: v.effective_date,
    in_force: v.version === g.in_force,
    document: v.document,
  };
}

export function proposalView(p: Proposal, withSignatures = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    state: p.state,
    title: p.title,
    rationale: p.rationale,
    changes: p.changes,
    window_s: p.window_s,
    effective: p.effective,
    proposer: p.proposer,
    proposer_member: p.proposer_member,
    base_version: p.base_version,
    opened_at: isoTime(p.opened_at_ns),
    closes_at: isoTime(p.closes_at_ns),
    voters: p.voters,
    answers: p.answers.map((a) => ({
      member: a.member,
      user: a.user,
      answer: a.answer,
      reason: a.reason,
      at: isoTime(a.at_ns),
      ...(withSignatures ? { signature: a.signature } : {}),
    })),
    reservations: reservationsOf(p).map((a) => ({ member: a.member, reason: a.reason })),
    decided_at: isoTime(p.decided_at_ns),
    outcome: p.outcome,
  };
  if (p.state === 'adopted') Object.assign(out, { effective_at: p.effective_at, version: p.version });
  if (withSignatures) out.signature = p.signature;
  return out;
}

export function proposalsView(g: GovernanceData | null, state?: string): Array<Record<string, unknown>> {
  return (g?.proposals ?? []).filter((p) => state === undefined || p.state === state).map((p) => proposalView(p));
}

export function findProposal(g: GovernanceData | null, id: string): Proposal {
  const p = g?.proposals.find((x) => x.id === id);
  if (p === undefined) throw new PlatformError('not_found', 'id', `no proposal ${id}`);
  return p;
}

/** The auditor's trail: every version, every proposal with its signatures, and the newest commands of the audit trail with the scheme version each ran under. */
export function governanceAudit(g: GovernanceData | null, audit: readonly AuditRecord[]): Record<string, unknown> {
  const trail = audit
    .slice(-AUDIT_TRAIL_MAX)
    .map((r) => ({ at: isoTime(r.at_ns), by: r.by, action: r.action, target: r.target, ok: r.ok, scheme_version: r.scheme_version ?? null }));
  return {
    in_force: g?.in_force ?? 0,
    versions: (g?.versions ?? []).map((v) => ({
      version: v.version,
      adopted_at: isoTime(v.adopted_at_ns),
      effective_date: v.effective_date,
      in_force_at: isoTime(v.in_force_at_ns),
      proposal: v.proposal,
    })),
    proposals: (g?.proposals ?? []).map((p) => proposalView(p, true)),
    signing_keys: (g?.signing_keys ?? []).map(([user]) => user),
    commands_total: audit.length,
    trail,
  };
}

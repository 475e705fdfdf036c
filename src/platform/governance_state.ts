// The scheme's governance as the platform keeps it: the versions of the scheme
// document (one in force, later ones adopted and waiting for their business
// day), the proposals and their answers, and the users' Ed25519 public keys
// that sign proposals and answers. Built only by the journaled governance
// commands (./governance_commands.ts); snapshotted in the state's header line
// (./state_codec.ts) once the first governance command ran.

import type { ZoneOffsets } from '../clearing/time_zone.js';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { canonicalBytes } from '../governance/canonical.js';
import type { Proposal } from '../governance/decision.js';
import type { SchemeDocument } from '../governance/scheme.js';

export interface SchemeVersion {
  version: number;
  adopted_at_ns: bigint;
  /** The business date it takes (or took) effect; null for version 1, in force from its init. */
  effective_date: string | null;
  /** When it came into force; null while it waits. */
  in_force_at_ns: bigint | null;
  /** The proposal that made it; null for version 1. */
  proposal: string | null;
  document: SchemeDocument;
}

export interface GovernanceData {
  versions: SchemeVersion[];
  /** The version in force (0 before scheme_init). */
  in_force: number;
  proposals: Proposal[];
  /** user -> SPKI PEM of the user's Ed25519 public key. */
  signing_keys: Array<[string, string]>;
  /** The UTC offset tables of the zones the scheme's calendars name, journaled with the acts (./governance_calendars.ts); absent until one is. */
  zones?: ZoneOffsets[];
}

export const GOVERNANCE_LIMITS = Object.freeze({ versions_max: 100_000, signing_keys_max: 10_000, public_key_max: 400, signature_max: 200 });

export function emptyGovernance(): GovernanceData {
  return { versions: [], in_force: 0, proposals: [], signing_keys: [] };
}

/** The version in force, or undefined before scheme_init. */
export function inForce(g: GovernanceData | null): SchemeVersion | undefined {
  return g === null || g.in_force === 0 ? undefined : g.versions[g.in_force - 1];
}

/** The newest adopted version (in force or waiting): proposals apply their changes to it. */
export function headVersion(g: GovernanceData): SchemeVersion | undefined {
  return g.versions[g.versions.length - 1];
}

export function signingKeyOf(g: GovernanceData | null, user: string): string | undefined {
  return g?.signing_keys.find(([u]) => u === user)?.[1];
}

/** Whether a PEM text is an Ed25519 public key. */
export function isEd25519PublicKey(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/** Whether `signature` (base64) is `pem`'s Ed25519 signature over the canonical encoding of `act`. */
export function signatureHolds(pem: string, act: unknown, signature: string): boolean {
  try {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length !== 64) return false;
    return verifySignature(null, canonicalBytes(act), createPublicKey(pem), sig);
  } catch {
    return false;
  }
}

/** The act a proposal's signature covers. */
export function proposeAct(p: {
  by: string;
  title: string;
  rationale: string;
  changes: unknown[];
  window_s: number;
  effective: string;
}): Record<string, unknown> {
  return { act: 'scheme_propose', by: p.by, title: p.title, rationale: p.rationale, changes: p.changes, window_s: p.window_s, effective: p.effective };
}

/** The act an answer's signature covers. */
export function answerAct(a: { by: string; id: string; answer: string; reason: string }): Record<string, unknown> {
  return { act: 'scheme_answer', by: a.by, id: a.id, answer: a.answer, reason: a.reason };
}

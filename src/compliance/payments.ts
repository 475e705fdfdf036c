// Screening of one payment instruction: debtor and creditor names (with their
// countries), the debtor and creditor agents' BICs (exact identifier match), and the
// free-text remittance information (identifiers in it, and, within its first
// NAME_TOKENS_MAX normalised words, names as runs of 1 to
// REMITTANCE_WINDOW_TOKENS words). Pure: the platform calls it at the screening step
// and decides what to do with a hit (hold for four-eyes review); nothing here holds,
// releases or rejects.
//
// This module owns the instruction's input shape (and its validation, naming the
// field) and the per-party result layout.

import type { IdentifierHit, ScreenMatch, ScreeningIndex } from './matcher.js';
import { DEFAULT_THRESHOLD } from './matcher.js';
import { normalizeName } from './normalize.js';

export const REMITTANCE_MAX_CHARS = 1024;
export const REMITTANCE_WINDOW_TOKENS = 4;
export const PARTY_NAME_MAX_CHARS = 1024;

export interface PaymentParty {
  name: string;
  country?: string | null;
}

export interface PaymentInstruction {
  uetr: string;
  debtor: PaymentParty;
  creditor: PaymentParty;
  debtor_agent_bic?: string | null;
  creditor_agent_bic?: string | null;
  remittance?: string | null;
}

export type PaymentRole = 'debtor' | 'creditor' | 'debtor_agent' | 'creditor_agent' | 'remittance';

export interface PaymentMatch {
  role: PaymentRole;
  /** The screened text (the name, the BIC, or the remittance words that matched). */
  screened: string;
  list: string;
  version_id: string;
  entry_id: string;
  matched_name: string;
  score: number;
  why: string;
}

export interface PaymentScreening {
  uetr: string;
  hit: boolean;
  score: number;
  threshold: number;
  matches: PaymentMatch[];
  lists: Array<{ list: string; version_id: string }>;
}

export class PaymentInputError extends Error {
  readonly code = 'invalid_payment';
  constructor(message: string) {
    super(message);
    this.name = 'PaymentInputError';
  }
}

function str(v: unknown, field: string, optional: boolean, max: number): string | null {
  if (v === undefined || v === null) {
    if (optional) return null;
    throw new PaymentInputError(`field "${field}" is required`);
  }
  if (typeof v !== 'string') throw new PaymentInputError(`field "${field}" must be a string`);
  if (v.length > max) throw new PaymentInputError(`field "${field}" is longer than ${max} characters`);
  return v;
}

function party(v: unknown, field: string): PaymentParty {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PaymentInputError(`field "${field}" must be an object {name, country}`);
  const o = v as Record<string, unknown>;
  return { name: str(o.name, `${field}.name`, false, PARTY_NAME_MAX_CHARS)!, country: str(o.country, `${field}.country`, true, 2) };
}

/** Checks one parsed JSON value as a payment instruction; errors name the field. */
export function parsePaymentInstruction(v: unknown): PaymentInstruction {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PaymentInputError('a payment instruction must be a JSON object');
  const o = v as Record<string, unknown>;
  return {
    uetr: str(o.uetr, 'uetr', false, 64)!,
    debtor: party(o.debtor, 'debtor'),
    creditor: party(o.creditor, 'creditor'),
    debtor_agent_bic: str(o.debtor_agent_bic, 'debtor_agent_bic', true, 11),
    creditor_agent_bic: str(o.creditor_agent_bic, 'creditor_agent_bic', true, 11),
    remittance: str(o.remittance, 'remittance', true, REMITTANCE_MAX_CHARS * 4),
  };
}

function fromName(role: PaymentRole, screened: string, m: Readonly<ScreenMatch>): PaymentMatch {
  return { role, screened, list: m.list, version_id: m.version_id, entry_id: m.entry_id, matched_name: m.matched_name, score: m.score, why: m.why };
}

function fromId(role: PaymentRole, h: IdentifierHit): PaymentMatch {
  return { role, screened: h.value, list: h.list, version_id: h.version_id, entry_id: h.entry_id, matched_name: h.matched, score: h.score, why: h.why };
}

function partyMatches(index: ScreeningIndex, role: PaymentRole, pty: PaymentParty, threshold: number, matches: PaymentMatch[]): void {
  const found = index.nameMatches({ name: pty.name, country: pty.country ?? null }, threshold);
  for (let k = 0; k < found.length; k++) matches.push(fromName(role, pty.name, found[k]!));
}

function agentMatches(index: ScreeningIndex, role: PaymentRole, bic: string | null | undefined, matches: PaymentMatch[]): void {
  if (bic === null || bic === undefined || bic.length === 0) return;
  const hits = index.screenIdentifier(bic, 'bic');
  for (let k = 0; k < hits.length; k++) matches.push(fromId(role, hits[k]!));
}

/** Screens every party and the remittance text of one payment. */
export function screenPayment(index: ScreeningIndex, p: PaymentInstruction, threshold = DEFAULT_THRESHOLD): PaymentScreening {
  const matches: PaymentMatch[] = [];
  // Loops by index, here and below: for-of made an iterator object per loop (~1 kB a demo payment).
  partyMatches(index, 'debtor', p.debtor, threshold, matches);
  partyMatches(index, 'creditor', p.creditor, threshold, matches);
  agentMatches(index, 'debtor_agent', p.debtor_agent_bic, matches);
  agentMatches(index, 'creditor_agent', p.creditor_agent_bic, matches);
  const text = (p.remittance ?? '').slice(0, REMITTANCE_MAX_CHARS);
  if (text.trim().length > 0) {
    const seen = new Set<string>();
    // Identifiers written in the text (BIC-, LEI-, passport-like words).
    const idWords = text.toUpperCase().match(/\b[A-Z0-9]{6,20}\b/g) ?? [];
    for (let w = 0; w < idWords.length; w++) {
      const word = idWords[w]!;
      if (!/[0-9]/.test(word) && word.length !== 8 && word.length !== 11) continue;
      const hits = index.screenIdentifier(word);
      for (let k = 0; k < hits.length; k++) {
        const h = hits[k]!;
        const key = `${h.list}:${h.entry_id}`;
        if (!seen.has(key)) {
          seen.add(key);
          matches.push(fromId('remittance', h));
        }
      }
    }
    // Names: every run of 1..REMITTANCE_WINDOW_TOKENS normalised words (single words only
    // when they are long enough to be a name on their own).
    // The words are screened run by run from what the index keeps of each word (runMatches), when it can.
    const tokens = normalizeName(text).tokens;
    const words = index.textWords(tokens);
    for (let len = Math.min(REMITTANCE_WINDOW_TOKENS, tokens.length); len >= 1; len--) {
      for (let i = 0; i + len <= tokens.length; i++) {
        if (len === 1 && tokens[i]!.length < 5) continue;
        const run = words === null ? tokens.slice(i, i + len).join(' ') : null;
        const found = run !== null ? index.nameMatches({ name: run }, threshold) : index.runMatches(words!, i, len, threshold);
        for (let k = 0; k < found.length; k++) {
          const m = found[k]!;
          const key = `${m.list}:${m.entry_id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          matches.push(fromName('remittance', run ?? tokens.slice(i, i + len).join(' '), m));
        }
      }
    }
  }
  matches.sort((a, b) => b.score - a.score || a.role.localeCompare(b.role) || a.entry_id.localeCompare(b.entry_id));
  const score = matches[0]?.score ?? 0;
  return { uetr: p.uetr, hit: matches.length > 0, score, threshold, matches, lists: index.versions.map((v) => ({ list: v.list, version_id: v.version_id })) };
}

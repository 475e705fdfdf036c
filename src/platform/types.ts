// The platform's vocabulary as the shells see it. The parts the rules share live
// with the rules (clearing/types.ts, compliance/cases.ts, financing/, fx/) and
// are re-exported here; what only the platform uses is defined here: what a
// command reports, the audit trail, and the records kept for the views.

export type {
  BusinessDay,
  FxLeg,
  PartyInfo,
  Participant,
  ParticipantKind,
  Payment,
  PaymentInstruction,
  PaymentState,
  Priority,
  SettlementMode,
  SettlementWindow,
  StateChange,
  WindowState,
} from '../clearing/types.js';
export { PARTICIPANT_KINDS, PAYMENT_STATES } from '../clearing/types.js';
export type { CaseDecision, ComplianceCase, ScreeningOutcome } from '../compliance/cases.js';
export type { Facility } from '../financing/intraday_credit.js';
export type { QuoteLockRecord } from '../fx/quote_locks.js';

import type { PaymentState } from '../clearing/types.js';

/** One payment's state change, as reported to the shell (events, pacs.002). */
export interface ChangeEvent {
  uetr: string;
  state: PaymentState;
  at_ns: string;
  reason?: string;
  detail?: string;
}

export interface CommandOutput {
  ok: boolean;
  error?: { code: string; field: string; message: string };
  result?: unknown;
  changes: ChangeEvent[];
  /** Operator alerts the command raised (absent when none). */
  alerts?: OperatorAlert[];
}

/** An alert for the operator (rules 3): a reference rate older than the scheme's staleness rule met while pricing. */
export interface OperatorAlert {
  at_ns: string;
  kind: 'rate_stale';
  currency: string;
  rate_date: string;
  value_date: string;
  age_business_days: number;
  /** What PvP pricing did about it (fx/rate_policy.ts). */
  action: 'provider_quote' | 'last_rate' | 'rejected';
  message: string;
}

export interface AuditRecord {
  at_ns: bigint;
  by: string;
  action: string;
  target: string;
  ok: boolean;
  /** The scheme version in force when the command ran (absent before scheme_init). */
  scheme_version?: number;
}

export interface AnonymousRejection {
  at_ns: bigint;
  uetr: string | null;
  reason: string;
  field: string;
  detail: string;
}

/** A collateral item as registered (the pool's line is derived from these). */
export interface CollateralRecord {
  id: string;
  kind: string;
  currency: string;
  market_value_minor: bigint;
  haircut_bp: number;
}

/** An imported reference-rate row (the embedded rates apply until an import). */
export interface RateRow {
  currency: string;
  units_per_usd: string;
  date: string;
  source: string;
  file: string;
}

export interface LsmRun {
  at_ns: bigint;
  currency: string;
  queued: number;
  released: number;
  value_minor: bigint;
  /** Rules version 3: set when liquidity arriving started the run (absent: the timer or an operator). */
  trigger?: 'event';
  /** Rules version 3: the run's currency when this entry records a linked currency it released in. */
  linked_to?: string;
}

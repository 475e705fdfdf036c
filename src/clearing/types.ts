// The vocabulary the clearing rules and the platform share: participants, payment
// instructions, payments and their lifecycle, settlement windows and the business
// day. It lives here, below the platform, so the rule modules can use it without
// an arrow pointing up; platform/types.ts re-exports it for the shells.
// Amounts are bigint minor units; times are nanoseconds (UTC).

export type ParticipantKind = 'central_bank' | 'bank' | 'liquidity_provider';
export const PARTICIPANT_KINDS: readonly ParticipantKind[] = ['central_bank', 'bank', 'liquidity_provider'];

export interface Participant {
  /** BIC (8 or 11 characters): how messages name the participant. */
  id: string;
  /** 1.. in registration order; part of its account ids. */
  no: number;
  kind: ParticipantKind;
  name: string;
  /** ISO 3166 alpha-2 country of the participant. */
  country: string;
  /** Currencies it holds settlement accounts in (a central bank: the one it issues first). */
  currencies: string[];
  /** A central bank's issued currency; null for others. */
  issues: string | null;
  /** Set when suspended: its new payments are refused, queued ones stay. */
  suspended: boolean;
}

/**
 * Payment states. queued covers both the RTGS queue and an open settlement window;
 * warehoused (rules version 3, clearing/warehouse.ts) waits for the business day
 * of its value date (a later one, or the next after a cut-off or a close).
 */
export type PaymentState = 'received' | 'validated' | 'screened' | 'held' | 'queued' | 'warehoused' | 'settled' | 'rejected' | 'cancelled' | 'returned';
export const PAYMENT_STATES: readonly PaymentState[] = [
  'received',
  'validated',
  'screened',
  'held',
  'queued',
  'warehoused',
  'settled',
  'rejected',
  'cancelled',
  'returned',
];

export type Priority = 'urgent' | 'normal';
export type SettlementMode = 'rtgs' | 'dns';

export interface PartyInfo {
  name: string;
  country?: string;
  address?: string;
}

/** What a bank sends: one payment instruction (from pacs.008/pacs.009 or JSON). */
export interface PaymentInstruction {
  /** UUID v4, unique on the platform. */
  uetr: string;
  end_to_end_id: string;
  /** Payer and payee participants (their BICs). */
  payer: string;
  payee: string;
  /** The currency the payer pays in. */
  currency: string;
  amount_minor: bigint;
  /** The currency the payee receives; differs from `currency` for a PvP payment. */
  payee_currency: string;
  value_date: string;
  priority: Priority;
  settlement: SettlementMode;
  /** For PvP: the liquidity provider that converts; chosen by the platform when absent. */
  fx_provider?: string;
  /** For PvP: a quote lock (from lock_quote) that fixes provider and rate instead of the reference rate. */
  quote_id?: string;
  purpose?: string;
  remittance?: string;
  debtor?: PartyInfo;
  creditor?: PartyInfo;
  /** 'pacs.008' or 'pacs.009': what the instruction came in as. */
  message?: string;
  /** Reject if not settled by this time (ns since the epoch; rules version 3, JSON `settle_by`, pacs.008/009 SttlmTmReq/TillTm). */
  settle_by_ns?: bigint;
}

export interface StateChange {
  state: PaymentState;
  at_ns: bigint;
  /** ISO 20022 status reason code, where one applies (AM04, DUPL, CUTO, RR04, ...). */
  reason?: string;
  detail?: string;
}

export interface FxLeg {
  provider: string;
  /** Units of payee_currency per 1 unit of currency (major units), exact. */
  rate_num: bigint;
  rate_den: bigint;
  rate_source: string;
  payee_amount_minor: bigint;
  /** exact - payee_amount_minor of the conversion (minor units of the payee currency), exact; booked when the payment settles. */
  residue_num: bigint;
  residue_den: bigint;
}

export interface Payment {
  instruction: PaymentInstruction;
  /** Arrival order: the FIFO key. */
  seq: number;
  state: PaymentState;
  history: StateChange[];
  /** Set when queued for RTGS or in a window. */
  window_id: number | null;
  fx: FxLeg | null;
  /** Transfer ids that settled it (empty until settled). */
  transfer_ids: bigint[];
  settled_at_ns: bigint | null;
  /** Compliance case, when screening held it. */
  case_id: number | null;
  /** Who submitted it (user or participant id, for the audit trail). */
  submitted_by: string;
}

export type WindowState = 'open' | 'closed' | 'settling' | 'settled' | 'aborted';

export interface SettlementWindow {
  id: number;
  currency: string;
  state: WindowState;
  opened_at_ns: bigint;
  closed_at_ns: bigint | null;
  /** Payments in the window, by uetr, in arrival order. */
  uetrs: string[];
  /** Net positions at settlement (participant -> minor units, + receives, - pays). */
  net_positions: Array<[string, bigint]>;
  /** Participants removed for not covering their net debit. */
  defaulters: string[];
}

export interface BusinessDay {
  date: string;
  state: 'open' | 'closed';
  opened_at_ns: bigint;
  closed_at_ns: bigint | null;
  /** Cut-off per currency, ns since the epoch. */
  cutoffs: Array<[string, bigint]>;
  /** Rules version 3: payments warehoused while this was the current day (late arrivals, future value dates, queued at its close). */
  warehoused?: number;
  /** Rules version 3: warehoused payments that entered settlement when this day opened. */
  released_from_warehouse?: number;
}

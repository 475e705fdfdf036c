// Platform commands: the JSON documents journaled as OP_COMMAND entries, and
// their strict decoding. A command is decoded twice: by the shell before it is
// journaled (so a malformed request is refused with nothing written) and by the
// state machine on execution and replay (the same pure function, so it agrees).
//
// Unknown fields are refused; every string has a length limit; amounts are
// decimal strings in major units of the currency named beside them.

import { decodeDirectoryCommand, type DirectoryCommand } from './api_directory.js';
import { decodeSetCalendars, type SetCalendarsCommand } from './currency_days.js';
import { PlatformError } from './errors.js';
import { LIQUIDITY_REFERENCE_MAX } from './liquidity_transfer_ids.js';
import { decodeGovernanceCommand, isGovernanceCommand, type GovernanceCommand } from './governance_commands.js';
import { PARTICIPANT_KINDS, type CaseDecision, type ParticipantKind, type ScreeningOutcome } from './types.js';

export const COMMAND_LIMITS = Object.freeze({
  payments_per_command_max: 8_189,
  string_max: 140,
  text_max: 1_000,
  rate_rows_max: 100_000,
  collateral_items_max: 1_000,
});

export interface RateRowCommand {
  currency: string;
  units_per_usd: string;
  date: string;
  source: string;
}

/** A size tier: amounts in major units of BASE, prices QUOTE per BASE. */
export interface QuoteTierCommand {
  min: string;
  max: string;
  bid: string;
  ask: string;
}

export interface CollateralItemCommand {
  id: string;
  kind: string;
  currency: string;
  market_value: string;
  haircut_bp: number;
}

export type Command =
  | { type: 'register_participant'; by: string; id: string; kind: ParticipantKind; name: string; country: string; currencies: string[] }
  | {
      type: 'fund' | 'defund';
      by: string;
      participant: string;
      currency: string;
      amount: string;
      /** Rules 4, fund only: the liquidity transfer's reference (a camt.050's EndToEndId); one funding per reference and currency. */
      reference?: string;
    }
  | { type: 'submit_payments'; by: string; payments: Record<string, unknown>[]; screening: (ScreeningOutcome | null)[] }
  | { type: 'cancel_payment'; by: string; uetr: string; reason: string }
  | { type: 'return_payment'; by: string; uetr: string; reason: string }
  | { type: 'decide_case'; by: string; case_id: number; decision: CaseDecision; note: string }
  | { type: 'run_lsm'; by: string; currency: string }
  | { type: 'open_window' | 'close_window'; by: string; currency: string }
  | { type: 'open_day'; by: string; date: string; cutoffs: Record<string, string>; default_cutoff: string }
  | { type: 'close_day'; by: string }
  | { type: 'import_rates'; by: string; file: string; rows: RateRowCommand[] }
  | { type: 'set_collateral'; by: string; participant: string; currency: string; items: CollateralItemCommand[]; auto_draw: boolean }
  | { type: 'draw_credit'; by: string; participant: string; currency: string; amount: string }
  | { type: 'set_config'; by: string; bypass_fifo: boolean }
  | {
      type: 'open_swap_line';
      by: string;
      id: string;
      provider: string;
      drawer: string;
      limit: string;
      /** Units of the drawer's currency per 1 unit of the provider's; default the reference cross rate of start_date. */
      rate: string;
      interest_rate: string;
      day_count: string;
      start_date: string;
      maturity_date: string;
    }
  | { type: 'draw_swap'; by: string; line: string; amount: string }
  | { type: 'publish_quote'; by: string; provider: string; base: string; quote: string; tiers: QuoteTierCommand[]; valid_s: number }
  | {
      type: 'lock_quote';
      by: string;
      base: string;
      quote: string;
      amount: string;
      /** Rules 3: the participant taking the lock (only its payments may use it). */
      participant?: string;
      /** Rules 3: the lock's id, drawn at random by the facade before journaling. */
      lock_id?: string;
    }
  | { type: 'publish_reference_rate'; by: string; participant: string; currency: string; units_per_usd: string; date: string; source: string }
  | { type: 'set_rate_policy'; by: string; max_age_business_days: number; extended_age_business_days: number; quote_tolerance_bp: number }
  | { type: 'unwind_swap'; by: string; line: string }
  // API users and keys (./api_directory.ts), from rules version 3.
  | DirectoryCommand
  | SetCalendarsCommand
  // The scheme's governance (./governance_commands.ts).
  | GovernanceCommand
  | { type: 'set_liquidity_execution'; by: string; enabled: boolean }
  | {
      type: 'execute_liquidity_proposal';
      by: string;
      kind: 'pvp' | 'swap';
      /** The liquidity provider (pvp) or the swap line id (swap). */
      via: string;
      participant: string;
      sell_currency: string;
      buy_currency: string;
      /** Major units of buy_currency. */
      buy_amount: string;
    };

export type CommandType = Command['type'];

type Obj = Record<string, unknown>;

function obj(v: unknown, field: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PlatformError('invalid_field', field, 'must be an object');
  return v as Obj;
}

function only(o: Obj, allowed: readonly string[], field: string): void {
  // for-in, not Object.keys (no key array a call): own keys first, in Object.keys' order; an inherited key is skipped.
  for (const k in o) {
    if (!allowed.includes(k) && Object.hasOwn(o, k)) throw new PlatformError('invalid_field', field === '' ? k : `${field}.${k}`, 'unknown field');
  }
}

// One RegExp for every call (a literal in the body is a new object each time str runs); no `g` flag, so `test` keeps no state.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

export function str(o: Obj, k: string, field: string, max: number = COMMAND_LIMITS.string_max, optional = false): string {
  return strValue(o[k], k, field, max, optional);
}

/** str for a value already read (a named read at the caller, where `o[k]` with ever other names is a generic lookup). */
export function strValue(v: unknown, k: string, field: string, max: number = COMMAND_LIMITS.string_max, optional = false): string {
  if (v === undefined && optional) return '';
  // The field's path is written only for a refusal: this runs for every field of every payment.
  if (typeof v !== 'string') throw new PlatformError('invalid_field', pathOf(field, k), 'must be a string');
  if (v.length === 0 && !optional) throw new PlatformError('invalid_field', pathOf(field, k), 'must not be empty');
  if (v.length > max) throw new PlatformError('invalid_field', pathOf(field, k), `at most ${max} characters`);
  if (CONTROL_CHARS.test(v)) throw new PlatformError('invalid_field', pathOf(field, k), 'control characters are not allowed');
  return v;
}

function pathOf(field: string, k: string): string {
  return field === '' ? k : `${field}.${k}`;
}

function bool(o: Obj, k: string, field: string, dflt: boolean): boolean {
  const v = o[k];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new PlatformError('invalid_field', `${field}${k}`, 'must be true or false');
  return v;
}

function arr(o: Obj, k: string, field: string, max: number): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new PlatformError('invalid_field', `${field}${k}`, 'must be an array');
  if (v.length > max) throw new PlatformError('limit_exceeded', `${field}${k}`, `at most ${max} items, got ${v.length}`);
  return v;
}

const SCREENING_FIELDS = ['hit', 'score', 'list_version', 'detail'] as const;

function screening(v: unknown, field: string): ScreeningOutcome | null {
  if (v === null) return null;
  const o = obj(v, field);
  only(o, SCREENING_FIELDS, field);
  if (typeof o.hit !== 'boolean') throw new PlatformError('invalid_field', `${field}.hit`, 'must be true or false');
  if (typeof o.score !== 'number' || !(o.score >= 0 && o.score <= 1)) throw new PlatformError('invalid_field', `${field}.score`, 'must be a number 0..1');
  const out: ScreeningOutcome = { hit: o.hit, score: o.score, list_version: str(o, 'list_version', field) };
  if (o.detail !== undefined) out.detail = str(o, 'detail', field, COMMAND_LIMITS.text_max);
  return out;
}

type Decoded<T extends CommandType> = Extract<Command, { type: T }>;
const BASE_FIELDS = ['type', 'by'] as const;

function fields(...names: string[]): string[] {
  return [...BASE_FIELDS, ...names];
}

/** Decodes and checks a command's shape (not its meaning against the state). Throws PlatformError. */
export function decodeCommand(input: unknown): Command {
  const o = obj(input, '');
  const type = o.type;
  const by = typeof o.by === 'string' ? str(o, 'by', '') : 'system';
  if (type === 'set_calendars') return decodeSetCalendars(o, by);
  switch (type) {
    case 'register_participant':
      return decodeRegister(o, by);
    case 'fund':
      return decodeFund(o, by);
    case 'defund':
    case 'draw_credit':
      only(o, fields('participant', 'currency', 'amount'), '');
      return { type, by, participant: str(o, 'participant', ''), currency: str(o, 'currency', '', 3), amount: str(o, 'amount', '', 40) };
    case 'submit_payments':
      return decodeSubmit(o, by);
    case 'cancel_payment':
    case 'return_payment':
      only(o, fields('uetr', 'reason'), '');
      return { type, by, uetr: str(o, 'uetr', '', 36), reason: o.reason === undefined ? '' : str(o, 'reason', '', 4) };
    case 'decide_case':
      return decodeDecision(o, by);
    case 'run_lsm':
    case 'open_window':
    case 'close_window':
      only(o, fields('currency'), '');
      return { type, by, currency: str(o, 'currency', '', 3) };
    case 'open_day':
      return decodeOpenDay(o, by);
    case 'close_day':
      only(o, fields(), '');
      return { type, by };
    case 'import_rates':
      return decodeImportRates(o, by);
    case 'set_collateral':
      return decodeCollateral(o, by);
    case 'open_swap_line':
      return decodeSwapLine(o, by);
    case 'publish_quote':
      return decodePublishQuote(o, by);
    case 'lock_quote':
      return decodeLockQuote(o, by);
    case 'set_rate_policy':
      return decodeRatePolicy(o, by);
    case 'publish_reference_rate':
      return decodePublishRate(o, by);
    case 'draw_swap':
      only(o, fields('line', 'amount'), '');
      return { type, by, line: str(o, 'line', ''), amount: str(o, 'amount', '', 40) };
    case 'unwind_swap':
      only(o, fields('line'), '');
      return { type, by, line: str(o, 'line', '') };
    case 'set_config':
      only(o, fields('bypass_fifo'), '');
      return { type, by, bypass_fifo: bool(o, 'bypass_fifo', '', false) };
    case 'create_user':
    case 'update_user':
    case 'create_key':
    case 'revoke_key':
    case 'adopt_api_directory':
      return decodeDirectoryCommand(o, by);
    case 'set_liquidity_execution':
      return decodeLiquidityExecution(o, by);
    case 'execute_liquidity_proposal':
      return decodeExecuteProposal(o, by);
    default:
      if (isGovernanceCommand({ type })) return decodeGovernanceCommand(o, by);
      throw new PlatformError('invalid_command', 'type', `unknown command type ${JSON.stringify(type)}`);
  }
}

type FundCommand = Extract<Command, { type: 'fund' | 'defund' }>;

/** A funding; `reference` only when given, so a funding without one decodes as it always did. */
function decodeFund(o: Obj, by: string): FundCommand {
  only(o, fields('participant', 'currency', 'amount', 'reference'), '');
  const out: FundCommand = {
    type: 'fund',
    by,
    participant: str(o, 'participant', ''),
    currency: str(o, 'currency', '', 3),
    amount: str(o, 'amount', '', 40),
  };
  if (o.reference !== undefined) out.reference = str(o, 'reference', '', LIQUIDITY_REFERENCE_MAX);
  return out;
}

function decodeLiquidityExecution(o: Obj, by: string): Decoded<'set_liquidity_execution'> {
  only(o, fields('enabled'), '');
  if (typeof o.enabled !== 'boolean') throw new PlatformError('invalid_field', 'enabled', 'must be true or false');
  return { type: 'set_liquidity_execution', by, enabled: o.enabled };
}

function decodePublishRate(o: Obj, by: string): Decoded<'publish_reference_rate'> {
  only(o, fields('participant', 'currency', 'units_per_usd', 'date', 'source'), '');
  return {
    type: 'publish_reference_rate',
    by,
    participant: str(o, 'participant', ''),
    currency: str(o, 'currency', '', 3),
    units_per_usd: str(o, 'units_per_usd', '', 60),
    date: str(o, 'date', '', 10),
    source: str(o, 'source', '', COMMAND_LIMITS.text_max),
  };
}

function decodeRegister(o: Obj, by: string): Decoded<'register_participant'> {
  only(o, fields('id', 'kind', 'name', 'country', 'currencies'), '');
  const kind = o.kind as ParticipantKind;
  if (!PARTICIPANT_KINDS.includes(kind)) throw new PlatformError('invalid_field', 'kind', `must be one of ${PARTICIPANT_KINDS.join(', ')}`);
  const currencies = arr(o, 'currencies', '', 10).map((c, i) => {
    if (typeof c !== 'string') throw new PlatformError('invalid_field', `currencies[${i}]`, 'must be a currency code');
    return c;
  });
  return { type: 'register_participant', by, id: str(o, 'id', ''), kind, name: str(o, 'name', ''), country: str(o, 'country', '', 2), currencies };
}

function decodeSubmit(o: Obj, by: string): Decoded<'submit_payments'> {
  only(o, fields('payments', 'screening'), '');
  const payments = arr(o, 'payments', '', COMMAND_LIMITS.payments_per_command_max);
  if (payments.length === 0) throw new PlatformError('invalid_field', 'payments', 'at least one payment');
  // Each payment's path is written only for a refusal.
  const list = payments.map((p, i) => (p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Obj) : obj(p, `payments[${i}]`)));
  const scr =
    o.screening === undefined
      ? list.map(() => null)
      : arr(o, 'screening', '', COMMAND_LIMITS.payments_per_command_max).map((s, i) => screening(s, `screening[${i}]`));
  if (scr.length !== list.length) throw new PlatformError('invalid_field', 'screening', 'one outcome (or null) per payment');
  return { type: 'submit_payments', by, payments: list, screening: scr };
}

function decodeDecision(o: Obj, by: string): Decoded<'decide_case'> {
  only(o, fields('case_id', 'decision', 'note'), '');
  if (!Number.isSafeInteger(o.case_id) || (o.case_id as number) < 1) throw new PlatformError('invalid_field', 'case_id', 'must be a case number');
  if (o.decision !== 'release' && o.decision !== 'reject') throw new PlatformError('invalid_field', 'decision', 'must be release or reject');
  return { type: 'decide_case', by, case_id: o.case_id as number, decision: o.decision, note: str(o, 'note', '', COMMAND_LIMITS.text_max, true) };
}

function decodeOpenDay(o: Obj, by: string): Decoded<'open_day'> {
  only(o, fields('date', 'cutoffs', 'default_cutoff'), '');
  const cutoffs: Record<string, string> = {};
  if (o.cutoffs !== undefined) {
    const c = obj(o.cutoffs, 'cutoffs');
    for (const k of Object.keys(c)) cutoffs[k] = str(c, k, 'cutoffs', 5);
  }
  return {
    type: 'open_day',
    by,
    date: str(o, 'date', '', 10),
    cutoffs,
    default_cutoff: o.default_cutoff === undefined ? '23:59' : str(o, 'default_cutoff', '', 5),
  };
}

function decodeImportRates(o: Obj, by: string): Decoded<'import_rates'> {
  only(o, fields('file', 'rows'), '');
  const rows = arr(o, 'rows', '', COMMAND_LIMITS.rate_rows_max).map((r, i) => {
    const ro = obj(r, `rows[${i}]`);
    only(ro, ['currency', 'units_per_usd', 'date', 'source'], `rows[${i}]`);
    const f = `rows[${i}]`;
    return {
      currency: str(ro, 'currency', f, 3),
      units_per_usd: str(ro, 'units_per_usd', f, 60),
      date: str(ro, 'date', f, 10),
      source: str(ro, 'source', f, COMMAND_LIMITS.text_max),
    };
  });
  return { type: 'import_rates', by, file: str(o, 'file', '', COMMAND_LIMITS.text_max), rows };
}

function decodeCollateral(o: Obj, by: string): Decoded<'set_collateral'> {
  only(o, fields('participant', 'currency', 'items', 'auto_draw'), '');
  const items = arr(o, 'items', '', COMMAND_LIMITS.collateral_items_max).map((it, i) => {
    const f = `items[${i}]`;
    const io = obj(it, f);
    only(io, ['id', 'kind', 'currency', 'market_value', 'haircut_bp'], f);
    if (!Number.isSafeInteger(io.haircut_bp)) throw new PlatformError('invalid_field', `${f}.haircut_bp`, 'must be an integer number of basis points');
    return {
      id: str(io, 'id', f),
      kind: str(io, 'kind', f),
      currency: str(io, 'currency', f, 3),
      market_value: str(io, 'market_value', f, 40),
      haircut_bp: io.haircut_bp as number,
    };
  });
  return {
    type: 'set_collateral',
    by,
    participant: str(o, 'participant', ''),
    currency: str(o, 'currency', '', 3),
    items,
    auto_draw: bool(o, 'auto_draw', '', true),
  };
}

function decodeSwapLine(o: Obj, by: string): Decoded<'open_swap_line'> {
  only(o, fields('id', 'provider', 'drawer', 'limit', 'rate', 'interest_rate', 'day_count', 'start_date', 'maturity_date'), '');
  return {
    type: 'open_swap_line',
    by,
    id: str(o, 'id', ''),
    provider: str(o, 'provider', '', 11),
    drawer: str(o, 'drawer', '', 11),
    limit: str(o, 'limit', '', 40),
    rate: str(o, 'rate', '', 60, true),
    interest_rate: str(o, 'interest_rate', '', 20),
    day_count: o.day_count === undefined ? 'ACT/360' : str(o, 'day_count', '', 7),
    start_date: str(o, 'start_date', '', 10),
    maturity_date: str(o, 'maturity_date', '', 10),
  };
}

function decodePublishQuote(o: Obj, by: string): Decoded<'publish_quote'> {
  only(o, fields('provider', 'base', 'quote', 'tiers', 'valid_s'), '');
  const tiers = arr(o, 'tiers', '', 16).map((t, i) => {
    const f = `tiers[${i}]`;
    const to = obj(t, f);
    only(to, ['min', 'max', 'bid', 'ask'], f);
    return { min: str(to, 'min', f, 40), max: str(to, 'max', f, 40), bid: str(to, 'bid', f, 40), ask: str(to, 'ask', f, 40) };
  });
  const valid = o.valid_s;
  if (!Number.isSafeInteger(valid) || (valid as number) < 1 || (valid as number) > 86_400)
    throw new PlatformError('invalid_field', 'valid_s', 'must be whole seconds, 1..86400');
  return {
    type: 'publish_quote',
    by,
    provider: str(o, 'provider', '', 11),
    base: str(o, 'base', '', 3),
    quote: str(o, 'quote', '', 3),
    tiers,
    valid_s: valid as number,
  };
}

function decodeLockQuote(o: Obj, by: string): Decoded<'lock_quote'> {
  only(o, fields('base', 'quote', 'amount', 'participant', 'lock_id'), '');
  const out: Decoded<'lock_quote'> = { type: 'lock_quote', by, base: str(o, 'base', '', 3), quote: str(o, 'quote', '', 3), amount: str(o, 'amount', '', 40) };
  // Both absent on commands journaled under rules 1 and 2; the state machine requires them under rules 3.
  if (o.participant !== undefined) out.participant = str(o, 'participant', '');
  if (o.lock_id !== undefined) out.lock_id = str(o, 'lock_id', '', 20);
  return out;
}

function decodeRatePolicy(o: Obj, by: string): Decoded<'set_rate_policy'> {
  only(o, fields('max_age_business_days', 'extended_age_business_days', 'quote_tolerance_bp'), '');
  const int = (k: string): number => {
    const v = o[k];
    if (!Number.isSafeInteger(v)) throw new PlatformError('invalid_field', k, 'must be a whole number');
    return v as number;
  };
  return {
    type: 'set_rate_policy',
    by,
    max_age_business_days: int('max_age_business_days'),
    extended_age_business_days: int('extended_age_business_days'),
    quote_tolerance_bp: int('quote_tolerance_bp'),
  };
}

function decodeExecuteProposal(o: Obj, by: string): Decoded<'execute_liquidity_proposal'> {
  only(o, fields('kind', 'via', 'participant', 'sell_currency', 'buy_currency', 'buy_amount'), '');
  if (o.kind !== 'pvp' && o.kind !== 'swap') throw new PlatformError('invalid_field', 'kind', 'must be pvp or swap');
  return {
    type: 'execute_liquidity_proposal',
    by,
    kind: o.kind,
    via: str(o, 'via', ''),
    participant: str(o, 'participant', '', 11),
    sell_currency: str(o, 'sell_currency', '', 3),
    buy_currency: str(o, 'buy_currency', '', 3),
    buy_amount: str(o, 'buy_amount', '', 40),
  };
}

// The scheme document: one JSON document that holds what the member central
// banks govern — members and their central banks, currencies and ledgers,
// admitted participants, limits and credit haircuts, cut-offs, calendars, the
// DNS window schedule, LSM settings, swap-line caps, rate sources and
// staleness, screening list sources, and which parameters the operator may
// change alone within bounds. validateScheme checks a whole document and throws
// GovernanceError('scheme_invalid') naming the JSON Pointer at fault; objects
// are closed (an unknown member is refused), every list and string is bounded.
// Amounts are decimal strings in major units (never floating point).

import { memberCurrency } from '../fx/iso4217.js';
import { GovernanceError } from './errors.js';
import { formatPointer, type JsonValue } from './json_patch.js';

export const MEMBER_CODES = ['CN', 'RU', 'IN', 'PK', 'IR', 'KZ', 'KG', 'TJ', 'UZ', 'BY'] as const;
export type MemberCode = (typeof MEMBER_CODES)[number];
export const MEMBER_STATUSES = ['active', 'suspended', 'expelled'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const SCHEME_PARTICIPANT_KINDS = ['central_bank', 'bank', 'liquidity_provider'] as const;

export const SCHEME_LIMITS = Object.freeze({
  participants_max: 5_000,
  list_max: 100,
  string_max: 200,
  document_bytes_max: 1_000_000,
  interval_minutes_max: 1_440,
  haircut_bp_max: 10_000,
});

export interface SchemeMember {
  name: string;
  central_bank: string;
  currency: string;
  status: MemberStatus;
}

export interface OperatorBound {
  min: number | string;
  max: number | string;
}

export interface SchemeDocument {
  name: string;
  members: Record<string, SchemeMember>;
  currencies: Record<string, { ledger: number; minor_units: number }>;
  participants: Record<string, { kind: (typeof SCHEME_PARTICIPANT_KINDS)[number]; country: string; currencies: string[] }>;
  limits: { payment_max: Record<string, string>; credit_haircuts_bp: Record<string, number>; queue_length_max: number };
  cutoffs: { default: string; currencies: Record<string, string> };
  /** Per currency; the operating-calendar work (clearing/calendar.ts) defines the rest of each object. */
  calendars?: Record<string, { time_zone: string; [k: string]: JsonValue }>;
  dns_windows: { open_at: string; close_at: string; currencies: string[] };
  lsm: { interval_minutes: number; bypass_fifo: boolean };
  /** "PROVIDER/DRAWER" currency pair -> the largest line, major units of the provider's currency. */
  swap_lines: { caps: Record<string, string> };
  rates: { sources: string[]; max_age_business_days: number; extended_age_business_days: number; quote_tolerance_bp: number };
  screening: { list_sources: string[] };
  /** JSON Pointer of a number or HH:MM parameter -> the bounds within which the operator may change it. */
  operator_owned: Record<string, OperatorBound>;
}

/** Deeper checks of one currency's calendar object (the calendar module passes its own); throw GovernanceError. */
export type CalendarCheck = (currency: string, calendar: Record<string, JsonValue>, pointer: string) => void;

export interface ValidateOptions {
  calendar?: CalendarCheck;
}

const BIC_RE = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const TIME_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const COUNTRY_RE = /^[A-Z]{2}$/;

type Obj = Record<string, unknown>;

/** A cursor into the document: the pointer it stands at and the checks on its value. */
class At {
  constructor(
    readonly v: unknown,
    readonly tokens: readonly string[],
  ) {}
  get pointer(): string {
    return formatPointer(this.tokens);
  }
  fail(reason: string): never {
    throw new GovernanceError('scheme_invalid', this.pointer, `${this.pointer || '(document)'}: ${reason}`);
  }
  child(k: string): At {
    const o = this.v as Obj;
    return new At(Object.hasOwn(o, k) ? o[k] : undefined, [...this.tokens, k]);
  }
  obj(allowed: readonly string[] | null, required: readonly string[] = allowed ?? []): Obj {
    if (this.v === null || typeof this.v !== 'object' || Array.isArray(this.v)) this.fail('must be an object');
    const o = this.v as Obj;
    if (allowed !== null) for (const k of Object.keys(o)) if (!allowed.includes(k)) this.child(k).fail('is not a field of the scheme');
    for (const k of required) if (!(k in o)) this.child(k).fail('is required');
    return o;
  }
  map(max: number): string[] {
    const keys = Object.keys(this.obj(null));
    if (keys.length > max) this.fail(`at most ${max} entries`);
    return keys;
  }
  str(re?: RegExp, what = 'a string'): string {
    if (typeof this.v !== 'string' || this.v.length === 0 || this.v.length > SCHEME_LIMITS.string_max || (re !== undefined && !re.test(this.v)))
      this.fail(`must be ${what}`);
    return this.v;
  }
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(this.v) || (this.v as number) < min || (this.v as number) > max) this.fail(`must be a whole number ${min}..${max}`);
    return this.v as number;
  }
  bool(): boolean {
    if (typeof this.v !== 'boolean') this.fail('must be true or false');
    return this.v;
  }
  list(max: number): At[] {
    if (!Array.isArray(this.v)) this.fail('must be an array');
    if (this.v.length > max) this.fail(`at most ${max} items`);
    return this.v.map((x, i) => new At(x, [...this.tokens, String(i)]));
  }
}

const TOP = [
  'name',
  'members',
  'currencies',
  'participants',
  'limits',
  'cutoffs',
  'calendars',
  'dns_windows',
  'lsm',
  'swap_lines',
  'rates',
  'screening',
  'operator_owned',
];

/** Checks a whole scheme document; returns it typed, or throws GovernanceError('scheme_invalid') at the first fault. */
export function validateScheme(doc: unknown, opts: ValidateOptions = {}): SchemeDocument {
  const root = new At(doc, []);
  root.obj(
    TOP,
    TOP.filter((k) => k !== 'calendars'),
  );
  if (Buffer.byteLength(JSON.stringify(doc)) > SCHEME_LIMITS.document_bytes_max) root.fail(`at most ${SCHEME_LIMITS.document_bytes_max} bytes`);
  root.child('name').str();
  const currencies = checkCurrencies(root.child('currencies'));
  const participants = checkParticipants(root.child('participants'), currencies);
  checkMembers(root.child('members'), currencies, participants);
  checkLimits(root.child('limits'), currencies);
  checkCutoffs(root.child('cutoffs'), currencies);
  if ((doc as Obj).calendars !== undefined) checkCalendars(root.child('calendars'), currencies, opts.calendar);
  checkWindowsAndLsm(root, currencies);
  checkSwapCaps(root.child('swap_lines'), currencies);
  checkRates(root.child('rates'));
  for (const s of root.child('screening').child('list_sources').list(SCHEME_LIMITS.list_max)) s.str();
  root.child('screening').obj(['list_sources']);
  checkOperatorOwned(root.child('operator_owned'), doc as JsonValue);
  return doc as SchemeDocument;
}

function checkCurrencies(at: At): Set<string> {
  const out = new Set<string>();
  for (const code of at.map(SCHEME_LIMITS.list_max)) {
    const c: At = at.child(code);
    c.obj(['ledger', 'minor_units']);
    const info = currencyInfo(code);
    if (info === null) c.fail('is not a currency the platform settles');
    if (c.child('ledger').int(1, 999) !== info.numeric) c.child('ledger').fail(`must be ${info.numeric}, the ISO 4217 number of ${code}`);
    if (c.child('minor_units').int(0, 4) !== info.minor_units) c.child('minor_units').fail(`must be ${info.minor_units}, the ISO 4217 minor units of ${code}`);
    out.add(code);
  }
  return out;
}

function currencyInfo(code: string): ReturnType<typeof memberCurrency> | null {
  try {
    return memberCurrency(code);
  } catch {
    return null;
  }
}

function checkParticipants(at: At, currencies: Set<string>): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const bic of at.map(SCHEME_LIMITS.participants_max)) {
    const p = at.child(bic);
    if (!BIC_RE.test(bic)) p.fail('the key must be a BIC');
    p.obj(['kind', 'country', 'currencies']);
    const kind = p.child('kind').str();
    if (!(SCHEME_PARTICIPANT_KINDS as readonly string[]).includes(kind)) p.child('kind').fail(`must be one of ${SCHEME_PARTICIPANT_KINDS.join(', ')}`);
    p.child('country').str(COUNTRY_RE, 'an ISO 3166 alpha-2 code');
    const list = p.child('currencies').list(10);
    if (list.length === 0) p.child('currencies').fail('at least one currency');
    for (const c of list) if (!currencies.has(c.str())) c.fail('is not a currency of the scheme');
    kinds.set(bic, kind);
  }
  return kinds;
}

function checkMembers(at: At, currencies: Set<string>, participants: Map<string, string>): void {
  const codes = at.map(SCHEME_LIMITS.list_max);
  if (codes.length === 0) at.fail('at least one member');
  const banks = new Set<string>();
  for (const code of codes) {
    const m = at.child(code);
    if (!(MEMBER_CODES as readonly string[]).includes(code)) m.fail(`is not a member state (${MEMBER_CODES.join(' ')})`);
    m.obj(['name', 'central_bank', 'currency', 'status']);
    m.child('name').str();
    const cb = m.child('central_bank').str(BIC_RE, 'a BIC');
    if (participants.get(cb) !== 'central_bank') m.child('central_bank').fail(`${cb} must be a participant of kind central_bank`);
    if (banks.has(cb)) m.child('central_bank').fail(`${cb} is the central bank of another member`);
    banks.add(cb);
    if (!currencies.has(m.child('currency').str())) m.child('currency').fail('is not a currency of the scheme');
    const status = m.child('status').str();
    if (!(MEMBER_STATUSES as readonly string[]).includes(status)) m.child('status').fail(`must be one of ${MEMBER_STATUSES.join(', ')}`);
  }
}

/** A decimal amount in major units with at most the currency's minor digits. */
function amount(at: At, currency: string): void {
  const digits = memberCurrency(currency).minor_units;
  const re = digits === 0 ? /^[0-9]{1,30}$/ : new RegExp(`^[0-9]{1,30}(\\.[0-9]{1,${digits}})?$`);
  at.str(re, `a decimal amount in ${currency} with at most ${digits} decimals`);
}

function checkLimits(at: At, currencies: Set<string>): void {
  at.obj(['payment_max', 'credit_haircuts_bp', 'queue_length_max']);
  const pm = at.child('payment_max');
  for (const c of pm.map(SCHEME_LIMITS.list_max)) {
    if (!currencies.has(c)) pm.child(c).fail('is not a currency of the scheme');
    amount(pm.child(c), c);
  }
  const h = at.child('credit_haircuts_bp');
  for (const kind of h.map(SCHEME_LIMITS.list_max)) h.child(kind).int(0, SCHEME_LIMITS.haircut_bp_max);
  at.child('queue_length_max').int(1, 1_000_000);
}

function checkCutoffs(at: At, currencies: Set<string>): void {
  at.obj(['default', 'currencies']);
  at.child('default').str(TIME_RE, 'a time HH:MM');
  const per = at.child('currencies');
  for (const c of per.map(SCHEME_LIMITS.list_max)) {
    if (!currencies.has(c)) per.child(c).fail('is not a currency of the scheme');
    per.child(c).str(TIME_RE, 'a time HH:MM');
  }
}

function checkCalendars(at: At, currencies: Set<string>, deeper: CalendarCheck | undefined): void {
  for (const c of at.map(SCHEME_LIMITS.list_max)) {
    const cal = at.child(c);
    if (!currencies.has(c)) cal.fail('is not a currency of the scheme');
    const o = cal.obj(null, ['time_zone']);
    cal.child('time_zone').str(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone name');
    // The hook: the operating-calendar module's own validator checks the rest.
    deeper?.(c, o as Record<string, JsonValue>, cal.pointer);
  }
}

function checkWindowsAndLsm(root: At, currencies: Set<string>): void {
  const w = root.child('dns_windows');
  w.obj(['open_at', 'close_at', 'currencies']);
  const open = w.child('open_at').str(TIME_RE, 'a time HH:MM');
  if (w.child('close_at').str(TIME_RE, 'a time HH:MM') <= open) w.child('close_at').fail('must be after open_at');
  for (const c of w.child('currencies').list(SCHEME_LIMITS.list_max)) if (!currencies.has(c.str())) c.fail('is not a currency of the scheme');
  const l = root.child('lsm');
  l.obj(['interval_minutes', 'bypass_fifo']);
  l.child('interval_minutes').int(1, SCHEME_LIMITS.interval_minutes_max);
  l.child('bypass_fifo').bool();
}

function checkSwapCaps(at: At, currencies: Set<string>): void {
  at.obj(['caps']);
  const caps = at.child('caps');
  for (const pair of caps.map(SCHEME_LIMITS.list_max)) {
    const [a, b, extra] = pair.split('/');
    if (a === undefined || b === undefined || extra !== undefined || a === b || !currencies.has(a) || !currencies.has(b))
      caps.child(pair).fail('the key must be PROVIDER/DRAWER, two different currencies of the scheme');
    amount(caps.child(pair), a!);
  }
}

function checkRates(at: At): void {
  at.obj(['sources', 'max_age_business_days', 'extended_age_business_days', 'quote_tolerance_bp']);
  for (const s of at.child('sources').list(SCHEME_LIMITS.list_max)) s.str();
  const max = at.child('max_age_business_days').int(0, 260);
  if (at.child('extended_age_business_days').int(0, 260) < max) at.child('extended_age_business_days').fail('must be at least max_age_business_days');
  at.child('quote_tolerance_bp').int(0, 5_000);
}

function checkOperatorOwned(at: At, doc: JsonValue): void {
  for (const pointer of at.map(SCHEME_LIMITS.list_max)) {
    const b = at.child(pointer);
    b.obj(['min', 'max']);
    if (!pointer.startsWith('/') || pointer.startsWith('/operator_owned') || pointer.startsWith('/members'))
      b.fail('the key must point at a parameter outside /members and /operator_owned');
    const value = valueAtPointer(doc, pointer);
    if (value === undefined) b.fail(`${pointer} does not exist in the scheme`);
    if (value === undefined || withinBounds(value, { min: b.child('min').v as number | string, max: b.child('max').v as number | string }) === null)
      b.fail(`min and max must be numbers (or HH:MM times) like ${pointer}'s value, min <= max, and the value within them`);
  }
}

function valueAtPointer(doc: JsonValue, pointer: string): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const t of pointer.slice(1).split('/')) {
    const k = t.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(k)] : Object.hasOwn(cur, k) ? cur[k] : undefined;
  }
  return cur;
}

/** true/false: whether `value` is within the bounds; null when value and bounds are not comparable (or min > max). */
export function withinBounds(value: unknown, b: OperatorBound): boolean | null {
  const num = typeof value === 'number' && typeof b.min === 'number' && typeof b.max === 'number';
  const time = [value, b.min, b.max].every((x) => typeof x === 'string' && TIME_RE.test(x));
  if (!num && !time) return null;
  if ((b.min as number | string) > (b.max as number | string)) return null;
  return (value as number | string) >= b.min && (value as number | string) <= b.max;
}

/** The member whose status a pointer changes ("/members/KZ/status" or "/members/KZ"), or null. */
export function memberConcerned(pointer: string): string | null {
  const m = /^\/members\/([A-Z]{2})(\/status)?$/.exec(pointer);
  return m === null ? null : m[1]!;
}

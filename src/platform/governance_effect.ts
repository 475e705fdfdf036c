// How the scheme's versions take effect: version 1 at scheme_init, an adopted
// proposal as the next version on its business day — at the opening of the
// first business day on or after its effective date, so never inside an open
// settlement window or an LSM run (both live within a day; close_day closes the
// windows) — and the parameters the platform applies from the version in force:
// rate staleness (set_rate_policy's policy), the LSM's FIFO bypass, the day's
// cut-offs (open_day takes them from the scheme), the calendars
// (./governance_calendars.ts), swap-line caps (open_swap_line refuses a larger
// line), and under rules 3: the payment maximum per currency (AM02 at
// submission), the credit haircut per collateral class (a floor, also applied to
// pools pledged earlier when a version raises it: ./financing_commands.ts),
// the length of a payer's RTGS queue per currency (QUEUE_FULL), the rate
// sources an imported or published rate must come from, and the sanctions lists
// that screen payments; under rules 4: the admitted participants (registration,
// and suspension when a version drops one or suspends its member state), the
// scheme's currencies and DNS window currencies at submission, and the rate
// policy and FIFO bypass as the version's alone (the operator's commands for them
// are refused). The LSM interval and the DNS window times are the operator's
// timetable: the demo and what-if read them from the version in force.

import type { Proposal } from '../governance/decision.js';
import { effectiveDate } from '../governance/decision.js';
import { GovernanceError } from '../governance/errors.js';
import { applyPatch, type JsonValue } from '../governance/json_patch.js';
import { validateScheme, type SchemeDocument } from '../governance/scheme.js';
import { readAmount } from './amounts.js';
import { applySchemeCalendars, calendarCheck } from './governance_calendars.js';
import { PlatformError } from './errors.js';
import { emptyGovernance, GOVERNANCE_LIMITS, headVersion, inForce, type SchemeVersion } from './governance_state.js';
import type { PlatformState } from './state.js';
import { memberCurrency } from '../fx/iso4217.js';

function isoDate(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 10);
}

export function initScheme(s: PlatformState, doc: SchemeDocument, now: bigint): unknown {
  const g = (s.governance ??= emptyGovernance());
  g.versions.push({ version: 1, adopted_at_ns: now, effective_date: null, in_force_at_ns: now, proposal: null, document: doc });
  g.in_force = 1;
  applySettings(s, doc);
  return { version: 1 };
}

/** What-if only (a scratch state): `doc` as a version adopted for business day `day`; that day's open_day brings it into force as any adopted version. */
export function installScheme(s: PlatformState, doc: SchemeDocument, day: string, now: bigint): void {
  const g = (s.governance ??= emptyGovernance());
  g.versions.push({ version: g.versions.length + 1, adopted_at_ns: now, effective_date: day, in_force_at_ns: null, proposal: 'what-if', document: doc });
}

/** Decides a proposal: rejected as due says, or adopted as the next version when its changes still apply to the newest one. */
export function adopt(s: PlatformState, p: Proposal, due: { state: 'adopted' | 'rejected'; outcome: string }, now: bigint): void {
  const g = s.governance!;
  p.decided_at_ns = now;
  if (due.state === 'rejected') {
    Object.assign(p, { state: 'rejected', outcome: due.outcome });
    return;
  }
  const head = headVersion(g)!;
  let doc: SchemeDocument;
  try {
    doc = validateScheme(applyPatch(head.document as unknown as JsonValue, p.changes), { calendar: calendarCheck(g, undefined) });
  } catch (err) {
    if (!(err instanceof GovernanceError)) throw err;
    // Another adopted change came first and this one no longer applies: it cannot be adopted as proposed.
    Object.assign(p, { state: 'rejected', outcome: `no objection, but its changes no longer apply to version ${head.version}: ${err.message}` });
    return;
  }
  if (g.versions.length >= GOVERNANCE_LIMITS.versions_max) throw new PlatformError('limit_exceeded', '', 'too many scheme versions');
  const today = s.business_date ?? isoDate(now);
  const version: SchemeVersion = {
    version: g.versions.length + 1,
    adopted_at_ns: now,
    effective_date: effectiveDate(p.effective, today),
    in_force_at_ns: null,
    proposal: p.id,
    document: doc,
  };
  g.versions.push(version);
  Object.assign(p, { state: 'adopted', outcome: due.outcome, effective_at: version.effective_date, version: version.version });
}

/** The version that should be in force on business date `date`: the newest adopted one effective on or before it. */
export function versionForDay(s: PlatformState, date: string): SchemeVersion | undefined {
  const g = s.governance;
  if (g === null) return undefined;
  let v = inForce(g);
  for (const x of g.versions) if (x.effective_date !== null && x.effective_date <= date && (v === undefined || x.version > v.version)) v = x;
  return v;
}

/** open_day's cut-offs under a scheme: the scheme's, the day's command naming none (the scheme governs them). */
export function schemeCutoffs(s: PlatformState, date: string): { cutoffs: Record<string, string>; default_cutoff: string } | null {
  const v = versionForDay(s, date);
  return v === undefined ? null : { cutoffs: { ...v.document.cutoffs.currencies }, default_cutoff: v.document.cutoffs.default };
}

/** A version that came into force at a business day's opening, and the one it replaced. */
export interface VersionChange {
  from: SchemeVersion | undefined;
  to: SchemeVersion;
  /** Currencies whose calendar the version before held and this one drops. */
  calendars_dropped: string[];
}

/** At a business day's opening (after open_day succeeded): the version due comes into force; null when none is due. */
export function takeEffect(s: PlatformState, date: string, now: bigint): VersionChange | null {
  const v = versionForDay(s, date);
  const g = s.governance;
  if (g === null || v === undefined || v.version === g.in_force) return null;
  const from = inForce(g);
  for (const x of g.versions) if (x.version > g.in_force && x.version <= v.version && x.in_force_at_ns === null) x.in_force_at_ns = now;
  g.in_force = v.version;
  return { from, to: v, calendars_dropped: applySettings(s, v.document, from?.document) };
}

/** The values the platform keeps a setting for; returns the currencies whose calendar was dropped. */
function applySettings(s: PlatformState, doc: SchemeDocument, was?: SchemeDocument): string[] {
  s.ratePolicy = {
    max_age_business_days: doc.rates.max_age_business_days,
    extended_age_business_days: doc.rates.extended_age_business_days,
    quote_tolerance_bp: doc.rates.quote_tolerance_bp,
  };
  s.bypass_fifo = doc.lsm.bypass_fifo;
  return applySchemeCalendars(s, doc, was);
}

/** open_swap_line under a scheme: the line must be within the scheme's cap for its currency pair (a pair without a cap is not limited). */
export function checkSwapCap(s: PlatformState, provider_currency: string, drawer_currency: string, limit: string): void {
  const doc = inForce(s.governance)?.document;
  const cap = doc?.swap_lines.caps[`${provider_currency}/${drawer_currency}`];
  if (cap === undefined) return;
  const info = memberCurrency(provider_currency);
  const want = readAmount(limit, info.minor_units, provider_currency);
  const max = readAmount(cap, info.minor_units, provider_currency);
  if (want.ok && max.ok && want.minor > max.minor)
    throw new PlatformError('limit_exceeded', 'limit', `the scheme caps ${provider_currency}/${drawer_currency} swap lines at ${cap} ${provider_currency}`);
}

/** Rules 3 under a scheme: the version in force's maximum for one payment in `currency`, minor units; null when it sets none. */
export function schemePaymentMax(s: PlatformState, currency: string): bigint | null {
  const max = inForce(s.governance)?.document.limits.payment_max[currency];
  if (max === undefined) return null;
  const r = readAmount(max, memberCurrency(currency).minor_units, currency);
  return r.ok ? r.minor : null;
}

/** Rules 3 under a scheme: the haircut an item of collateral `kind` counts with — the larger of the one pledged and the version in force's for its class. */
export function schemeHaircut(s: PlatformState, kind: string, pledged_bp: number): number {
  const floor = inForce(s.governance)?.document.limits.credit_haircuts_bp[kind];
  return floor === undefined ? pledged_bp : Math.max(pledged_bp, floor);
}

/** Rules 3 under a scheme: the most payments a payer's RTGS queue in one currency may hold (limits.queue_length_max); null without a scheme. */
export function schemeQueueMax(s: PlatformState): number | null {
  return inForce(s.governance)?.document.limits.queue_length_max ?? null;
}

/** Whether a rate's `source` is one the scheme names: it begins with one of rates.sources (letter case aside); any source when the list is empty. */
export function rateSourceAllowed(sources: readonly string[], source: string): boolean {
  const text = source.toLowerCase();
  return sources.length === 0 || sources.some((x) => text.startsWith(x.toLowerCase()));
}

/** Rules 3 under a scheme: refuses rate rows whose source the version in force does not name (`field(i)` names the row's source field). */
export function checkRateSources(s: PlatformState, rows: readonly { source: string }[], field: (i: number) => string): void {
  const sources = inForce(s.governance)?.document.rates.sources;
  if (sources === undefined) return;
  for (const [i, r] of rows.entries())
    if (!rateSourceAllowed(sources, r.source))
      throw new PlatformError(
        'not_in_scheme',
        field(i),
        `${JSON.stringify(r.source.slice(0, 80))} is not a rate source of the scheme; its rates.sources are ${sources.map((x) => JSON.stringify(x)).join(', ')} (a source must begin with one)`,
      );
}

/** The sanctions lists that screen payments under the version in force (screening.list_sources); null without a scheme or when it names none (every active list). */
export function schemeListSources(s: PlatformState): readonly string[] | null {
  const sources = inForce(s.governance)?.document.screening.list_sources;
  return sources === undefined || sources.length === 0 ? null : sources;
}

/** Whether the scheme admits a participant as it is on the platform: listed with its kind, and its member state (if any) active. */
function admits(doc: SchemeDocument, p: { id: string; kind: string; country: string }): boolean {
  const listed = doc.participants[p.id];
  const member = doc.members[p.country];
  return listed !== undefined && listed.kind === p.kind && (member === undefined || member.status === 'active');
}

/**
 * Rules 4 under a scheme: a participant registers only as the version in force
 * admits it — listed by BIC, of that kind and country, in currencies listed for
 * it — and not while its member state is suspended or expelled.
 */
export function checkAdmission(s: PlatformState, cmd: { id: string; kind: string; country: string; currencies: readonly string[] }): void {
  const doc = inForce(s.governance)?.document;
  if (doc === undefined) return;
  const listed = doc.participants[cmd.id];
  if (listed === undefined) throw new PlatformError('not_in_scheme', 'id', `${cmd.id} is not a participant the scheme admits (participants/${cmd.id})`);
  if (listed.kind !== cmd.kind) throw new PlatformError('not_in_scheme', 'kind', `the scheme admits ${cmd.id} as ${listed.kind}`);
  if (listed.country !== cmd.country) throw new PlatformError('not_in_scheme', 'country', `the scheme admits ${cmd.id} from ${listed.country}`);
  for (const [i, c] of cmd.currencies.entries())
    if (!listed.currencies.includes(c))
      throw new PlatformError('not_in_scheme', `currencies[${i}]`, `the scheme admits ${cmd.id} in ${listed.currencies.join(', ')} only`);
  const member = doc.members[cmd.country];
  if (member !== undefined && member.status !== 'active')
    throw new PlatformError('not_in_scheme', 'country', `${cmd.country} is ${member.status}: the scheme admits no new participant from it`);
}

/** Which participants a version coming into force suspends and which it reinstates. */
export interface AdmissionChange {
  suspended: string[];
  reinstated: string[];
}

/**
 * Rules 4, when a version comes into force: a participant the version before
 * admitted and this one does not (dropped from `participants`, another kind, or its
 * member state suspended or expelled) is suspended — its new payments are refused,
 * what it has queued stays; one this version admits again is reinstated. Only the
 * difference between the two versions counts, so a participant registered before
 * the scheme and never listed keeps its standing.
 */
export function applyAdmission(s: PlatformState, change: VersionChange): AdmissionChange {
  const out: AdmissionChange = { suspended: [], reinstated: [] };
  const was = change.from?.document;
  if (was === undefined) return out;
  for (const p of s.participants) {
    const before = admits(was, p);
    const now = admits(change.to.document, p);
    if (before && !now && !p.suspended) {
      p.suspended = true;
      out.suspended.push(p.id);
    } else if (!before && now && p.suspended) {
      p.suspended = false;
      out.reinstated.push(p.id);
    }
  }
  return out;
}

/** Rules 4 under a scheme: the operator may not set alone what the scheme governs (`what` names the scheme's fields). */
export function refuseUnderScheme(s: PlatformState, what: string, field: string): void {
  const v = inForce(s.governance);
  if (v !== undefined)
    throw new PlatformError('not_in_scheme', field, `the scheme (version ${v.version}) governs ${what}: change it by proposal (scheme propose)`);
}

/**
 * Rules 4 under a scheme: why the version in force refuses a payment at submission —
 * its currency (or the payee's) is not one of the scheme's `currencies` (AM03), or it
 * is a DNS payment in a currency without DNS windows (`dns_windows.currencies`, AG01);
 * null when it does not.
 */
export function schemePaymentRefusal(
  s: PlatformState,
  ins: { currency: string; payee_currency: string; settlement: string },
): { reason: 'currency_not_allowed' | 'forbidden'; detail: string } | null {
  const doc = inForce(s.governance)?.document;
  if (doc === undefined) return null;
  for (const c of [ins.currency, ins.payee_currency])
    if (!Object.hasOwn(doc.currencies, c)) return { reason: 'currency_not_allowed', detail: `${c} is not a currency of the scheme` };
  if (ins.settlement === 'dns' && !doc.dns_windows.currencies.includes(ins.currency))
    return { reason: 'forbidden', detail: `the scheme holds no DNS windows in ${ins.currency} (dns_windows.currencies): settle it in RTGS` };
  return null;
}

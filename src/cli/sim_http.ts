// `sco-settle sim run --server URL`: the simulator's HTTP mode. The same
// simulated day as `sim generate` (src/sim), driven into a running server
// through the typed client (src/client) instead of in-process, as a bank's
// systems would: optionally the scheme first (--setup: reference rates, one
// central bank per member currency, the profile's banks and liquidity
// providers, their starting liquidity, today's business day; where the server
// has no recent reference rate, the embedded figures dated that day), then the
// payments in arrival order in batches, a liquidity-saving run per currency
// with a queue every --lsm-every payments and at the end, and optionally the
// day's close. The report counts states twice: as the submissions answered,
// and as the server lists the same payments at the end (the final view).
//
// Screening is the server's own: it screens every submitted payment against
// the sanctions lists its store holds (`screen load`); --watchlist-every N
// renames every n-th debtor to a variant of the demo's fictitious watch-list
// (as the demo does; `sim watchlist` prints that list to load), and the report
// counts the holds and the compliance cases the day opened. With --treasury the
// banks top up queued shortfalls from home at each checkpoint
// (./sim_http_treasury.ts). What the in-process demo models and this mode does
// not is listed in the report's `limits` (HTTP_MODE_LIMITS).
//
// Retries are safe: every write carries an idempotency key derived from the
// seed and the business date, so a re-run answers the same and funds nothing
// twice. A server that cannot be reached is error `unreachable` (exit 6).

import { ApiProblem, ScoSettleClient, type Participant, type PaymentInstruction, type PaymentState } from '../client/client.js';
import { formatMajor } from '../platform/fx_tools.js';
import { REFERENCE_FILE, REFERENCE_RATES } from '../platform/reference.js';
import { WATCHLIST_VARIANTS } from '../demo/watchlist.js';
import { coverQueued, newTreasury, treasuryReport, type HttpTreasury, type TreasuryReport } from './sim_http_treasury.js';
import {
  DEFAULT_SEED,
  MEMBERS,
  apiInstruction,
  generatePayments,
  withWatchlistName,
  type SchemeProfile,
  type SimPayment,
  type TrafficOptions,
} from '../sim/index.js';

export interface HttpRunOptions {
  server: string;
  api_key: string;
  profile: SchemeProfile;
  traffic: TrafficOptions;
  /** Register and fund the profile's participants and open today's day first. */
  setup: boolean;
  /** Payments per request (1 to 8,189). */
  batch: number;
  /** A liquidity-saving run per queued currency after every this many payments (0: only at the end). */
  lsm_every: number;
  close_day: boolean;
  /** Every n-th payment's debtor renamed to a demo watch-list variant (0: none). */
  watchlist_every: number;
  /** Top up queued shortfalls from home at each checkpoint (an operator's key). */
  treasury: boolean;
  progress: (message: string) => void;
}

/** What the in-process demo (`sco-settle demo`) models that the HTTP mode does not: stated in every report. */
export const HTTP_MODE_LIMITS: readonly string[] = [
  'arrivals are not paced to business time: payments are sent as fast as the server answers, so cut-offs and queue times are wall-clock',
  'payments are JSON instructions, not pacs.008/pacs.009 messages built and read back',
  'no deferred-net window, intraday credit, swap lines, FX squaring, money-market placements or recycling into the payee currency',
  'the treasury (--treasury) only tops up from home; without it queued payments wait for incoming payments and the LSM',
  "screening is the server's: without a sanctions list loaded on its store (screen load; sim watchlist prints the demo's) nothing is held",
];

export interface ScreeningSummary {
  watchlist_every: number;
  /** Payments whose debtor carries a watch-list name. */
  renamed: number;
  /** Held by the server's screening when submitted. */
  held_at_submit: number;
  /** Compliance cases opened or changed since the day opened (null: this key may not list cases). */
  cases: number | null;
}

export interface SetupSummary {
  rates_imported: number;
  participants_registered: number;
  participants_present: number;
  accounts_funded: number;
  day_opened: boolean;
}

export interface HttpRunReport {
  mode: 'http';
  server: string;
  business_date: string;
  seed: number;
  payments: number;
  setup: SetupSummary | null;
  requests: number;
  /** States as the submissions answered them. */
  at_submit: Partial<Record<PaymentState, number>>;
  lsm_runs: number;
  lsm_released: number;
  day_closed: boolean;
  /** States of the same payments as the server lists them at the end (those changed since the day opened). */
  final: Partial<Record<PaymentState, number>>;
  /** Payments of the day not in that list: submitted on an earlier day and unchanged since, or not on the server. */
  unlisted: number;
  /** Settled at the end, per currency: count and exact value in minor units. */
  settled_by_currency: Record<string, { count: number; value_minor: string }>;
  screening: ScreeningSummary;
  treasury: TreasuryReport | null;
  limits: readonly string[];
  wall_s: number;
  payments_per_s: number;
}

/** Why the HTTP mode could not run (code: the CLI's exit table). */
export class SimHttpError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SimHttpError';
    this.code = code;
  }
}

export async function runOverHttp(o: HttpRunOptions): Promise<HttpRunReport> {
  const client = new ScoSettleClient({ baseUrl: o.server, apiKey: o.api_key });
  try {
    return await drive(client, o);
  } catch (err) {
    if (err instanceof TypeError && err.message === 'fetch failed') {
      const cause = (err as TypeError & { cause?: { code?: string; message?: string } }).cause;
      throw new SimHttpError('unreachable', `cannot reach ${o.server}: ${cause?.code ?? cause?.message ?? err.message}`);
    }
    throw err;
  }
}

async function drive(client: ScoSettleClient, o: HttpRunOptions): Promise<HttpRunReport> {
  const t0 = performance.now();
  const seed = o.traffic.seed ?? DEFAULT_SEED;
  if (o.treasury && !o.setup) await needOperator(client, '--treasury');
  const setup = o.setup ? await setUp(client, o) : null;
  const { date, opened_at_ns } = await openDate(client);
  const day = [...generatePayments(o.profile, o.traffic)].map((p) => withWatchlistName(p, o.watchlist_every, WATCHLIST_VARIANTS));
  o.progress(`sim: ${day.length} payments for ${date} to ${o.server}`);
  const treasury = o.treasury ? newTreasury(o.profile) : null;
  const checkpoint =
    treasury === null ? null : { t: treasury, mine: new Set(day.map((p) => p.uetr)), since_ns: opened_at_ns, key: `sim-cover-${seed}-${date}` };
  const sent = await submitDay(client, o, day, date, seed, checkpoint);
  let closed = false;
  if (o.close_day) {
    await client.closeBusinessDay();
    closed = true;
    o.progress(`sim: business day ${date} closed`);
  }
  const final = await finalView(client, new Set(day.map((p) => p.uetr)), opened_at_ns);
  const wall_s = (performance.now() - t0) / 1000;
  return {
    mode: 'http',
    server: o.server,
    business_date: date,
    seed,
    payments: day.length,
    setup,
    requests: sent.requests,
    at_submit: sent.at_submit,
    lsm_runs: sent.lsm_runs,
    lsm_released: sent.lsm_released,
    day_closed: closed,
    final: final.states,
    unlisted: day.length - Object.values(final.states).reduce((a, n) => a + n, 0),
    settled_by_currency: final.settled,
    screening: {
      watchlist_every: o.watchlist_every,
      renamed: o.watchlist_every > 0 ? Math.floor(day.length / o.watchlist_every) : 0,
      held_at_submit: sent.at_submit.held ?? 0,
      cases: await casesSince(client, opened_at_ns),
    },
    treasury: treasury === null ? null : treasuryReport(treasury),
    limits: HTTP_MODE_LIMITS,
    wall_s: Math.round(wall_s * 1000) / 1000,
    payments_per_s: wall_s > 0 ? Math.round(day.length / wall_s) : 0,
  };
}

/** The open business day (date, opening time); none open is error no_business_day (run with --setup, or open one). */
async function openDate(client: ScoSettleClient): Promise<{ date: string; opened_at_ns: string }> {
  try {
    const d = await client.getBusinessDay();
    if (d.state === 'open') return { date: d.date, opened_at_ns: d.opened_at_ns };
  } catch (err) {
    if (!(err instanceof ApiProblem && err.status === 404)) throw err;
  }
  throw new SimHttpError('no_business_day', 'the server has no open business day: open one (POST /v1/day/open) or run with --setup');
}

// ---- --setup: the profile's scheme on the server ----------------------------------------------

async function needOperator(client: ScoSettleClient, flag: string): Promise<void> {
  const me = await client.me();
  if (me.role !== 'operator') throw new SimHttpError('forbidden', `${flag} needs an operator's API key; this key is ${me.name}'s (${me.role})`);
}

/** Compliance cases opened or changed since `since_ns`; null when this key may not list them. */
async function casesSince(client: ScoSettleClient, since_ns: string): Promise<number | null> {
  try {
    let n = 0;
    for await (const _ of client.each(
      (cursor) => client.listCases({ limit: 1000, updated_since: since_ns, ...(cursor ? { cursor } : {}) }),
      (page) => page.cases,
    ))
      n++;
    return n;
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 403) return null;
    throw err;
  }
}

async function setUp(client: ScoSettleClient, o: HttpRunOptions): Promise<SetupSummary> {
  await needOperator(client, '--setup');
  const present = new Map<string, Participant>();
  for await (const p of client.each(
    (cursor) => client.listParticipants({ limit: 1000, ...(cursor ? { cursor } : {}) }),
    (page) => page.participants,
  ))
    present.set(p.id, p);
  const open = await openDay(client);
  const date = open ?? new Date().toISOString().slice(0, 10);
  const rates_imported = await importRatesIfMissing(client, date);
  const wanted = participantsOf(o.profile, present);
  for (const p of wanted) await client.registerParticipant(p);
  const seed = o.traffic.seed ?? DEFAULT_SEED;
  let accounts_funded = 0;
  for (const p of [...o.profile.banks, ...o.profile.liquidity_providers]) {
    for (const [ccy, minor] of Object.entries(p.liquidity)) {
      if (minor <= 0n) continue;
      // Keyed by participant, currency, seed and amount: the same setup run twice funds once.
      await client.fundAccount(p.bic, ccy, formatMajor(minor, ccy), { idempotencyKey: `sim-fund-${seed}-${p.bic}-${ccy}-${minor}` });
      accounts_funded++;
    }
  }
  if (open === null) await client.openBusinessDay({ date, default_cutoff: '23:59' });
  const day_opened = open === null;
  o.progress(`sim: setup: ${wanted.length} participants registered, ${accounts_funded} accounts funded${day_opened ? ', business day opened' : ''}`);
  return { rates_imported, participants_registered: wanted.length, participants_present: present.size, accounts_funded, day_opened };
}

/** Rates older than this (calendar days) count as missing: the scheme refuses conversions at stale rates. */
const RATE_AGE_DAYS_MAX = 3;

/**
 * Reference rates for the business day where the server has none recent: the
 * embedded figures (src/fx/reference_data.ts), dated the business day, their
 * source saying so. A simulation on a test server, never a real rate feed.
 */
async function importRatesIfMissing(client: ScoSettleClient, date: string): Promise<number> {
  const have = await client.getRates(date);
  const fresh = new Set<string>();
  for (const r of have.rates) if ('units_per_usd' in r && daysBetween(r.date, date) <= RATE_AGE_DAYS_MAX) fresh.add(r.currency);
  const rows = REFERENCE_RATES.filter((r) => !fresh.has(r.currency)).map((r) => ({
    currency: r.currency,
    units_per_usd: r.units_per_usd,
    date,
    source: `simulated: figure of ${r.date} (${r.source}) dated ${date} by sco-settle sim run --setup`.slice(0, 500),
  }));
  if (rows.length === 0) return 0;
  return (await client.importRates(`sim run --setup: ${REFERENCE_FILE} dated ${date}`, rows)).imported;
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/** The participants the profile needs that the server does not have: a central bank per member currency (unless one issues it), banks, liquidity providers. */
function participantsOf(profile: SchemeProfile, present: ReadonlyMap<string, Participant>): Parameters<ScoSettleClient['registerParticipant']>[0][] {
  const issued = new Set([...present.values()].filter((p) => p.kind === 'central_bank').flatMap((p) => p.currencies));
  const out: Parameters<ScoSettleClient['registerParticipant']>[0][] = [];
  for (const m of MEMBERS) {
    // A test BIC per member's central bank (location code "20": never a live one), as `bench soak` uses.
    const id = `CBSK${m.country}20`;
    if (!issued.has(m.currency) && !present.has(id))
      out.push({ id, kind: 'central_bank', name: `Central bank ${m.country}`, country: m.country, currencies: [m.currency] });
  }
  for (const b of profile.banks)
    if (!present.has(b.bic)) out.push({ id: b.bic, kind: 'bank', name: b.name, country: b.country, currencies: Object.keys(b.liquidity) });
  for (const lp of profile.liquidity_providers)
    if (!present.has(lp.bic)) out.push({ id: lp.bic, kind: 'liquidity_provider', name: lp.name, country: lp.country, currencies: Object.keys(lp.liquidity) });
  return out;
}

/** The open business day's date, or null when none is open. */
async function openDay(client: ScoSettleClient): Promise<string | null> {
  try {
    const d = await client.getBusinessDay();
    return d.state === 'open' ? d.date : null;
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 404) return null;
    throw err;
  }
}

// ---- the day's payments ------------------------------------------------------------------------

interface Sent {
  requests: number;
  at_submit: Partial<Record<PaymentState, number>>;
  lsm_runs: number;
  lsm_released: number;
}

/** The treasury's state at the checkpoints (after each round of LSM runs). */
interface Checkpoint {
  t: HttpTreasury;
  mine: ReadonlySet<string>;
  since_ns: string;
  key: string;
}

async function submitDay(
  client: ScoSettleClient,
  o: HttpRunOptions,
  day: readonly SimPayment[],
  date: string,
  seed: number,
  checkpoint: Checkpoint | null,
): Promise<Sent> {
  const sent: Sent = { requests: 0, at_submit: {}, lsm_runs: 0, lsm_released: 0 };
  const queued = new Set<string>();
  let sinceLsm = 0;
  for (let i = 0; i < day.length; i += o.batch) {
    const slice = day.slice(i, i + o.batch);
    const key = `sim-${seed}-${date}-${slice[0]!.uetr}-${slice.length}`;
    const answer = await client.submitPayments(
      slice.map((p): PaymentInstruction => apiInstruction(p, date)),
      { idempotencyKey: key },
    );
    sent.requests++;
    answer.payments.forEach((r, k) => {
      sent.at_submit[r.state] = (sent.at_submit[r.state] ?? 0) + 1;
      if (r.state === 'queued') queued.add(slice[k]!.currency);
    });
    sinceLsm += slice.length;
    if (o.lsm_every > 0 && sinceLsm >= o.lsm_every) {
      await runLsm(client, queued, sent);
      if (checkpoint !== null) await coverQueued(client, checkpoint.t, checkpoint.mine, checkpoint.since_ns, checkpoint.key);
      sinceLsm = 0;
    }
    o.progress(`sim: ${Math.min(i + o.batch, day.length)}/${day.length} submitted`);
  }
  await runLsm(client, queued, sent);
  if (checkpoint !== null) await coverQueued(client, checkpoint.t, checkpoint.mine, checkpoint.since_ns, checkpoint.key);
  return sent;
}

async function runLsm(client: ScoSettleClient, currencies: Set<string>, sent: Sent): Promise<void> {
  for (const ccy of [...currencies].sort()) {
    const run = await client.runLsm(ccy);
    sent.lsm_runs++;
    sent.lsm_released += run.released;
  }
  currencies.clear();
}

/** The day's payments as the server lists them now (those changed since the day opened): states, and settled count and value per currency. */
async function finalView(
  client: ScoSettleClient,
  mine: ReadonlySet<string>,
  since_ns: string,
): Promise<{ states: Partial<Record<PaymentState, number>>; settled: HttpRunReport['settled_by_currency'] }> {
  const states: Partial<Record<PaymentState, number>> = {};
  const settled = new Map<string, { count: number; value: bigint }>();
  for await (const p of client.allPayments({ limit: 10_000, updated_since: since_ns })) {
    if (!mine.has(p.uetr)) continue;
    states[p.state] = (states[p.state] ?? 0) + 1;
    if (p.state !== 'settled') continue;
    const s = settled.get(p.currency) ?? { count: 0, value: 0n };
    s.count++;
    s.value += BigInt(p.amount_minor);
    settled.set(p.currency, s);
  }
  const out: HttpRunReport['settled_by_currency'] = {};
  for (const ccy of [...settled.keys()].sort()) out[ccy] = { count: settled.get(ccy)!.count, value_minor: settled.get(ccy)!.value.toString() };
  return { states, settled: out };
}

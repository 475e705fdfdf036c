// A simulated SCO settlement day run through the whole platform: the scheme is
// set up (member central banks, banks and liquidity providers from the sim
// profile, reference rates, funding, intraday credit, swap lines), then the day's
// payments arrive as ISO 20022 pacs.008/pacs.009 messages that are built, read
// back, validated and mapped to instructions, screened, and submitted in batches;
// RTGS with the liquidity-saving queue runs all day (LSM every 15 simulated
// minutes), one deferred-net window per currency closes in the afternoon (the
// low-value payments go there, by value: src/sim/net_routing.ts), credit
// is drawn and repaid, and the day closes. The banks manage their liquidity by
// the policy of src/sim/liquidity_policy.ts, applied by ./treasury.ts: funded for
// the day being simulated (not a fixed 20,000-payment day), shortfalls covered
// just in time, borrowed from the market before funded from home. Time is simulated: the platform's clock
// follows the arrivals, so cut-offs and queue times are in business time.
//
// Owns the orchestration and the time series the report draws; the rules are the
// platform's. Deterministic for a seed (UETRs, amounts, arrivals, choices).

import { Prng } from '../sim/prng.js';
import { formatMajor } from '../platform/fx_tools.js';
import { REFERENCE_FILE, REFERENCE_RATES } from '../platform/reference.js';
import { bicResolver, type RawInstruction } from '../iso20022/mapping.js';
import { Platform } from '../platform/platform.js';
import { demoSchemeDocument } from './scheme.js';
import type { Participant, ScreeningOutcome } from '../platform/types.js';
import { MEMBERS, type SchemeProfile, type SimPayment } from '../sim/index.js';
import { dayProfile, dayTraffic, type TrafficRecipe } from './day_traffic.js';
import { instructionsInForm, messageInstructions } from './payment_message.js';
import { AHEAD_PER_WORKER, PreparePool, preparedChunksAhead, sendPositions, unpreparedChunks, type AheadWaits } from './prepare_pool.js';
import type { HeldHint, Prepared } from './prepare_worker.js';
import { recycledAs, recyclingCandidate } from './recycling.js';
import type { DemoScreener } from './screener.js';
import { DEFAULT_LIQUIDITY_POLICY, recycles, type LiquidityPolicy } from '../sim/liquidity_policy.js';
import { DEFAULT_SQUARING_POLICY, type SquaringPolicy } from '../sim/fx_squaring.js';
import { DEFAULT_MONEY_MARKET_POLICY, type MoneyMarketPolicy } from '../sim/money_market.js';
import { DEFAULT_NET_ROUTING, netRouting, netThresholdMinor, routesToNet, type NetRouting } from '../sim/net_routing.js';
import {
  cover,
  coverCreditRepayment,
  coverDue,
  expectedOutflows,
  fundOpening,
  pledgeCollateral,
  topUpBudgets,
  type FundingPhase,
  type TreasuryContext,
} from './treasury.js';
import {
  INTERBANK_PREFIX,
  interbankKindOf,
  interbankRounds,
  newDesk,
  placeLoan,
  type DeskContext,
  type InterbankKind,
  type InterbankPayment,
} from './interbank.js';

/** The message a bank sends for a simulated payment (./payment_message.ts). */
export { isoMessageOf } from './payment_message.js';

export interface DayOptions {
  store: string;
  seed: number;
  banks: number;
  payments: number;
  /**
   * Share of the payments eligible for the deferred-net windows (single-currency,
   * normal, customer traffic) at or below `dns_max_usd` that go to them
   * (src/sim/net_routing.ts); 1: all of them.
   */
  dns_share: number;
  /** Largest payment sent to a window, whole USD equivalent; null: no cap. Default DEFAULT_NET_ROUTING.max_usd (USD 100,000). */
  dns_max_usd?: number | null;
  /** The banks' liquidity behaviour (src/sim/liquidity_policy.ts); default DEFAULT_LIQUIDITY_POLICY. */
  policy?: LiquidityPolicy;
  /** FX squaring of foreign-currency positions (src/sim/fx_squaring.ts); null: none. Default DEFAULT_SQUARING_POLICY. */
  squaring?: SquaringPolicy | null;
  /** Repayment of money-market loans (src/sim/money_market.ts); null: placements stay overnight. Default DEFAULT_MONEY_MARKET_POLICY. */
  money_market?: MoneyMarketPolicy | null;
  /** Screens a payment's parties, agents and remittance; null = no screening configured. */
  screen: DemoScreener | null;
  /**
   * Worker threads preparing the traffic's payments ahead (screening and the
   * message path, ./prepare_pool.ts); 0 or absent: all on the main thread. Used
   * only when `screen` is null or carries a recipe a worker can rebuild. The day
   * is the same either way.
   */
  workers?: number;
  /** With workers: chunks of payments read ahead per worker (default ./prepare_pool.ts AHEAD_PER_WORKER; the day is the same whatever it is). */
  prepare_ahead?: number;
  /** Every n-th payment's debtor is renamed to a watch-list variant (0 = never), to show holds. */
  watchlist_every?: number;
  watchlist_names?: readonly string[];
  /** Validate each message against the official XSDs too (slower). */
  onProgress: (done: number, total: number, phase: string) => void;
}

export interface Sample {
  /** Minutes since the day opened (simulated). */
  minute: number;
  /** Liquidity put in so far: funding, intraday credit drawn, swap-line drawings (USD eq., display). `settled*` count traffic only. */
  liquidity_usd: number;
  queued: number;
  queued_value_usd: number;
  settled: number;
  settled_value_usd: number;
}

export interface DayRun {
  platform: Platform;
  profile: SchemeProfile;
  business_date: string;
  samples: Sample[];
  /** ISO messages built, read back and validated. */
  messages: number;
  /** Of them, those whose answer a worker thread prepared ahead (the rest ran on the main thread). */
  prepared_ahead: number;
  /** Of the rest, those whose instructions were told from a worker's answer for the payment's other form (no message built). */
  prepared_other_form: number;
  /** How often and how long the day waited for the workers' answers (./prepare_pool.ts). */
  waited_for_workers: AheadWaits;
  message_errors: number;
  /** Wall-clock milliseconds of the run (set-up to close). */
  wall_ms: number;
  /** Funding put in from home (opening and top-ups), per currency, minor units. */
  funding_minor: Map<string, bigint>;
  /** The same per phase of the day (./treasury.ts FundingPhase), then per currency. */
  funding_by_phase: Map<FundingPhase, Map<string, bigint>>;
  policy: LiquidityPolicy;
  /** Which payments the banks sent to the deferred-net windows. */
  routing: NetRouting;
  /** Payments the traffic generator made (the rest of the platform's payments are placements). */
  traffic_payments: number;
  /** Overnight placements between participants (the market before home), per currency. */
  placements: Map<string, { count: number; value_minor: bigint }>;
  /** Which central bank BIC issues each currency. */
  central_banks: Map<string, string>;
  /** Interbank payments sent (placements, repayments, FX squaring legs): count and value per currency. */
  interbank: Map<InterbankKind, Map<string, { count: number; value_minor: bigint }>>;
}

/** Central banks of the members: test BICs (location code ending in 0). */
export const CENTRAL_BANKS: Readonly<Record<string, { bic: string; name: string }>> = Object.freeze({
  CN: { bic: 'PBOCCNB0', name: "People's Bank of China" },
  RU: { bic: 'CBRFRUM0', name: 'Банк России' },
  IN: { bic: 'RBISINB0', name: 'Reserve Bank of India' },
  PK: { bic: 'SBPPPKK0', name: 'State Bank of Pakistan' },
  IR: { bic: 'BMJIIRT0', name: 'بانک مرکزی جمهوری اسلامی ایران' },
  KZ: { bic: 'NBRKKZK0', name: 'Қазақстан Ұлттық Банкі' },
  KG: { bic: 'NBKRKG20', name: 'Кыргыз Республикасынын Улуттук банкы' },
  TJ: { bic: 'NBTJTJ20', name: 'Бонки миллии Тоҷикистон' },
  UZ: { bic: 'CBUZUZ20', name: "O'zbekiston Respublikasi Markaziy banki" },
  BY: { bic: 'NBRBBY20', name: 'Национальный банк Республики Беларусь' },
});

const BATCH_MAX = 1_000;
const BATCH_MINUTES = 5;
const LSM_EVERY_MINUTES = 15;
const WINDOW_CLOSE_MINUTE = 7 * 60; // 15:00 when the day opens at 08:00
const NS_PER_MIN = 60_000_000_000n;

const ns_of_minutes = (minutes: number): bigint => BigInt(minutes) * NS_PER_MIN;

/**
 * What the phases of the day share. `sim_ns` is the simulated time the
 * platform's clock reads; the traffic fields carry the open batch and the next
 * flush and LSM times from one arrival to the next.
 */
interface DayContext {
  readonly o: DayOptions;
  readonly platform: Platform;
  readonly profile: SchemeProfile;
  readonly date: string;
  readonly opening_ns: bigint;
  sim_ns: bigint;
  readonly prng: Prng;
  readonly samples: Sample[];
  readonly usd: Map<string, number>;
  readonly t: TreasuryContext;
  /** Which payments go to the deferred-net windows, and its threshold per currency in minor units (null: no cap). */
  readonly routing: NetRouting;
  readonly dns_threshold_minor: Map<string, bigint | null>;
  readonly central_banks: Map<string, string>;
  /** The banks' money-market and FX business (./interbank.ts). */
  desk: DeskContext;
  /** Placements sent so far (numbers their messages). */
  placed: number;
  /** What the open batch already spends per `bic:ccy` of recycled payments (cleared at each flush). */
  readonly committed: Map<string, bigint>;
  /** Resolves a BIC of a message to a participant. */
  readonly resolve: ReturnType<typeof bicResolver>;
  traffic_payments: number;
  messages: number;
  prepared_ahead: number;
  prepared_other_form: number;
  readonly waited: AheadWaits;
  message_errors: number;
  batch: Record<string, unknown>[];
  screening: (ScreeningOutcome | null)[];
  /** Per batch entry, what the samples will read of it once settled (SettledTraffic.noted): its kind and USD value (reused, grown). */
  batch_kind: Uint8Array;
  batch_value_usd: Float64Array;
  next_flush_ns: bigint;
  next_lsm_ns: bigint;
  windows_closed: boolean;
  /** What the samples know of the settled payments (takeSample). */
  readonly settled: SettledTraffic;
  /** The credit drawn the samples have summed so far (sample: each reads only the transfers since). */
  readonly credit_seen: CreditSeen;
}

export async function runDay(o: DayOptions): Promise<DayRun> {
  const t0 = performance.now();
  // At ratio 1 the profile's liquidity is each account's expected outflow of THIS day; the policy funds a share of it.
  const profile = dayProfile(o.banks, o.payments);
  const date = profile.traffic.business_date;
  const opening_ns = BigInt(Date.parse(`${date}T08:00:00Z`)) * 1_000_000n;
  // The clock reads the context once it exists; distinct ticks keep timestamps unique.
  let ctx: DayContext | null = null;
  const sim_ns = opening_ns - 60n * NS_PER_MIN;
  let tick = 0n;
  const clock = (): bigint => (ctx === null ? sim_ns : ctx.sim_ns) + tick++;
  const platform = await Platform.open(o.store, { clock });
  ctx = newContext(o, platform, profile, opening_ns, sim_ns);
  try {
    await setUpScheme(ctx);
    await runTraffic(ctx);
    await closeDay(ctx);
  } catch (err) {
    await platform.close().catch(() => undefined);
    throw err;
  }
  return {
    platform,
    profile,
    business_date: date,
    samples: ctx.samples,
    messages: ctx.messages,
    prepared_ahead: ctx.prepared_ahead,
    prepared_other_form: ctx.prepared_other_form,
    waited_for_workers: ctx.waited,
    message_errors: ctx.message_errors,
    wall_ms: performance.now() - t0,
    funding_minor: ctx.t.funding,
    funding_by_phase: ctx.t.funding_by_phase,
    central_banks: ctx.central_banks,
    policy: ctx.t.policy,
    routing: ctx.routing,
    traffic_payments: ctx.traffic_payments,
    placements: ctx.t.placements,
    interbank: ctx.desk.sent,
  };
}

function newContext(o: DayOptions, platform: Platform, profile: SchemeProfile, opening_ns: bigint, sim_ns: bigint): DayContext {
  const date = profile.traffic.business_date;
  const policy = o.policy ?? DEFAULT_LIQUIDITY_POLICY;
  const expected = expectedOutflows(profile);
  let self: DayContext | null = null;
  const t: TreasuryContext = {
    platform,
    policy,
    expected,
    funding: new Map(),
    funding_by_phase: new Map(),
    phase: 'opening',
    budget: new Map(),
    funded: new Set(),
    now: () => self!.sim_ns,
    place: (lender, borrower, currency, amount_minor) => placeLoan(self!.desk, lender, borrower, currency, amount_minor),
    flush: () => flush(self!),
    placements: new Map(),
    funded_minor: new Map(),
    home: new Map(profile.banks.map((b) => [b.bic, b.currency])),
  };
  const squaring = o.squaring === undefined ? DEFAULT_SQUARING_POLICY : o.squaring;
  const money = o.money_market === undefined ? DEFAULT_MONEY_MARKET_POLICY : o.money_market;
  const desk = newDesk(platform, t, date, opening_ns, (p) => sendInterbank(self!, p), squaring, money);
  self = {
    o,
    platform,
    profile,
    date,
    opening_ns,
    sim_ns,
    prng: new Prng(o.seed ^ 0x5eed),
    samples: [],
    usd: usdRates(date),
    t,
    routing: netRouting(o.dns_max_usd === undefined ? DEFAULT_NET_ROUTING.max_usd : o.dns_max_usd, o.dns_share),
    dns_threshold_minor: new Map(),
    central_banks: new Map(),
    desk,
    placed: 0,
    committed: new Map(),
    resolve: bicResolver((id) => platform.participant(id) !== undefined),
    traffic_payments: 0,
    messages: 0,
    prepared_ahead: 0,
    prepared_other_form: 0,
    waited: { waits: 0, wait_ms: 0 },
    message_errors: 0,
    batch: [],
    screening: [],
    batch_kind: new Uint8Array(2 * BATCH_MAX),
    batch_value_usd: new Float64Array(2 * BATCH_MAX),
    next_flush_ns: opening_ns + ns_of_minutes(BATCH_MINUTES),
    next_lsm_ns: opening_ns + ns_of_minutes(LSM_EVERY_MINUTES),
    windows_closed: false,
    settled: new SettledTraffic(),
    credit_seen: { transfers: 0, usd: 0 },
  };
  return self;
}

// ---- scheme ------------------------------------------------------------------------

/** Participants, funding, intraday credit and swap lines; then the day opens and the swap lines are half drawn. */
async function setUpScheme(ctx: DayContext): Promise<void> {
  ctx.o.onProgress(0, ctx.o.payments, 'setting up the scheme');
  await registerParticipants(ctx);
  // The scheme the day runs under: version 1 of its governed document (src/demo/scheme.ts).
  if (ctx.platform.schemeVersion() === 0)
    await ctx.platform.run({ type: 'scheme_init', document: demoSchemeDocument(ctx.platform.participants()) }, 'operator');
  for (const [key, cap] of topUpBudgets(ctx.t, ctx.profile, ctx.date)) ctx.t.budget.set(key, cap);
  await fundOpening(ctx.t);
  await pledgeCollateral(ctx.t, ctx.profile);
  const lines = await openSwapLines(ctx);
  ctx.sim_ns = ctx.opening_ns;
  ctx.t.phase = 'intraday';
  await ctx.platform.run({ type: 'open_day', date: ctx.date, default_cutoff: '18:00' }, 'operator');
  for (const [, , , ccy] of lines) {
    const line = ctx.platform.swapLines().find((l) => l.terms.provider_currency === ccy);
    if (line !== undefined) await ctx.platform.run({ type: 'draw_swap', line: line.terms.id, amount: major(line.terms.limit_minor / 2n, ccy) }, 'operator');
  }
}

async function registerParticipants(ctx: DayContext): Promise<void> {
  const { platform, profile } = ctx;
  await platform.run(
    {
      type: 'import_rates',
      file: `embedded ${REFERENCE_FILE}`,
      rows: REFERENCE_RATES.map((r) => ({ currency: r.currency, units_per_usd: r.units_per_usd, date: r.date, source: r.source })),
    },
    'operator',
  );
  for (const m of MEMBERS) {
    const cb = CENTRAL_BANKS[m.country]!;
    await platform.run(
      { type: 'register_participant', id: cb.bic, kind: 'central_bank', name: cb.name, country: m.country, currencies: [m.currency] },
      'operator',
    );
    ctx.central_banks.set(m.currency, cb.bic);
  }
  for (const b of profile.banks) {
    await platform.run(
      { type: 'register_participant', id: b.bic, kind: 'bank', name: b.name, country: b.country, currencies: Object.keys(b.liquidity) },
      'operator',
    );
  }
  for (const lp of profile.liquidity_providers) {
    await platform.run(
      { type: 'register_participant', id: lp.bic, kind: 'liquidity_provider', name: lp.name, country: lp.country, currencies: Object.keys(lp.liquidity) },
      'operator',
    );
  }
}

/** Swap lines: PBOC provides CNY to the National Bank of Kazakhstan, the Bank of Russia RUB to Belarus. */
async function openSwapLines(ctx: DayContext): Promise<Array<[string, string, string, string]>> {
  const lines: Array<[string, string, string, string]> = [
    ['CNY-KZT-1', CENTRAL_BANKS.CN!.bic, CENTRAL_BANKS.KZ!.bic, 'CNY'],
    ['RUB-BYN-1', CENTRAL_BANKS.RU!.bic, CENTRAL_BANKS.BY!.bic, 'RUB'],
  ];
  for (const [id, provider, drawer, ccy] of lines) {
    const limit = (ctx.t.funding.get(ccy) ?? 0n) / 20n;
    if (limit <= 0n) continue;
    await ctx.platform.run(
      {
        type: 'open_swap_line',
        id,
        provider,
        drawer,
        limit: major(limit, ccy),
        interest_rate: '0.035',
        day_count: 'ACT/360',
        start_date: ctx.date,
        maturity_date: addDays(ctx.date, 90),
      },
      'operator',
    );
  }
  return lines;
}

// ---- the day's traffic ----------------------------------------------------------------

async function runTraffic(ctx: DayContext): Promise<void> {
  const { o } = ctx;
  let done = 0;
  sample(ctx);
  const pool = preparePool(ctx);
  try {
    const held = (): HeldHint => heldNow(ctx);
    const traffic = dayTraffic(ctx.profile, trafficRecipe(o));
    // The workers generate the same traffic from its recipe: the chunks are not copied to them.
    // A chunk at a time, and the clock advanced by an await only when a flush is due: an iteration, a pair and a
    // promise or two fewer per payment (stop 50); the day's steps are the same.
    for await (const { payments, prepared } of pool === null
      ? unpreparedChunks(traffic)
      : preparedChunksAhead(pool.size, sendPositions(pool), traffic, o.prepare_ahead ?? AHEAD_PER_WORKER, ctx.waited, held)) {
      for (let i = 0; i < payments.length; i++) {
        const sp = payments[i]!;
        const arrival_ns = ctx.opening_ns + sp.arrival_offset_ns;
        if (arrival_ns >= ctx.next_flush_ns) await advanceTo(ctx, arrival_ns);
        else ctx.sim_ns = arrival_ns;
        ctx.traffic_payments++;
        if (!receive(ctx, sp, prepared === null ? null : prepared[i]!)) continue;
        if (ctx.batch.length >= BATCH_MAX) await flush(ctx);
        done++;
        if (done % 500 === 0) o.onProgress(done, o.payments, 'payments');
      }
    }
  } finally {
    await pool?.close();
  }
}

/** Workers for the traffic when asked for and its screener can be rebuilt in them; else null (all on the main thread). */
function preparePool(ctx: DayContext): PreparePool | null {
  const { o } = ctx;
  if ((o.workers ?? 0) <= 0 || (o.screen !== null && o.screen.recipe === undefined)) return null;
  // Participants are all registered before the traffic starts; the workers resolve BICs against them.
  const participants = ctx.platform.participants().map((p): [string, string[]] => [p.id, [...p.currencies]]);
  return new PreparePool(o.workers!, { date: ctx.date, participants, screen: o.screen?.recipe ?? null, traffic: trafficRecipe(o) });
}

/** The day's traffic as ./day_traffic.ts makes it (on this thread, or on the workers). */
function trafficRecipe(o: DayOptions): TrafficRecipe {
  return { banks: o.banks, payments: o.payments, seed: o.seed, watchlist_every: o.watchlist_every ?? 0, watchlist_names: o.watchlist_names ?? [] };
}

/**
 * What each bank holds now per currency (key `bic:currency`): sent with each
 * request to the workers, which prepare only the forms of a recyclable payment
 * these balances say the day is likely to send (./prepare_worker.ts). Read only.
 */
function heldNow(ctx: DayContext): HeldHint {
  const held = new Map<string, bigint>();
  for (const p of ctx.platform.participants()) {
    const keys = heldKeysOf(p);
    for (let i = 0; i < keys.length; i++) held.set(keys[i]!, ctx.platform.availableMinor(p, p.currencies[i]!));
  }
  return held;
}

/** Each participant's hint keys (`bic:currency`), made once: heldNow runs every 250 payments, for every participant and currency. */
const heldKeys = new WeakMap<Participant, { currencies: string[]; keys: string[] }>();

export function heldKeysOf(p: Participant): readonly string[] {
  const cached = heldKeys.get(p);
  // A participant's currencies only grow (a settlement account opened later), but any change makes the keys again.
  if (cached !== undefined && sameStrings(cached.currencies, p.currencies)) return cached.keys;
  const currencies = [...p.currencies];
  const keys = currencies.map((c) => `${p.id}:${c}`);
  heldKeys.set(p, { currencies, keys });
  return keys;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs the 5-minute batch flushes with the treasuries' cover, the 15-minute LSM/compliance round and the window close up to an arrival. */
async function advanceTo(ctx: DayContext, arrival_ns: bigint): Promise<void> {
  while (arrival_ns >= ctx.next_flush_ns) {
    ctx.sim_ns = ctx.next_flush_ns;
    await flush(ctx);
    const round = ctx.next_flush_ns >= ctx.next_lsm_ns;
    // The LSM offsets what it can before the treasuries cover what is still due (every batch, see the policy).
    if (round) await lsm(ctx);
    await coverDue(ctx.t);
    await interbankRounds(ctx.desk);
    if (round) {
      await decideCases(ctx);
      ctx.next_lsm_ns += ns_of_minutes(LSM_EVERY_MINUTES);
      sample(ctx);
    }
    if (!ctx.windows_closed && ctx.next_flush_ns >= ctx.opening_ns + ns_of_minutes(WINDOW_CLOSE_MINUTE)) await closeWindows(ctx);
    ctx.next_flush_ns += ns_of_minutes(BATCH_MINUTES);
  }
  ctx.sim_ns = arrival_ns;
}

/**
 * One payment as a bank sends it: an ISO message built, validated, read back and
 * mapped into the open batch (./payment_message.ts); false if the message is
 * invalid. `prepared`: a worker's answers for the forms the payment may be sent
 * in, and its screening; taken for the very form sent, else told from the
 * other form's answer where exact (inOtherForm), else the message path runs here.
 */
function receive(ctx: DayContext, sp: SimPayment, prepared: Prepared | null = null): boolean {
  const recycled = recycle(ctx, sp);
  ctx.messages++;
  const form = prepared?.forms.find(
    (f) => f.currency === recycled.currency && f.payee_currency === recycled.payee_currency && f.amount_minor === recycled.amount_minor,
  );
  if (form !== undefined) ctx.prepared_ahead++;
  const instructions = form !== undefined ? form.instructions : (inOtherForm(ctx, prepared, recycled) ?? messageInstructions(recycled, ctx.date, ctx.resolve));
  if (instructions === null) {
    ctx.message_errors++;
    return false;
  }
  for (const instruction of instructions) {
    // The instructions are this payment's own (a worker's answer, or made just now) and not read again once in the
    // batch (which the platform copies as it journals it): completed in place, not copied.
    const raw = instruction as unknown as Record<string, unknown>;
    if (raw.payee_currency === raw.currency) delete raw.payee_currency;
    if (recycled.payee_currency !== recycled.currency) raw.payee_currency = recycled.payee_currency;
    else if (sp.priority === 'normal' && interbankKindOf(sp.end_to_end_id) === null && toNet(ctx, recycled)) raw.settlement = 'dns';
    ctx.batch.push(raw);
    ctx.screening.push(prepared !== null ? prepared.screening : ctx.o.screen === null ? null : ctx.o.screen(sp));
    // What takeSample reads of the payment once settled, known now: the platform's instruction has this currency, and
    // the amount the message carried (formatMajor of it, read back at the currency's minor units: the same integer).
    // Unknown (0: the sample reads the payment back) where an instruction is not the whole message's.
    const known = instructions.length === 1 && raw.currency === recycled.currency && typeof raw.end_to_end_id === 'string';
    const j = ctx.batch.length - 1;
    if (j >= ctx.batch_kind.length) growBatchNotes(ctx);
    ctx.batch_kind[j] = known ? (isInterbank(raw.end_to_end_id as string) ? 2 : 1) : 0;
    ctx.batch_value_usd[j] = known ? Number(recycled.amount_minor) * (ctx.usd.get(recycled.currency) ?? 0) : 0;
  }
  return true;
}

/**
 * The instructions of the form sent, from a worker's answer for the payment's other form (the hint guessed the form
 * wrong: ./prepare_worker.ts), when they can be told from it (./payment_message.ts instructionsInForm); else undefined.
 */
function inOtherForm(ctx: DayContext, prepared: Prepared | null, sent: SimPayment): RawInstruction[] | undefined {
  if (prepared === null) return undefined;
  for (const f of prepared.forms) {
    const instructions = instructionsInForm(f.instructions, sent);
    if (instructions !== null) {
      ctx.prepared_other_form++;
      return instructions;
    }
  }
  return undefined;
}

function growBatchNotes(ctx: DayContext): void {
  const kind = new Uint8Array(2 * ctx.batch_kind.length);
  kind.set(ctx.batch_kind);
  ctx.batch_kind = kind;
  const value = new Float64Array(2 * ctx.batch_value_usd.length);
  value.set(ctx.batch_value_usd);
  ctx.batch_value_usd = value;
}

/**
 * Whether an eligible payment (single-currency, normal, traffic) goes to its
 * currency's window, by value (src/sim/net_routing.ts). The seeded draw is made
 * for every eligible payment, whatever its value, so the day's other draws do not
 * depend on the threshold.
 */
function toNet(ctx: DayContext, p: SimPayment): boolean {
  const u = ctx.prng.nextU32() / 4_294_967_296;
  let threshold = ctx.dns_threshold_minor.get(p.currency);
  if (threshold === undefined) {
    threshold = netThresholdMinor(ctx.routing.max_usd, p.currency);
    ctx.dns_threshold_minor.set(p.currency, threshold);
  }
  return routesToNet(u, p.amount_minor, threshold, ctx.routing);
}

/**
 * An interbank payment of the banks' own business (./interbank.ts: a
 * money-market loan or its repayment, an FX squaring leg): a pacs.009 through
 * the same message path as the traffic, added to the open batch. Placements are
 * urgent (a borrower is short now); the rest normal, always RTGS.
 */
function sendInterbank(ctx: DayContext, ip: InterbankPayment): string {
  const k = ctx.placed++;
  const w = (): number => ctx.prng.nextU32();
  const hex = (x: number, n: number): string => (x >>> 0).toString(16).padStart(8, '0').slice(0, n);
  // A UUID v4 from the seeded stream; its last 8 hex digits are the payment's number, so none repeats one.
  const uetr = `${hex(w(), 8)}-${hex(w(), 4)}-4${hex(w(), 3)}-${(8 + (w() % 4)).toString(16)}${hex(w(), 3)}-${hex(w(), 4)}${hex(k, 8)}`;
  const a = ctx.platform.participant(ip.from)!;
  const b = ctx.platform.participant(ip.to)!;
  const sp: SimPayment = {
    seq: PLACEMENT_SEQ_BASE + k,
    uetr,
    end_to_end_id: `${INTERBANK_PREFIX[ip.kind]}${ctx.date.replaceAll('-', '')}-${String(k).padStart(8, '0')}`,
    kind: 'pacs.009',
    payer_bic: ip.from,
    payee_bic: ip.to,
    payer_country: a.country,
    payee_country: b.country,
    currency: ip.currency,
    amount_minor: ip.amount_minor,
    payee_currency: ip.currency,
    priority: ip.kind === 'placement' ? 'urgent' : 'normal',
    arrival_offset_ns: ctx.sim_ns - ctx.opening_ns,
    debtor: { name: a.name, country: a.country },
    creditor: { name: b.name, country: b.country },
    purpose: ip.purpose,
    remittance: ip.remittance,
  };
  receive(ctx, sp);
  return uetr;
}

/** Whether a payment is one of the banks' interbank payments (a placement, repayment or FX squaring leg), not traffic. */
export function isInterbank(end_to_end_id: string): boolean {
  return interbankKindOf(end_to_end_id) !== null;
}

/** Placements' sequence numbers (message and instruction ids) start here, above any day's traffic. */
const PLACEMENT_SEQ_BASE = 100_000_000;

async function flush(ctx: DayContext): Promise<void> {
  if (ctx.batch.length === 0) return;
  const from = ctx.platform.paymentCount();
  // Handed over (owned): the batch's objects are the day's own, never changed once in it (only their UETRs read below),
  // so when they are plain JSON data the platform journals and runs them without a copy (Platform.execute's `owned`); else copied.
  await ctx.platform.run({ type: 'submit_payments', payments: ctx.batch, screening: ctx.screening }, 'gateway', true);
  ctx.settled.noted(ctx.platform, from, ctx.batch, ctx.batch_kind, ctx.batch_value_usd);
  ctx.batch = [];
  ctx.screening = [];
  ctx.committed.clear();
}

async function lsm(ctx: DayContext): Promise<void> {
  const queuedCcy = new Set(
    ctx.platform
      .queuedPayments()
      .filter((p) => p.instruction.settlement === 'rtgs')
      .map((p) => p.instruction.currency),
  );
  for (const ccy of [...queuedCcy].sort()) await ctx.platform.run({ type: 'run_lsm', currency: ccy }, 'operator');
}

/** Four eyes: two officers agree; releases for scores below 0.95, rejections above. */
async function decideCases(ctx: DayContext): Promise<void> {
  for (const c of ctx.platform.cases()) {
    if (c.status !== 'open') continue;
    const decision = c.screening.score >= 0.95 ? 'reject' : 'release';
    await ctx.platform.run({ type: 'decide_case', case_id: c.id, decision, note: 'demo review' }, 'compliance-officer-1');
    await ctx.platform.run({ type: 'decide_case', case_id: c.id, decision }, 'compliance-officer-2');
  }
}

function sample(ctx: DayContext): void {
  const s = takeSample(ctx, Number((ctx.sim_ns - ctx.opening_ns) / NS_PER_MIN));
  s.liquidity_usd = liquidityPutIn(ctx.platform, ctx.t.funding, ctx.usd, ctx.credit_seen).total_usd;
  ctx.samples.push(s);
}

/** Treasuries cover their net debit in each window before the close (borrowed, then funded, within the cap); then every open window closes. */
async function closeWindows(ctx: DayContext): Promise<void> {
  const { platform } = ctx;
  const phase = ctx.t.phase;
  ctx.t.phase = 'window';
  // The queues first: a window's cover must not be spent by RTGS payments its funding would release.
  await coverDue(ctx.t, true);
  for (const w of platform.windows()) {
    if (w.state !== 'open') continue;
    const net = new Map<string, bigint>();
    for (const u of w.uetrs) {
      const pay = platform.payment(u)!;
      if (pay.state !== 'queued') continue;
      net.set(pay.instruction.payer, (net.get(pay.instruction.payer) ?? 0n) - pay.instruction.amount_minor);
      net.set(pay.instruction.payee, (net.get(pay.instruction.payee) ?? 0n) + pay.instruction.amount_minor);
    }
    // What each participant owes the window stays out of what it may lend; a shortfall is the net debit beyond its balance.
    const owed = new Map<string, bigint>();
    const due: Array<[string, bigint]> = [];
    for (const [bic, pos] of [...net].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (pos >= 0n) continue;
      const who = platform.participant(bic)!;
      owed.set(`${bic}:${w.currency}`, -pos);
      const short = -pos - platform.availableMinor(who, w.currency);
      if (short > 0n) due.push([`${bic}:${w.currency}`, short]);
    }
    await cover(ctx.t, due, owed);
    // Closed at once: a later window's cover must not spend what this one was given.
    await platform.run({ type: 'close_window', currency: w.currency }, 'operator');
  }
  ctx.windows_closed = true;
  ctx.t.phase = phase;
}

// ---- close ----------------------------------------------------------------------------

/** The last batch, a last LSM and compliance round, the windows if still open, the treasuries' last cover; at 18:00 a final LSM and the close. */
async function closeDay(ctx: DayContext): Promise<void> {
  await flush(ctx);
  await lsm(ctx);
  await decideCases(ctx);
  // Windows opened after the afternoon close (late DNS payments) close now too.
  await closeWindows(ctx);
  // Nothing may wait past the close: every shortfall still queued is covered now, whatever it waited.
  ctx.t.phase = 'close';
  await coverDue(ctx.t, true);
  sample(ctx);
  ctx.sim_ns = ctx.opening_ns + 10n * 60n * NS_PER_MIN;
  await lsm(ctx);
  await coverCreditRepayment(ctx.t);
  await ctx.platform.run({ type: 'close_day' }, 'operator');
  sample(ctx);
  ctx.o.onProgress(ctx.o.payments, ctx.o.payments, 'day closed');
}

/**
 * A single-currency payment in the payer's currency becomes one in the payee's
 * home currency (converted at the reference cross rate, rounded down) when the
 * payer holds that much of it beyond what its open batch already spends there
 * (the policy's recycling): two-way flows in each currency, which is what
 * netting and the LSM feed on.
 */
function recycle(ctx: DayContext, sp: SimPayment): SimPayment {
  const { platform } = ctx;
  const candidate = recyclingCandidate(sp, (bic) => platform.participant(bic)?.currencies);
  if (candidate === null) return sp;
  const { home, both } = candidate;
  const payer = platform.participant(sp.payer_bic)!;
  const u = ctx.prng.nextU32() / 4_294_967_296;
  let amount = 0n;
  try {
    amount = both ? platform.convertAtReferenceRate(sp.currency, home, sp.amount_minor, ctx.date, 'down') : 0n;
  } catch {
    return sp;
  }
  const key = `${payer.id}:${home}`;
  const held = both ? platform.availableMinor(payer, home) - (ctx.committed.get(key) ?? 0n) : 0n;
  if (!recycles(u, held, amount, both, ctx.t.policy)) return sp;
  ctx.committed.set(key, (ctx.committed.get(key) ?? 0n) + amount);
  return recycledAs(sp, home, amount);
}

function major(minor: bigint, ccy: string): string {
  return formatMajor(minor, ccy);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** USD per minor unit of each member currency (display only: report charts, never money). */
export function usdRates(date: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of REFERENCE_RATES) {
    if (r.date > date && out.has(r.currency)) continue;
    out.set(r.currency, 1 / (Number(r.units_per_usd) * 10 ** r.minor_units));
  }
  return out;
}

function takeSample(ctx: DayContext, minute: number): Sample {
  const { platform, usd } = ctx;
  let queued = 0;
  let qv = 0;
  for (const p of platform.queuedPayments()) {
    queued++;
    qv += Number(p.instruction.amount_minor) * (usd.get(p.instruction.currency) ?? 0);
  }
  const { settled, value_usd } = ctx.settled.totals(platform, usd);
  return { minute, liquidity_usd: 0, queued, queued_value_usd: qv, settled, settled_value_usd: value_usd };
}

/**
 * The settled traffic payments (interbank ones aside) at a sample: how many, and
 * their USD value summed in arrival order. A settled payment's USD value and
 * whether it is traffic never change, so each is kept by arrival position: noted
 * as its batch is submitted (noted), else read back once, when first seen
 * settled; a sample then adds the kept values of the positions settled now, in
 * arrival order: the same terms in the same order as a pass reading every
 * payment back, so the same sum, without reading the day's payments back at
 * every sample (archived ones are decoded, and spilled ones read from disk) nor
 * once each (a whole payment decoded for three fields: ~2.6 kB a payment, stop 50).
 */
export class SettledTraffic {
  private value_usd = new Float64Array(1024);
  /** Per position: 0 not known yet, 1 traffic, 2 interbank. */
  private kind = new Uint8Array(1024);

  /**
   * A submitted batch's payments, kind (0: unknown) and USD value per entry as the day knew them: each kept at the
   * position its entry took, the positions the submission made (from `from` on; a UETR seen before keeps its old
   * one, and a UETR twice in the batch is the first entry's). Unknown ones are read back when first seen settled.
   */
  noted(platform: Platform, from: number, batch: readonly Record<string, unknown>[], kinds: Uint8Array, values: Float64Array): void {
    const n = platform.paymentCount();
    if (n > this.kind.length) this.grow(n);
    if (n === from) return;
    // Positions an unknown entry took (none on the demo's days): a later entry with its UETR must not name them.
    let unknown = null as Set<number> | null;
    for (let j = 0; j < batch.length; j++) {
      const uetr = batch[j]!.uetr;
      if (typeof uetr !== 'string') continue;
      const pos = platform.paymentPosition(uetr);
      if (pos < from || pos >= n || this.kind[pos] !== 0 || unknown?.has(pos) === true) continue;
      if (kinds[j] === 0) (unknown ??= new Set()).add(pos);
      else {
        this.kind[pos] = kinds[j]!;
        this.value_usd[pos] = values[j]!;
      }
    }
  }

  totals(platform: Platform, usd: ReadonlyMap<string, number>): { settled: number; value_usd: number } {
    const n = platform.paymentCount();
    if (n > this.kind.length) this.grow(n);
    const kind = this.kind;
    const values = this.value_usd;
    for (const [i, p] of platform.paymentsWhere((j, state) => state === 'settled' && kind[j] === 0)) {
      kind[i] = isInterbank(p.instruction.end_to_end_id) ? 2 : 1;
      values[i] = Number(p.instruction.amount_minor) * (usd.get(p.instruction.currency) ?? 0);
    }
    let settled = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (kind[i] !== 1 || platform.paymentStateAt(i) !== 'settled') continue;
      settled++;
      sum += values[i]!;
    }
    return { settled, value_usd: sum };
  }

  private grow(n: number): void {
    let size = this.kind.length;
    while (size < n) size *= 2;
    const kind = new Uint8Array(size);
    kind.set(this.kind);
    this.kind = kind;
    const values = new Float64Array(size);
    values.set(this.value_usd);
    this.value_usd = values;
  }
}

/** The intraday credit drawn in the ledger's first `transfers` transfers, USD eq. (a sample's running sum, liquidityPutIn). */
export interface CreditSeen {
  transfers: number;
  usd: number;
}

/**
 * Every unit of liquidity put in so far, USD eq. (display): funding from home
 * (opening and top-ups), every intraday-credit drawdown, and swap-line drawings.
 * Placements move money already on the platform and add nothing.
 */
export function liquidityPutIn(
  platform: Platform,
  funding_minor: ReadonlyMap<string, bigint>,
  usd: ReadonlyMap<string, number>,
  seen: CreditSeen = { transfers: 0, usd: 0 },
): { total_usd: number; funding_usd: number; credit_usd: number; swaps_usd: number } {
  const u = (minor: bigint, ccy: string): number => Number(minor) * (usd.get(ccy) ?? 0);
  let funding = 0;
  for (const [ccy, minor] of funding_minor) funding += u(minor, ccy);
  // Only the transfers since `seen`'s, added in the ledger's order to its sum: the same additions as from the start.
  const transfers = platform.transferCount();
  let credit = seen.usd;
  for (const t of platform.transferAmounts('intraday_credit_drawdown', seen.transfers)) credit += u(t.amount_minor, t.currency);
  seen.transfers = transfers;
  seen.usd = credit;
  let swaps = 0;
  for (const l of platform.swapLines()) swaps += u(l.drawn_minor, l.terms.provider_currency);
  return { total_usd: funding + credit + swaps, funding_usd: funding, credit_usd: credit, swaps_usd: swaps };
}

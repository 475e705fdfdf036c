// A simulated SCO settlement day run through the whole platform: the scheme is
// set up (member central banks, banks and liquidity providers from the sim
// profile, reference rates, funding, intraday credit, swap lines), then the day's
// payments arrive as ISO 20022 pacs.008/pacs.009 messages that are built, read
// back, validated and mapped to instructions, screened, and submitted in batches;
// RTGS with the liquidity-saving queue runs all day (LSM every 15 simulated
// minutes), one deferred-net window per currency closes in the afternoon, credit
// is drawn and repaid, and the day closes. Time is simulated: the platform's clock
// follows the arrivals, so cut-offs and queue times are in business time.
//
// Owns the orchestration and the time series the report draws; the rules are the
// platform's. Deterministic for a seed (UETRs, amounts, arrivals, choices).

import { Prng } from '../sim/prng.js';
import { formatMajor } from '../platform/fx_tools.js';
import { REFERENCE_FILE, REFERENCE_RATES } from '../platform/reference.js';
import { buildMessage, parseMessage, type Pacs008, type Pacs009 } from '../iso20022/messages/index.js';
import { validateBuiltIn } from '../iso20022/validate.js';
import { bicResolver, instructionsOfPacs008, instructionsOfPacs009 } from '../iso20022/mapping.js';
import { Platform } from '../platform/platform.js';
import type { ScreeningOutcome } from '../platform/types.js';
import { defaultProfile, generatePayments, MEMBERS, type SchemeProfile, type SimPayment } from '../sim/index.js';

export interface DayOptions {
  store: string;
  seed: number;
  banks: number;
  payments: number;
  /** Share of single-currency normal payments sent to the deferred-net window. */
  dns_share: number;
  /**
   * Share of single-currency payments a payer bank makes in the payee's home
   * currency when it holds enough of it (balances received from earlier trade are
   * recycled, as treasuries do), instead of in its own. Default 0.8.
   */
  recycle_share?: number;
  /** Screens a payment's parties, agents and remittance; null = no screening configured. */
  screen: ((p: SimPayment) => ScreeningOutcome) | null;
  /** Every n-th payment's debtor is renamed to a watch-list variant (0 = never), to show holds. */
  watchlist_every?: number;
  watchlist_names?: readonly string[];
  /** Validate each message against the official XSDs too (slower). */
  onProgress: (done: number, total: number, phase: string) => void;
}

export interface Sample {
  /** Minutes since the day opened (simulated). */
  minute: number;
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
  message_errors: number;
  /** Wall-clock milliseconds of the run (set-up to close). */
  wall_ms: number;
  /** Funding put in at the start, per currency, minor units. */
  funding_minor: Map<string, bigint>;
  /** Which central bank BIC issues each currency. */
  central_banks: Map<string, string>;
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

export async function runDay(o: DayOptions): Promise<DayRun> {
  const t0 = performance.now();
  const profile = defaultProfile({ banks: o.banks });
  const date = profile.traffic.business_date;
  const opening_ns = BigInt(Date.parse(`${date}T08:00:00Z`)) * 1_000_000n;
  let sim_ns = opening_ns - 60n * NS_PER_MIN;
  let tick = 0n;
  const clock = (): bigint => sim_ns + tick++;
  const platform = await Platform.open(o.store, { clock });
  const prng = new Prng(o.seed ^ 0x5eed);
  const samples: Sample[] = [];
  const usd = usdRates(date);
  const funding = new Map<string, bigint>();
  const cbs = new Map<string, string>();
  let messages = 0;
  let message_errors = 0;
  try {
    // ---- scheme ------------------------------------------------------------------------
    o.onProgress(0, o.payments, 'setting up the scheme');
    await platform.run({ type: 'import_rates', file: `embedded ${REFERENCE_FILE}`, rows: REFERENCE_RATES.map((r) => ({ currency: r.currency, units_per_usd: r.units_per_usd, date: r.date, source: r.source })) }, 'operator');
    for (const m of MEMBERS) {
      const cb = CENTRAL_BANKS[m.country]!;
      await platform.run({ type: 'register_participant', id: cb.bic, kind: 'central_bank', name: cb.name, country: m.country, currencies: [m.currency] }, 'operator');
      cbs.set(m.currency, cb.bic);
    }
    for (const b of profile.banks) {
      await platform.run({ type: 'register_participant', id: b.bic, kind: 'bank', name: b.name, country: b.country, currencies: Object.keys(b.liquidity) }, 'operator');
    }
    for (const lp of profile.liquidity_providers) {
      await platform.run({ type: 'register_participant', id: lp.bic, kind: 'liquidity_provider', name: lp.name, country: lp.country, currencies: Object.keys(lp.liquidity) }, 'operator');
    }
    for (const p of [...profile.banks, ...profile.liquidity_providers]) {
      for (const [ccy, minor] of Object.entries(p.liquidity)) {
        if (minor <= 0n) continue;
        await platform.run({ type: 'fund', participant: p.bic, currency: ccy, amount: major(minor, ccy) }, 'operator');
        funding.set(ccy, (funding.get(ccy) ?? 0n) + minor);
      }
    }
    // Intraday credit for the largest bank of each member: government bonds worth its home liquidity, 5% haircut.
    for (const m of MEMBERS) {
      const top = profile.banks.filter((b) => b.country === m.country).sort((a, b) => b.size - a.size)[0];
      const home = top?.liquidity[m.currency];
      if (top === undefined || home === undefined || home <= 0n) continue;
      await platform.run({ type: 'set_collateral', participant: top.bic, currency: m.currency, auto_draw: true, items: [{ id: `${top.bic}-GB1`, kind: 'government_bond', currency: m.currency, market_value: major(home, m.currency), haircut_bp: 500 }] }, 'operator');
    }
    // Swap lines: PBOC provides CNY to the National Bank of Kazakhstan, the Bank of Russia RUB to Belarus.
    const lines: Array<[string, string, string, string]> = [
      ['CNY-KZT-1', CENTRAL_BANKS.CN!.bic, CENTRAL_BANKS.KZ!.bic, 'CNY'],
      ['RUB-BYN-1', CENTRAL_BANKS.RU!.bic, CENTRAL_BANKS.BY!.bic, 'RUB'],
    ];
    for (const [id, provider, drawer, ccy] of lines) {
      const limit = (funding.get(ccy) ?? 0n) / 20n;
      if (limit <= 0n) continue;
      await platform.run({ type: 'open_swap_line', id, provider, drawer, limit: major(limit, ccy), interest_rate: '0.035', day_count: 'ACT/360', start_date: date, maturity_date: addDays(date, 90) }, 'operator');
    }
    sim_ns = opening_ns;
    await platform.run({ type: 'open_day', date, default_cutoff: '18:00' }, 'operator');
    for (const [, , , ccy] of lines) {
      const line = platform.swapLines().find((l) => l.terms.provider_currency === ccy);
      if (line !== undefined) await platform.run({ type: 'draw_swap', line: line.terms.id, amount: major(line.terms.limit_minor / 2n, ccy) }, 'operator');
    }

    // ---- the day's traffic ----------------------------------------------------------------
    const resolve = bicResolver((id) => platform.participant(id) !== undefined);
    let batch: Record<string, unknown>[] = [];
    let screening: (ScreeningOutcome | null)[] = [];
    let nextFlush = opening_ns + BigInt(BATCH_MINUTES) * NS_PER_MIN;
    let nextLsm = opening_ns + BigInt(LSM_EVERY_MINUTES) * NS_PER_MIN;
    let windowsClosed = false;
    let done = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await platform.run({ type: 'submit_payments', payments: batch, screening }, 'gateway');
      batch = [];
      screening = [];
    };
    const lsm = async (): Promise<void> => {
      const queuedCcy = new Set(platform.queuedPayments().filter((p) => p.instruction.settlement === 'rtgs').map((p) => p.instruction.currency));
      for (const ccy of [...queuedCcy].sort()) await platform.run({ type: 'run_lsm', currency: ccy }, 'operator');
    };
    // Banks manage liquidity as their treasuries do: a queue that waited over 30
    // minutes gets a liquidity transfer from the home system for its shortfall,
    // within a day budget equal to the opening liquidity.
    const budget = new Map<string, bigint>();
    for (const q of [...profile.banks, ...profile.liquidity_providers]) for (const [ccy, minor] of Object.entries(q.liquidity)) budget.set(`${q.bic}:${ccy}`, minor);
    /** Funds what `bic` needs in `ccy` beyond its available balance, within what is left of its day budget. */
    const coverShortfall = async (bic: string, ccy: string, needed: bigint): Promise<void> => {
      const part = platform.participant(bic)!;
      if (part.kind === 'central_bank') return;
      const key = `${bic}:${ccy}`;
      const shortfall = needed - platform.balance(part, ccy).available_minor;
      const left = budget.get(key) ?? 0n;
      const amount = shortfall < left ? shortfall : left;
      if (amount <= 0n) return;
      await platform.run({ type: 'fund', participant: bic, currency: ccy, amount: major(amount, ccy) }, `${bic}-treasury`);
      budget.set(key, left - amount);
      funding.set(ccy, (funding.get(ccy) ?? 0n) + amount);
    };
    const topUp = async (): Promise<void> => {
      const need = new Map<string, bigint>();
      const waitedSince = sim_ns - 30n * NS_PER_MIN;
      for (const pay of platform.queuedPayments()) {
        if (pay.instruction.settlement !== 'rtgs') continue;
        const queuedAt = pay.history[pay.history.length - 1]!.at_ns;
        if (queuedAt > waitedSince) continue;
        const ins = pay.instruction;
        const key = `${ins.payer}:${ins.currency}`;
        need.set(key, (need.get(key) ?? 0n) + ins.amount_minor);
        if (pay.fx !== null) {
          const lpKey = `${pay.fx.provider}:${ins.payee_currency}`;
          need.set(lpKey, (need.get(lpKey) ?? 0n) + pay.fx.payee_amount_minor);
        }
      }
      for (const [key, queued] of [...need].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const [bic, ccy] = key.split(':') as [string, string];
        await coverShortfall(bic, ccy, queued);
      }
    };
    const sample = (): void => void samples.push(takeSample(platform, usd, Number((sim_ns - opening_ns) / NS_PER_MIN)));
    const closeWindows = async (): Promise<void> => {
      // Treasuries cover their expected net debit before the close, within the day budget.
      for (const w of platform.windows()) {
        if (w.state !== 'open') continue;
        const net = new Map<string, bigint>();
        for (const u of w.uetrs) {
          const pay = platform.payment(u)!;
          if (pay.state !== 'queued') continue;
          net.set(pay.instruction.payer, (net.get(pay.instruction.payer) ?? 0n) - pay.instruction.amount_minor);
          net.set(pay.instruction.payee, (net.get(pay.instruction.payee) ?? 0n) + pay.instruction.amount_minor);
        }
        for (const [bic, pos] of [...net].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (pos < 0n) await coverShortfall(bic, w.currency, -pos);
      }
      for (const w of platform.windows()) if (w.state === 'open') await platform.run({ type: 'close_window', currency: w.currency }, 'operator');
      windowsClosed = true;
    };
    const decideCases = async (): Promise<void> => {
      // Four eyes: two officers agree; releases for scores below 0.95, rejections above.
      for (const c of platform.cases()) {
        if (c.status !== 'open') continue;
        const decision = c.screening.score >= 0.95 ? 'reject' : 'release';
        await platform.run({ type: 'decide_case', case_id: c.id, decision, note: 'demo review' }, 'compliance-officer-1');
        await platform.run({ type: 'decide_case', case_id: c.id, decision }, 'compliance-officer-2');
      }
    };
    sample();
    for (const generated of generatePayments(profile, { seed: o.seed, payments: o.payments })) {
      const every = o.watchlist_every ?? 0;
      const names = o.watchlist_names ?? [];
      const sp: SimPayment = every > 0 && names.length > 0 && generated.seq % every === every - 1 ? { ...generated, debtor: { ...generated.debtor, name: names[Math.floor(generated.seq / every) % names.length]! } } : generated;
      const arrival = opening_ns + sp.arrival_offset_ns;
      while (arrival >= nextFlush) {
        sim_ns = nextFlush;
        await flush();
        if (nextFlush >= nextLsm) {
          await topUp();
          await lsm();
          await decideCases();
          nextLsm += BigInt(LSM_EVERY_MINUTES) * NS_PER_MIN;
          sample();
        }
        if (!windowsClosed && nextFlush >= opening_ns + BigInt(WINDOW_CLOSE_MINUTE) * NS_PER_MIN) await closeWindows();
        nextFlush += BigInt(BATCH_MINUTES) * NS_PER_MIN;
      }
      sim_ns = arrival;
      const recycled = recycle(platform, sp, date, prng, o.recycle_share ?? 0.8);
      const xml = buildMessage(isoMessageOf(recycled, date));
      messages++;
      const v = validateBuiltIn(xml);
      if (!v.valid) {
        message_errors++;
        continue;
      }
      const parsed = parseMessage(xml);
      const mapped = parsed.message_type === 'pacs.008.001.08' ? instructionsOfPacs008(parsed.document as Pacs008, { resolveBic: resolve }) : instructionsOfPacs009(parsed.document as Pacs009, { resolveBic: resolve });
      for (const m of mapped) {
        const raw: Record<string, unknown> = { ...m.instruction };
        if (raw.payee_currency === raw.currency) delete raw.payee_currency;
        if (recycled.payee_currency !== recycled.currency) raw.payee_currency = recycled.payee_currency;
        else if (sp.priority === 'normal' && prng.nextU32() / 4_294_967_296 < o.dns_share) raw.settlement = 'dns';
        batch.push(raw);
        screening.push(o.screen === null ? null : o.screen(sp));
      }
      if (batch.length >= BATCH_MAX) await flush();
      done++;
      if (done % 500 === 0) o.onProgress(done, o.payments, 'payments');
    }
    await flush();
    await lsm();
    await decideCases();
    if (!windowsClosed) await closeWindows();
    sample();
    sim_ns = opening_ns + 10n * 60n * NS_PER_MIN;
    await lsm();
    await platform.run({ type: 'close_day' }, 'operator');
    sample();
    o.onProgress(o.payments, o.payments, 'day closed');
  } catch (err) {
    await platform.close().catch(() => undefined);
    throw err;
  }
  return { platform, profile, business_date: date, samples, messages, message_errors, wall_ms: performance.now() - t0, funding_minor: funding, central_banks: cbs };
}

/**
 * A single-currency payment in the payer's currency becomes one in the payee's
 * home currency (converted at the reference cross rate, rounded down) when the
 * payer holds that much of it: two-way flows in each currency, which is what
 * netting and the LSM feed on.
 */
function recycle(platform: Platform, sp: SimPayment, date: string, prng: Prng, share: number): SimPayment {
  if (sp.payee_currency !== sp.currency) return sp;
  const home = MEMBERS.find((m) => m.country === sp.payee_country)?.currency;
  if (home === undefined || home === sp.currency) return sp;
  const payer = platform.participant(sp.payer_bic);
  const payee = platform.participant(sp.payee_bic);
  if (payer === undefined || payee === undefined || !payer.currencies.includes(home) || !payee.currencies.includes(home)) return sp;
  if (prng.nextU32() / 4_294_967_296 >= share) return sp;
  let amount: bigint;
  try {
    amount = platform.convertAtReferenceRate(sp.currency, home, sp.amount_minor, date, 'down');
  } catch {
    return sp;
  }
  if (amount <= 0n || platform.balance(payer, home).available_minor < amount) return sp;
  return { ...sp, currency: home, payee_currency: home, amount_minor: amount };
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

function takeSample(platform: Platform, usd: Map<string, number>, minute: number): Sample {
  let queued = 0;
  let qv = 0;
  for (const p of platform.queuedPayments()) {
    queued++;
    qv += Number(p.instruction.amount_minor) * (usd.get(p.instruction.currency) ?? 0);
  }
  let settled = 0;
  let sv = 0;
  for (const p of platform.everyPayment()) {
    if (p.state !== 'settled') continue;
    settled++;
    sv += Number(p.instruction.amount_minor) * (usd.get(p.instruction.currency) ?? 0);
  }
  return { minute, queued, queued_value_usd: qv, settled, settled_value_usd: sv };
}

/** The ISO 20022 message a bank would send for a simulated payment. */
export function isoMessageOf(sp: SimPayment, date: string): Parameters<typeof buildMessage>[0] {
  const amount = { currency: sp.currency, value: major(sp.amount_minor, sp.currency) };
  const group = { message_id: `M${sp.seq}-${sp.uetr.slice(0, 8)}`, creation_date_time: `${date}T08:00:00Z`, settlement_method: 'CLRG' as const, interbank_settlement_date: date };
  const ids = { instruction_id: `I${sp.seq}`, end_to_end_id: sp.end_to_end_id, uetr: sp.uetr };
  const payment_type = { instruction_priority: sp.priority === 'urgent' ? ('HIGH' as const) : ('NORM' as const) };
  if (sp.kind === 'pacs.009') {
    return {
      message_type: 'pacs.009.001.08',
      document: {
        group_header: group,
        transactions: [{ ...ids, payment_type, interbank_settlement_amount: amount, debtor: { bic: sp.payer_bic }, creditor: { bic: sp.payee_bic }, remittance_information: [sp.remittance] }],
      },
    };
  }
  return {
    message_type: 'pacs.008.001.08',
    document: {
      group_header: group,
      transactions: [
        {
          ...ids,
          payment_type,
          interbank_settlement_amount: amount,
          charge_bearer: 'SHAR',
          debtor: { name: sp.debtor.name, postal_address: { country: sp.payer_country } },
          debtor_agent: { bic: sp.payer_bic },
          creditor_agent: { bic: sp.payee_bic },
          creditor: { name: sp.creditor.name, postal_address: { country: sp.payee_country } },
          purpose: { code: sp.purpose },
          remittance_information: [sp.remittance],
        },
      ],
    },
  };
}

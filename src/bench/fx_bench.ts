// The fx benchmark: exact conversions/s and best-quote selections/s.
//
// Conversions: the 90 directed pairs among the ten member currencies at their
// embedded reference cross rates (exact rationals), seeded random amounts of 1 to
// 10^12 minor units, a named rounding rule per call (half_even), each conversion
// returning its amount and exact residue. Selections: 20 providers quoting all 45
// pairs (member-list orientation) with 4 size tiers each (boundaries and prices
// seeded around the reference cross rate), some quotes already expired at
// selection time so the scan has to skip them; each selection is a full
// QuoteBook.select(base, quote, side, amount, now) call. Each figure is the median
// of `rounds` timed rounds after one warm-up round.

import { PairConverter } from '../fx/convert.js';
import { SCO_MEMBER_CURRENCIES } from '../fx/iso4217.js';
import { QuoteBook, type QuoteTierInput, type Side } from '../fx/quotes.js';
import { RATE_LIMITS, RateBook } from '../fx/rates.js';
import { mul, rational, roundQuotient, formatScaled, type Rational, type RoundingRule } from '../fx/rational.js';
import { Prng } from '../sim/prng.js';
import { median, round } from './stats.js';

export interface FxBenchOptions {
  seed: number;
  conversions: number;
  selections: number;
  /** Timed rounds per figure (median reported); default 5. */
  rounds?: number;
  progress: (m: string) => void;
}

export interface FxBenchResult {
  suite: 'fx';
  metrics: { conversions_per_s: number; quote_selections_per_s: number };
  notes: string[];
}

const PROVIDERS = 20;
const TIERS = 4;
const SAMPLE = 8192; // pre-generated inputs, cycled (a power of two: index by mask)
const RATE_DATE = '2025-09-16'; // the latest date in the embedded reference set
const T0_NS = 1_756_684_800_000_000_000n; // 2025-09-01T00:00:00Z, the simulated "now"

export async function runFxBench(opts: FxBenchOptions): Promise<FxBenchResult> {
  const rounds = opts.rounds ?? 5;
  if (!Number.isInteger(opts.conversions) || opts.conversions < 1) throw new Error('conversions must be a positive integer');
  if (!Number.isInteger(opts.selections) || opts.selections < 1) throw new Error('selections must be a positive integer');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error('rounds must be an integer from 1 to 100');
  const notes: string[] = [];
  // Staleness is not what is measured: accept the whole embedded set (KGS is a placeholder months older).
  const book = RateBook.reference({ max_age_days: RATE_LIMITS.max_age_days_max });
  notes.push(`rates: embedded reference set as of ${RATE_DATE}, staleness check relaxed for the benchmark`);
  // One generator for both parts, drawn in this order: conversion inputs, quote tiers, selection inputs.
  const rng = new Prng(opts.seed);
  const conv = benchConversions(opts, book, rng, rounds);
  const sel = benchSelections(opts, book, rng, rounds, notes);
  // Keep the sinks observable so no work can be optimised away.
  notes.push(`checksums: conversions ${conv.sink & 0xffffn}, tiers ${sel.sink % 65536}`);
  notes.push(
    `median of ${rounds} rounds (min..max conversions/s ${round(Math.min(...conv.rates), 0)}..${round(Math.max(...conv.rates), 0)}, selections/s ${round(Math.min(...sel.rates), 0)}..${round(Math.max(...sel.rates), 0)}); seed ${opts.seed}`,
  );
  return {
    suite: 'fx',
    metrics: { conversions_per_s: Math.round(median(conv.rates)), quote_selections_per_s: Math.round(median(sel.rates)) },
    notes,
  };
}

/** Conversions/s over every directed pair of member currencies, one rate per round. */
function benchConversions(opts: FxBenchOptions, book: RateBook, rng: Prng, rounds: number): { rates: number[]; sink: bigint } {
  const members = SCO_MEMBER_CURRENCIES;
  const converters: PairConverter[] = [];
  for (const a of members) for (const b of members) if (a !== b) converters.push(new PairConverter(a, b, book.crossRate(a, b, RATE_DATE).rate));
  const convPair = new Array<PairConverter>(SAMPLE);
  const convAmount = new Array<bigint>(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) {
    convPair[i] = converters[rng.below(converters.length)]!;
    convAmount[i] = randomAmount(rng, 12);
  }
  const rule: RoundingRule = 'half_even';
  let sink = 0n;
  const convRound = (n: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const k = i & (SAMPLE - 1);
      sink ^= convPair[k]!.convert(convAmount[k]!, rule).amount_minor;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  opts.progress(`fx: ${converters.length} directed pairs; ${rounds} rounds of ${opts.conversions} conversions`);
  convRound(Math.min(opts.conversions, 200_000)); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    rates.push(convRound(opts.conversions));
    opts.progress(`fx: conversions round ${r + 1}/${rounds}: ${Math.round(rates[r]!)}/s`);
  }
  return { rates, sink };
}

/** A quote book of PROVIDERS providers over every unordered member pair, some of them lapsed. */
function publishQuotes(book: RateBook, rng: Prng, pairs: Array<[string, string]>, notes: string[]): QuoteBook {
  const quotes = new QuoteBook();
  let expiredProviders = 0;
  for (let p = 0; p < PROVIDERS; p++) {
    const provider = `LP${String(p + 1).padStart(2, '0')}`;
    // Two providers' quotes have lapsed by selection time: selection must skip them.
    const lapsed = p % 10 === 3;
    if (lapsed) expiredProviders++;
    const expires = lapsed ? T0_NS + 1_000_000_000n : T0_NS + 300_000_000_000n;
    for (const [base, quote] of pairs) {
      const mid = book.crossRate(base, quote, RATE_DATE).rate;
      quotes.publish({ provider, base, quote, tiers: makeTiers(rng, mid), expires_at_ns: expires }, T0_NS);
    }
  }
  notes.push(`quotes: ${PROVIDERS} providers x ${pairs.length} pairs x ${TIERS} tiers; ${expiredProviders} providers' quotes expired at selection time`);
  return quotes;
}

/** Best-quote selections/s, one rate per round. */
function benchSelections(opts: FxBenchOptions, book: RateBook, rng: Prng, rounds: number, notes: string[]): { rates: number[]; sink: number } {
  const members = SCO_MEMBER_CURRENCIES;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) pairs.push([members[i]!, members[j]!]);
  const quotes = publishQuotes(book, rng, pairs, notes);
  const now = T0_NS + 5_000_000_000n;
  const selBase = new Array<string>(SAMPLE);
  const selQuote = new Array<string>(SAMPLE);
  const selSide = new Array<Side>(SAMPLE);
  const selAmount = new Array<bigint>(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) {
    const [b, q] = pairs[rng.below(pairs.length)]!;
    selBase[i] = b;
    selQuote[i] = q;
    selSide[i] = rng.below(2) === 0 ? 'buy' : 'sell';
    selAmount[i] = randomAmount(rng, 12);
  }
  let sink = 0;
  const selRound = (n: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const k = i & (SAMPLE - 1);
      sink += quotes.select(selBase[k]!, selQuote[k]!, selSide[k]!, selAmount[k]!, now).tier_index;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  opts.progress(`fx: ${rounds} rounds of ${opts.selections} quote selections`);
  selRound(Math.min(opts.selections, 200_000));
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    rates.push(selRound(opts.selections));
    opts.progress(`fx: selections round ${r + 1}/${rounds}: ${Math.round(rates[r]!)}/s`);
  }
  return { rates, sink };
}

/** Log-uniform-ish: 1 to 10^maxDigits minor units, so every tier is exercised. */
function randomAmount(rng: Prng, maxDigits: number): bigint {
  const digits = 1 + rng.below(maxDigits);
  let v = 0n;
  for (let d = 0; d < digits; d++) v = v * 10n + BigInt(d === 0 ? 1 + rng.below(9) : rng.below(10));
  return v;
}

/**
 * TIERS contiguous tiers covering 1 .. 10^13 minor units with seeded boundaries;
 * spreads narrow as size grows; prices to 10 significant digits around `mid`.
 */
function makeTiers(rng: Prng, mid: Rational): QuoteTierInput[] {
  const bounds = [1n];
  let exp = 4;
  for (let t = 1; t < TIERS; t++) {
    exp += 1 + rng.below(2); // boundaries stay below 10^11, inside the last tier's cap
    bounds.push(10n ** BigInt(exp) + BigInt(rng.below(1000)));
  }
  bounds.push(10n ** 13n + 1n);
  const skew = mul(mid, rational(BigInt(100_000 + rng.below(41) - 20), 100_000n)); // each provider within ±2 bp of mid
  const tiers: QuoteTierInput[] = [];
  for (let t = 0; t < TIERS; t++) {
    const spreadBp = BigInt(40 - 8 * t + rng.below(10));
    tiers.push({
      min_minor: bounds[t]!,
      max_minor: bounds[t + 1]! - 1n,
      bid: significant(mul(skew, rational(10_000n - spreadBp, 10_000n)), 'floor'),
      ask: significant(mul(skew, rational(10_000n + spreadBp, 10_000n)), 'ceiling'),
    });
  }
  return tiers;
}

/** r (> 0) as a decimal string with 10 significant digits, rounded by `rule`. */
function significant(r: Rational, rule: RoundingRule): string {
  let digits = 0;
  // Find how many fraction digits give 10 significant ones (r spans 1e-7 .. 1e6 here).
  while (digits < 30 && r.num * 10n ** BigInt(digits) < r.den * 1_000_000_000n) digits++;
  return formatScaled(roundQuotient(r.num * 10n ** BigInt(digits), r.den, rule), digits);
}

// `sco-settle fx …`: reference rates and exact conversion, through the platform's
// FX door (platform/fx_tools.ts). `rates import` stores a validated file in the
// platform (a journaled command); the other commands read rate files or the
// embedded set. Output is JSON on stdout; errors
// are one line with a code.

import type { Command } from 'commander';
import {
  DEFAULT_MAX_AGE_DAYS,
  DEFAULT_ROUNDING,
  PairConverter,
  RATE_LIMITS,
  RateBook,
  displayDecimal,
  formatMinor,
  parseIsoDate,
  parseMajorAmount,
  parseRoundingRule,
  toFractionString,
  type ReferenceRate,
} from '../platform/fx_tools.js';
import { REFERENCE_FILE, currencyInfo } from '../platform/reference.js';
import { CliInputError, readInput } from './input.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import { print, runAndPrint, withPlatform } from './platform_run.js';

interface BookOptions {
  rates?: string;
  maxAgeDays?: string;
}

function maxAgeOf(o: BookOptions): number {
  if (o.maxAgeDays === undefined) return DEFAULT_MAX_AGE_DAYS;
  const n = Number(o.maxAgeDays);
  if (!/^[0-9]{1,4}$/.test(o.maxAgeDays) || n > RATE_LIMITS.max_age_days_max) {
    throw new CliInputError(`--max-age-days: must be an integer from 0 to ${RATE_LIMITS.max_age_days_max}, got ${JSON.stringify(o.maxAgeDays)}`);
  }
  return n;
}

async function loadBook(o: BookOptions): Promise<{ book: RateBook; origin: string }> {
  const max_age_days = maxAgeOf(o);
  if (o.rates === undefined) return { book: RateBook.reference({ max_age_days }), origin: `embedded ${REFERENCE_FILE}` };
  const name = o.rates === '-' ? 'stdin' : o.rates;
  return { book: RateBook.parse(await readInput(o.rates), { max_age_days }, name), origin: name };
}

function rateJson(r: ReferenceRate): Record<string, string> {
  return { currency: r.currency, units_per_usd: r.units_per_usd_text, date: r.date, source: r.source };
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const BOOK_OPTIONS: Array<[string, string]> = [
  ['--rates <file>', `reference rates, CSV (currency,units_per_usd,date,source[,minor_units]) or JSON; default: the embedded ${REFERENCE_FILE}`],
  ['--max-age-days <n>', `refuse a rate older than this many days before the date (default ${DEFAULT_MAX_AGE_DAYS})`],
];

/** Registration order is the order `fx --help` lists the subcommands in. */
export function registerFxCommands(program: Command): void {
  const fx = program.command('fx').description('reference rates and exact currency conversion (ISO 4217 minor units, named rounding)');
  registerConvertCommand(fx);
  const rates = fx.command('rates').description('reference rates: units of each currency per 1 USD, with date and source');
  registerRatesImportCommand(rates);
  registerRatesListCommand(rates);
  registerRatesPolicyCommands(rates);
}

type ConvertOptions = BookOptions & { from: string; to: string; amount: string; date?: string; rounding: string };

function registerConvertCommand(fx: Command): void {
  const convert = fx
    .command('convert')
    .description(
      'convert an amount between member currencies at the reference cross rate (via USD); prints the rate, its sources and dates, the rounding and the exact residue',
    )
    .requiredOption('--from <currency>', 'currency converted from, e.g. KZT')
    .requiredOption('--to <currency>', 'currency converted to, e.g. CNY')
    .requiredOption('--amount <decimal>', "amount in major units, at most the currency's minor digits, e.g. 1000000.00")
    .option('--date <YYYY-MM-DD>', "conversion date: each rate used is the latest on or before it (default: the latest date among the two currencies' rates)")
    .option('--rounding <rule>', 'half_even, half_up (ties away from zero), half_down, down (toward zero), up, floor or ceiling', DEFAULT_ROUNDING);
  for (const [flags, help] of BOOK_OPTIONS) convert.option(flags, help);
  convert.action(async (o: ConvertOptions) => convertAmount(o));
}

async function convertAmount(o: ConvertOptions): Promise<void> {
  const from = currencyInfo(o.from.toUpperCase(), '--from');
  const to = currencyInfo(o.to.toUpperCase(), '--to');
  const rule = parseRoundingRule(o.rounding, '--rounding');
  const amountMinor = parseMajorAmount(o.amount, from, '--amount');
  const { book, origin } = await loadBook(o);
  let date = o.date;
  if (date === undefined) {
    date = book.latestDate([from.code, to.code]) ?? undefined;
    if (date === undefined) throw new CliInputError(`no rates for ${from.code} or ${to.code} in ${origin}; give --date`);
  } else {
    parseIsoDate(date, '--date');
  }
  const cross = book.crossRate(from.code, to.code, date);
  const c = new PairConverter(from, to, cross.rate).convert(amountMinor, rule);
  const residue = displayDecimal(c.residue);
  printJson({
    input: { currency: from.code, amount: formatMinor(amountMinor, from), amount_minor: amountMinor.toString(), minor_units: from.minor_units },
    output: { currency: to.code, amount: formatMinor(c.amount_minor, to), amount_minor: c.amount_minor.toString(), minor_units: to.minor_units },
    rate: {
      units: `${to.code} per 1 ${from.code}`,
      decimal: c.rate_decimal,
      decimal_is_exact: c.rate_decimal_exact,
      exact: toFractionString(c.rate),
      via: cross.via,
      date,
      max_age_days: book.max_age_days,
      rates_from: origin,
      legs: cross.legs.map(rateJson),
    },
    rounding: rule,
    residue: {
      description: `exact result minus output, in minor units of ${to.code}; to be booked to the residue account`,
      exact: toFractionString(c.residue),
      decimal: residue.text,
      decimal_is_exact: residue.exact,
    },
  });
}

function registerRatesImportCommand(rates: Command): void {
  const imp = rates
    .command('import')
    .argument('<file>', 'CSV (currency,units_per_usd,date,source[,minor_units]; RFC 4180 quoting) or JSON array, or - for standard input')
    .description(
      'validate a whole rate file (one bad row refuses the file, naming the line) and store its rates in the platform on --store, ' +
        'where PvP payments and credit lines use them; --dry-run only validates',
    )
    .option(BOOK_OPTIONS[1]![0], BOOK_OPTIONS[1]![1])
    .option('--dry-run', 'validate and print, store nothing');
  imp.action(async (file: string, o: BookOptions & { dryRun?: boolean }, cmd: Command) => importRates(file, o, cmd));
}

async function importRates(file: string, o: BookOptions & { dryRun?: boolean }, cmd: Command): Promise<void> {
  const { book, origin } = await loadBook({ ...o, rates: file });
  if (o.dryRun !== true) {
    // The platform is loaded by the commands that store, not by `fx convert` or a dry run (#18).
    const { Platform } = await import('../platform/platform.js');
    const p = await Platform.open(await existingStoreUrl(cmd), { onProgress: stderrProgress });
    try {
      await p.run({ type: 'import_rates', file: origin, rows: book.all().map(rateJson) }, 'cli');
    } finally {
      await p.close();
    }
  }
  printJson({
    file: origin,
    persisted: o.dryRun !== true,
    rates: book.size,
    currencies: book.currencies(),
    latest_date: book.latestDate(),
    entries: book.all().map(rateJson),
  });
  stderrProgress(
    `${origin}: ${book.size} rates valid for ${book.currencies().length} currencies; ${o.dryRun === true ? 'not stored (--dry-run)' : 'stored in the platform'}`,
  );
}

function registerRatesListCommand(rates: Command): void {
  const list = rates
    .command('list')
    .description("print the rates: every rate, or with --date each currency's rate as of that date with its age and whether it is stale")
    .option('--date <YYYY-MM-DD>', 'show the rate in force on this date per currency');
  for (const [flags, help] of BOOK_OPTIONS) list.option(flags, help);
  list.action(async (o: BookOptions & { date?: string }) => listRates(o));
}

async function listRates(o: BookOptions & { date?: string }): Promise<void> {
  const { book, origin } = await loadBook(o);
  if (o.date === undefined) {
    printJson({ rates_from: origin, entries: book.all().map(rateJson) });
    return;
  }
  const day = parseIsoDate(o.date, '--date');
  const entries = book.currencies().map((c) => {
    const history = book.history(c, { to: o.date });
    const r = history[history.length - 1];
    if (r === undefined) return { currency: c, rate: null, reason: `no rate dated on or before ${o.date}` };
    const age = day - r.day;
    return { ...rateJson(r), age_days: age, stale: age > book.max_age_days };
  });
  printJson({ rates_from: origin, date: o.date, max_age_days: book.max_age_days, entries });
}

/** A whole number option, or the CLI's input error naming it. */
function wholeNumber(text: string, flag: string): number {
  if (!/^[0-9]{1,6}$/.test(text)) throw new CliInputError(`${flag}: must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

type PolicyOptions = { maxAgeBusinessDays?: string; extendedAgeBusinessDays?: string; quoteToleranceBp?: string };

/** `fx rates policy` (the staleness rule: show, or set as the operator), `fx rates publish` (a central bank's rate), `fx rates alerts`. */
function registerRatesPolicyCommands(rates: Command): void {
  rates
    .command('policy')
    .description("the scheme's staleness rule for reference rates (rules 3): prints it; with all three options the operator sets it (journaled)")
    .option('--max-age-business-days <n>', 'a rate at most this many business days old is fresh (default 3)')
    .option('--extended-age-business-days <n>', 'a staler rate is still used, with an operator alert, up to this age when no quote applies (default 10)')
    .option('--quote-tolerance-bp <n>', "a stale rate gives way to the provider's own quote within this many basis points of it (default 200; 0: never)")
    .action(async (o: PolicyOptions, cmd: Command) => {
      const given = [o.maxAgeBusinessDays, o.extendedAgeBusinessDays, o.quoteToleranceBp].filter((x) => x !== undefined).length;
      if (given === 0) return withPlatform(cmd, async (p) => print({ rate_policy: p.ratePolicy() }));
      if (given !== 3) throw new CliInputError('give all three of --max-age-business-days, --extended-age-business-days and --quote-tolerance-bp');
      return runAndPrint(cmd, () => ({
        type: 'set_rate_policy',
        max_age_business_days: wholeNumber(o.maxAgeBusinessDays!, '--max-age-business-days'),
        extended_age_business_days: wholeNumber(o.extendedAgeBusinessDays!, '--extended-age-business-days'),
        quote_tolerance_bp: wholeNumber(o.quoteToleranceBp!, '--quote-tolerance-bp'),
      }));
    });
  rates
    .command('publish')
    .description("a central bank publishes its own currency's reference rate for a business day (journaled; adds to the rates in force)")
    .requiredOption('--participant <bic>', 'the central bank issuing the currency')
    .requiredOption('--currency <ccy>', 'its currency')
    .requiredOption('--units-per-usd <decimal>', 'units of the currency per 1 USD')
    .requiredOption('--date <YYYY-MM-DD>', 'the business day the rate is for (not after the open day)')
    .requiredOption('--source <text>', 'where the figure comes from')
    .action(async (o: { participant: string; currency: string; unitsPerUsd: string; date: string; source: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({
        type: 'publish_reference_rate',
        participant: o.participant,
        currency: o.currency.toUpperCase(),
        units_per_usd: o.unitsPerUsd,
        date: o.date,
        source: o.source,
      })),
    );
  rates
    .command('alerts')
    .description('operator alerts about stale reference rates met while pricing PvP payments, oldest first')
    .action(async (_o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print({ rate_policy: p.ratePolicy(), alerts: p.rateAlerts() })));
}

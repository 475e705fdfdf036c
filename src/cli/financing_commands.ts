// `sco-settle financing …` and `sco-settle quotes …`: collateral, intraday credit
// and central-bank swap lines, and liquidity providers' FX quotes. Each runs one
// journaled command on the platform and prints its result as JSON.

import type { Command } from 'commander';
import { facilityView, swapView } from '../platform/view_tools.js';
import { CliInputError } from './input.js';
import { collect, print, runAndPrint, withPlatform } from './platform_run.js';

interface CollateralOptions {
  participant: string;
  currency: string;
  item: string[];
  autoDraw: boolean;
}

interface SwapOpenOptions {
  id: string;
  provider: string;
  drawer: string;
  limit: string;
  rate?: string;
  interestRate: string;
  dayCount: string;
  start: string;
  maturity: string;
}

export function registerFinancingCommands(program: Command): void {
  const fin = program.command('financing').description('collateral, intraday credit and central-bank swap lines');
  fin
    .command('collateral')
    .description("set a participant's collateral for intraday credit in a currency; the line = value after haircut")
    .requiredOption('--participant <bic>')
    .requiredOption('--currency <ccy>', 'the credit currency')
    .requiredOption('--item <id:kind:ccy:value:haircut_bp>', 'a collateral item (repeatable), e.g. B1:government_bond:CNY:1000000.00:500', collect)
    .option('--no-auto-draw', 'draw only on request, not when payments are blocked')
    .action(async (o: CollateralOptions, cmd: Command) => runAndPrint(cmd, () => setCollateralCommand(o), facilityView as (r: unknown) => unknown));
  fin
    .command('draw')
    .description('draw intraday credit explicitly')
    .requiredOption('--participant <bic>')
    .requiredOption('--currency <ccy>')
    .requiredOption('--amount <decimal>')
    .action(async (o: { participant: string; currency: string; amount: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'draw_credit', participant: o.participant, currency: o.currency, amount: o.amount })),
    );
  registerSwapCommands(fin);
  fin
    .command('show')
    .description('credit facilities and swap lines with their usage')
    .action(async (_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => print({ facilities: p.facilities().map(facilityView), swap_lines: p.swapLines().map(swapView) })),
    );
}

function setCollateralCommand(o: CollateralOptions): Record<string, unknown> {
  return {
    type: 'set_collateral',
    participant: o.participant,
    currency: o.currency,
    auto_draw: o.autoDraw,
    items: o.item.map((s) => {
      const parts = s.split(':');
      if (parts.length !== 5 || !/^\d+$/.test(parts[4]!)) throw new CliInputError(`--item: expected id:kind:ccy:value:haircut_bp, got ${JSON.stringify(s)}`);
      return { id: parts[0], kind: parts[1], currency: parts[2], market_value: parts[3], haircut_bp: Number(parts[4]) };
    }),
  };
}

function registerSwapCommands(fin: Command): void {
  fin
    .command('swap-open')
    .description('open a swap line: the provider central bank lends its currency to the drawer')
    .requiredOption('--id <id>')
    .requiredOption('--provider <bic>')
    .requiredOption('--drawer <bic>')
    .requiredOption('--limit <decimal>', "in the provider's currency")
    .option('--rate <decimal>', 'drawer currency per provider currency (default: the reference cross rate of the start date)')
    .requiredOption('--interest-rate <decimal>', 'annual, e.g. 0.035')
    .option('--day-count <conv>', 'ACT/360 or ACT/365', 'ACT/360')
    .requiredOption('--start <YYYY-MM-DD>')
    .requiredOption('--maturity <YYYY-MM-DD>')
    .action(async (o: SwapOpenOptions, cmd: Command) =>
      runAndPrint(cmd, () => ({
        type: 'open_swap_line',
        id: o.id,
        provider: o.provider,
        drawer: o.drawer,
        limit: o.limit,
        rate: o.rate ?? '',
        interest_rate: o.interestRate,
        day_count: o.dayCount,
        start_date: o.start,
        maturity_date: o.maturity,
      })),
    );
  fin
    .command('swap-draw')
    .requiredOption('--line <id>')
    .requiredOption('--amount <decimal>')
    .action(async (o: { line: string; amount: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'draw_swap', line: o.line, amount: o.amount })));
  fin
    .command('swap-unwind')
    .description('unwind a swap line at maturity (principal both ways, interest to the provider)')
    .requiredOption('--line <id>')
    .action(async (o: { line: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'unwind_swap', line: o.line })));
}

interface PublishOptions {
  provider: string;
  base: string;
  quote: string;
  tier: string[];
  validS: string;
}

export function registerQuotesCommands(program: Command): void {
  const quotes = program.command('quotes').description("liquidity providers' FX quotes for PvP payments (a payment names a locked quote by quote_id)");
  quotes
    .command('publish')
    .description("publish (or replace) a provider's quote for BASE/QUOTE in size tiers")
    .requiredOption('--provider <bic>')
    .requiredOption('--base <ccy>')
    .requiredOption('--quote <ccy>')
    .requiredOption('--tier <min:max:bid:ask>', 'amounts in major units of BASE, prices QUOTE per BASE (repeatable)', collect)
    .option('--valid-s <n>', 'seconds the quote stays live', '300')
    .action(async (o: PublishOptions, cmd: Command) => runAndPrint(cmd, () => publishQuoteCommand(o)));
  quotes
    .command('lock')
    .description('lock the best live quote covering a conversion; prints the quote_id a payment names')
    .requiredOption('--base <ccy>', 'the currency paid')
    .requiredOption('--quote <ccy>', 'the currency received')
    .requiredOption('--amount <decimal>', 'major units of BASE')
    .requiredOption('--participant <bic>', 'the participant taking the lock: only its payments may name the quote_id')
    .action(async (o: { base: string; quote: string; amount: string; participant: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'lock_quote', base: o.base, quote: o.quote, amount: o.amount, participant: o.participant })),
    );
}

function publishQuoteCommand(o: PublishOptions): Record<string, unknown> {
  return {
    type: 'publish_quote',
    provider: o.provider,
    base: o.base,
    quote: o.quote,
    valid_s: Number(o.validS),
    tiers: o.tier.map((t) => {
      const [min, max, bid, ask, extra] = t.split(':');
      if (ask === undefined || extra !== undefined) throw new CliInputError(`--tier: expected min:max:bid:ask, got ${JSON.stringify(t)}`);
      return { min, max, bid, ask };
    }),
  };
}

// Platform commands on the command line: participants, funding, payments, the
// business day, settlement windows, the LSM, financing (collateral, intraday
// credit, swap lines) and compliance cases. Each opens the platform on the global
// --store, runs one journaled command (attributed to --by, default the OS user)
// and prints its result as JSON; a refusal is one line with its code and field.

import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import { bigintJson, caseView, dayView, facilityView, participantView, paymentView, swapView, windowView } from '../platform/view_tools.js';
import { CliInputError, parseEvents, readInput } from './input.js';
import { resolveStoreUrl, stderrProgress } from './context.js';

const SUBMIT_CHUNK = 8_189;

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, bigintJson, 2) + '\n');
}

function actor(command: Command): string {
  const o = command.optsWithGlobals() as { by?: string };
  if (o.by !== undefined) return o.by;
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

async function withPlatform<T>(command: Command, fn: (p: Platform, by: string) => Promise<T>): Promise<T> {
  const p = await Platform.open(resolveStoreUrl(command), { onProgress: stderrProgress });
  try {
    return await fn(p, actor(command));
  } finally {
    await p.close();
  }
}

/** Runs one command and prints its result; a refusal becomes an error with code and field. */
function runAndPrint(command: Command, build: () => Record<string, unknown>, view?: (r: unknown) => unknown): Promise<void> {
  return withPlatform(command, async (p, by) => {
    const out = await p.execute(build(), by);
    if (!out.ok) throw new PlatformError(out.error!.code as PlatformError['code'], out.error!.field, `${out.error!.field === '' ? '' : `${out.error!.field}: `}${out.error!.message}`);
    print(view === undefined ? out.result : view(out.result));
  });
}

function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const m = /^([A-Z]{3})=(.+)$/.exec(item);
    if (m === null) throw new CliInputError(`${flag}: expected CCY=VALUE, got ${JSON.stringify(item)}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerPlatformCommands(program: Command): void {
  program.option('--by <user>', 'who the change is attributed to in the audit trail (default: the OS user)');

  const participants = program.command('participants').description('central banks, banks and liquidity providers on the platform');
  participants
    .command('add')
    .description('register a participant; its settlement accounts are opened on the ledger')
    .requiredOption('--id <bic>', 'BIC (8 or 11 characters)')
    .requiredOption('--kind <kind>', 'central_bank, bank or liquidity_provider')
    .requiredOption('--name <name>', 'registered name (any script)')
    .requiredOption('--country <cc>', 'ISO 3166 alpha-2')
    .requiredOption('--currencies <list>', 'comma-separated member currencies (a central bank: the one it issues)')
    .action(async (o: { id: string; kind: string; name: string; country: string; currencies: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'register_participant', id: o.id, kind: o.kind, name: o.name, country: o.country, currencies: o.currencies.split(',').map((c) => c.trim()) })),
    );
  participants
    .command('list')
    .description('every participant with its balances')
    .action(async (_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => print(p.participants().map((x) => ({ ...(participantView(x) as object), balances: p.balances(x.id) })))),
    );

  for (const [name, type] of [
    ['fund', 'fund'],
    ['defund', 'defund'],
  ] as const) {
    program
      .command(name)
      .description(name === 'fund' ? 'a liquidity transfer in from the home system (central bank issuing account -> settlement account)' : 'a liquidity transfer back to the home system')
      .requiredOption('--participant <bic>', 'the participant')
      .requiredOption('--currency <ccy>', 'member currency')
      .requiredOption('--amount <decimal>', 'major units, e.g. 1000000.00')
      .action(async (o: { participant: string; currency: string; amount: string }, cmd: Command) => runAndPrint(cmd, () => ({ type, participant: o.participant, currency: o.currency, amount: o.amount })));
  }

  const payments = program.command('payments').description('payment instructions and their lifecycle');
  payments
    .command('submit <file>')
    .description('submit payment instructions (JSON array or NDJSON, "-" for stdin); prints each one\'s state or rejection reason')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const name = file === '-' ? 'stdin' : file;
      const list = parseEvents(await readInput(file), name, (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliInputError('each payment must be a JSON object');
        return v as Record<string, unknown>;
      });
      await withPlatform(cmd, async (p, by) => {
        for (let i = 0; i < list.length; i += SUBMIT_CHUNK) {
          const out = await p.execute({ type: 'submit_payments', payments: list.slice(i, i + SUBMIT_CHUNK) }, by);
          if (!out.ok) throw new PlatformError(out.error!.code as PlatformError['code'], out.error!.field, out.error!.message);
          for (const r of (out.result as { payments: unknown[] }).payments) process.stdout.write(JSON.stringify(r) + '\n');
        }
      });
    });
  payments
    .command('list')
    .description('payments, newest first')
    .option('--participant <bic>')
    .option('--state <state>')
    .option('--currency <ccy>')
    .option('--limit <n>', '1..10000', '100')
    .action(async (o: { participant?: string; state?: string; currency?: string; limit: string }, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        const filter: Parameters<Platform['payments']>[0] = { limit: Number(o.limit) };
        if (o.participant !== undefined) filter.participant = o.participant;
        if (o.state !== undefined) filter.state = o.state;
        if (o.currency !== undefined) filter.currency = o.currency;
        for (const x of p.payments(filter)) process.stdout.write(JSON.stringify(paymentView(x), bigintJson) + '\n');
      }),
    );
  payments
    .command('show <uetr>')
    .description('one payment with its full status history')
    .action(async (uetr: string, _o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        const x = p.payment(uetr);
        if (x === undefined) throw new PlatformError('not_found', 'uetr', `no payment ${uetr}`);
        print(paymentView(x));
      }),
    );
  payments
    .command('cancel <uetr>')
    .description('cancel a queued or held payment')
    .option('--reason <code>', 'ISO cancellation reason', 'CUST')
    .action(async (uetr: string, o: { reason: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'cancel_payment', uetr, reason: o.reason })));
  payments
    .command('return <uetr>')
    .description('return a settled payment to its payer (pacs.004)')
    .option('--reason <code>', 'ISO return reason', 'NARR')
    .action(async (uetr: string, o: { reason: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'return_payment', uetr, reason: o.reason })));

  const day = program.command('day').description('the business day');
  day
    .command('open')
    .description('open a business day with cut-offs (UTC)')
    .requiredOption('--date <YYYY-MM-DD>')
    .option('--cutoff <CCY=HH:MM>', 'a currency\'s cut-off (repeatable)', collect)
    .option('--default-cutoff <HH:MM>', 'cut-off of the other currencies', '17:00')
    .action(async (o: { date: string; cutoff?: string[]; defaultCutoff: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'open_day', date: o.date, cutoffs: keyValues(o.cutoff, '--cutoff'), default_cutoff: o.defaultCutoff })),
    );
  day.command('close').description('close the day: windows settle, queued payments are rejected (CUTO), intraday credit is repaid; prints end-of-day positions').action(async (_o: unknown, cmd: Command) => runAndPrint(cmd, () => ({ type: 'close_day' })));
  day
    .command('show')
    .description('the current business day')
    .action(async (_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        const d = p.businessDay();
        print(d === null ? null : dayView(d));
      }),
    );

  const window = program.command('window').description('deferred net settlement windows');
  for (const verb of ['open', 'close'] as const) {
    window
      .command(verb)
      .description(verb === 'open' ? 'open a window for a currency' : 'close a currency\'s window and settle its net positions (defaulters taken out)')
      .requiredOption('--currency <ccy>')
      .action(async (o: { currency: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: `${verb}_window`, currency: o.currency })));
  }
  window.command('list').action(async (_o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print(p.windows().map(windowView))));

  program
    .command('lsm-run')
    .description('run the liquidity-saving mechanism on a currency\'s RTGS queue (bilateral offsetting and gridlock resolution)')
    .requiredOption('--currency <ccy>')
    .action(async (o: { currency: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'run_lsm', currency: o.currency })));

  const fin = program.command('financing').description('collateral, intraday credit and central-bank swap lines');
  fin
    .command('collateral')
    .description('set a participant\'s collateral for intraday credit in a currency; the line = value after haircut')
    .requiredOption('--participant <bic>')
    .requiredOption('--currency <ccy>', 'the credit currency')
    .requiredOption('--item <id:kind:ccy:value:haircut_bp>', 'a collateral item (repeatable), e.g. B1:government_bond:CNY:1000000.00:500', collect)
    .option('--no-auto-draw', 'draw only on request, not when payments are blocked')
    .action(async (o: { participant: string; currency: string; item: string[]; autoDraw: boolean }, cmd: Command) =>
      runAndPrint(
        cmd,
        () => ({
          type: 'set_collateral',
          participant: o.participant,
          currency: o.currency,
          auto_draw: o.autoDraw,
          items: o.item.map((s) => {
            const parts = s.split(':');
            if (parts.length !== 5 || !/^\d+$/.test(parts[4]!)) throw new CliInputError(`--item: expected id:kind:ccy:value:haircut_bp, got ${JSON.stringify(s)}`);
            return { id: parts[0], kind: parts[1], currency: parts[2], market_value: parts[3], haircut_bp: Number(parts[4]) };
          }),
        }),
        facilityView as (r: unknown) => unknown,
      ),
    );
  fin
    .command('draw')
    .description('draw intraday credit explicitly')
    .requiredOption('--participant <bic>')
    .requiredOption('--currency <ccy>')
    .requiredOption('--amount <decimal>')
    .action(async (o: { participant: string; currency: string; amount: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'draw_credit', participant: o.participant, currency: o.currency, amount: o.amount })));
  fin
    .command('swap-open')
    .description('open a swap line: the provider central bank lends its currency to the drawer')
    .requiredOption('--id <id>')
    .requiredOption('--provider <bic>')
    .requiredOption('--drawer <bic>')
    .requiredOption('--limit <decimal>', 'in the provider\'s currency')
    .option('--rate <decimal>', 'drawer currency per provider currency (default: the reference cross rate of the start date)')
    .requiredOption('--interest-rate <decimal>', 'annual, e.g. 0.035')
    .option('--day-count <conv>', 'ACT/360 or ACT/365', 'ACT/360')
    .requiredOption('--start <YYYY-MM-DD>')
    .requiredOption('--maturity <YYYY-MM-DD>')
    .action(async (o: { id: string; provider: string; drawer: string; limit: string; rate?: string; interestRate: string; dayCount: string; start: string; maturity: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'open_swap_line', id: o.id, provider: o.provider, drawer: o.drawer, limit: o.limit, rate: o.rate ?? '', interest_rate: o.interestRate, day_count: o.dayCount, start_date: o.start, maturity_date: o.maturity })),
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
  fin
    .command('show')
    .description('credit facilities and swap lines with their usage')
    .action(async (_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => print({ facilities: p.facilities().map(facilityView), swap_lines: p.swapLines().map(swapView) })),
    );

  const quotes = program.command('quotes').description("liquidity providers' FX quotes for PvP payments (a payment names a locked quote by quote_id)");
  quotes
    .command('publish')
    .description('publish (or replace) a provider\'s quote for BASE/QUOTE in size tiers')
    .requiredOption('--provider <bic>')
    .requiredOption('--base <ccy>')
    .requiredOption('--quote <ccy>')
    .requiredOption('--tier <min:max:bid:ask>', 'amounts in major units of BASE, prices QUOTE per BASE (repeatable)', collect)
    .option('--valid-s <n>', 'seconds the quote stays live', '300')
    .action(async (o: { provider: string; base: string; quote: string; tier: string[]; validS: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({
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
      })),
    );
  quotes
    .command('lock')
    .description('lock the best live quote covering a conversion; prints the quote_id a payment names')
    .requiredOption('--base <ccy>', 'the currency paid')
    .requiredOption('--quote <ccy>', 'the currency received')
    .requiredOption('--amount <decimal>', 'major units of BASE')
    .action(async (o: { base: string; quote: string; amount: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'lock_quote', base: o.base, quote: o.quote, amount: o.amount })));

  const cases = program.command('cases').description('compliance cases of held payments (four eyes)');
  cases.command('list').action(async (_o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print(p.cases().map(caseView))));
  cases
    .command('decide <id>')
    .description('propose or confirm a decision; a second, different officer makes it effective')
    .requiredOption('--decision <d>', 'release or reject')
    .option('--note <text>')
    .action(async (id: string, o: { decision: string; note?: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'decide_case', case_id: Number(id), decision: o.decision, note: o.note ?? '' })));
}

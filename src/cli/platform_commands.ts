// Platform commands on the command line: participants, funding, payments, the
// business day, settlement windows, the LSM, financing (collateral, intraday
// credit, swap lines) and compliance cases. Each opens the platform on the global
// --store, runs one journaled command (attributed to --by, default the OS user)
// and prints its result as JSON; a refusal is one line with its code and field.

import type { Command } from 'commander';
import type { Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import { checkParticipantIdentity } from '../platform/participant_rules.js';
import { caseView, dayView, participantView, paymentView, windowView } from '../platform/view_tools.js';
import { CliInputError, parseEvents, readInput } from './input.js';
import { collect, keyValues, print, runAndPrint, withPlatform } from './platform_run.js';
import { jsonOutput, printList } from './output.js';
import { registerFinancingCommands, registerQuotesCommands } from './financing_commands.js';

const SUBMIT_CHUNK = 8_189;

/** Registration order is the order `--help` lists the commands in. */
export function registerPlatformCommands(program: Command): void {
  registerParticipantsCommands(program);
  registerFundingCommands(program);
  registerPaymentsCommands(program);
  registerDayCommands(program);
  registerWindowCommands(program);
  registerLsmRunCommand(program);
  registerFinancingCommands(program);
  registerQuotesCommands(program);
  registerCasesCommands(program);
}

interface ParticipantOptions {
  id: string;
  kind: string;
  name: string;
  country: string;
  currencies: string;
}

function registerParticipantsCommands(program: Command): void {
  const participants = program.command('participants').description('central banks, banks and liquidity providers on the platform');
  participants
    .command('add')
    .description('register a participant; its settlement accounts are opened on the ledger')
    .requiredOption('--id <bic>', 'BIC (8 or 11 characters)')
    .requiredOption('--kind <kind>', 'central_bank, bank or liquidity_provider')
    .requiredOption('--name <name>', 'registered name (any script)')
    .requiredOption('--country <cc>', 'ISO 3166 alpha-2')
    .requiredOption('--currencies <list>', 'comma-separated member currencies (a central bank: the one it issues)')
    .action(async (o: ParticipantOptions, cmd: Command) =>
      runAndPrint(cmd, () => {
        checkParticipantIdentity(o.name, o.country, (field) => `--${field}`); // refused here, before it becomes a command
        return {
          type: 'register_participant',
          id: o.id,
          kind: o.kind,
          name: o.name,
          country: o.country,
          currencies: o.currencies.split(',').map((c) => c.trim()),
        };
      }),
    );
  participants
    .command('list')
    .description('every participant with its balances')
    .action(async (_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => print(p.participants().map((x) => ({ ...(participantView(x) as object), balances: p.balances(x.id) })))),
    );
}

function registerFundingCommands(program: Command): void {
  for (const [name, type] of [
    ['fund', 'fund'],
    ['defund', 'defund'],
  ] as const) {
    program
      .command(name)
      .description(
        name === 'fund'
          ? 'a liquidity transfer in from the home system (central bank issuing account -> settlement account)'
          : 'a liquidity transfer back to the home system',
      )
      .requiredOption('--participant <bic>', 'the participant')
      .requiredOption('--currency <ccy>', 'member currency')
      .requiredOption('--amount <decimal>', 'major units, e.g. 1000000.00')
      .action(async (o: { participant: string; currency: string; amount: string }, cmd: Command) =>
        runAndPrint(cmd, () => ({ type, participant: o.participant, currency: o.currency, amount: o.amount })),
      );
  }
}

interface PaymentListOptions {
  participant?: string;
  state?: string;
  currency?: string;
  limit: string;
}

function registerPaymentsCommands(program: Command): void {
  const payments = program.command('payments').description('payment instructions and their lifecycle');
  payments
    .command('submit <file>')
    .description('submit payment instructions (JSON array or NDJSON, "-" for stdin); prints each one\'s state or rejection reason')
    .action(async (file: string, _o: unknown, cmd: Command) => submitPayments(file, cmd));
  payments
    .command('list')
    .description('payments, newest first')
    .option('--participant <bic>')
    .option('--state <state>')
    .option('--currency <ccy>')
    .option('--limit <n>', '1..10000', '100')
    .action(async (o: PaymentListOptions, cmd: Command) => withPlatform(cmd, async (p) => listPayments(p, o)));
  payments
    .command('show <uetr>')
    .description('one payment with its full status history')
    .action(async (uetr: string, _o: unknown, cmd: Command) => withPlatform(cmd, async (p) => showPayment(p, uetr)));
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
}

/** The whole file is parsed before anything is submitted; then it goes in chunks of one batch each. */
async function submitPayments(file: string, cmd: Command): Promise<void> {
  const name = file === '-' ? 'stdin' : file;
  const list = parseEvents(await readInput(file), name, (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliInputError('each payment must be a JSON object');
    return v as Record<string, unknown>;
  });
  const answers: unknown[] = [];
  await withPlatform(cmd, async (p, by) => {
    for (let i = 0; i < list.length; i += SUBMIT_CHUNK) {
      const out = await p.execute({ type: 'submit_payments', payments: list.slice(i, i + SUBMIT_CHUNK) }, by);
      if (!out.ok) throw new PlatformError(out.error!.code as PlatformError['code'], out.error!.field, out.error!.message);
      const payments = (out.result as { payments: unknown[] }).payments;
      // Without --json each chunk's answers are printed as they come; with it, one array at the end.
      if (jsonOutput()) answers.push(...payments);
      else printList(payments);
    }
  });
  if (jsonOutput()) printList(answers);
}

function listPayments(p: Platform, o: PaymentListOptions): void {
  const filter: Parameters<Platform['payments']>[0] = { limit: Number(o.limit) };
  if (o.participant !== undefined) filter.participant = o.participant;
  if (o.state !== undefined) filter.state = o.state;
  if (o.currency !== undefined) filter.currency = o.currency;
  printList(p.payments(filter).map(paymentView));
}

function showPayment(p: Platform, uetr: string): void {
  const x = p.payment(uetr);
  if (x === undefined) throw new PlatformError('not_found', 'uetr', `no payment ${uetr}`);
  print(paymentView(x));
}

function registerDayCommands(program: Command): void {
  const day = program.command('day').description('the business day');
  day
    .command('open')
    .description('open a business day with cut-offs (UTC)')
    .requiredOption('--date <YYYY-MM-DD>')
    .option('--cutoff <CCY=HH:MM>', "a currency's cut-off (repeatable)", collect)
    .option('--default-cutoff <HH:MM>', 'cut-off of the other currencies', '17:00')
    .action(async (o: { date: string; cutoff?: string[]; defaultCutoff: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'open_day', date: o.date, cutoffs: keyValues(o.cutoff, '--cutoff'), default_cutoff: o.defaultCutoff })),
    );
  day
    .command('close')
    .description('close the day: windows settle, queued payments are rejected (CUTO), intraday credit is repaid; prints end-of-day positions')
    .action(async (_o: unknown, cmd: Command) => runAndPrint(cmd, () => ({ type: 'close_day' })));
  day
    .command('show')
    .description('the current business day')
    .action(async (_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        const d = p.businessDay();
        print(d === null ? null : dayView(d));
      }),
    );
}

function registerWindowCommands(program: Command): void {
  const window = program.command('window').description('deferred net settlement windows');
  for (const verb of ['open', 'close'] as const) {
    window
      .command(verb)
      .description(verb === 'open' ? 'open a window for a currency' : "close a currency's window and settle its net positions (defaulters taken out)")
      .requiredOption('--currency <ccy>')
      .action(async (o: { currency: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: `${verb}_window`, currency: o.currency })));
  }
  window.command('list').action(async (_o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print(p.windows().map(windowView))));
}

function registerLsmRunCommand(program: Command): void {
  program
    .command('lsm-run')
    .description("run the liquidity-saving mechanism on a currency's RTGS queue (bilateral offsetting and gridlock resolution)")
    .requiredOption('--currency <ccy>')
    .action(async (o: { currency: string }, cmd: Command) => runAndPrint(cmd, () => ({ type: 'run_lsm', currency: o.currency })));
}

function registerCasesCommands(program: Command): void {
  const cases = program.command('cases').description('compliance cases of held payments (four eyes)');
  cases.command('list').action(async (_o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print(p.cases().map(caseView))));
  cases
    .command('decide <id>')
    .description('propose or confirm a decision; a second, different officer makes it effective')
    .requiredOption('--decision <d>', 'release or reject')
    .option('--note <text>')
    .action(async (id: string, o: { decision: string; note?: string }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'decide_case', case_id: Number(id), decision: o.decision, note: o.note ?? '' })),
    );
}

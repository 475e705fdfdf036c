// `sco-settle demo`: the quick start's main job. Until the simulator lands it is
// an end-to-end run of the ledger on the embedded SQLite store: ten member
// currencies, a central bank and six banks in each, funding, a burst of
// interbank payments (some refused for lack of funds), two-phase payments
// (reserve, then post or void), and cross-currency payments as linked pairs of
// legs, converted at the embedded reference rates, that settle together or not
// at all. It then verifies the store and prints what happened.

import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { Prng } from '../bench/prng.js';
import { DurableLedger, wallClock } from '../journal/durable_ledger.js';
import { verifyStore } from '../journal/verify.js';
import {
  AccountFlags,
  BATCH_EVENTS_MAX,
  emptyAccount,
  emptyTransfer,
  RESULT_CODES,
  TransferFlags,
  type Account,
  type Transfer,
} from '../ledger/types.js';
import { formatMinor, PairConverter } from '../fx/convert.js';
import { currencyInfo } from '../fx/iso4217.js';
import { inverse } from '../fx/rational.js';
import { RateBook } from '../fx/rates.js';
import { openStore } from '../store/open.js';
import { stderrProgress } from './context.js';

/** The member currencies: ISO 4217 alphabetic and numeric codes (the ledger is the numeric code). */
const CURRENCIES: ReadonlyArray<[string, number]> = [
  ['CNY', 156], ['RUB', 643], ['INR', 356], ['PKR', 586], ['IRR', 364],
  ['KZT', 398], ['KGS', 417], ['TJS', 972], ['UZS', 860], ['BYN', 933],
];
const BANKS_PER_CURRENCY = 6;
const CODE_ISSUANCE = 1;
const CODE_SETTLEMENT = 2;
const CODE_LIQUIDITY_PROVIDER = 3;
const T_FUNDING = 1;
const T_PAYMENT = 2;
const T_FX_LEG = 3;

// Account ids: currency index * 1000 + role; readable in the output.
const issuanceId = (c: number): bigint => BigInt((c + 1) * 1000);
const bankId = (c: number, b: number): bigint => BigInt((c + 1) * 1000 + 1 + b);
const lpId = (c: number): bigint => BigInt((c + 1) * 1000 + 99);

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run an end-to-end settlement run on a fresh embedded SQLite store and print what happened')
    .option('--file <path>', 'the demo store file (recreated)', './data/demo.db')
    .option('--payments <n>', 'interbank payments to send', '50000')
    .option('--seed <n>', 'seed of the random traffic', '7')
    .action(async (o: { file: string; payments: string; seed: string }) => {
      await runDemo(o.file, Number(o.payments), Number(o.seed));
    });
}

async function runDemo(file: string, payments: number, seed: number): Promise<void> {
  if (!Number.isInteger(payments) || payments < 1 || payments > 5_000_000) throw new Error('--payments must be 1..5000000');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  const say = (m: string): void => void process.stdout.write(m + '\n');
  const store = await openStore(`sqlite:${file}`);
  const ledger = await DurableLedger.open(store, { clock: wallClock(), onProgress: stderrProgress });
  const rng = new Prng(seed);
  const counts = new Map<string, number>();
  const tally = (results: Uint8Array): void => {
    for (const r of results) counts.set(RESULT_CODES[r]!, (counts.get(RESULT_CODES[r]!) ?? 0) + 1);
  };
  let nextTransferId = 1n;
  const transfer = (dr: bigint, cr: bigint, amount: bigint, ledgerId: number, code: number, flags = 0): Transfer => {
    const t = emptyTransfer(nextTransferId++);
    Object.assign(t, { debit_account_id: dr, credit_account_id: cr, amount, ledger: ledgerId, code, flags });
    return t;
  };

  // Cross rates through USD from the embedded reference set; a year's grace, as the set is a fixed snapshot.
  const rates = RateBook.reference().withMaxAge(365);
  const rateDate = rates.latestDate()!;
  // Sizes are chosen in US dollars (cents) and converted, so every currency sees comparable values.
  const fromUsd = CURRENCIES.map(([code]) => new PairConverter('USD', code, rates.rateAsOf(code, rateDate).units_per_usd));
  const usd = (c: number, cents: bigint): bigint => fromUsd[c]!.convert(cents).amount_minor;
  const toUsd = CURRENCIES.map(([code]) => new PairConverter(code, 'USD', inverse(rates.rateAsOf(code, rateDate).units_per_usd)));
  const converters = CURRENCIES.map(([from]) =>
    CURRENCIES.map(([to]) => (from === to ? null : new PairConverter(from, to, rates.crossRate(from, to, rateDate).rate))),
  );

  say(`sco-settle demo: store sqlite:${file}`);
  const accounts: Account[] = [];
  CURRENCIES.forEach(([, ledgerId], c) => {
    accounts.push(emptyAccount(issuanceId(c), ledgerId, CODE_ISSUANCE));
    for (let b = 0; b < BANKS_PER_CURRENCY; b++) {
      accounts.push(emptyAccount(bankId(c, b), ledgerId, CODE_SETTLEMENT, AccountFlags.debits_must_not_exceed_credits | AccountFlags.history));
    }
    accounts.push(emptyAccount(lpId(c), ledgerId, CODE_LIQUIDITY_PROVIDER, AccountFlags.debits_must_not_exceed_credits));
  });
  tally(await ledger.createAccounts(accounts));
  say(`1. opened ${accounts.length} accounts: in each of ${CURRENCIES.map(([a]) => a).join(', ')} a central-bank issuance account, ${BANKS_PER_CURRENCY} bank settlement accounts and a liquidity provider`);

  // Funding: each central bank issues settlement money to its banks and liquidity provider.
  const funding: Transfer[] = [];
  CURRENCIES.forEach(([, ledgerId], c) => {
    for (let b = 0; b < BANKS_PER_CURRENCY; b++) {
      funding.push(transfer(issuanceId(c), bankId(c, b), usd(c, BigInt(5_000_000 + rng.below(5_000_000)) * 100n), ledgerId, T_FUNDING));
    }
    funding.push(transfer(issuanceId(c), lpId(c), usd(c, 50_000_000_00n), ledgerId, T_FUNDING));
  });
  tally(await ledger.createTransfers(funding));
  say(`2. funded every bank and liquidity provider from its central bank (${funding.length} transfers)`);

  // Interbank payments, with a heavy tail so that some exceed the payer's funds.
  const t0 = performance.now();
  let batch: Transfer[] = [];
  const pendingIds: bigint[] = [];
  let fxLegs = 0;
  const inFlight: Array<Promise<void>> = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    inFlight.push(ledger.createTransfers(b).then(tally));
    if (inFlight.length >= 4) await inFlight.shift();
  };
  for (let i = 0; i < payments; i++) {
    const c = rng.below(CURRENCIES.length);
    const ledgerId = CURRENCIES[c]![1];
    const from = rng.below(BANKS_PER_CURRENCY);
    const to = (from + 1 + rng.below(BANKS_PER_CURRENCY - 1)) % BANKS_PER_CURRENCY;
    // Pareto-like tail: most payments near USD 1,000, a few in the millions.
    const amount = usd(c, BigInt(Math.floor(1000 / (1 - rng.below(1_000_000) / 1_000_000 + 1e-6))) * 100n);
    const kind = rng.below(20);
    if (kind === 0) {
      // Cross-currency: the payer's leg to the liquidity provider in one currency, the provider's
      // leg to the payee in another, converted at the cross rate and rounded half-even.
      const c2 = (c + 1 + rng.below(CURRENCIES.length - 1)) % CURRENCIES.length;
      const converted = converters[c]![c2]!.convert(amount).amount_minor;
      batch.push(transfer(bankId(c, from), lpId(c), amount, ledgerId, T_FX_LEG, TransferFlags.linked));
      batch.push(transfer(lpId(c2), bankId(c2, to), converted, CURRENCIES[c2]![1], T_FX_LEG));
      fxLegs++;
    } else if (kind === 1) {
      const t = transfer(bankId(c, from), bankId(c, to), amount, ledgerId, T_PAYMENT, TransferFlags.pending);
      t.timeout = 3600;
      batch.push(t);
      pendingIds.push(t.id);
    } else {
      batch.push(transfer(bankId(c, from), bankId(c, to), amount, ledgerId, T_PAYMENT));
    }
    if (batch.length >= BATCH_EVENTS_MAX - 1) await flush();
  }
  await flush();
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  say(`3. sent ${payments} payments in ${seconds.toFixed(2)} s, ${Math.round(payments / seconds)} payments/s, each batch durable before its results:`);
  say(`   ${fxLegs} cross-currency, as two linked legs converted at the ${rateDate} reference cross rates (half-even), 1 in 20 two-phase, the rest interbank`);

  // Second phase of the two-phase payments: post most (some in part), void the rest.
  const resolution: Transfer[] = [];
  for (const id of pendingIds) {
    const choice = rng.below(4);
    const t = transfer(0n, 0n, 0n, 0, 0, choice === 0 ? TransferFlags.void_pending_transfer : TransferFlags.post_pending_transfer);
    t.pending_id = id;
    resolution.push(t);
  }
  for (let i = 0; i < resolution.length; i += BATCH_EVENTS_MAX) tally(await ledger.createTransfers(resolution.slice(i, i + BATCH_EVENTS_MAX)));
  say(`4. resolved ${pendingIds.length} two-phase payments: posted or voided (a pending payment whose reservation had failed is reported pending_transfer_not_found)`);

  const issued = await ledger.lookupAccounts(CURRENCIES.map((_, c) => issuanceId(c)));
  say('5. settlement money issued on the platform, per currency:');
  for (const a of issued) {
    const name = CURRENCIES.find(([, n]) => n === a.ledger)![0];
    const c = CURRENCIES.findIndex(([code]) => code === name);
    say(`   ${name} (${a.ledger}): ${formatMinor(a.debits_posted - a.credits_posted, currencyInfo(name))} (about USD ${formatMinor(toUsd[c]!.convert(a.debits_posted - a.credits_posted).amount_minor, currencyInfo('USD'))})`);
  }
  say('6. results by code: ' + [...counts].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', '));
  await ledger.close();

  const check = await openStore(`sqlite:${file}`);
  try {
    const report = await verifyStore(check);
    if (!report.ok) throw new Error(`verify failed at journal entry ${report.first_bad_seq}: ${report.problem}`);
    say(`7. verify: ${report.entries} journal entries, ${report.transfers} transfers: hash chain, checksums, debits = credits per currency, every account's balances = its transfers, every limit held`);
  } finally {
    await check.close();
  }
  say(`Look around: sco-settle --store sqlite:${file} ledger account-transfers ${bankId(0, 0)} --limit 5`);
}

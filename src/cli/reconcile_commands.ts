// `sco-settle reconcile --central-bank BIC --date YYYY-MM-DD`: the day's
// reconciliation of a central bank's mirror account against the platform's
// balances in its currency (src/iso20022/reconciliation.ts says what each
// difference is): JSON (default), a CSV summary, or the camt.053 of the mirror
// account. Exit status 3 when the report does not reconcile, so a script can stop.

import type { Command } from 'commander';
import { defundingPacs009, mirrorStatementXml, reconciliation, reconciliationCsv } from '../iso20022/reconciliation.js';
import { ReportError } from '../iso20022/reports.js';
import { parseMajorAmount } from '../platform/fx_tools.js';
import { currencyInfo } from '../platform/reference.js';
import { CliInputError } from './input.js';
import { print, withPlatform } from './platform_run.js';

interface Options {
  centralBank: string;
  date: string;
  homeBalance?: string;
  format?: string;
  utc?: boolean;
}

function homeBalance(text: string, currency: string): bigint {
  try {
    return parseMajorAmount(text, currencyInfo(currency), '--home-balance');
  } catch (err) {
    throw new CliInputError(`--home-balance: ${(err as Error).message}`, 'home_balance');
  }
}

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description("a central bank's mirror account against the platform's balances in its currency, for one day (differences named)")
    .requiredOption('--central-bank <BIC>', 'the central bank')
    .requiredOption('--date <date>', "the day, YYYY-MM-DD: local midnight to midnight in the currency's home zone (--utc: the UTC date)")
    .option('--utc', 'read the date as a UTC day, as camt.053 statements do')
    .option('--home-balance <amount>', "the mirror account's balance in the home RTGS, in major units, to compare")
    .option('--format <format>', "json (default), csv, camt053 (the mirror account statement) or pacs009 (the day's defundings to the home RTGS)", 'json')
    .action((o: Options, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        if (!['json', 'csv', 'camt053', 'pacs009'].includes(o.format ?? 'json')) throw new CliInputError('--format: json, csv, camt053 or pacs009');
        try {
          if (o.format === 'camt053') {
            process.stdout.write(`${await mirrorStatementXml(p, o.centralBank, o.date)}\n`);
            return;
          }
          if (o.format === 'pacs009') {
            process.stdout.write(`${await defundingPacs009(p, o.centralBank, o.date, o.utc === true ? 'utc' : 'home')}\n`);
            return;
          }
          const cb = p.participant(o.centralBank);
          const home = o.homeBalance === undefined || cb?.issues == null ? null : homeBalance(o.homeBalance, cb.issues);
          const r = await reconciliation(p, o.centralBank, o.date, home, o.utc === true ? 'utc' : 'home');
          if (o.format === 'csv') process.stdout.write(reconciliationCsv(r));
          else print(r);
          if (!r.reconciled) process.exitCode = 3;
        } catch (err) {
          if (err instanceof ReportError) throw new CliInputError(`${err.field}: ${err.message}`, err.field);
          throw err;
        }
      }),
    );
}

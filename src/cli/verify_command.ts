// `sco-settle verify`: re-checks a store end to end (the platform's verify door, platform/verify_tools.ts).

import type { Command } from 'commander';
import { verifyStore } from '../platform/verify_tools.js';
import { resolveStoreUrl, stderrProgress } from './context.js';

export class VerifyFailed extends Error {
  readonly code = 'verify_failed';
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('re-check checksums, the hash chain and every ledger invariant; exits non-zero naming the first bad batch')
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { report, display } = await verifyStore(resolveStoreUrl(cmd), stderrProgress);
      if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
      else {
        for (const note of report.notes) stderrProgress(`note: ${note}`);
        if (report.ok) {
          process.stdout.write(
            `ok: ${display}: ${report.entries} journal entries, ${report.events} events, ${report.accounts} accounts, ${report.transfers} transfers; hash chain, checksums and invariants hold\n`,
          );
        }
      }
      if (!report.ok) {
        const index = report.problem?.startsWith('api_directory_mismatch') ? 'the API users and keys index (documents table)' : 'the query index';
        const where = report.first_bad_seq === null ? index : `journal entry ${report.first_bad_seq}`;
        throw new VerifyFailed(`${display}: ${where}: ${report.problem}`);
      }
    });
}

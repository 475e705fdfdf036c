// `sco-settle verify`: re-checks a store end to end (the platform's verify door,
// platform/verify_tools.ts); with --expect-head SEQ:HASH (a write's receipt) it
// also fails when the journal does not reach that head or differs at it.

import type { Command } from 'commander';
import { parseHead, verifyStore, type VerifyReport } from '../platform/verify_tools.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import { CliInputError } from './input.js';

export class VerifyFailed extends Error {
  /** verify_failed, or the head check's own code (journal_truncated, head_mismatch, head_record_missing, head_record_corrupt). */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function where(report: VerifyReport): string {
  if (report.first_bad_seq !== null) return `journal entry ${report.first_bad_seq}`;
  if (report.code === 'head_record_missing' || report.code === 'head_record_corrupt') return 'the head record';
  return report.problem?.startsWith('api_directory_mismatch') ? 'the API users and keys index (documents table)' : 'the query index';
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('re-check checksums, the hash chain and every ledger invariant; exits non-zero naming the first bad batch')
    .option('--json', 'print the report as JSON')
    .option('--expect-head <seq:hash>', "a write's receipt (Journal-Head): fail unless the journal reaches that entry with that hash")
    .action(async (o: { json?: boolean; expectHead?: string }, cmd: Command) => {
      let expect_head: ReturnType<typeof parseHead> = null;
      if (o.expectHead !== undefined) {
        expect_head = parseHead(o.expectHead);
        if (expect_head === null)
          throw new CliInputError(`--expect-head: expected SEQ:HASH (a journal position and 64 hex digits), got ${JSON.stringify(o.expectHead)}`);
      }
      const { report, display } = await verifyStore(await existingStoreUrl(cmd), stderrProgress, expect_head === null ? {} : { expect_head });
      if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
      else {
        for (const note of report.notes) stderrProgress(`note: ${note}`);
        if (report.ok) {
          process.stdout.write(
            `ok: ${display}: ${report.entries} journal entries, ${report.events} events, ${report.accounts} accounts, ${report.transfers} transfers; hash chain, checksums and invariants hold\n`,
          );
          stderrProgress(`journal head: ${report.head}`);
        }
      }
      if (!report.ok) throw new VerifyFailed(report.code ?? 'verify_failed', `${display}: ${where(report)}: ${report.problem}`);
    });
}

// `sco-settle init`, `backup` and `restore`: a store is created on purpose only
// (every other command refuses a missing one), and copied and brought back by
// the operator, each copy verified end to end before it is called good
// (src/store/backup.ts says how each kind of store is copied consistently).

import { unlinkSync } from 'node:fs';
import type { Command } from 'commander';
import { backupStore, initStore, redactUrl, restoreStore } from '../platform/store_tools.js';
import { existingStoreUrl, resolveStoreUrl, stderrProgress } from './context.js';
import { print } from './output.js';

export function registerStoreCommands(program: Command): void {
  program
    .command('init')
    .description('create an empty store at --store (SQLite file or PostgreSQL schema); refuses one that exists')
    .action(async (_o: unknown, cmd: Command) => {
      const display = await initStore(resolveStoreUrl(cmd));
      print({ created: display });
    });
  program
    .command('backup')
    .description('copy the store at --store, live, to a new file (SQLite: a store file and its .head; PostgreSQL: a backup file), then verify the copy')
    .requiredOption('--to <path>', 'the backup file (never overwritten)')
    .action(async (o: { to: string }, cmd: Command) => {
      const url = await existingStoreUrl(cmd);
      const summary = await backupStore(url, o.to);
      stderrProgress(`backup: ${redactUrl(url)} -> ${o.to} (${summary.bytes} bytes, journal to entry ${summary.journal_seq})`);
      // A SQLite copy is a store: verify it as one. A PostgreSQL backup file was checksummed as written; restore verifies it.
      if (summary.kind === 'sqlite') await verifyCopy(`sqlite:${o.to}`, () => removeSqliteCopy(o.to));
      print({ ...summary, verified: summary.kind === 'sqlite' });
    });
  program
    .command('restore')
    .description('restore a backup into a new store at --store (refuses one that exists), then verify it')
    .requiredOption('--from <path>', 'a file written by `sco-settle backup`')
    .action(async (o: { from: string }, cmd: Command) => {
      const url = resolveStoreUrl(cmd);
      const summary = await restoreStore(o.from, url);
      await verifyCopy(url, null);
      print({ ...summary, verified: true });
    });
}

function removeSqliteCopy(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '.head'])
    try {
      unlinkSync(path + suffix);
    } catch {
      // Already gone.
    }
}

/**
 * Verifies a copy; a copy that fails is reported (and a backup file removed, so no one trusts it).
 * The verifier (the whole platform, some 140 modules) is loaded here, not by `init` (#18).
 */
async function verifyCopy(url: string, discard: (() => void) | null): Promise<void> {
  const [{ verifyStore }, { VerifyFailed }] = await Promise.all([import('../platform/verify_tools.js'), import('./verify_command.js')]);
  const { report, display } = await verifyStore(url, stderrProgress);
  if (report.ok) {
    stderrProgress(`verify: ${display}: ${report.entries} journal entries, ${report.transfers} transfers; journal head: ${report.head}`);
    return;
  }
  discard?.();
  throw new VerifyFailed(report.code ?? 'verify_failed', `${display}: the copy does not verify: ${report.problem}`);
}

// `sco-settle replica`: a member central bank's replica of the platform. It
// follows the journal stream read-only into its own store, re-verifying every
// entry on its own (checksum, hash chain, replay of every command and batch with
// the recorded outputs, the active engine's state digests), re-reads the stream
// where it verified to catch a rewritten or truncated history, and serves the API
// read-only, for the member's currency only (queries and camt.053 statements;
// writes answer 503 not_leader, another currency's data 403 outside_member_currency).
// With --once it catches up, checks, prints a summary for the member's currency
// and exits: 0 when everything verified, EXIT_REPLICA_ALARM on any alarm.

import type { Command } from 'commander';
import { Platform } from '../platform/platform.js';
import { UserDirectory } from '../http/auth.js';
import { buildServer } from './serve_commands.js';
import { addClusterOptions, clusterOptionsOf } from './cluster_options.js';
import { resolveStoreUrl, stderrProgress } from './context.js';
import { CliInputError } from './input.js';
import { print } from './platform_run.js';

export const EXIT_REPLICA_ALARM = 4;
const CATCH_UP_TIMEOUT_MS = 10 * 60_000;

/** The member's currency: CODE is a currency its central bank issues on the platform, or that central bank's participant id. */
function memberCurrencyOf(platform: Platform, code: string): string {
  const up = code.toUpperCase();
  const bank = platform.participants().find((p) => p.issues !== null && (p.issues === up || p.id === up));
  if (bank === undefined) throw new CliInputError(`--member: ${code} is neither a currency issued on the platform nor a central bank's participant id`);
  return bank.issues!;
}

async function waitCaughtUp(platform: Platform): Promise<{ problem: string | null }> {
  const t0 = Date.now();
  for (;;) {
    const check = await platform.checkReplicaHistory();
    if (check.problem !== null || check.caught_up) return check;
    if (Date.now() - t0 > CATCH_UP_TIMEOUT_MS) return { problem: `did not catch up with the journal stream in ${CATCH_UP_TIMEOUT_MS / 1000} s` };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the replica verified, for the member's currency. */
function summary(platform: Platform, member: string, currency: string, problem: string | null): Record<string, unknown> {
  const status = platform.clusterStatus()!;
  const head = platform.journalHead();
  const conservation = platform.conservation().find((c) => c.currency === currency);
  return {
    member,
    currency,
    verified: problem === null && status.alarms.length === 0,
    journal_head: `${head.seq}:${head.head_hash}`,
    state_digest: platform.stateDigest(),
    issued_minor: conservation?.issued_minor ?? 0n,
    held_minor: conservation?.held_minor ?? 0n,
    balances: platform
      .participants()
      .filter((p) => p.currencies.includes(currency))
      .map((p) => platform.balance(p, currency)),
    alarms: status.alarms,
  };
}

export function registerReplicaCommand(program: Command): void {
  const cmd = program.command('replica');
  addClusterOptions(cmd, true);
  cmd
    .description(
      "a member's read-only replica: follows and re-verifies the journal stream, serves read-only queries and camt.053, alarms on rewritten or truncated history",
    )
    .requiredOption('--member <code>', "the member: its currency (CNY) or its central bank's participant id")
    .option('--once', 'catch up, verify, print a summary for the member and exit (non-zero on an alarm)')
    .option('--port <n>', 'TCP port of the read-only API (0: any free port)', '8090')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .action(async (o: Record<string, string | undefined>, command: Command) => {
      const cluster = clusterOptionsOf(o, 'replica')!;
      const platform = await Platform.open(resolveStoreUrl(command), { onProgress: stderrProgress, cluster });
      if (o.once !== undefined) {
        try {
          const check = await waitCaughtUp(platform);
          const currency = memberCurrencyOf(platform, String(o.member));
          const out = summary(platform, String(o.member), currency, check.problem);
          print(out);
          if (out.verified !== true) process.exitCode = EXIT_REPLICA_ALARM;
        } finally {
          await platform.close();
        }
        return;
      }
      await serveReplica(platform, o);
    });
}

/** The currency a served replica is limited to: CODE itself when it is a currency code, else its central bank's (known once caught up). */
async function servedCurrency(platform: Platform, code: string): Promise<string> {
  if (/^[A-Za-z]{3}$/.test(code)) return code.toUpperCase();
  const check = await waitCaughtUp(platform);
  if (check.problem !== null) stderrProgress(`ALARM: ${check.problem}`);
  return memberCurrencyOf(platform, code);
}

async function serveReplica(platform: Platform, o: Record<string, string | undefined>): Promise<void> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliInputError(`--port: an integer 0..65535, got ${JSON.stringify(o.port)}`);
  const currency = await servedCurrency(platform, String(o.member));
  const users = await UserDirectory.load(platform);
  const api = await buildServer({ platform, users, rateLimit: null, logLevel: 'warn', https: null, member_currency: currency });
  const address = await api.app.listen({ port, host: String(o.host) });
  stderrProgress(`sco-settle replica API on ${address} (member ${o.member}, currency ${currency}); read-only`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      api.shutdown().then(resolve, () => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

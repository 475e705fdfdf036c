// `sco-settle demo`: the quick start's main job. A simulated SCO business day
// (src/demo/day.ts) on a fresh SQLite store, with a progress bar; then `verify`,
// the summary on stdout (with --json: one JSON document, progress staying on
// stderr) and a self-contained HTML report in ./reports/. With
// --exit it ends there; otherwise the HTTP API and the dashboard keep serving the
// demo store, with a sign-in key per role printed once.
// Ctrl-C stops the day between commands: every journaled command is whole, so
// the store verifies.

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runDay } from '../demo/day.js';
import { WATCHLIST_VARIANTS } from '../demo/watchlist.js';
import { DEFAULT_NET_ROUTING, NET_ROUTING_LIMITS } from '../sim/index.js';
import { demoScreen } from '../demo/screener.js';
import { VerifyFollower } from '../demo/verify_follower.js';
import { ledgerSettledTotals, reportHtml, summarize, summaryJson, summaryText, type DaySummary } from '../demo/report.js';
import { Platform } from '../platform/platform.js';
import { verifyStore } from '../platform/verify_tools.js';
import { UserDirectory, type Role } from '../http/auth.js';
import { buildServer } from './serve_commands.js';
import { CliInputError } from './input.js';
import { initStore, removeDemoStore } from '../platform/store_tools.js';
import { EXIT } from './exit_codes.js';

interface DemoOptions {
  file: string;
  seed: string;
  banks: string;
  payments: string;
  dnsShare: string;
  dnsMaxUsd: string;
  reports: string;
  exit?: boolean;
  json?: boolean;
  port: string;
  workers?: string;
}

function intOption(v: string, name: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max)
    throw new CliInputError(`--${name}: must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** `--dns-max-usd`: whole USD, or "none" (no cap: any value may go to the windows). */
function dnsMaxUsdOption(v: string): number | null {
  if (v === 'none') return null;
  if (!/^\d{1,10}$/.test(v) || Number(v) > NET_ROUTING_LIMITS.max_usd)
    throw new CliInputError(`--dns-max-usd: must be an integer from 0 to ${NET_ROUTING_LIMITS.max_usd} (USD) or "none", got ${JSON.stringify(v)}`);
  return Number(v);
}

/** Without a terminal, a progress line at least this often: a big day's 10 % steps are minutes apart on a slow machine. */
const PROGRESS_LINE_EVERY_MS = 5_000;

function progressBar(): (done: number, total: number, phase: string) => void {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  let lastAt_ms = Date.now();
  return (done, total, phase) => {
    const pct = total === 0 ? 100 : Math.floor((done * 100) / total);
    if (!tty) {
      const now_ms = Date.now();
      const step = pct >= last + 10 || phase !== 'payments';
      if (step || now_ms - lastAt_ms >= PROGRESS_LINE_EVERY_MS) {
        if (step) last = pct;
        lastAt_ms = now_ms;
        process.stderr.write(`demo: ${phase} ${done}/${total} (${pct}%)\n`);
      }
      return;
    }
    const width = 30;
    const fill = Math.round((pct * width) / 100);
    process.stderr.write(`\r[${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${String(pct).padStart(3)}% ${done}/${total} ${phase.padEnd(24)}`);
    if (phase === 'day closed') process.stderr.write('\n');
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a simulated SCO settlement day on a fresh SQLite store through the whole platform, verify it, print a summary and write an HTML report')
    .option('--file <path>', 'the demo store file (recreated if the demo made it; any other file there is refused)', './data/demo.db')
    .option('--seed <n>', 'seed of the simulated day', '1')
    .option('--banks <n>', 'banks across the ten members', '60')
    .option('--payments <n>', 'payments in the day', '20000')
    .option(
      '--dns-max-usd <usd>',
      'largest payment (whole USD equivalent at the reference rate) a bank sends to the deferred-net windows; larger ones settle in RTGS; "none": no cap',
      String(DEFAULT_NET_ROUTING.max_usd),
    )
    .option('--dns-share <x>', 'share of the single-currency normal payments at or below --dns-max-usd sent to the deferred-net windows', '1')
    .option('--reports <dir>', 'where the HTML report goes', './reports')
    .option('--exit', 'end after the report instead of serving the API and dashboard on the demo store')
    .option('--json', 'print the summary as one JSON document on stdout (progress stays on stderr); ends after the report like --exit')
    .option('--port <n>', 'port of the API served after the day (without --exit)', '8080')
    .option('--workers <n>', 'worker threads preparing payments ahead (messages and screening; 0: none; default: one less than the cores, at least 1)')
    .action(async (o: DemoOptions) => {
      const seed = intOption(o.seed, 'seed', 0, 2 ** 31 - 1);
      const banks = intOption(o.banks, 'banks', 10, 2000);
      const payments = intOption(o.payments, 'payments', 1, 10_000_000);
      const workers = o.workers === undefined ? Math.max(1, Math.min(8, availableParallelism() - 1)) : intOption(o.workers, 'workers', 0, 64);
      const dns_share = Number(o.dnsShare);
      if (!(dns_share >= 0 && dns_share <= 1)) throw new CliInputError(`--dns-share: must be a number from 0 to 1, got ${JSON.stringify(o.dnsShare)}`);
      const dns_max_usd = dnsMaxUsdOption(o.dnsMaxUsd);
      const url = await freshDemoStore(o.file);
      let interrupted = false;
      const onSigint = (): void => {
        interrupted = true;
        process.stderr.write('\ndemo: interrupted; finishing the current command and closing the store\n');
      };
      process.once('SIGINT', onSigint);
      const bar = progressBar();
      // The verify replays the day beside it, from the store as committed (src/demo/verify_follower.ts).
      const follower = new VerifyFollower(url);
      const run = await runDay({
        store: url,
        seed,
        banks,
        payments,
        dns_share,
        dns_max_usd,
        screen: demoScreen(),
        workers,
        watchlist_every: 400,
        watchlist_names: WATCHLIST_VARIANTS,
        onProgress: (done, total, phase) => {
          if (interrupted) throw new DemoInterrupted();
          bar(done, total, phase);
        },
      }).catch(async (err: unknown) => {
        await follower.stop();
        if (err instanceof DemoInterrupted) return null;
        throw err;
      });
      process.removeListener('SIGINT', onSigint);
      if (run === null) {
        process.exitCode = EXIT.interrupted;
        return;
      }
      await reportDay(run, url, o, seed, follower);
      // --json ends here too: a served API would print its keys after the one document.
      if (o.exit === true || o.json === true) return;
      await serveAfterDemo(url, intOption(o.port, 'port', 0, 65535));
    });
}

class DemoInterrupted extends Error {}

/** A new demo store at `file`, its URL: only a store the demo made is replaced; anything else there is refused. */
async function freshDemoStore(file: string): Promise<string> {
  const path = resolve(file);
  removeDemoStore(path);
  mkdirSync(resolve(path, '..'), { recursive: true });
  const url = `sqlite:${path}`;
  await initStore(url, 'demo');
  return url;
}

/** Checks the day against the ledger, verifies the store, writes the HTML report and prints the summary (text, or one JSON document). */
async function reportDay(run: Awaited<ReturnType<typeof runDay>>, url: string, o: DemoOptions, seed: number, follower: VerifyFollower): Promise<void> {
  let summary: DaySummary;
  try {
    summary = summarize(run);
    checkAgainstLedger(run.platform, summary);
    await run.platform.close();
  } catch (err) {
    await follower.stop();
    throw err;
  }
  // The follower's report is the one a verify after the close gives; should it have failed, that verify runs here.
  const report = (await follower.closed()) ?? (await verifyStore(url)).report;
  if (!report.ok) throw Object.assign(new Error(`verify failed at journal entry ${report.first_bad_seq}: ${report.problem}`), { code: 'verify_failed' });
  mkdirSync(o.reports, { recursive: true });
  const htmlPath = join(o.reports, `settlement-${summary.business_date}-seed${seed}.html`);
  writeFileSync(htmlPath, reportHtml(summary));
  const verified = `verify: ${report.entries} journal entries, ${report.transfers} transfers — hash chain, replay, debits = credits, every limit held`;
  if (o.json === true) {
    process.stdout.write(`${JSON.stringify({ ...summaryJson(summary), seed, verify: verified, report: htmlPath, store: url })}\n`);
  } else {
    process.stdout.write(`${summaryText(summary)}\n  ${verified}\n  report: ${htmlPath}\n  store: ${url}\n`);
  }
}

/** The report's settled totals are the ledger's, and every currency's value is conserved; else the demo fails. */
function checkAgainstLedger(platform: Platform, summary: DaySummary): void {
  const ledgerTotals = ledgerSettledTotals(platform);
  for (const c of summary.by_currency) {
    if ((ledgerTotals.get(c.currency) ?? 0n) !== c.settled_value_minor)
      throw new Error(`report and ledger disagree on settled ${c.currency}: ${c.settled_value_minor} vs ${ledgerTotals.get(c.currency)}`);
  }
  for (const c of platform.conservation()) {
    if (c.issued_minor !== c.held_minor) throw new Error(`value not conserved in ${c.currency}: issued ${c.issued_minor}, held ${c.held_minor}`);
  }
}

/**
 * Serves the API and the dashboard on the demo store until Ctrl-C, with a user and
 * a key per role (printed once) to sign in with.
 */
async function serveAfterDemo(url: string, port: number): Promise<void> {
  const platform = await Platform.open(url);
  const users = await UserDirectory.load(platform);
  const bank = platform.participants().find((p) => p.kind === 'bank')!;
  const cb = platform.participants().find((p) => p.kind === 'central_bank')!;
  const logins: Array<[string, string, string | null]> = [
    ['demo-operator', 'operator', null],
    ['demo-compliance-1', 'compliance', null],
    ['demo-compliance-2', 'compliance', null],
    [`demo-${bank.id.toLowerCase()}`, 'participant', bank.id],
    [`demo-${cb.id.toLowerCase()}`, 'central_bank', cb.id],
  ];
  const lines: string[] = [];
  for (const [name, role, participant] of logins) {
    await users.createUser(name, role as Role, participant);
    const key = await users.createKey(name);
    lines.push(`  ${role.padEnd(12)} ${name.padEnd(22)} ${key.token}`);
  }
  const api = await buildServer({ platform, users, logLevel: 'warn' });
  const address = await api.app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(
    `\nserving the API and the dashboard at ${address} (Ctrl-C to stop); sign in with one of these keys (shown once):\n${lines.join('\n')}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => void api.shutdown().then(resolve, resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

// `sco-settle bench …`: the benchmark suite. Figures go to stdout as one JSON
// document, progress to stderr. Benchmarks never fail for being slow.

import type { Command } from 'commander';
import { runClearingBench } from '../bench/clearing_bench.js';
import { FAMILIES, type FamilySet } from '../bench/gridlock_families.js';
import { NOVEL_FAMILIES } from '../bench/gridlock_novel.js';
import { UNSEEN_FAMILIES } from '../bench/gridlock_unseen.js';
import { runFxBench } from '../bench/fx_bench.js';
import { runIsoBench } from '../bench/iso_bench.js';
import { runLedgerBench } from '../bench/ledger_bench.js';
import { runApiBench } from '../bench/api_bench.js';
import { runScreeningBench } from '../bench/screening_bench.js';
import { runSoak } from '../bench/soak_bench.js';
import { runHaBench } from '../bench/ha_bench.js';
import { runAll, SUITES, type Suite } from '../bench/all.js';
import { fileURLToPath } from 'node:url';
import { CliInputError } from './input.js';
import { stderrProgress } from './context.js';

const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliInputError(`${what}: must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** One registration per suite, in the order `bench --help` lists them. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('run a benchmark suite and print its figures as JSON');
  registerLedgerBench(bench);
  registerFxBench(bench);
  registerClearingBench(bench);
  registerApiBench(bench);
  registerIsoBench(bench);
  registerScreeningBench(bench);
  registerSoakBench(bench);
  registerHaBench(bench);
  registerAllBench(bench);
}

function registerHaBench(bench: Command): void {
  bench
    .command('ha')
    .description('the replicated journal: payments/s single vs replicated, SIGKILL failovers under load, loss, duplicates, replica lag')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--failovers <n>', 'SIGKILLs of the active engine', '20')
    .option('--duration <s>', 'seconds of steady load per throughput figure', '5')
    .option('--clients <n>', 'concurrent clients', '8')
    .option('--batch <n>', 'payments per request', '10')
    .option('--lease-ms <n>', "the engines' lease (serve's default)", '1500')
    .option('--runs <n>', 'runs (figures are medians)', '3')
    .action(async (o: Record<string, string | undefined>) => {
      const result = await runHaBench({
        failovers: positiveInt(String(o.failovers), '--failovers'),
        duration_s: positiveInt(String(o.duration), '--duration'),
        clients: positiveInt(String(o.clients), '--clients'),
        batch: positiveInt(String(o.batch), '--batch'),
        lease_ms: positiveInt(String(o.leaseMs), '--lease-ms'),
        runs: positiveInt(String(o.runs), '--runs'),
        progress: stderrProgress,
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}

function registerLedgerBench(bench: Command): void {
  bench
    .command('ledger')
    .description('transfers/s in memory, durable on SQLite and PostgreSQL, against a naive PostgreSQL ledger')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--transfers <n>', 'transfers to create', '1000000')
    .option('--accounts <n>', 'accounts', '10000')
    .option('--batch <n>', 'events per batch', '8189')
    .option('--seed <n>', 'workload seed', '42')
    .option('--concurrency <n>', 'batches in flight against durable stores', '1')
    .option('--postgres <url>', `PostgreSQL server (default ${DEFAULT_POSTGRES} if reachable)`)
    .option('--no-postgres', 'skip the PostgreSQL figures')
    .option('--naive-transfers <n>', 'sample size for the naive baseline', '20000')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const postgres = o.postgres === false ? null : typeof o.postgres === 'string' ? o.postgres : DEFAULT_POSTGRES;
      const result = await runLedgerBench({
        transfers: positiveInt(String(o.transfers), '--transfers'),
        accounts: positiveInt(String(o.accounts), '--accounts'),
        batch: positiveInt(String(o.batch), '--batch'),
        seed: positiveInt(String(o.seed), '--seed'),
        concurrency: positiveInt(String(o.concurrency), '--concurrency'),
        naive_transfers: positiveInt(String(o.naiveTransfers), '--naive-transfers'),
        postgres_url: postgres,
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function registerFxBench(bench: Command): void {
  bench
    .command('fx')
    .description('exact currency conversions/s and best-quote selections/s (20 providers, 45 pairs)')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--seed <n>', 'workload seed', '42')
    .option('--conversions <n>', 'conversions per timed round', '1000000')
    .option('--selections <n>', 'quote selections per timed round', '1000000')
    .option('--rounds <n>', 'timed rounds; the median is reported', '5')
    .action(async (o: Record<string, string | undefined>) => {
      const result = await runFxBench({
        seed: positiveInt(String(o.seed), '--seed'),
        conversions: positiveInt(String(o.conversions), '--conversions'),
        selections: positiveInt(String(o.selections), '--selections'),
        rounds: positiveInt(String(o.rounds), '--rounds'),
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function registerClearingBench(bench: Command): void {
  bench
    .command('clearing')
    .description('netting of 1M payments; LSM value vs the HiGHS MILP optimum on gridlock families (tuning and held-out sets), and baselines')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--scenarios <n>', 'instances per family and set (families: src/bench/gridlock_families.ts)', '3')
    .option('--seed <n>', 'workload seed', '42')
    .option('--highs-time-limit <seconds>', 'HiGHS time limit per instance', '10')
    .option('--families <list>', `comma-separated subset of ${familyNames().join(',')}`)
    .option('--sets <list>', 'comma-separated subset of tuning,held_out,unseen,novel', 'tuning,held_out,unseen,novel')
    .option('--work-budget <steps>', 'work budget of the v3 solver (solveLinked)')
    .option('--no-netting', 'skip the netting figure')
    .option('--reference-cache <file>', 'keep HiGHS references in this JSON file between runs')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const result = await runClearingBench({
        scenarios: positiveInt(String(o.scenarios), '--scenarios'),
        seed: positiveInt(String(o.seed), '--seed'),
        highs_time_limit_s: positiveInt(String(o.highsTimeLimit), '--highs-time-limit'),
        families: typeof o.families === 'string' ? clearingFamilies(o.families) : null,
        sets: clearingSets(String(o.sets)),
        ...(typeof o.workBudget === 'string' ? { work_budget: positiveInt(o.workBudget, '--work-budget') } : {}),
        netting: o.netting !== false,
        reference_cache: typeof o.referenceCache === 'string' ? o.referenceCache : null,
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function familyNames(): string[] {
  return [...FAMILIES.map((f) => f.name), ...UNSEEN_FAMILIES.map((f) => f.name), ...NOVEL_FAMILIES.map((f) => f.name)];
}

function clearingFamilies(list: string): string[] {
  const names = list.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!familyNames().includes(n)) throw new CliInputError(`--families: unknown family ${JSON.stringify(n)}; known: ${familyNames().join(', ')}`);
  }
  return names;
}

function clearingSets(list: string): FamilySet[] {
  const sets = list.split(',').map((s) => s.trim());
  for (const s of sets)
    if (s !== 'tuning' && s !== 'held_out' && s !== 'unseen' && s !== 'novel')
      throw new CliInputError(`--sets: unknown set ${JSON.stringify(s)}; known: tuning, held_out, unseen, novel`);
  return sets as FamilySet[];
}

function registerApiBench(bench: Command): void {
  bench
    .command('api')
    .description('HTTP API: payments/s one per request and 1,000 per request, p99 at 2,000 requests/s (server in a child process, autocannon)')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--duration <seconds>', 'seconds per timed run', '10')
    .option('--connections <n>', 'connections for the single-payment run', '64')
    .option('--batch-connections <n>', 'connections for the batch run', '8')
    .option('--cpu-prof <dir>', "write the server's CPU profile (node --cpu-prof) into this folder")
    .option('--server-bin <file>', "run another build's server (its bin/sco-settle.js) under this harness, for before/after figures")
    .option('--server-node-flags <flags>', 'V8 options for the server process, space-separated, instead of the default (to compare GC settings)')
    .option('--fixed-only', 'skip the single-payment throughput run: the batch run and the two fixed-rate runs only')
    .option('--bursty', "fixed-rate runs as before #18: autocannon's per-second rate (each second's requests back to back), not evenly paced")
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const result = await runApiBench({
        duration_s: positiveInt(String(o.duration), '--duration'),
        connections_single: positiveInt(String(o.connections), '--connections'),
        connections_batch: positiveInt(String(o.batchConnections), '--batch-connections'),
        batch_size: 1000,
        fixed_rate: 2000,
        cpu_prof_dir: (o.cpuProf as string | undefined) ?? null,
        server_bin: (o.serverBin as string | undefined) ?? null,
        server_node_flags: typeof o.serverNodeFlags === 'string' ? o.serverNodeFlags.split(/\s+/).filter((f) => f !== '') : null,
        fixed_only: o.fixedOnly === true,
        fixed_load: o.bursty === true ? 'bursty' : 'paced',
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function registerSoakBench(bench: Command): void {
  bench
    .command('soak')
    .description('the simulated day at 10x volume through the API for a long run: memory and latency per window, nothing lost, verify at the end')
    .option('--duration <seconds>', 'length of the run', '3600')
    .option('--payments <n>', 'payments over the run (10x the default day)', '200000')
    .option('--clients <n>', 'concurrent API clients', '16')
    .option('--sample <seconds>', 'seconds per window', '10')
    .option('--reports <dir>', 'where the HTML report goes', './reports')
    .action(async (o: Record<string, string | undefined>, command: Command) => {
      const store = (command.optsWithGlobals() as { store?: string }).store ?? null;
      const result = await runSoak({
        store,
        duration_s: positiveInt(String(o.duration), '--duration'),
        payments: positiveInt(String(o.payments), '--payments'),
        clients: positiveInt(String(o.clients), '--clients'),
        sample_s: positiveInt(String(o.sample), '--sample'),
        report_dir: o.reports ?? null,
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function registerIsoBench(bench: Command): void {
  bench
    .command('iso')
    .description('pacs.008 parse, build and validation rates (one core, single-transaction messages)')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--seed <n>', 'workload seed', '42')
    .option('--messages <n>', 'messages per timed round', '20000')
    .option('--rounds <n>', 'timed rounds; the median is reported', '5')
    .option('--xsd-dir <dir>', 'official ISO 20022 XSDs for the validation rate (env SCO_SETTLE_XSD_DIR)')
    .action(async (o: Record<string, string | undefined>) => {
      const result = await runIsoBench({
        seed: positiveInt(String(o.seed), '--seed'),
        messages: positiveInt(String(o.messages), '--messages'),
        rounds: positiveInt(String(o.rounds), '--rounds'),
        xsd_dir: o.xsdDir ?? process.env.SCO_SETTLE_XSD_DIR ?? null,
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function registerScreeningBench(bench: Command): void {
  bench
    .command('screening')
    .description('sanctions screening: names/s on one core, recall and false-positive rate on a labelled set, p99 latency')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--lists-dir <dir>', 'folder with ofac-sdn-csv-*/ and un-sc-consolidated-xml/ (env SCO_SETTLE_SANCTIONS_DIR; default ../shared/sanctions)')
    .option('--seed <n>', 'labelled-set seed', '42')
    .option('--positives <n>', 'listed names in the labelled set', '2000')
    .option('--negatives <n>', 'unlisted look-alike names in the labelled set', '2000')
    .option('--rounds <n>', 'timed rounds; the median is reported', '3')
    .action(async (o: Record<string, string | undefined>) => {
      const result = await runScreeningBench({
        lists_dir: o.listsDir ?? process.env.SCO_SETTLE_SANCTIONS_DIR ?? '../shared/sanctions',
        seed: positiveInt(String(o.seed), '--seed'),
        positives: positiveInt(String(o.positives), '--positives'),
        negatives: positiveInt(String(o.negatives), '--negatives'),
        rounds: positiveInt(String(o.rounds), '--rounds'),
        progress: stderrProgress,
      });
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}

function registerAllBench(bench: Command): void {
  bench
    .command('all')
    .description('every suite, each in its own process; writes bench/results/latest.json and latest.md (figures beside their targets)')
    .option('--json', 'print the JSON document (the default; kept for scripts)')
    .option('--suites <list>', `comma-separated subset of ${SUITES.join(',')}`, SUITES.join(','))
    .option('--quick', 'smaller workloads (minutes instead of tens of minutes)')
    .option('--out <dir>', 'where the results go', 'bench/results')
    .action(async (o: { suites: string; quick?: boolean; out: string }) => {
      const suites = o.suites.split(',').map((s) => s.trim());
      for (const s of suites)
        if (!(SUITES as readonly string[]).includes(s)) throw new CliInputError(`--suites: unknown suite ${JSON.stringify(s)}; known: ${SUITES.join(', ')}`);
      const bin = fileURLToPath(new URL('../../../bin/sco-settle.js', import.meta.url));
      const r = await runAll({ bin, suites: suites as Suite[], out_dir: o.out, quick: o.quick === true, progress: stderrProgress });
      process.stdout.write(JSON.stringify({ suite: 'all', results: r.json_path, table: r.md_path, suites: r.outcomes }) + '\n');
    });
}

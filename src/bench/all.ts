// `bench all`: every suite that exists, one after another, each in its own
// process (a suite's heap and JIT state never colour the next), collected into
// bench/results/latest.json and a Markdown table of each figure beside its
// target. A suite that cannot run here (no PostgreSQL, no sanctions lists) is
// reported with its reason, never as a failure: benchmarks do not fail a run.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUITES = ['ledger', 'fx', 'clearing', 'iso', 'screening', 'api'] as const;
export type Suite = (typeof SUITES)[number];

/** The targets the issues set: metric, comparison, value. */
export const TARGETS: Readonly<Record<Suite, ReadonlyArray<[string, '>=' | '<=', number]>>> = Object.freeze({
  ledger: [
    ['memory_transfers_per_s', '>=', 1_000_000],
    ['sqlite_transfers_per_s', '>=', 200_000],
    ['postgres_transfers_per_s', '>=', 50_000],
    ['sqlite_vs_naive_postgres', '>=', 20],
  ],
  fx: [
    ['conversions_per_s', '>=', 1_000_000],
    ['quote_selections_per_s', '>=', 500_000],
  ],
  clearing: [
    ['netting_1m_payments_ms', '<=', 500],
    ['lsm_value_vs_optimal', '>=', 0.99],
    ['lsm_median_ms', '<=', 50],
  ],
  iso: [
    ['pacs008_parse_per_s', '>=', 20_000],
    ['pacs008_build_per_s', '>=', 20_000],
    ['pacs008_validate_per_s', '>=', 5_000],
  ],
  screening: [
    ['names_per_s', '>=', 5_000],
    ['recall', '>=', 0.98],
    ['false_positive_rate', '<=', 0.01],
  ],
  api: [
    ['payments_per_s_single', '>=', 10_000],
    ['payments_per_s_batch', '>=', 100_000],
    ['p99_ms_single_at_2000_rps', '<=', 10],
    ['p99_ms_single_at_2000_rps_during_backlog', '<=', 50],
    // The offered 2,000 requests/s answered 200 (within 2.5%: autocannon's own pacing over a 10 s run).
    ['ok_per_s_at_2000_rps', '>=', 1_950],
    ['ok_per_s_at_2000_rps_during_backlog', '>=', 1_950],
  ],
});

export interface SuiteOutcome {
  suite: Suite;
  ok: boolean;
  seconds: number;
  /**
   * Peak resident memory of the suite's process (its worker threads included),
   * in MiB, as the process reported it on exit; null if it did not. A process the
   * suite starts itself (the API bench's server) is not included.
   */
  rss_mb: number | null;
  metrics: Record<string, unknown>;
  /** Why the suite gave no figures. */
  reason?: string;
}

/** The line a suite's process writes on exit: its peak RSS in KiB (process.resourceUsage().maxRSS). */
const RSS_TAG = 'bench-all-peak-rss-kib:';
export const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n${RSS_TAG}'+process.resourceUsage().maxRSS+'\\n'))`;

/**
 * The peak RSS a suite's stderr reported, in MiB, and its stderr without those lines.
 * bin/sco-settle.js re-runs a bench under a V8 flag, passing the hook on: the small
 * launcher reports too, so the largest report is the suite's.
 */
export function takePeakRss(err: string): { rss_mb: number | null; rest: string } {
  let kib: number | null = null;
  const rest = err
    .split('\n')
    .filter((line) => {
      if (!line.startsWith(RSS_TAG)) return true;
      const v = Number(line.slice(RSS_TAG.length));
      if (Number.isFinite(v)) kib = Math.max(kib ?? 0, v);
      return false;
    })
    .join('\n');
  return { rss_mb: kib === null ? null : Math.round(kib / 1024), rest };
}

function runSuite(bin: string, suite: Suite, args: readonly string[], progress: (m: string) => void): Promise<SuiteOutcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, bin, 'bench', suite, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let raw = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      raw += d.toString();
      for (const line of d.toString().split('\n')) if (line.trim() !== '' && !line.startsWith(RSS_TAG)) progress(`${suite}: ${line.trim()}`);
    });
    child.on('close', (code) => {
      const seconds = (Date.now() - t0) / 1000;
      const { rss_mb, rest: err } = takePeakRss(raw);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const doc = JSON.parse(last) as { metrics?: Record<string, unknown> };
        if (code === 0 && doc.metrics !== undefined) return resolve({ suite, ok: true, seconds, rss_mb, metrics: doc.metrics });
      } catch {
        // fall through: no figures
      }
      const why =
        err
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('sco-settle:'))
          .pop() ?? `exit ${code}`;
      resolve({ suite, ok: false, seconds, rss_mb, metrics: {}, reason: why.replace(/^sco-settle:\s*/, '') });
    });
  });
}

export function markdownTable(outcomes: readonly SuiteOutcome[], when: string): string {
  const lines = [`# Benchmark figures — ${when}`, '', '| suite | metric | figure | target | met |', '|---|---|---:|---:|:---:|'];
  for (const o of outcomes) {
    if (!o.ok) {
      lines.push(`| ${o.suite} | — | not run: ${o.reason ?? ''} | | |`);
      continue;
    }
    for (const [metric, cmp, target] of TARGETS[o.suite]) {
      const v = o.metrics[metric];
      const met = typeof v === 'number' ? (cmp === '>=' ? v >= target : v <= target) : null;
      lines.push(
        `| ${o.suite} | ${metric} | ${v === undefined || v === null ? 'n/a' : String(v)} | ${cmp} ${target} | ${met === null ? '' : met ? 'yes' : 'no'} |`,
      );
    }
    lines.push(`| ${o.suite} | rss_mb (peak, suite process) | ${o.rss_mb === null ? 'n/a' : String(o.rss_mb)} | | |`);
  }
  lines.push('', 'One run of each suite on this machine; see docs/benchmarks.md for medians of repeated runs.');
  return lines.join('\n') + '\n';
}

export async function runAll(o: {
  bin: string;
  suites: readonly Suite[];
  out_dir: string;
  quick: boolean;
  progress: (m: string) => void;
}): Promise<{ outcomes: SuiteOutcome[]; json_path: string; md_path: string }> {
  const quickArgs: Record<Suite, string[]> = {
    ledger: ['--transfers', '200000', '--naive-transfers', '5000'],
    fx: ['--rounds', '3'],
    clearing: ['--scenarios', '5', '--highs-time-limit', '2'],
    iso: ['--rounds', '3'],
    screening: ['--rounds', '1'],
    api: ['--duration', '3'],
  };
  // The XSD validation rate needs the official schemas: the configured folder, or ../shared beside the clone.
  const xsd = process.env.SCO_SETTLE_XSD_DIR ?? (existsSync('../shared/iso20022/xsd') ? '../shared/iso20022/xsd' : null);
  const outcomes: SuiteOutcome[] = [];
  for (const suite of o.suites) {
    o.progress(`bench all: ${suite}`);
    const args = [...(o.quick ? quickArgs[suite] : []), ...(suite === 'iso' && xsd !== null ? ['--xsd-dir', xsd] : [])];
    outcomes.push(await runSuite(o.bin, suite, args, o.progress));
  }
  const when = new Date().toISOString();
  mkdirSync(o.out_dir, { recursive: true });
  const json_path = join(o.out_dir, 'latest.json');
  const md_path = join(o.out_dir, 'latest.md');
  writeFileSync(json_path, JSON.stringify({ when, quick: o.quick, suites: outcomes }, null, 2) + '\n');
  writeFileSync(md_path, markdownTable(outcomes, when));
  return { outcomes, json_path, md_path };
}

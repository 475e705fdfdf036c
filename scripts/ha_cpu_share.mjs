// Where the CPU of `bench ha` goes: runs the benchmark (one run, one failover) and,
// during each of its two steady phases, reads every process's CPU time from /proc
// over a window: the single engine, then the three engines, the member replica, the
// three NATS nodes and the benchmark itself (the load generator). Prints CPU ms per
// 1,000 payments acknowledged in the window, per process, and the cores each used.
// Linux only. The window's payments come from the active engine's /readyz
// (stream_seq, entries × payments per request) in the replicated phase, and from
// the phase's rate in the single one. Also prints the engine's commits in each window
// (its journal commit histogram's count in /metrics) and requests per commit: an
// engine's CPU per payment grows as its commit groups shrink (docs/benchmarks.md).
//
//   node scripts/ha_cpu_share.mjs [DIST=dist] [WINDOW_S=10]

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';

const [dist = 'dist', windowArg = '10'] = process.argv.slice(2);
const WINDOW_S = Number(windowArg);
const BATCH = 10;
const HZ = 100;
const bin = resolve(dist, '../bin/sco-settle.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every process whose command line matches, with a short name. */
function processes() {
  const out = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    let name = null;
    if (cmd.includes('nats-server') && cmd.includes('sco-settle-nats')) name = `nats ${/ -n (n\d)/.exec(cmd)?.[1] ?? pid}`;
    else if (/sco-settle\.js --store \S+replica\.db/.test(cmd)) name = 'member replica';
    else if (/sco-settle\.js --store \S+(e\d)\.db serve/.test(cmd)) name = `engine ${/(e\d)\.db/.exec(cmd)[1]}${cmd.includes('--cluster') ? '' : ' (single)'}`;
    else if (cmd.includes('sco-settle.js bench ha') && cmd.includes('--max-semi-space-size')) name = 'bench (load generator)';
    if (name !== null) out.push({ pid, name, cmd });
  }
  return out;
}

function ticks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

async function waitFor(pred, timeout_ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout_ms) {
    const v = pred();
    if (v) return v;
    await sleep(100);
  }
  throw new Error('timed out waiting for the benchmark');
}

/** The engine's durable journal commits so far (its commit-duration histogram's count). */
async function commits(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^sco_settle_journal_commit_duration_seconds_count (\S+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function activeSeq(port) {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  return (await r.json()).stream_seq;
}

function listeningPort(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /socket:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // A descriptor closed meanwhile.
    }
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const c = line.trim().split(/\s+/);
    if (c.length < 10 || c[3] !== '0A' || !inodes.has(c[9])) continue;
    return Number.parseInt(c[1].split(':')[1], 16);
  }
  return null;
}

function sample(procs) {
  return new Map(procs.map((p) => [p.pid, ticks(p.pid)]));
}

function report(title, procs, a, b, payments) {
  console.log(`\n${title}: ${payments} payments in ${WINDOW_S} s (${Math.round(payments / WINDOW_S)}/s)`);
  console.log('| process | cores | CPU ms per 1,000 payments |\n|---|---:|---:|');
  let total = 0;
  const rows = [];
  for (const p of procs) {
    const x = a.get(p.pid);
    const y = b.get(p.pid);
    if (x === null || y === null || x === undefined || y === undefined) continue;
    const ms = ((y - x) * 1000) / HZ;
    total += ms;
    rows.push([p.name, ms]);
  }
  rows.sort((r, s) => r[0].localeCompare(s[0]));
  for (const [name, ms] of rows) console.log(`| ${name} | ${(ms / 1000 / WINDOW_S).toFixed(2)} | ${((ms / payments) * 1000).toFixed(1)} |`);
  console.log(`| all | ${(total / 1000 / WINDOW_S).toFixed(2)} | ${((total / payments) * 1000).toFixed(1)} |`);
}

const bench = spawn(process.execPath, [bin, 'bench', 'ha', '--json', '--failovers', '1', '--duration', String(WINDOW_S + 8), '--runs', '1'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let out = '';
let err = '';
bench.stdout.on('data', (d) => (out += d));
bench.stderr.on('data', (d) => (err += d));
const exited = new Promise((r) => bench.once('exit', r));
// A failure of this script must not leave the benchmark, its engines and NATS nodes running (its own process group).
let benchDone = false;
exited.then(() => (benchDone = true));
process.on('exit', () => {
  if (!benchDone) process.kill(-bench.pid, 'SIGKILL');
});

// Single phase: from 3 s after the single engine appears.
await waitFor(() => processes().some((p) => p.name === 'engine e1 (single)'), 120_000);
await sleep(3_000);
let procs = processes();
// Another run's engines on the same host would be counted too: this one's are the newest.
const singlePid = procs.filter((p) => p.name === 'engine e1 (single)').at(-1).pid;
// On a loaded host the engine may not listen yet.
const singlePort = await waitFor(() => listeningPort(singlePid), 60_000);
const singleC1 = await commits(singlePort);
let a = sample(procs);
await sleep(WINDOW_S * 1000);
let b = sample(procs);
const singleCommits = (await commits(singlePort)) - singleC1;
const singleProcs = procs;
const singleA = a;
const singleB = b;

// Replicated phase: from 4 s after the member replica appears.
await waitFor(() => processes().some((p) => p.name === 'member replica'), 180_000);
await sleep(4_000);
procs = processes();
const e1 = procs.find((p) => p.name === 'engine e1');
const port = await waitFor(() => listeningPort(e1.pid), 60_000);
const s1 = await activeSeq(port);
const c1 = await commits(port);
a = sample(procs);
await sleep(WINDOW_S * 1000);
b = sample(procs);
const s2 = await activeSeq(port);
const replicatedCommits = (await commits(port)) - c1;
await exited;
const metrics = JSON.parse(out).metrics;
report('single engine', singleProcs, singleA, singleB, Math.round(metrics.payments_per_s_single * WINDOW_S));
report('replicated (3 engines, 3 NATS nodes, a member replica)', procs, a, b, (s2 - s1) * BATCH);
const singleRequests = (metrics.payments_per_s_single * WINDOW_S) / BATCH;
console.log(
  `\ncommits in the window: single engine ${singleCommits} (${(singleRequests / singleCommits).toFixed(2)} requests each, from the phase's rate), ` +
    `active engine ${replicatedCommits} (${((s2 - s1) / replicatedCommits).toFixed(2)} entries each)`,
);
console.log(
  `\nbench ha: single ${metrics.payments_per_s_single}/s, replicated ${metrics.payments_per_s_replicated}/s, ratio ${(metrics.payments_per_s_replicated / metrics.payments_per_s_single).toFixed(2)}`,
);
if (err.includes('Error')) console.error(err.slice(-500));

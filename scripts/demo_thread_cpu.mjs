// Where the CPU of a whole `sco-settle demo` day goes, thread by thread, as the
// CLI runs it (the re-spawned process with the demo's heap flag, the verify
// follower, the store's writer, the prepare worker, V8's helper threads). A
// figure, not a test (docs/benchmarks.md, "Demo day CPU by thread, and the missed hint's other form, stop 49").
// Linux only: it polls /proc/PID/task/*/stat every 0.2 s, so a thread that
// ends is read at its last poll (at most 0.2 s of it missed).
//
//   node scripts/demo_thread_cpu.mjs ROOT PAYMENTS TAG [node flags…]
//
// ROOT: a checkout with dist/ built; the store is /tmp/demo-thread-cpu-TAG.db.
// Threads are named by when they started, relative to the main thread: the
// workers start in the order the demo makes them (verify follower, store
// writer, prepare worker), V8's and libuv's helpers at start-up.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

const [root, n, tag, ...flags] = process.argv.slice(2);
if (root === undefined || n === undefined || tag === undefined) {
  process.stderr.write('usage: node scripts/demo_thread_cpu.mjs ROOT PAYMENTS TAG [node flags…]\n');
  process.exit(2);
}
const store = `/tmp/demo-thread-cpu-${tag}.db`;
for (const s of ['', '-wal', '-shm', '.head']) rmSync(store + s, { force: true });
const args = [
  ...flags,
  'bin/sco-settle.js',
  'demo',
  '--exit',
  '--seed',
  '3',
  '--payments',
  n,
  '--json',
  '--file',
  store,
  '--reports',
  `/tmp/demo-thread-cpu-${tag}.R`,
];
const t0 = process.hrtime.bigint();
const cli = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
let out = '';
cli.stdout.on('data', (d) => {
  out += d;
});
const HZ = 100; // USER_HZ: /proc's clock ticks per second on Linux
const threads = new Map(); // tid -> { start, cpu }
let process_cpu = null;
const stat = (path) => readFileSync(path, 'utf8').split(') ')[1].split(' ');
/** The process doing the day: the CLI re-spawns itself with the demo's heap flag (a child) unless given one. */
const respawns = !flags.some((f) => f.startsWith('--max-semi-space-size'));
let day = null;
const dayPid = () => {
  if (day !== null || !respawns) return day ?? cli.pid;
  try {
    const kids = readFileSync(`/proc/${cli.pid}/task/${cli.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (kids.length > 0) day = Number(kids[0]);
  } catch {
    // The CLI ended.
  }
  return day;
};
const poll = () => {
  const pid = dayPid();
  if (pid === null) return;
  try {
    const p = stat(`/proc/${pid}/stat`);
    // utime, stime, cutime, cstime: the process's own threads (those that ended too).
    process_cpu = (Number(p[11]) + Number(p[12])) / HZ;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const f = stat(`/proc/${pid}/task/${tid}/stat`);
        threads.set(tid, { main: tid === String(pid), start: Number(f[19]) / HZ, cpu: (Number(f[11]) + Number(f[12])) / HZ });
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    // The process ended.
  }
};
const timer = setInterval(poll, 200);
const code = await new Promise((resolve) => cli.on('exit', resolve));
clearInterval(timer);
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
if (code !== 0) {
  process.stderr.write(`demo exited ${code}\n`);
  process.exit(1);
}
const summary = JSON.parse(out);
const list = [...threads.values()].filter((t) => t.cpu > 0).sort((a, b) => a.start - b.start);
const main = list.find((t) => t.main);
const rows = list.map((t) => ({ started_s: +(t.start - (main?.start ?? 0)).toFixed(2), cpu_s: t.cpu, main: t.main }));
const sum = rows.reduce((a, r) => a + r.cpu_s, 0);
process.stdout.write(
  `${JSON.stringify({ tag, payments: Number(n), wall_s: summary.wall_s, run_s: +wall.toFixed(1), process_cpu_s: process_cpu, threads_cpu_s: +sum.toFixed(2), threads: rows })}\n`,
);

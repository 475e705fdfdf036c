// A follower's CPU as `bench ha` runs one (#15), stream included: a member replica
// process (`DIST/../bin/sco-settle.js replica`) follows a journal stream on a local
// three-node NATS cluster (free ports: never the tests' fixed ones), which this
// script fills from SRC_DB's journal (a store written by
// scripts/follower_apply_cpu.mjs: 42 setup entries, then `submit_payments` of 10
// settling payments each) as an active engine would: the setup entries at once,
// then GROUP entries every INTERVAL_MS (the same wire bytes and headers, each
// group pipelined; no state digests attached, as most entries carry none). The
// first WARM entries after the setup (default 1,000) are a warm-up at the same
// pace; then the follower's CPU (all its threads, /proc) is read until its
// durable head (/readyz) holds the last entry: CPU ms per 1,000 payments, and
// each thread's ticks (the main thread first, the store's commit thread last, V8's
// helpers between), and the follower's lag (/readyz: from the stream storing an entry
// to the follower holding it applied; p50, p99, max over the warm-up and the window). Its final state digest is read from its store after it
// stopped, by DIST's Platform. The cluster and the publisher are this checkout's
// `dist`, the same for both builds; only the follower is DIST's.
// KEEP_STORE=FILE keeps a copy of the follower's store (scripts/sqlite_table_digests.mjs);
// CPU_PROF_DIR=DIR makes the follower write a CPU profile there (node --cpu-prof,
// the whole process: trim it to the window). Linux only.
//
//   node scripts/follower_stream_cpu.mjs DIST SRC_DB [GROUP=3] [INTERVAL_MS=10]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readWholeJournal } from './read_journal.mjs';

const [dist, srcDb, groupArg = '3', intervalArg = '10'] = process.argv.slice(2);
const GROUP = Number(groupArg);
const INTERVAL_MS = Number(intervalArg);
const here = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const own = (p) => import(pathToFileURL(join(here, p)).href);
const { LocalNatsCluster } = await own('src/replication/local_cluster.js');
const { StreamLog } = await own('src/replication/stream_log.js');
const { clusterConfig } = await own('src/replication/cluster_config.js');
const { openStore } = await own('src/store/open.js');
const bin = resolve(dist, '../bin/sco-settle.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const entries = await readWholeJournal(openStore, srcDb);
const SETUP = 42;
// Entries applied before the window (WARM=N).
const WARM_ENTRIES = Number(process.env.WARM ?? 1000);

const cluster = await LocalNatsCluster.start();
const dir = mkdtempSync(join(tmpdir(), 'follow-stream-'));
let child = null;
try {
  const config = clusterConfig(cluster.urls);
  const log = await StreamLog.open(config, 'publisher');
  const items = (list) => list.map((entry) => ({ entry, state_digest: null }));
  for (let i = 0; i < SETUP; i += 16) await log.publish(items(entries.slice(i, Math.min(SETUP, i + 16))));
  const prof = process.env.CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.CPU_PROF_DIR] : [];
  const args = [
    ...prof,
    bin,
    '--store',
    `sqlite:${join(dir, 'replica.db')}`,
    'replica',
    '--cluster',
    cluster.urls.join(','),
    '--member',
    'CNY',
    '--port',
    '0',
    '--node-id',
    'replica',
  ];
  child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const base = await new Promise((res, rej) => {
    child.stderr.on('data', (d) => {
      err += d.toString();
      const m = /replica API on (http:\/\/[^\s]+) /.exec(err);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`replica exited ${code}: ${err.slice(-2000)}`)));
    setTimeout(() => rej(new Error(`replica did not listen in 60 s: ${err.slice(-2000)}`)), 60_000).unref();
  });
  const seqNow = async () => (await (await fetch(`${base}/readyz`)).json()).stream_seq;
  while ((await seqNow()) < SETUP) await sleep(20);
  const ticks = () => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  };
  // Each thread's ticks, by thread name (the main thread is the process's own id).
  const threads = () => {
    const out = new Map();
    for (const t of readdirSync(`/proc/${child.pid}/task`)) {
      try {
        const st = readFileSync(`/proc/${child.pid}/task/${t}/stat`, 'utf8');
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        const name = t === String(child.pid) ? 'main' : st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        out.set(t, { name, ticks: Number(f[11]) + Number(f[12]), sys: Number(f[12]) });
      } catch {
        // ended meanwhile
      }
    }
    return out;
  };
  // Warm-up (unmeasured, paced the same): the follower's code compiled and its heap grown, as in a long run.
  const pace = async (from, to) => {
    let next = performance.now();
    for (let i = from; i < to; i += GROUP) {
      await log.publish(items(entries.slice(i, Math.min(to, i + GROUP))));
      next += INTERVAL_MS;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  };
  const warm = Math.min(entries.length, SETUP + WARM_ENTRIES);
  await pace(SETUP, warm);
  while ((await seqNow()) < warm) await sleep(5);
  const th0 = threads();
  const t0 = ticks();
  const w0 = performance.now();
  await pace(warm, entries.length);
  const pubMs = performance.now() - w0;
  while ((await seqNow()) < entries.length) await sleep(5);
  const t1 = ticks();
  const byName = new Map();
  for (const [t, v] of threads()) {
    const d = v.ticks - (th0.get(t)?.ticks ?? 0);
    const sys = v.sys - (th0.get(t)?.sys ?? 0);
    if (d > 0) byName.set(`${v.name}#${t}`, `${d} (sys ${sys})`);
  }
  const wall = performance.now() - w0;
  const payments = (entries.length - warm) * 10;
  const ready = await (await fetch(`${base}/readyz`)).json();
  await log.close();
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  child = null;
  // The follower's store after it stopped: its state digest, from its own journal (the build that wrote it).
  const { Platform } = await import(pathToFileURL(join(resolve(dist), 'src/platform/platform.js')).href);
  const p = await Platform.open(`sqlite:${join(dir, 'replica.db')}`);
  const digest = p.stateDigest();
  await p.close();
  console.log(
    `${dist}: ${((((t1 - t0) * 10) / payments) * 1000).toFixed(1)} CPU ms per 1,000 payments (follower process, all threads), ${payments} payments, ` +
      `published in ${Math.round(pubMs)} ms (${Math.round((payments / pubMs) * 1000)}/s), caught up ${Math.round(wall)} ms, head ${ready.stream_seq}, state digest ${String(digest).slice(0, 16)}, lag ms p50 ${ready.lag_ms?.p50} p99 ${ready.lag_ms?.p99} max ${ready.lag_ms?.max}`,
  );
  console.log(`ticks (1/100 s) by thread: ${[...byName].map(([n, d]) => `${n} ${d}`).join(', ')}`);
  if (process.env.KEEP_STORE) {
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(dir, 'replica.db'), process.env.KEEP_STORE);
  }
} finally {
  if (child !== null) child.kill('SIGKILL');
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

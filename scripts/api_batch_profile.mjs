// One phase of `bench api` on its own: 1,000-payment batches (8 connections) against
// a server of any build, optionally under --cpu-prof, so a profile holds the batch
// path only (bench api's profile mixes its four phases). Seeds a temporary SQLite
// store as bench api does, warms up 2 s, then prints settled payments/s, the
// server's CPU µs per payment (all threads, /proc) and its peak RSS.
// Usage: node scripts/api_batch_profile.mjs DIST PROF_DIR|- SECONDS [SERVER_BIN|-] [BATCH=1000] [CONNECTIONS=8]
//   e.g. node scripts/api_batch_profile.mjs $PWD/dist /tmp/prof 10 ../old/bin/sco-settle.js
//   then node scripts/cpuprofile_top.mjs /tmp/prof/*.cpuprofile 40
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, profDir, secs, serverBin, sizeArg, connArg] = process.argv.slice(2);
if (distArg === undefined || profDir === undefined || secs === undefined) {
  process.stderr.write('usage: node scripts/api_batch_profile.mjs DIST PROF_DIR|- SECONDS [SERVER_BIN|-] [BATCH] [CONNECTIONS]\n');
  process.exit(2);
}
const dist = resolve(distArg);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { paymentBody, seedApiBench, startServer } = await load('src/bench/api_bench.js');
const autocannon = createRequire(join(dist, 'x.js'))('autocannon');

const dir = mkdtempSync(join(tmpdir(), 'sco-settle-api-profile-'));
const url = `sqlite:${join(dir, 'bench.db')}`;
const date = new Date().toISOString().slice(0, 10);
const token = await seedApiBench(url);

const size = Number(sizeArg ?? 1000);
const body = () => paymentBody(size, date);
const { child, base } = await startServer(url, profDir === '-' ? null : resolve(profDir), serverBin === undefined || serverBin === '-' ? null : serverBin);
const requests = [{ method: 'POST', path: '/v1/payments', setupRequest: (r) => ({ ...r, body: body() }) }];
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const settled = async () => Number(/^sco_settle_payments\{state="settled"\} (\d+)/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
const cpu = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'latin1');
  const g = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(g[11]) + Number(g[12])) / 100;
};
/** CPU seconds of the server's main thread and of its other threads together, from /proc. */
const threads = () => {
  const by = {};
  for (const t of readdirSync(`/proc/${child.pid}/task`)) {
    let f;
    try {
      f = readFileSync(`/proc/${child.pid}/task/${t}/stat`, 'latin1');
    } catch {
      continue; // a thread that ended meanwhile
    }
    // Node 20 names every thread "node": the main thread against the rest (the SQLite commit worker, V8's helpers, libuv's pool).
    const name = t === String(child.pid) ? 'main' : 'other';
    const g = f.slice(f.lastIndexOf(')') + 2).split(' ');
    by[name] = (by[name] ?? 0) + (Number(g[11]) + Number(g[12])) / 100;
  }
  return by;
};
try {
  await autocannon({ url: base, duration: 2, connections: 8, headers, requests });
  const s0 = await settled();
  const c0 = cpu();
  const t0 = threads();
  const r = await autocannon({ url: base, duration: Number(secs), connections: Number(connArg ?? 8), headers, requests });
  const c1 = cpu();
  const t1 = threads();
  const s1 = await settled();
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'))?.[1] ?? 0);
  const out = {
    payments_per_s: Math.round((s1 - s0) / r.duration),
    requests_ok: r['2xx'],
    non_2xx: r.non2xx,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    server_cpu_us_per_payment: Math.round(((c1 - c0) * 1e6) / (s1 - s0)),
    rss_mb: Math.round(hwm / 1024),
    // CPU µs a payment, the main thread and the others (threads alive throughout)
    thread_cpu_us_per_payment: Object.fromEntries(
      Object.entries(t1)
        .filter(([k]) => k in t0)
        .map(([k, v]) => [k, Math.round(((v - t0[k]) * 1e6) / (s1 - s0))])
        .filter(([, v]) => v > 0),
    ),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}

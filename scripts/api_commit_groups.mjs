// Journal commits (appends, each one fsync) a payment and their mean duration, for single-payment
// requests at a fixed rate against a server of any build: bench api's seeding, then autocannon at
// RATE requests/s over CONNECTIONS connections for SECONDS, reading the server's
// sco_settle_journal_commit_duration_seconds count and sum before and after.
// RATE 0: no fixed rate, each connection sends its next request when answered (closed loop, as bench
// api's single run): then a commit holds about half the connections' requests (stop 49, docs/benchmarks.md).
// Usage: node scripts/api_commit_groups.mjs DIST SECONDS [SERVER_BIN|-] [RATE=2000] [CONNECTIONS=64]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, secs, serverBin, rateArg, connArg] = process.argv.slice(2);
if (distArg === undefined || secs === undefined) {
  process.stderr.write('usage: node scripts/api_commit_groups.mjs DIST SECONDS [SERVER_BIN|-] [RATE] [CONNECTIONS]\n');
  process.exit(2);
}
const dist = resolve(distArg);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { paymentBody, seedApiBench, startServer } = await load('src/bench/api_bench.js');
const autocannon = createRequire(join(dist, 'x.js'))('autocannon');

const dir = mkdtempSync(join(tmpdir(), 'sco-settle-commit-groups-'));
const url = `sqlite:${join(dir, 'bench.db')}`;
const date = new Date().toISOString().slice(0, 10);
const token = await seedApiBench(url);

const body = () => paymentBody(1, date);
const { child, base } = await startServer(url, null, serverBin === undefined || serverBin === '-' ? null : serverBin);
const requests = [{ method: 'POST', path: '/v1/payments', setupRequest: (r) => ({ ...r, body: body() }) }];
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const metrics = async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const num = (re) => Number(re.exec(text)?.[1] ?? 0);
  return {
    settled: num(/^sco_settle_payments\{state="settled"\} (\d+)/m),
    commits: num(/^sco_settle_journal_commit_duration_seconds_count(?:\{[^}]*\})? (\d+)/m),
    commit_s: num(/^sco_settle_journal_commit_duration_seconds_sum(?:\{[^}]*\})? ([0-9.e+-]+)/m),
  };
};
const cpu = () => {
  const g = readFileSync(`/proc/${child.pid}/stat`, 'latin1');
  const f = g.slice(g.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
try {
  await autocannon({ url: base, duration: 2, connections: 8, headers, requests });
  const m0 = await metrics();
  const c0 = cpu();
  const rate = Number(rateArg ?? 2000);
  const r = await autocannon({
    url: base,
    duration: Number(secs),
    connections: Number(connArg ?? 64),
    ...(rate > 0 ? { overallRate: rate } : {}),
    headers,
    requests,
  });
  const c1 = cpu();
  const m1 = await metrics();
  const paid = m1.settled - m0.settled;
  const commits = m1.commits - m0.commits;
  process.stdout.write(
    `${JSON.stringify({
      payments_per_s: Math.round(paid / r.duration),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      commits_per_s: Math.round(commits / r.duration),
      payments_per_commit: +(paid / commits).toFixed(2),
      commit_ms_mean: +(((m1.commit_s - m0.commit_s) * 1000) / commits).toFixed(2),
      server_cpu_us_per_payment: Math.round(((c1 - c0) * 1e6) / paid),
    })}\n`,
  );
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}

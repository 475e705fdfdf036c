// The young-generation collections (scavenges) of a server of any build during an
// evenly paced single-payment load, read from V8's own trace (--trace-gc-nvp) per
// isolate (the main thread and the SQLite commit worker): how many, their pauses,
// and the bytes each copied (new_space_survived) and promoted. A scavenge's pause
// grows with the bytes that survive it, and those bytes, unlike the pause, hardly
// depend on what else the host runs: the figure to compare builds by on a shared
// machine. bench api's seeding, a 3 s paced warm-up, optionally SECONDS_BATCH of
// 1,000-payment batches (8 connections), the index caught up, then RATE
// requests/s for SECONDS. Environment variables (SCO_SETTLE_*) pass to the server.
// Usage: node scripts/api_gc_survivors.mjs DIST SECONDS [NODE_FLAGS="--max-semi-space-size=64"] [RATE=2000] [SECONDS_BATCH=0]
//   e.g. node scripts/api_gc_survivors.mjs /work/wt/old/dist 10; node scripts/api_gc_survivors.mjs dist 10
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, secs, flagsArg, rateArg, batchArg] = process.argv.slice(2);
if (distArg === undefined || secs === undefined) {
  process.stderr.write('usage: node scripts/api_gc_survivors.mjs DIST SECONDS [NODE_FLAGS] [RATE] [SECONDS_BATCH]\n');
  process.exit(2);
}
const dist = resolve(distArg);
const flags = flagsArg ?? '--max-semi-space-size=64';
const rate = Number(rateArg ?? 2000);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { paymentBody, seedApiBench } = await load('src/bench/api_bench.js');
const { pacedLoad } = await load('src/bench/paced_load.js');
const autocannon = createRequire(join(dist, 'x.js'))('autocannon');

const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gc-survivors-'));
const url = `sqlite:${join(dir, 'bench.db')}`;
const date = new Date().toISOString().slice(0, 10);
const token = await seedApiBench(url);
const trace = join(dir, 'gc.log');
const bin = resolve(dist, '../bin/sco-settle.js');
const args = [...flags.split(' ').filter(Boolean), '--trace-gc-nvp', bin, '--store', url, 'serve', '--port', '0', '--log-level', 'warn', '--rate-limit', '0'];
const child = spawn(process.execPath, args, { stdio: ['ignore', openSync(trace, 'w'), 'pipe'] });
const base = await new Promise((ok, fail) => {
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
    const m = /API on (http:\/\/[^\s]+) /.exec(err);
    if (m !== null) ok(m[1]);
  });
  child.on('exit', (code) => fail(new Error(`server exited ${code}: ${err}`)));
});
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const backlog = async () => Number(/^sco_settle_index_backlog_entries (\d+)/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
const paced = (duration_s) =>
  pacedLoad({ url: base, path: '/v1/payments', method: 'POST', headers, body: () => paymentBody(1, date), rate_per_s: rate, duration_s, connections: 50 });
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
};
try {
  await paced(3);
  if (Number(batchArg ?? 0) > 0) {
    const requests = [{ method: 'POST', path: '/v1/payments', setupRequest: (r) => ({ ...r, body: paymentBody(1000, date) }) }];
    await autocannon({ url: base, duration: Number(batchArg), connections: 8, headers, requests });
  }
  while ((await backlog()) > 0) await new Promise((r) => setTimeout(r, 100));
  const from = statSync(trace).size;
  const r = await paced(Number(secs));
  // One line per collection: "[pid:isolate] ... pause=… gc=s … new_space_survived=… promoted=…".
  const byIsolate = new Map();
  for (const line of readFileSync(trace, 'latin1').slice(from).split('\n')) {
    if (!/ gc=s /.test(line)) continue;
    const isolate = /^\[\d+:(0x[0-9a-f]+)\]/.exec(line)?.[1] ?? '?';
    const f = Object.fromEntries(
      line
        .split(/\s+/)
        .filter((kv) => kv.includes('='))
        .map((kv) => kv.split('=')),
    );
    if (!byIsolate.has(isolate)) byIsolate.set(isolate, []);
    byIsolate.get(isolate).push({ pause: Number(f.pause), survived: Number(f.new_space_survived ?? 0), promoted: Number(f.promoted ?? 0) });
  }
  const isolates = [...byIsolate.values()]
    .map((sc) => ({
      scavenges: sc.length,
      pause_ms_total: Math.round(sc.reduce((a, s) => a + s.pause, 0)),
      pause_ms_median: median(sc.map((s) => s.pause)),
      pause_ms_max: Math.max(...sc.map((s) => s.pause)),
      survived_kb_median: Math.round(median(sc.map((s) => s.survived)) / 1024),
      promoted_kb_median: Math.round(median(sc.map((s) => s.promoted)) / 1024),
      copied_bytes_per_request: Math.round(sc.reduce((a, s) => a + s.survived + s.promoted, 0) / r['2xx']),
    }))
    .sort((a, b) => b.copied_bytes_per_request - a.copied_bytes_per_request);
  const load1 = readFileSync('/proc/loadavg', 'latin1').split(' ')[0];
  process.stdout.write(`${JSON.stringify({ dist: distArg, flags, rate, ok: r['2xx'], p99_ms: r.latency.p99, load: Number(load1), isolates })}\n`);
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}

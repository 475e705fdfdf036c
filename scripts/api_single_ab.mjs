// A single payment's whole request path in process (fastify inject, the real
// platform and journal on a SQLite store seeded as `bench api` seeds it), two
// builds in one process, alternating rounds with a pause between them so each
// build's idle index catch-up lands in its own pause. Prints the main thread's
// CPU µs a request (/proc) and the process's (process.cpuUsage), and each round's requests a second
// (wall time: it moves with the commit's fsync and the host's load), medians, new/old.
//   node scripts/api_single_ab.mjs OLD_DIST NEW_DIST [ROUNDS=6] [REQUESTS=4000] [CONC=16]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [oldArg, newArg, roundsArg, reqArg, concArg] = process.argv.slice(2);
if (oldArg === undefined || newArg === undefined) {
  process.stderr.write('usage: node scripts/api_single_ab.mjs OLD_DIST NEW_DIST [ROUNDS] [REQUESTS] [CONC]\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 6);
const total = Number(reqArg ?? 4000);
const conc = Number(concArg ?? 16);
const date = new Date().toISOString().slice(0, 10);
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-api-ab-'));
const mainCpu = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  const g = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(g[11]) + Number(g[12])) / 100;
};

async function server(name, dist) {
  const load = (p) => import(pathToFileURL(join(resolve(dist), p)).href);
  const { paymentBody, seedApiBench } = await load('src/bench/api_bench.js');
  const { Platform } = await load('src/platform/platform.js');
  const { buildApi } = await load('src/api/server.js');
  const url = `sqlite:${join(dir, `${name}.db`)}`;
  const token = await seedApiBench(url);
  const platform = await Platform.open(url);
  const api = await buildApi({ platform, logLevel: false, rateLimit: null });
  return { api, paymentBody, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}
const builds = { old: await server('old', oldArg), new: await server('new', newArg) };
async function run(s, n) {
  let next = 0;
  const one = async () => {
    while (next < n) {
      next++;
      const r = await s.api.app.inject({ method: 'POST', url: '/v1/payments', headers: s.headers, payload: s.paymentBody(1, date) });
      if (r.statusCode !== 200) throw new Error(`${r.statusCode}: ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: conc }, one));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const res = { main: { old: [], new: [] }, process: { old: [], new: [] }, per_s: { old: [], new: [] } };
try {
  for (const b of Object.values(builds)) await run(b, total / 2);
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
      await sleep(1500);
      const m0 = mainCpu();
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      await run(builds[name], total);
      res.per_s[name].push(Math.round(total / ((performance.now() - w0) / 1000)));
      const c = process.cpuUsage(c0);
      res.main[name].push(Math.round(((mainCpu() - m0) * 1e6) / total));
      res.process[name].push(Math.round((c.user + c.system) / total));
    }
  }
  for (const k of ['main', 'process', 'per_s']) {
    const o = median(res[k].old);
    const n = median(res[k].new);
    const pairs = res[k].old.map((x, i) => (res[k].new[i] / x).toFixed(2));
    const unit = k === 'per_s' ? 'requests/s' : 'µs';
    process.stdout.write(
      `${k}: old ${o} ${unit} (${res[k].old.join(', ')}), new ${n} ${unit} (${res[k].new.join(', ')}), pairs ${pairs.join(', ')}, new/old ${(n / o).toFixed(3)}\n`,
    );
  }
} finally {
  for (const b of Object.values(builds)) await b.api.shutdown();
  rmSync(dir, { recursive: true, force: true });
}

// The API shell's fixed CPU a request, two builds in one process, alternating:
// each build's server (buildApi over an in-memory platform, no logs, no rate
// limit) answers fastify inject requests that never reach the journal — GET
// /v1/me (hooks, guard, handler, response), and POST /v1/payments of one payment
// with platform.execute answering a canned one-payment output (body parse and
// validation, the submission route, metrics, the response's JSON). Prints the
// process's CPU µs a request (process.cpuUsage) per round, medians and new/old.
//   node scripts/api_shell_fixed.mjs OLD_DIST NEW_DIST [ROUNDS=7] [REQUESTS=4000]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldArg, newArg, roundsArg, reqArg] = process.argv.slice(2);
if (oldArg === undefined || newArg === undefined) {
  process.stderr.write('usage: node scripts/api_shell_fixed.mjs OLD_DIST NEW_DIST [ROUNDS] [REQUESTS]\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 7);
const total = Number(reqArg ?? 4000);
const date = new Date().toISOString().slice(0, 10);
const { paymentBody } = await import(pathToFileURL(join(resolve(newArg), 'src/bench/api_bench.js')).href);

async function server(dist) {
  const load = (p) => import(pathToFileURL(join(resolve(dist), p)).href);
  const { Platform } = await load('src/platform/platform.js');
  const { MemoryStore } = await load('src/store/memory.js');
  const { UserDirectory } = await load('src/http/auth.js');
  const { buildApi } = await load('src/api/server.js');
  const platform = await Platform.open(new MemoryStore());
  const users = await UserDirectory.load(platform);
  await users.createUser('op', 'operator', null);
  const key = await users.createKey('op');
  platform.execute = async (input) => ({
    ok: true,
    result: { payments: input.payments.map((p) => ({ uetr: p.uetr, state: 'settled' })) },
    changes: [],
  });
  const api = await buildApi({ platform, users, logLevel: false, rateLimit: null });
  const headers = { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' };
  return { api, headers };
}
const builds = { old: await server(oldArg), new: await server(newArg) };
const kinds = {
  me: (s) => s.api.app.inject({ method: 'GET', url: '/v1/me', headers: s.headers }),
  submit: (s) => s.api.app.inject({ method: 'POST', url: '/v1/payments', headers: s.headers, payload: paymentBody(1, date) }),
};
async function run(s, kind, n) {
  let next = 0;
  const one = async () => {
    while (next < n) {
      next++;
      const r = await kinds[kind](s);
      if (r.statusCode !== 200) throw new Error(`${r.statusCode}: ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, one));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const res = {};
for (const kind of Object.keys(kinds)) {
  res[kind] = { old: [], new: [] };
  for (const b of Object.values(builds)) await run(b, kind, total);
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
      const c0 = process.cpuUsage();
      await run(builds[name], kind, total);
      const c = process.cpuUsage(c0);
      res[kind][name].push(Math.round(((c.user + c.system) / total) * 10) / 10);
    }
  }
  const o = median(res[kind].old);
  const n = median(res[kind].new);
  process.stdout.write(`${kind}: old ${o} µs (${res[kind].old.join(', ')}), new ${n} µs (${res[kind].new.join(', ')}), new/old ${(n / o).toFixed(3)}\n`);
}
for (const b of Object.values(builds)) await b.api.shutdown();

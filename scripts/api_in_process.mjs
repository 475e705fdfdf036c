// The HTTP API in process, for the measuring scripts: a build's fastify app (its
// inject, no socket) over a temporary SQLite store seeded as `bench api` seeds it,
// with the operator's headers and the build's payment body maker. `close()` shuts
// the API and removes the store.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Opens the API of the build in DIST (its `dist` folder) on a fresh store in a temporary folder named after `tag`. */
export async function openApiInProcess(distArg, tag) {
  const dist = resolve(distArg);
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  const { paymentBody, seedApiBench } = await load('src/bench/api_bench.js');
  const { Platform } = await load('src/platform/platform.js');
  const { buildApi } = await load('src/api/server.js');
  const dir = mkdtempSync(join(tmpdir(), `sco-settle-${tag}-`));
  const url = `sqlite:${join(dir, 'bench.db')}`;
  const token = await seedApiBench(url);
  const platform = await Platform.open(url);
  const api = await buildApi({ platform, logLevel: false, rateLimit: null });
  return {
    api,
    platform,
    paymentBody,
    date: new Date().toISOString().slice(0, 10),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    async close() {
      await api.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds of this process's main thread (Linux: its task's stat). */
export function mainThreadCpuS() {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  const g = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(g[11]) + Number(g[12])) / 100;
}

/** n POSTs of /v1/payments with `size`-payment bodies, `conc` in flight, on an API opened above; every one must be answered 200. */
export async function injectPayments({ api, paymentBody, date, headers }, n, size, conc) {
  let next = 0;
  const one = async () => {
    while (next < n) {
      next++;
      const r = await api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: paymentBody(size, date) });
      if (r.statusCode !== 200) throw new Error(`${r.statusCode}: ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: conc }, one));
}

// Bytes allocated per payment by allocation site on the API's batch path, in process
// (fastify inject, a temporary SQLite store seeded as `bench api` seeds it, 8 requests
// in flight of 1,000 payments each, bodies made before the window): V8's sampling heap
// profiler keeping the objects young and old collections freed, over REQUESTS
// requests after a warm-up of 20. Builtins are named with the function that called
// them. Run with the server's flag: node --max-semi-space-size=64 scripts/api_alloc_sites.mjs DIST REQUESTS
import { Session } from 'node:inspector/promises';
import { openApiInProcess } from './api_in_process.mjs';
const [distArg, reqArg] = process.argv.slice(2);
if (distArg === undefined || reqArg === undefined) {
  process.stderr.write('usage: node --max-semi-space-size=64 scripts/api_alloc_sites.mjs DIST REQUESTS\n');
  process.exit(2);
}
const { api, paymentBody, date, headers, close } = await openApiInProcess(distArg, 'alloc');
const bodies = [];
async function run(n, pre) {
  let next = 0;
  const one = async () => {
    while (next < n) {
      const b = pre ? bodies[next % bodies.length] : paymentBody(1000, date);
      next++;
      const r = await api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: b });
      if (r.statusCode !== 200) throw new Error(r.body);
    }
  };
  await Promise.all(Array.from({ length: 8 }, one));
}
await run(20);
const N = Number(reqArg);
for (let i = 0; i < N; i++) bodies.push(paymentBody(1000, date));
const s = new Session();
s.connect();
await s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await run(N, true);
const { profile } = await s.post('HeapProfiler.stopSampling');
const by = new Map();
const nm = (f) => `${f.functionName || '(anon)'} ${f.url.replace(/.*\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
const walk = (n, parent) => {
  const f = n.callFrame;
  let name = nm(f);
  if (!f.url && parent) name += ' <- ' + parent;
  by.set(name, (by.get(name) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c, f.url ? nm(f) : parent);
};
walk(profile.head, null);
const tot = [...by.values()].reduce((a, b) => a + b, 0);
console.log('total bytes per payment', Math.round(tot / (N * 1000)));
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(String(Math.round(v / (N * 1000))).padStart(6), k);
await close();

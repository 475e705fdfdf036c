// CPU of the API's whole request path in process, without sockets: the server of
// a build DIST (buildApi, no logs, no rate limit) over a temporary SQLite store
// seeded as `bench api` seeds it, POST /v1/payments by fastify's inject, SIZE
// payments a request (1: the payment itself), CONC requests in flight; a warm-up
// of a quarter of REQUESTS, then REQUESTS timed. Prints payments/s, the main
// thread's CPU µs a payment (Linux /proc) and the process's (all threads: the
// SQLite commit worker, V8's helpers). Run old and new builds alternately.
//   node scripts/api_inject_cpu.mjs DIST SIZE CONC REQUESTS
//   e.g. node scripts/api_inject_cpu.mjs ../old/dist 1 64 4000; node scripts/api_inject_cpu.mjs dist 1 64 4000
import { mainThreadCpuS, openApiInProcess, injectPayments } from './api_in_process.mjs';

const [distArg, sizeArg, concArg, reqArg] = process.argv.slice(2);
if (distArg === undefined || sizeArg === undefined || concArg === undefined || reqArg === undefined) {
  process.stderr.write('usage: node scripts/api_inject_cpu.mjs DIST SIZE CONC REQUESTS\n');
  process.exit(2);
}
const { api, paymentBody, date, headers, close } = await openApiInProcess(distArg, 'api-inject');

const size = Number(sizeArg);
const conc = Number(concArg);
const total = Number(reqArg);
/** n requests, conc at a time (api_in_process.mjs). */
const run = (n) => injectPayments({ api, paymentBody, date, headers }, n, size, conc);
try {
  await run(Math.max(conc * 4, Math.floor(total / 4)));
  const c0 = mainThreadCpuS();
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  await run(total);
  const c1 = mainThreadCpuS();
  const p1 = process.cpuUsage(p0);
  const t1 = performance.now();
  const payments = total * size;
  const out = {
    dist: distArg,
    size,
    conc,
    payments,
    payments_per_s: Math.round(payments / ((t1 - t0) / 1000)),
    main_cpu_us_per_payment: Math.round(((c1 - c0) * 1e7) / payments) / 10,
    process_cpu_us_per_payment: Math.round(((p1.user + p1.system) * 10) / payments) / 10,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await close();
}

// The API's batch path in process (as scripts/api_inject_cpu.mjs: fastify's inject,
// no socket, a store seeded as `bench api` seeds it), with the main thread's CPU
// split into user and system time and the process's minor page faults a payment
// (Linux /proc): fresh memory the path touches (large buffers and strings a request
// allocates and frees) shows as system time and faults. Run old and new alternately.
//   node scripts/api_inject_faults.mjs DIST SIZE CONC REQUESTS
import { readFileSync } from 'node:fs';
import { openApiInProcess, injectPayments } from './api_in_process.mjs';

const [distArg, sizeArg, concArg, reqArg] = process.argv.slice(2);
if (distArg === undefined || sizeArg === undefined || concArg === undefined || reqArg === undefined) {
  process.stderr.write('usage: node scripts/api_inject_faults.mjs DIST SIZE CONC REQUESTS\n');
  process.exit(2);
}
const { api, paymentBody, date, headers, close } = await openApiInProcess(distArg, 'api-faults');
const size = Number(sizeArg);
const conc = Number(concArg);
const total = Number(reqArg);
/** Main thread user and system seconds, and the process's minor faults. */
function sample() {
  const stat = (p) => {
    const f = readFileSync(p, 'latin1');
    return f.slice(f.lastIndexOf(')') + 2).split(' ');
  };
  const t = stat(`/proc/self/task/${process.pid}/stat`);
  const p = stat('/proc/self/stat');
  return { user: Number(t[11]) / 100, sys: Number(t[12]) / 100, minflt: Number(p[7]) };
}
/** n requests, conc at a time (api_in_process.mjs). */
const run = (n) => injectPayments({ api, paymentBody, date, headers }, n, size, conc);
try {
  await run(Math.max(conc * 4, Math.floor(total / 4)));
  const a = sample();
  const t0 = performance.now();
  await run(total);
  const b = sample();
  const t1 = performance.now();
  const payments = total * size;
  const per = (x) => Math.round((x * 1e7) / payments) / 10;
  process.stdout.write(
    `${JSON.stringify({
      dist: distArg,
      payments_per_s: Math.round(payments / ((t1 - t0) / 1000)),
      main_cpu_us_per_payment: per(b.user - a.user + b.sys - a.sys),
      main_user_us_per_payment: per(b.user - a.user),
      main_sys_us_per_payment: per(b.sys - a.sys),
      minor_faults_per_payment: Math.round(((b.minflt - a.minflt) / payments) * 100) / 100,
    })}\n`,
  );
} finally {
  await close();
}

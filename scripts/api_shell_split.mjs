// Where a single payment's main-thread CPU goes in process: the HTTP/API shell
// (fastify's inject: routing, hooks, auth, body parse and validation, handler,
// response JSON, metrics) against the platform's command (execute: the state
// machine, journal entry, group commit). Two modes of one server, alternating:
// `full` runs POST /v1/payments as served; `shell` answers platform.execute with
// a canned one-payment output, so what remains is the shell alone. Prints main
// thread CPU µs a request for each mode, per round and median.
//   node scripts/api_shell_split.mjs DIST [ROUNDS=5] [REQUESTS=3000] [CONC=16]
import { mainThreadCpuS, openApiInProcess } from './api_in_process.mjs';

const [distArg, roundsArg, reqArg, concArg] = process.argv.slice(2);
if (distArg === undefined) {
  process.stderr.write('usage: node scripts/api_shell_split.mjs DIST [ROUNDS] [REQUESTS] [CONC]\n');
  process.exit(2);
}
const { api, platform, paymentBody, date, headers, close } = await openApiInProcess(distArg, 'api-split');

const rounds = Number(roundsArg ?? 5);
const total = Number(reqArg ?? 3000);
const conc = Number(concArg ?? 16);
const realExecute = platform.execute.bind(platform);
const canned = await realExecute({ type: 'submit_payments', payments: [JSON.parse(paymentBody(1, date))] }, 'bench');
const modes = {
  full: realExecute,
  shell: async () => canned,
};
async function run(n) {
  let next = 0;
  const one = async () => {
    while (next < n) {
      next++;
      const r = await api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: paymentBody(1, date) });
      if (r.statusCode !== 200) throw new Error(`${r.statusCode}: ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: conc }, one));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const out = { full: [], shell: [] };
try {
  for (const m of Object.keys(modes)) {
    platform.execute = modes[m];
    await run(Math.floor(total / 2));
  }
  for (let r = 0; r < rounds; r++) {
    for (const m of r % 2 === 0 ? ['full', 'shell'] : ['shell', 'full']) {
      platform.execute = modes[m];
      const c0 = mainThreadCpuS();
      await run(total);
      out[m].push(Math.round(((mainThreadCpuS() - c0) * 1e6) / total));
    }
  }
  process.stdout.write(`${JSON.stringify({ dist: distArg, ...out, median_full: median(out.full), median_shell: median(out.shell) })}\n`);
} finally {
  platform.execute = realExecute;
  await close();
}

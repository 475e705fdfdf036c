// The floor under the API shell's in-process figures (scripts/api_shell_fixed.mjs):
// what fastify's inject costs a request with no hooks, no auth, no metrics and
// no schemas — a GET answering a small object, and a POST of one payment's JSON
// answered with its UETR. Prints the process's CPU µs a request, median of
// ROUNDS after a warm-up round.
//   node scripts/fastify_inject_floor.mjs [ROUNDS=8] [REQUESTS=8000]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Fastify = require('fastify');
const [roundsArg, reqArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 8);
const n = Number(reqArg ?? 8000);
const app = Fastify({ logger: false });
app.get('/x', (_req, reply) => reply.send({ name: 'op', role: 'operator', participant: null }));
app.post('/p', (req, reply) => reply.send({ payments: [{ uetr: req.body.uetr, state: 'settled' }] }));
await app.ready();
const body =
  '{"uetr":"0f8fad5b-d9cb-469f-a165-70867728950e","end_to_end_id":"B0","payer":"BANKAAAA","payee":"BANKBBBB","currency":"CNY","amount":"0.01","value_date":"2026-12-06"}';
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const kinds = [
  ['get', { method: 'GET', url: '/x' }],
  ['post', { method: 'POST', url: '/p', headers: { 'content-type': 'application/json' }, payload: body }],
];
for (const [name, opts] of kinds) {
  const r = [];
  for (let round = 0; round <= rounds; round++) {
    let next = 0;
    const c0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          next++;
          await app.inject(opts);
        }
      }),
    );
    const c = process.cpuUsage(c0);
    r.push(Math.round(((c.user + c.system) / n) * 10) / 10);
  }
  process.stdout.write(`${name}: bare fastify inject ${median(r.slice(1))} µs a request (${r.slice(1).join(', ')})\n`);
}

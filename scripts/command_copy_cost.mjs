// The step before a submitted command is journaled, old and new, in one process:
// the old build's jsonCopy of a 1,000-payment submit_payments command (each payment
// a request body's object, as JSON.parse made it) against the new build's
// isOwnJsonCopy of the same command (the API's `owned` path: a check, no copy).
// Rounds alternate; prints CPU ns a payment per round and the medians.
//   node scripts/command_copy_cost.mjs OLD_DIST NEW_DIST [ROUNDS=9]
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist, roundsArg] = process.argv.slice(2);
if (oldDist === undefined || newDist === undefined) {
  process.stderr.write('usage: node scripts/command_copy_cost.mjs OLD_DIST NEW_DIST [ROUNDS]\n');
  process.exit(2);
}
const load = (d) => import(pathToFileURL(join(resolve(d), 'src/platform/json_copy.js')).href);
const { jsonCopy } = await load(oldDist);
const { isOwnJsonCopy } = await load(newDist);
const date = new Date().toISOString().slice(0, 10);
const bic = (i) => `BK${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}CNBJ`;
const command = () => {
  const list = [];
  for (let k = 0; k < 1000; k++)
    list.push(
      `{"uetr":"${randomUUID()}","end_to_end_id":"B${k}","payer":"${bic(k % 20)}","payee":"${bic((k + 1) % 20)}","currency":"CNY","amount":"0.01","value_date":"${date}"}`,
    );
  return { type: 'submit_payments', ...JSON.parse(`{"payments":[${list.join(',')}]}`), by: 'bench' };
};
const commands = Array.from({ length: 40 }, command);
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const time = (f) => {
  const t = cpu();
  for (const c of commands) if (f(c) === undefined) throw new Error('no answer');
  return ((cpu() - t) * 1000) / (commands.length * 1000);
};
const rounds = Number(roundsArg ?? 9);
const olds = [];
const news = [];
for (let r = 0; r < rounds; r++) {
  const o = r % 2 === 0 ? time(jsonCopy) : null;
  const n = time(isOwnJsonCopy);
  const o2 = o ?? time(jsonCopy);
  olds.push(o2);
  news.push(n);
  process.stdout.write(`round ${r + 1}: old jsonCopy ${o2.toFixed(0)} ns a payment, new isOwnJsonCopy ${n.toFixed(0)}\n`);
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
process.stdout.write(`median: old ${median(olds).toFixed(0)} new ${median(news).toFixed(0)} ns a payment\n`);

// CPU ns a payment record's encode takes, old build against new, in one process: the
// payments are the ones the API's batch path archives (8 batches of 1,000 through the
// first build's API in process, as scripts/api_in_process.mjs opens it, caught at the
// book's codec), then each build's PaymentCodec encodes all of them, 10 times a round,
// into fresh tables, rounds alternating between the builds; medians of the rounds.
//   node scripts/payment_encode_cost.mjs OLD_DIST NEW_DIST [ROUNDS=9]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { injectPayments, openApiInProcess } from './api_in_process.mjs';

const [oldArg, newArg, roundsArg] = process.argv.slice(2);
if (oldArg === undefined || newArg === undefined) {
  process.stderr.write('usage: node scripts/payment_encode_cost.mjs OLD_DIST NEW_DIST [ROUNDS]\n');
  process.exit(2);
}
const codecOf = async (d) => await import(pathToFileURL(join(resolve(d), 'src/platform/payment_codec.js')).href);
const builds = [await codecOf(oldArg), await codecOf(newArg)];
const caught = [];
const { PaymentCodec } = builds[0];
const encode = PaymentCodec.prototype.encode;
PaymentCodec.prototype.encode = function (v) {
  if (caught.length < 8000) caught.push(v);
  return encode.call(this, v);
};
const api = await openApiInProcess(oldArg, 'encode-cost');
try {
  await injectPayments(api, 8, 1000, 1);
} finally {
  await api.close();
  PaymentCodec.prototype.encode = encode;
}
if (caught.length === 0) throw new Error('no payment was archived');
const rounds = Number(roundsArg ?? 9);
const ns = [[], []];
const bytes = [0, 0];
for (let r = 0; r < rounds * 2; r++) {
  const b = (r + Math.floor(r / 2)) % 2; // old, new, new, old, old, new, ...
  const c = new builds[b].PaymentCodec(new builds[b].CodecTables());
  let n = 0;
  const t0 = process.cpuUsage();
  for (let k = 0; k < 10; k++) for (const p of caught) n += c.encode(p).length;
  const t = process.cpuUsage(t0);
  ns[b].push(((t.user + t.system) * 1000) / (10 * caught.length));
  bytes[b] = n;
}
if (bytes[0] !== bytes[1]) throw new Error(`the builds' records differ in length: ${bytes[0]} and ${bytes[1]} bytes`);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
process.stdout.write(
  `${JSON.stringify({ payments: caught.length, record_bytes: bytes[0] / 10 / caught.length, old_ns: Math.round(median(ns[0])), new_ns: Math.round(median(ns[1])), old_rounds: ns[0].map(Math.round), new_rounds: ns[1].map(Math.round) })}\n`,
);

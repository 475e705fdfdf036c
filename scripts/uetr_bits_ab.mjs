// uetrBits of two builds in one process, alternating: ns a call over UUIDs as the API
// receives them (JSON.parse of a request body of random UUIDs), ROUNDS rounds of
// 200,000 calls each build after a warm-up round; prints the median ns a call and the
// median of the rounds' new/old ratios, and checks the two builds give the same bits.
//   node scripts/uetr_bits_ab.mjs OLD_DIST NEW_DIST [ROUNDS]
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldArg, newArg, roundsArg] = process.argv.slice(2);
if (oldArg === undefined || newArg === undefined) {
  process.stderr.write('usage: node scripts/uetr_bits_ab.mjs OLD_DIST NEW_DIST [ROUNDS]\n');
  process.exit(2);
}
const load = async (d) => (await import(pathToFileURL(join(resolve(d), 'src/clearing/accounts.js')).href)).uetrBits;
const builds = { old: await load(oldArg), new: await load(newArg) };
const rounds = Number(roundsArg ?? 15);
const n = 200_000;
const uetrs = JSON.parse(`[${Array.from({ length: n }, () => `"${randomUUID()}"`).join(',')}]`);
for (const u of uetrs.slice(0, 10_000)) if (builds.old(u) !== builds.new(u)) throw new Error(`bits differ for ${u}`);
let sink = 0n;
const time = (f) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink ^= f(uetrs[i]);
  return Number(process.hrtime.bigint() - t) / n;
};
const ns = { old: [], new: [] };
const ratios = [];
for (let r = -1; r < rounds; r++) {
  const order = r % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
  const got = {};
  for (const k of order) got[k] = time(builds[k]);
  if (r < 0) continue;
  ns.old.push(got.old);
  ns.new.push(got.new);
  ratios.push(got.new / got.old);
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const out = { rounds, ns_old: +median(ns.old).toFixed(1), ns_new: +median(ns.new).toFixed(1), new_over_old: +median(ratios).toFixed(3) };
process.stdout.write(`${JSON.stringify(out)}${sink === -1n ? ' ' : ''}\n`);

// queueKey (clearing/rtgs.ts) with the map lookups that follow it on a settlement's path
// (queueOf, markDirty: a has and a get on a map of queue keys), two builds alternating in
// one process (#15, #18): 2,000,000 asks a round over 60 participant numbers and 6
// currencies; prints the median CPU ns an ask after two warm-up rounds of each.
//   node scripts/queue_key_ab.mjs BASE_DIST NEW_DIST [ROUNDS=10]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const [a, b, roundsArg = '10'] = process.argv.slice(2);
const load = async (d) => (await import(pathToFileURL(join(resolve(d), 'src/clearing/rtgs.js')).href)).queueKey;
const builds = [
  ['base', await load(a)],
  ['new', await load(b)],
];
// Currency codes as a parsed command holds them.
const cur = ['CNY', 'RUB', 'INR', 'KZT', 'PKR', 'UZS'].map((c) => JSON.parse(JSON.stringify(c)));
function round(queueKey) {
  const queues = new Map();
  for (let n = 1; n <= 60; n++) for (const c of cur) if (n % 3 !== 0) queues.set(queueKey(n, c), n);
  let seen = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < 2_000_000; i++) {
    const k = queueKey(1 + ((i * 7) % 60), cur[i % 6]);
    if (queues.has(k)) seen++;
    if (queues.get(k) === 3) seen--;
  }
  const u = process.cpuUsage(t0);
  return { ns: (u.user + u.system) / 2000, seen };
}
const ns = { base: [], new: [] };
const seen = new Set();
for (let r = 0; r < Number(roundsArg); r++) {
  for (const [name, f] of r % 2 === 0 ? builds : [...builds].reverse()) {
    const x = round(f);
    ns[name].push(x.ns);
    seen.add(x.seen);
  }
}
const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(
  `ns an ask (with its has and get): base ${med(ns.base.slice(2)).toFixed(0)}, new ${med(ns.new.slice(2)).toFixed(0)}; same lookups in every round: ${seen.size === 1}`,
);

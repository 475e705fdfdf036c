// The main thread's CPU for handing the demo day's traffic to the prepare worker
// and taking its answers back, two ways, alternating in one process (issue #18,
// docs/benchmarks.md "the traffic generated on the prepare worker"):
//   sent:      the main thread generates the payments (./day_traffic.ts), writes each
//              chunk of 250 with the balance hint (structured clone, as postMessage
//              does) and reads back the worker's answers;
//   generated: the main thread generates the payments as before but writes only the
//              hint (the worker generates the same payments from the day's recipe);
//              the answer names the chunk's first and last UETR, compared here.
// The answers are the real ones (the preparer on this thread, once, before timing).
//
//   node scripts/prepare_handover_cost.mjs ROOT [PAYMENTS=100000] [ROUNDS=5]

import { deserialize, serialize } from 'node:v8';

const [root, nArg = '100000', roundsArg = '5'] = process.argv.slice(2);
if (root === undefined) {
  process.stderr.write('usage: node scripts/prepare_handover_cost.mjs ROOT [PAYMENTS] [ROUNDS]\n');
  process.exit(2);
}
const { dayProfile, dayTraffic } = await import(`${root}/dist/src/demo/day_traffic.js`);
const { preparer, PREPARE_WORKER_ROLE } = await import(`${root}/dist/src/demo/prepare_worker.js`);
const { WATCHLIST_VARIANTS } = await import(`${root}/dist/src/demo/watchlist.js`);
const n = Number(nArg);
const recipe = { banks: 60, payments: n, seed: 3, watchlist_every: 400, watchlist_names: WATCHLIST_VARIANTS };
const profile = dayProfile(recipe.banks, recipe.payments);
const participants = profile.banks.map((b) => [b.bic, Object.keys(b.liquidity)]);
const prepare = preparer({ role: PREPARE_WORKER_ROLE, date: profile.traffic.business_date, participants, screen: null });
// A hint as the day sends it: every bank and currency.
const held = new Map();
for (const [bic, ccys] of participants) for (const c of ccys) held.set(`${bic}:${c}`, 123_456_789_000n);
const answers = [];
for (const sp of dayTraffic(profile, recipe)) answers.push(prepare(sp, held));

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
let sink = 0;
const sent = () => {
  let i = 0;
  let chunk = [];
  for (const sp of dayTraffic(profile, recipe)) {
    chunk.push(sp);
    if (chunk.length === 250 || i === n - 1) {
      sink += serialize({ n: i, payments: chunk, held }).length;
      const reply = deserialize(serialize({ n: i, prepared: answers.slice(i + 1 - chunk.length, i + 1) }));
      sink += reply.prepared.length;
      chunk = [];
    }
    i++;
  }
};
const generated = () => {
  // The main thread still generates the payments (it sends them), but writes only the hint; the answer names the
  // chunk's first and last UETR, which it compares.
  let i = 0;
  let chunk = [];
  for (const sp of dayTraffic(profile, recipe)) {
    chunk.push(sp);
    if (chunk.length === 250 || i === n - 1) {
      sink += serialize({ n: i, generate: { from: i + 1 - chunk.length, count: chunk.length }, held }).length;
      const reply = deserialize(serialize({ n: i, prepared: answers.slice(i + 1 - chunk.length, i + 1), ends: [chunk[0].uetr, chunk.at(-1).uetr] }));
      if (reply.ends[0] !== chunk[0].uetr || reply.ends[1] !== chunk.at(-1).uetr) throw new Error('ends');
      sink += reply.prepared.length;
      chunk = [];
    }
    i++;
  }
};
const rows = { sent: [], generated: [] };
for (let r = 0; r < Number(roundsArg); r++) {
  const t0 = cpu();
  sent();
  rows.sent.push(cpu() - t0);
  const t1 = cpu();
  generated();
  rows.generated.push(cpu() - t1);
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
process.stdout.write(
  `${JSON.stringify({ payments: n, sent_ms: rows.sent.map(Math.round), generated_ms: rows.generated.map(Math.round), median_ratio: +(med(rows.generated) / med(rows.sent)).toFixed(2), sink })}\n`,
);

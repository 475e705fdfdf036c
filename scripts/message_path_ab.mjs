// Old and new builds of the demo's message path side by side in one process,
// alternating in chunks (the machine's noise falls on both alike): for each
// simulated payment the prepare worker's work without screening (src/demo/
// prepare_worker.ts `preparer`: the message path, built, validated, read back
// and mapped, in every form the payment may be sent in). Checks that both give
// the same answers and the same XML. A figure, not a test (docs/benchmarks.md,
// "Demo day throughput: where the 2-core day goes").
//
//   node scripts/message_path_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS=30000] [ROUNDS=3]
//
// A root is a checkout with dist/ built.

const [oldRoot, newRoot, nArg, roundsArg] = process.argv.slice(2);
if (oldRoot === undefined || newRoot === undefined) {
  process.stderr.write('usage: node scripts/message_path_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS] [ROUNDS]\n');
  process.exit(2);
}
const n = Number(nArg ?? 30000);
const rounds = Number(roundsArg ?? 3);

const { defaultProfile, generatePayments } = await import(`${newRoot}/dist/src/sim/index.js`);
const profile = defaultProfile({ banks: 60, liquidity_ratio: 1, traffic: { payments: n } });
const date = profile.traffic.business_date;
const participants = profile.banks.map((b) => [b.bic, Object.keys(b.liquidity)]);
const payments = [...generatePayments(profile, { seed: 3, payments: n })];

async function side(root) {
  const w = await import(`${root}/dist/src/demo/prepare_worker.js`);
  const pm = await import(`${root}/dist/src/demo/payment_message.js`);
  const m = await import(`${root}/dist/src/iso20022/messages/index.js`);
  return {
    prepare: w.preparer({ role: w.PREPARE_WORKER_ROLE, date, participants, screen: null }),
    xml: (p) => m.buildMessage(pm.isoMessageOf(p, date)),
  };
}
const sides = { old: await side(oldRoot), new: await side(newRoot) };
const json = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
const cpu = { old: 0, new: 0 };
let same = true;
const CHUNK = 2_000;
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < n; i += CHUNK) {
    const chunk = payments.slice(i, i + CHUNK);
    const out = {};
    // Which side goes first alternates too.
    for (const s of (i / CHUNK + r) % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
      const c0 = process.cpuUsage();
      const prepared = chunk.map((p) => sides[s].prepare(p));
      const c = process.cpuUsage(c0);
      cpu[s] += c.user + c.system;
      out[s] = r === 0 ? json([prepared, chunk.map(sides[s].xml)]) : '';
    }
    if (out.old !== out.new) same = false;
  }
}
const us = (s) => +(cpu[s] / (rounds * n)).toFixed(1);
process.stdout.write(
  `${JSON.stringify({ payments: n, rounds, cpu_us_per_payment: { old: us('old'), new: us('new') }, ratio: +(cpu.old / cpu.new).toFixed(3), identical: same })}\n`,
);

// Old and new builds of the demo's per-payment work side by side in one process,
// alternating in chunks (the machine's noise falls on both alike): the watch-list
// screening of the demo (src/cli/demo.ts) and the ISO message build. Checks the
// outcomes and the XML are identical. A figure, not a test (docs/benchmarks.md,
// "Pipeline profile (#18)").
//
//   node scripts/pipeline_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS=30000]
//
// A root is a checkout with dist/ built (e.g. /work/main and this worktree).

const [oldRoot, newRoot, nArg] = process.argv.slice(2);
if (oldRoot === undefined || newRoot === undefined) {
  process.stderr.write('usage: node scripts/pipeline_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS]\n');
  process.exit(2);
}
const n = Number(nArg ?? 30000);

async function build(root) {
  const { demoWatchlist } = await import(`${root}/dist/src/demo/watchlist.js`);
  const s = await import(`${root}/dist/src/platform/screening_tools.js`);
  const m = await import(`${root}/dist/src/iso20022/messages/index.js`);
  const list = demoWatchlist(new Date(0));
  // As src/cli/demo.ts builds it (an old build ignores the option it does not know).
  const index = new s.ScreeningIndex([list], { result_cache: s.SCREENING_RESULT_CACHE ?? 0 });
  const screen = (p) =>
    s.screenPayment(index, {
      uetr: p.uetr,
      debtor: p.debtor,
      creditor: p.creditor,
      debtor_agent_bic: p.payer_bic,
      creditor_agent_bic: p.payee_bic,
      remittance: p.remittance,
    });
  return { screen, buildMessage: m.buildMessage };
}

const { defaultProfile, generatePayments } = await import(`${newRoot}/dist/src/sim/index.js`);
const { isoMessageOf } = await import(`${newRoot}/dist/src/demo/day.js`);
const sides = { old: await build(oldRoot), new: await build(newRoot) };
const profile = defaultProfile({ banks: 60, liquidity_ratio: 1, traffic: { payments: n } });
const payments = [...generatePayments(profile, { seed: 3, payments: n })];
const messages = payments.map((p) => isoMessageOf(p, profile.traffic.business_date));
const ms = { screen: { old: 0, new: 0 }, build: { old: 0, new: 0 } };
let same = true;
const CHUNK = 2_000;
for (let i = 0; i < n; i += CHUNK) {
  const out = {};
  for (const side of ['old', 'new']) {
    let t0 = performance.now();
    const screened = payments.slice(i, i + CHUNK).map(sides[side].screen);
    ms.screen[side] += performance.now() - t0;
    t0 = performance.now();
    const xml = messages.slice(i, i + CHUNK).map(sides[side].buildMessage);
    ms.build[side] += performance.now() - t0;
    out[side] = JSON.stringify([screened, xml]);
  }
  if (out.old !== out.new) same = false;
}
const r = (x) => Math.round(x);
process.stdout.write(
  `${JSON.stringify({
    payments: n,
    screen_ms: { old: r(ms.screen.old), new: r(ms.screen.new), ratio: +(ms.screen.old / ms.screen.new).toFixed(2) },
    build_ms: { old: r(ms.build.old), new: r(ms.build.new), ratio: +(ms.build.old / ms.build.new).toFixed(2) },
    identical: same,
  })}\n`,
);

// The demo's screening of its payments, two builds side by side in one process
// (issue #18): the prepare worker's screener (src/demo/screener.ts, the demo's
// watch-list, with a result cache) over the demo day's generated payments, every
// 400th debtor renamed to a watch-list variant as `demo` does. Alternating in
// chunks, the order swapped each chunk, so the machine's noise falls on both
// alike. Checks that every outcome is identical. A figure, not a test.
//
//   node scripts/screening_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS=100000] [SEED=3]
//
// A root is a checkout with dist/ built. Prints CPU ms (user + sys) per side.

const [oldRoot, newRoot, nArg, seedArg] = process.argv.slice(2);
if (oldRoot === undefined || newRoot === undefined) {
  process.stderr.write('usage: node scripts/screening_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS] [SEED]\n');
  process.exit(2);
}
const n = Number(nArg ?? 100000);
const seed = Number(seedArg ?? 3);

const { defaultProfile, generatePayments, withWatchlistName } = await import(`${newRoot}/dist/src/sim/index.js`);
const { WATCHLIST_VARIANTS } = await import(`${newRoot}/dist/src/demo/watchlist.js`);
const screens = {
  old: (await import(`${oldRoot}/dist/src/demo/screener.js`)).demoScreen(),
  new: (await import(`${newRoot}/dist/src/demo/screener.js`)).demoScreen(),
};
const profile = defaultProfile({ banks: 60, liquidity_ratio: 1, traffic: { payments: n } });
const payments = [...generatePayments(profile, { seed, payments: n })].map((p) => withWatchlistName(p, 400, WATCHLIST_VARIANTS));
const ms = { old: 0, new: 0 };
let same = true;
let hits = 0;
const CHUNK = 2_000;
for (let i = 0, c = 0; i < n; i += CHUNK, c++) {
  const chunk = payments.slice(i, i + CHUNK);
  const out = {};
  for (const side of c % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
    const screen = screens[side];
    const t0 = process.cpuUsage();
    const r = chunk.map(screen);
    const d = process.cpuUsage(t0);
    ms[side] += (d.user + d.system) / 1e3;
    out[side] = JSON.stringify(r);
    if (side === 'new') hits += r.filter((x) => x.hit).length;
  }
  if (out.old !== out.new) same = false;
}
process.stdout.write(
  `${JSON.stringify({ payments: n, seed, hits, cpu_ms: { old: Math.round(ms.old), new: Math.round(ms.new) }, ratio: Math.round((ms.old / ms.new) * 100) / 100, identical: same })}\n`,
);
process.exit(same ? 0 : 1);

// The demo day's real prepared answers in chunks of 250, for the prepared-codec
// scripts: ROOT's preparer with the demo's screener, seed 3, 60 banks, on this thread.
export async function preparedChunks(root, payments) {
  const { dayProfile, dayTraffic } = await import(`${root}/dist/src/demo/day_traffic.js`);
  const { preparer, PREPARE_WORKER_ROLE } = await import(`${root}/dist/src/demo/prepare_worker.js`);
  const { WATCHLIST_VARIANTS } = await import(`${root}/dist/src/demo/watchlist.js`);
  const recipe = { banks: 60, payments, seed: 3, watchlist_every: 400, watchlist_names: WATCHLIST_VARIANTS };
  const profile = dayProfile(recipe.banks, recipe.payments);
  const participants = profile.banks.map((b) => [b.bic, Object.keys(b.liquidity)]);
  const prepare = preparer({ role: PREPARE_WORKER_ROLE, date: profile.traffic.business_date, participants, screen: 'demo_watchlist' });
  const held = new Map();
  for (const [bic, ccys] of participants) for (const c of ccys) held.set(`${bic}:${c}`, 123_456_789_000n);
  const chunks = [];
  let chunk = [];
  for (const sp of dayTraffic(profile, recipe)) {
    chunk.push(prepare(sp, held));
    if (chunk.length === 250) {
      chunks.push(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

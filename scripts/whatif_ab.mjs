// `scheme what-if` side by side, two builds alternating in one process, on a store of
// DAYS business days (PAYMENTS a day, an LSM run after each batch) with a proposal
// (the LSM every 5 minutes, which both builds weigh alike) and a snapshot after the first day; the what-if asks for the
// last day. Each build's report is compared byte for byte.
// Usage: node scripts/whatif_ab.mjs OLD_DIST NEW_DIST [DAYS] [PAYMENTS] [PAIRS]   (e.g. ../main/dist dist 6 400 3)
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const [days, perDay, pairs] = [Number(process.argv[4] ?? 6), Number(process.argv[5] ?? 400), Number(process.argv[6] ?? 3)];
const { Platform, canonicalBytes, proposeAct } = await import(`${newDist}/src/platform/platform.js`);
const { BANKS, payment, setupScheme, TestClock } = await import(`${newDist}/test/support/platform.js`);
const { signingCentralBanks, threeMemberScheme } = await import(`${newDist}/test/support/governance.js`);
const whatIf = {
  old: (await import(`${oldDist}/src/platform/governance_whatif.js`)).schemeWhatIf,
  new: (await import(`${newDist}/src/platform/governance_whatif.js`)).schemeWhatIf,
};

const dir = mkdtempSync(join(tmpdir(), 'sco-settle-whatif-ab-'));
const url = `sqlite:${join(dir, 'p.db')}`;
const clock = new TestClock();
let p = await Platform.open(url, { clock: clock.read, snapshot_min_events: 0 });
await setupScheme(p);
const keys = await signingCentralBanks(p);
await p.run({ type: 'scheme_init', document: threeMemberScheme() }, 'operator');
const date = (d) => new Date(Date.UTC(2025, 8, 1 + d)).toISOString().slice(0, 10);
for (let d = 0; d < days; d++) {
  if (d > 0) {
    clock.now_ns = BigInt(Date.parse(`${date(d)}T06:00:00Z`)) * 1_000_000n;
    await p.run({ type: 'open_day', date: date(d) }, 'operator');
  }
  await p.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '5000.00' });
  for (let b = 0; b < perDay; b += 100) {
    const batch = [];
    for (let i = b; i < Math.min(perDay, b + 100); i++) batch.push(payment(BANKS[i % 2], BANKS[(i + 1) % 2], 'CNY', `${100 + (i % 50)}.00`));
    await p.run({ type: 'submit_payments', payments: batch });
    await p.run({ type: 'run_lsm', currency: 'CNY' }, 'operator');
  }
  await p.run({ type: 'close_day' }, 'operator');
  if (d === 0) {
    await p.close();
    p = await Platform.open(url, { clock: clock.read, snapshot_min_events: 1_000_000_000 });
  }
}
const body = {
  title: 'q',
  rationale: 'ab',
  changes: [{ op: 'replace', path: '/lsm/interval_minutes', value: 5 }],
  window_s: 86_400,
  effective: 'next_business_day',
};
const { id } = await p.run(
  { type: 'scheme_propose', ...body, signature: sign(null, canonicalBytes(proposeAct({ by: 'cn', ...body })), keys.cn).toString('base64') },
  'cn',
);
const { store, state } = Platform.internals(p);
const day = date(days - 1);
const out = { old: [], new: [] };
let text = null;
for (let k = 0; k < pairs; k++)
  for (const side of k % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
    const t0 = performance.now();
    const r = JSON.stringify(await whatIf[side](store, state, id, day));
    out[side].push(Math.round(performance.now() - t0));
    if (text !== null && r !== text) throw new Error(`${side}: a different report`);
    text = r;
  }
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  JSON.stringify({
    days,
    payments_a_day: perDay,
    journal_entries: p.journalHead().seq,
    old_ms: out.old,
    new_ms: out.new,
    ratio_old_over_new: +(median(out.old) / median(out.new)).toFixed(2),
    identical: true,
  }),
);
await p.close();
rmSync(dir, { recursive: true, force: true });

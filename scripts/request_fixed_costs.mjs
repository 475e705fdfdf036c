// Per-request fixed costs the API's single-payment path pays, old build against
// new in one process, alternating: the output digest of a real one-payment
// submission (jsonDigest), its journal entry (buildCommandEntry: checksum and
// chain link), the API key's sha256 (Hash object against one-shot), and the
// account ids trySettle names (accountId). Prints ns per call, medians of ROUNDS.
//   node scripts/request_fixed_costs.mjs OLD_DIST NEW_DIST [ROUNDS=7]
import { createHash, hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldArg, newArg, roundsArg] = process.argv.slice(2);
if (oldArg === undefined || newArg === undefined) {
  process.stderr.write('usage: node scripts/request_fixed_costs.mjs OLD_DIST NEW_DIST [ROUNDS]\n');
  process.exit(2);
}
const from = (dist, p) => import(pathToFileURL(join(resolve(dist), p)).href);
const builds = {};
for (const [name, dist] of [
  ['old', oldArg],
  ['new', newArg],
]) {
  builds[name] = {
    command: await from(dist, 'src/journal/command.js'),
    entry: await from(dist, 'src/journal/entry.js'),
    accounts: await from(dist, 'src/clearing/accounts.js'),
  };
}
const { paymentBody, seedApiBench } = await from(newArg, 'src/bench/api_bench.js');
const { Platform } = await from(newArg, 'src/platform/platform.js');

// A real one-payment submission's output, as the state machine digests it.
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-fixed-costs-'));
const url = `sqlite:${join(dir, 'b.db')}`;
const token = await seedApiBench(url);
const platform = await Platform.open(url);
const output = await platform.execute({ type: 'submit_payments', payments: [JSON.parse(paymentBody(1, new Date().toISOString().slice(0, 10)))] }, 'bench');
await platform.close();
rmSync(dir, { recursive: true, force: true });
const commandBytes = Buffer.alloc(420, 0x61);
const digest = Buffer.alloc(32, 7);
const prev = Buffer.alloc(32, 9);

const cases = {
  jsonDigest: (b) => b.command.jsonDigest(output),
  buildCommandEntry: (b) => b.entry.buildCommandEntry(1234, 1_700_000_000_000_000_000n, commandBytes, digest, 12, prev),
  accountId: (b) => b.accounts.accountId(17, 156, 1),
};
const keyDigest = {
  old: () => createHash('sha256').update(token).digest(),
  new: () => hash('sha256', token, 'buffer'),
};
const N = 20_000;
const time = (fn) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  return Number(process.hrtime.bigint() - t) / N;
};
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rounds = Number(roundsArg ?? 7);
const out = {};
for (const [name, f] of Object.entries(cases)) {
  const r = { old: [], new: [] };
  for (let i = 0; i < rounds; i++) for (const b of i % 2 === 0 ? ['old', 'new'] : ['new', 'old']) r[b].push(time(() => f(builds[b])));
  out[name] = { old_ns: Math.round(median(r.old)), new_ns: Math.round(median(r.new)) };
}
const r = { old: [], new: [] };
for (let i = 0; i < rounds; i++) for (const b of i % 2 === 0 ? ['old', 'new'] : ['new', 'old']) r[b].push(time(keyDigest[b]));
out.api_key_sha256 = { old_ns: Math.round(median(r.old)), new_ns: Math.round(median(r.new)) };
process.stdout.write(`${JSON.stringify(out)}\n`);

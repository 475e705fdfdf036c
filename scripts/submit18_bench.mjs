// Component benchmarks of per-payment costs of submitting payments on the demo
// day's main thread (issue #18), two builds alternating in one process:
//
//   node scripts/submit18_bench.mjs STORE.db ROOT_A ROOT_B [ROUNDS=7]
//
// STORE.db: a demo store (`sco-settle demo --exit --seed 3 --payments 20000 --file STORE.db`);
// its journaled submit_payments commands are the input. Per build and round:
//   check   checkInstruction of every journaled payment (rules 14, a scheme view of its banks);
//   decode  decodeCommand of every journaled submit_payments command (payments and screening outcomes);
//   digest  jsonDigest of a submit command's output shaped as the platform writes it
//           (a result and a change per payment, chunked as outputs of 1,000 payments are);
// CPU ms (user + sys) of each loop, and checksums that must agree between the builds.
// A figure, never a test.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const [store, ...rest] = process.argv.slice(2);
const rounds = rest.length > 2 && /^\d+$/.test(rest.at(-1)) ? Number(rest.pop()) : 7;
if (store === undefined || rest.length === 0) {
  process.stderr.write('usage: node scripts/submit18_bench.mjs STORE.db ROOT_A [ROOT_B] [ROUNDS]\n');
  process.exit(2);
}
const Database = createRequire(import.meta.url)('better-sqlite3');
const db = new Database(store, { readonly: true });
const commands = [];
for (const r of db.prepare('SELECT body FROM journal ORDER BY seq').iterate()) {
  const text = r.body.toString('utf8');
  if (text.startsWith('{"type":"submit_payments"')) commands.push(JSON.parse(text));
}
db.close();
const raws = commands.flatMap((c) => c.payments);
const builds = await Promise.all(
  rest.map(async (root) => ({
    root,
    ins: await import(`${root}/dist/src/platform/instruction.js`),
    cmd: await import(`${root}/dist/src/journal/command.js`),
    decode: (await import(`${root}/dist/src/platform/commands.js`)).decodeCommand,
  })),
);

const currencies = new Set();
for (const r of raws) currencies.add(r.currency).add(r.payee_currency ?? r.currency);
const parts = new Map();
for (const r of raws) for (const id of [r.payer, r.payee]) parts.set(id, { id, suspended: false, currencies: [...currencies] });
const date = raws[0].value_date;
const scheme = { participant: (id) => parts.get(id), currencyActive: () => true, business_date: date };
const rules = { rules_version: 14, now_ns: 0n, day: { date, state: 'open' }, calendars: new Map() };

// An output like a 1,000-payment submit's: its results and each payment's change events.
const outputs = [];
for (let i = 0; i < raws.length; i += 1000) {
  const part = raws.slice(i, i + 1000);
  outputs.push({
    ok: true,
    result: { payments: part.map((p) => ({ uetr: p.uetr, state: 'settled' })) },
    changes: part.flatMap((p) => [
      { uetr: p.uetr, state: 'validated', at_ns: '1756454400000000000', payer: p.payer, payee: p.payee, currency: p.currency, amount: p.amount },
      { uetr: p.uetr, state: 'settled', at_ns: '1756454400000000000', payer: p.payer, payee: p.payee, currency: p.currency, amount: p.amount },
    ]),
  });
}

const cpuMs = (t0) => {
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
};
const bigints = (_k, v) => (typeof v === 'bigint' ? `${v}n` : v);
const figures = builds.map(() => ({ check: [], decode: [], digest: [] }));
const sums = builds.map(() => ({ check: createHash('sha256'), decode: createHash('sha256'), digest: createHash('sha256') }));
for (let round = 0; round < rounds; round++) {
  builds.forEach((b, j) => {
    let t0 = process.cpuUsage();
    const answers = [];
    for (let i = 0; i < raws.length; i++) answers.push(b.ins.checkInstruction(raws[i], scheme, `payments[${i % 1000}]`, rules));
    figures[j].check.push(cpuMs(t0));
    t0 = process.cpuUsage();
    const decoded = commands.map((c) => b.decode(c));
    figures[j].decode.push(cpuMs(t0));
    t0 = process.cpuUsage();
    const digests = outputs.map((o) => b.cmd.jsonDigest(o));
    figures[j].digest.push(cpuMs(t0));
    if (round === 0) {
      sums[j].check.update(JSON.stringify(answers, bigints));
      sums[j].decode.update(JSON.stringify(decoded));
      for (const d of digests) sums[j].digest.update(d);
    }
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(`${raws.length} payments in ${commands.length} commands, ${outputs.length} outputs, ${rounds} rounds\n`);
builds.forEach((b, j) => {
  const f = figures[j];
  const show = (name) => `${name} ${f[name].map((x) => x.toFixed(0)).join(' ')} (median ${median(f[name]).toFixed(0)}) ms`;
  const sum = (name) => sums[j][name].digest('hex').slice(0, 16);
  process.stdout.write(`${b.root}: ${show('check')}; ${show('decode')}; ${show('digest')}; checksums ${sum('check')} ${sum('decode')} ${sum('digest')}\n`);
});

// The payment book's archive, two builds side by side in one process (#15): the payments
// a follower of SRC_DB (written by scripts/follower_apply_cpu.mjs) holds at the end, copied,
// then per round each build's PaymentBook asks `has`, `set`s them 10 at a time (as one
// submit_payments entry) and `compact`s after each 10 (every one finished: they are archived
// 256 later, as on an engine). Builds alternate which goes first each round. Prints the CPU
// per 1,000 payments per round (the first rounds are the JIT's warm-up) and new / base per
// round. No state digest: the book's answers are the payment book tests' business.
//   node scripts/payment_archive_ab.mjs BASE_DIST NEW_DIST SRC_DB [ROUNDS=12]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readWholeJournal } from './read_journal.mjs';
const [a, b, srcDb, roundsArg = '12'] = process.argv.slice(2);
const imp = (d, p) => import(pathToFileURL(join(resolve(d), p)).href);
const { PlatformStateMachine } = await imp(a, 'src/platform/state_machine.js');
const { DurableLedger } = await imp(a, 'src/journal/durable_ledger.js');
const { openStore } = await imp(a, 'src/store/open.js');
const entries = await readWholeJournal(openStore, srcDb);
const dir = mkdtempSync(join(tmpdir(), 'archive-ab-'));
const store = await openStore(`sqlite:${join(dir, 'f.db')}`);
const executor = new PlatformStateMachine();
const f = await DurableLedger.open(store, { clock: () => 0n, executor, follower: true });
await f.applyFollowed(entries.map((entry) => ({ entry, state_digest: null })));
const payments = [...executor.payments.values()].map((p) => structuredClone(p));
await f.close();
rmSync(dir, { recursive: true, force: true });
console.log(`${payments.length} payments`);
const books = [await imp(a, 'src/platform/payment_book.js'), await imp(b, 'src/platform/payment_book.js')];
const run = (mod) => {
  const book = new mod.PaymentBook(() => false);
  const c0 = process.cpuUsage();
  for (let i = 0; i < payments.length; i += 10) {
    for (let k = i; k < i + 10 && k < payments.length; k++) {
      const p = { ...payments[k] };
      if (book.has(p.instruction.uetr)) throw new Error('dup');
      book.set(p.instruction.uetr, p);
    }
    book.compact();
  }
  const c = process.cpuUsage(c0);
  return { ms: ((c.user + c.system) / 1000 / payments.length) * 1000, archived: book.archived };
};
const res = [[], []];
for (let r = 0; r < Number(roundsArg); r++) {
  const order = r % 2 === 0 ? [0, 1] : [1, 0];
  for (const j of order) res[j].push(run(books[j]).ms);
}
// Medians over the rounds after the first three (the JIT's warm-up).
const med = (x) => [...x.slice(3)].sort((p, q) => p - q)[Math.floor((x.length - 3) / 2)];
console.log('base', res[0].map((x) => x.toFixed(1)).join(' '), 'median', med(res[0]).toFixed(1));
console.log('new', res[1].map((x) => x.toFixed(1)).join(' '), 'median', med(res[1]).toFixed(1));
const ratios = res[1].map((x, i) => x / res[0][i]);
console.log('new / base per round', ratios.map((x) => x.toFixed(2)).join(' '), 'median', med(ratios).toFixed(2));

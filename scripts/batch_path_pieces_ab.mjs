// The batch path's pieces this branch changed, old build against new in one
// process (issue #18): readAmount on the bench's and other amounts, the UETR check
// (UETR_V4, or a build's isUetrV4 where it has one: a char-code test tried on this
// branch, slower than the expression, and withdrawn), a
// PaymentBook lookup of a UETR it does not hold (every submission makes one)
// in a book of 200,000 archived payments, and what the API no longer writes for a
// 1,000-payment batch's answer (JSON.stringify of its results). Rounds alternate
// the builds, the order swapped each round; prints median CPU ns per operation.
//   node scripts/batch_path_pieces_ab.mjs OLD_DIST NEW_DIST [ROUNDS=9]
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldArg, newArg, roundsArg] = process.argv.slice(2);
if (oldArg === undefined || newArg === undefined) {
  process.stderr.write('usage: node scripts/batch_path_pieces_ab.mjs OLD_DIST NEW_DIST [ROUNDS]\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 9);
const load = async (d) => ({
  amounts: await import(pathToFileURL(join(resolve(d), 'src/platform/amounts.js')).href),
  instruction: await import(pathToFileURL(join(resolve(d), 'src/platform/instruction.js')).href),
  book: await import(pathToFileURL(join(resolve(d), 'src/platform/payment_book.js')).href),
});
const builds = { old: await load(oldArg), new: await load(newArg) };

const amounts = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? '0.01' : `${1 + (i % 997)}.${String(i % 100).padStart(2, '0')}`));
const uetrs = Array.from({ length: 1000 }, () => randomUUID());
/** A book of `n` archived payments (settled, as the batch path leaves them). */
function bookOf(PaymentBook, n) {
  const b = new PaymentBook(() => false);
  for (let i = 0; i < n; i++) {
    const u = randomUUID();
    b.has(u);
    b.set(u, {
      instruction: {
        uetr: u,
        end_to_end_id: `B${i}`,
        payer: 'BKAACNBJ',
        payee: 'BKABCNBJ',
        currency: 'CNY',
        amount_minor: 1n,
        payee_currency: 'CNY',
        value_date: '2026-12-06',
        priority: 'normal',
        settlement: 'rtgs',
      },
      seq: i,
      state: 'settled',
      history: [{ state: 'received', at_ns: 1n }],
      window_id: null,
      fx: null,
      transfer_ids: [BigInt(i + 1)],
      settled_at_ns: 1n,
      case_id: null,
      submitted_by: 'bench',
    });
    if (i % 1000 === 999) b.compact();
  }
  b.compact();
  return b;
}
const books = { old: bookOf(builds.old.book.PaymentBook, 200_000), new: bookOf(builds.new.book.PaymentBook, 200_000) };
const fresh = Array.from({ length: 20_000 }, () => randomUUID());
const results = { payments: uetrs.map((u) => ({ uetr: u, state: 'settled' })) };

const pieces = {
  readAmount: (b) => {
    let n = 0n;
    for (const a of amounts) {
      const r = b.amounts.readAmount(a, 2, 'CNY');
      if (r.ok) n += r.minor;
    }
    return [amounts.length, n];
  },
  uetrCheck: (b) => {
    let n = 0;
    const f = b.instruction.isUetrV4 ?? ((s) => b.instruction.UETR_V4.test(s));
    for (const u of uetrs) if (f(u)) n++;
    return [uetrs.length, n];
  },
  bookMiss: (_b, name) => {
    let n = 0;
    for (const u of fresh) if (books[name].has(u)) n++;
    return [fresh.length, n];
  },
};
const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
const out = {};
for (const [piece, f] of Object.entries(pieces)) {
  const times = { old: [], new: [] };
  for (let r = 0; r < rounds + 2; r++) {
    for (const name of r % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
      const t0 = cpuNs();
      let ops = 0;
      for (let k = 0; k < 50; k++) ops += f(builds[name], name)[0];
      if (r >= 2) times[name].push((cpuNs() - t0) / ops);
    }
  }
  const med = (x) => x.slice().sort((p, q) => p - q)[x.length >> 1];
  out[piece] = { old_ns: Math.round(med(times.old)), new_ns: Math.round(med(times.new)) };
}
{
  // What the API no longer writes per batch: JSON.stringify of the 1,000 results.
  const t = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuNs();
    for (let k = 0; k < 50; k++) JSON.stringify(results);
    t.push((cpuNs() - t0) / 50 / 1000);
  }
  out.answerStringify = { ns_per_payment: Math.round(t.sort((p, q) => p - q)[t.length >> 1]) };
}
process.stdout.write(`${JSON.stringify(out)}\n`);

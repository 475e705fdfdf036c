// How long the payment book holds a command at its worst: N payments set and
// finished one per command (set, then compact, as the state machine does after
// each command), each command timed, in a PaymentBook that archives, spills and
// freezes with its defaults. Prints the total, the commands over 1 ms and 10 ms,
// and the longest. Compare two builds by running it on each, alternating
// (docs/benchmarks.md, issue #18).
//
//   node scripts/payment_book_stalls.mjs DIST [N=400000]

const [dist, nArg] = process.argv.slice(2);
if (dist === undefined) {
  process.stderr.write('usage: node scripts/payment_book_stalls.mjs DIST [N]\n');
  process.exit(2);
}
const root = new URL(`${dist.startsWith('/') ? '' : `${process.cwd()}/`}${dist}/`, 'file:///');
const { PaymentBook } = await import(new URL('src/platform/payment_book.js', root).href);
const n = Number(nArg ?? 400_000);
const PARTIES = ['BKAACNBJ', 'BKBBRUMM', 'BKCCKZKA', 'LPFXCNBJ'];

/** The fields the book reads of a payment, for UETR number k. */
function paymentOf(k) {
  const h = (k * 0x9e3779b1) >>> 0;
  return {
    instruction: {
      uetr: `${h.toString(16).padStart(8, '0')}-0000-4000-8000-${k.toString(16).padStart(12, '0')}`,
      payer: PARTIES[k % 4],
      payee: PARTIES[(k + 1) % 4],
      end_to_end_id: `e2e-${k}`,
      amount_minor: String(1000 + k),
    },
    state: 'settled',
    fx: null,
  };
}

const book = new PaymentBook(() => false);
const slow = [];
const started = performance.now();
for (let k = 0; k < n; k++) {
  const p = paymentOf(k);
  const at = performance.now();
  book.set(p.instruction.uetr, p);
  book.compact();
  const ms = performance.now() - at;
  if (ms > 1) slow.push(ms);
}
const total_ms = performance.now() - started;
for (let k = 0; k < n; k += 997) if (book.get(paymentOf(k).instruction.uetr) === undefined) throw new Error(`payment ${k} not found`);
slow.sort((a, b) => b - a);
process.stdout.write(
  `${JSON.stringify({
    dist,
    commands: n,
    total_ms: Math.round(total_ms),
    over_1ms: slow.length,
    over_10ms: slow.filter((ms) => ms > 10).length,
    longest_ms: slow.slice(0, 5).map((ms) => Math.round(ms * 10) / 10),
    frozen: book.frozenPositions,
  })}\n`,
);
book.close();

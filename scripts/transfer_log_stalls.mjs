// How long the transfer log holds an append at its worst: N transfers with
// random ids appended to a TransferLog that spills and freezes as the durable
// ledger's does (journal/ledger_spill.ts), each append timed. Prints the total,
// the number of appends over 1 ms and 10 ms, and the longest ones. Compare two
// builds by running it on each, alternating (docs/benchmarks.md, issue #18).
//
//   node scripts/transfer_log_stalls.mjs DIST [N=3000000] [SEED=1]

const [dist, nArg, seedArg] = process.argv.slice(2);
if (dist === undefined) {
  process.stderr.write('usage: node scripts/transfer_log_stalls.mjs DIST [N] [SEED]\n');
  process.exit(2);
}
const root = new URL(`${dist.startsWith('/') ? '' : `${process.cwd()}/`}${dist}/`, 'file:///');
const { TransferLog } = await import(new URL('src/ledger/transfer_log.js', root).href);
const { ledgerSpill } = await import(new URL('src/journal/ledger_spill.js', root).href);
const n = Number(nArg ?? 3_000_000);
const log = new TransferLog(ledgerSpill());
let x = BigInt(seedArg ?? 1) * 0x9e3779b97f4a7c15n;
const slow = [];
const started = performance.now();
for (let i = 0; i < n; i++) {
  x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
  const id = (x << 32n) | BigInt(i);
  const at = performance.now();
  const slot = log.find(id);
  log.appendAt(slot, id, 1n, 2n, 5n, 0n, 0n, 0n, 0, 0, 1, 1, 0, BigInt(i + 1));
  const ms = performance.now() - at;
  if (ms > 1) slow.push(ms);
}
const total_ms = performance.now() - started;
slow.sort((a, b) => b - a);
const over10 = slow.filter((ms) => ms > 10).length;
process.stdout.write(
  `${JSON.stringify({
    dist,
    appends: n,
    total_ms: Math.round(total_ms),
    over_1ms: slow.length,
    over_10ms: over10,
    longest_ms: slow.slice(0, 5).map((ms) => Math.round(ms * 10) / 10),
    frozen: log.frozenRecords,
  })}\n`,
);
log.close();

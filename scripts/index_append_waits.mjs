// How long journal appends wait behind query index writes on the SQLite commit
// worker, for a build's store alone (no ledger, no HTTP): a store with its commit
// worker; ROUNDS times, an index write of ENTRIES journal entries of TRANSFERS
// transfers each (two balance rows a transfer: the shape of `bench api`'s backlog
// steps, two 1,000-payment entries), and while it runs one single-entry append
// every 2 ms, each awaited before the next (a paced single-payment stream's group
// commits). Prints one JSON line: the appends' round trips (p50, p99, max ms), how
// many there were, and the index writes' round trips (p50, max ms). A build whose
// worker lets appends run between an index write's entries answers them after at
// most one entry's rows; one that writes the batch whole, after the rest of it.
// Alternate two builds (old, new, old, new, ...) and compare medians.
//   node scripts/index_append_waits.mjs DIST [ROUNDS=12] [ENTRIES=2] [TRANSFERS=1000]

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, roundsArg = '12', entriesArg = '2', transfersArg = '1000'] = process.argv.slice(2);
if (distArg === undefined) {
  process.stderr.write('usage: node scripts/index_append_waits.mjs DIST [ROUNDS] [ENTRIES] [TRANSFERS]\n');
  process.exit(2);
}
const dist = resolve(distArg);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { SqliteStore } = await load('src/store/sqlite.js');
const { emptyAccount, emptyTransfer } = await load('src/ledger/types.js');
const [rounds, entries, perEntry] = [roundsArg, entriesArg, transfersArg].map(Number);

let seq = 0;
let ts = 1_000n;
const journalEntry = () => ({
  seq: ++seq,
  op: 2,
  clock_ns: 1_700_000_000_000_000_000n + BigInt(seq),
  count: 1,
  body: randomBytes(300),
  results: Buffer.alloc(0),
  checksum: randomBytes(32),
  prev_hash: randomBytes(32),
  hash: randomBytes(32),
});

/** An index batch of `entries` entries ending at journal position `through`. */
function batch(through) {
  const transfers = [];
  const balances = [];
  const parts = [];
  for (let k = 0; k < entries; k++) {
    for (let i = 0; i < perEntry; i++) {
      ts++;
      const t = emptyTransfer(BigInt(`0x${randomBytes(16).toString('hex')}`));
      t.debit_account_id = BigInt(1 + (i % 20));
      t.credit_account_id = BigInt(1 + ((i + 7) % 20));
      t.amount = 1n;
      t.timestamp = ts;
      transfers.push(t);
      for (const id of [t.debit_account_id, t.credit_account_id])
        balances.push({ account_id: id, balance: { debits_pending: 0n, debits_posted: ts, credits_pending: 0n, credits_posted: 1n, timestamp: ts } });
    }
    parts.push({ seq: through - entries + 1 + k, transfers: perEntry, balances: 2 * perEntry });
  }
  const accounts = Array.from({ length: 20 }, (_, i) => emptyAccount(BigInt(i + 1), 156, 1));
  return { through_seq: through, accounts, transfers, balances, parts };
}

const q = (x, f) => {
  const s = [...x].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(f * s.length))] * 10) / 10;
};
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-index-waits-'));
const store = new SqliteStore(join(dir, 'ledger.db'));
try {
  await store.acquireWriter();
  const waits = [];
  const writes = [];
  for (let r = 0; r < rounds; r++) {
    // The journal holds the entries the batch indexes.
    for (let k = 0; k < entries; k++) await store.appendJournal([journalEntry()]);
    const b = batch(seq);
    const t0 = performance.now();
    await store.applyIndex(b);
    let indexed = false;
    const done = store.indexPosition().then(() => {
      writes.push(performance.now() - t0);
      indexed = true;
    });
    while (!indexed) {
      const a0 = performance.now();
      await store.appendJournal([journalEntry()]);
      waits.push(performance.now() - a0);
      await new Promise((res) => setTimeout(res, 2));
    }
    await done;
  }
  process.stdout.write(
    `${JSON.stringify({
      dist: distArg,
      appends: waits.length,
      append_ms: { p50: q(waits, 0.5), p99: q(waits, 0.99), max: q(waits, 1) },
      index_write_ms: { p50: q(writes, 0.5), max: q(writes, 1) },
      load: Number((await import('node:fs')).readFileSync('/proc/loadavg', 'latin1').split(' ')[0]),
    })}\n`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

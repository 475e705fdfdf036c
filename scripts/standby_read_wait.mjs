// How long the first query on a standby just made active waits for its deferred
// query index (#15): a writer on a memory store books EVENTS transfers (10 a batch,
// 1,000 accounts with balance history), a standby on SQLite follows its journal with
// the deferred index (FollowerIndexing 'deferred', nothing written while it follows:
// the whole backlog is behind), becomes active, and one lookup is timed: it indexes
// the backlog first (readyForQuery), then answers. Prints the backlog and the wait.
//
//   node scripts/standby_read_wait.mjs [DIST=dist] [EVENTS=32768]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist = 'dist', eventsArg = '32768'] = process.argv.slice(2);
const EVENTS = Number(eventsArg);
const ACCOUNTS = 1_000;
const imp = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { DurableLedger } = await imp('src/journal/durable_ledger.js');
const { openStore } = await imp('src/store/open.js');
const { AccountFlags, emptyAccount, emptyTransfer } = await imp('src/ledger/types.js');

const dir = mkdtempSync(join(tmpdir(), 'standby-read-wait-'));
try {
  let now = 1n;
  const writer = await DurableLedger.open(await openStore('memory:'), { clock: () => (now += 1_000n) });
  await writer.createAccounts(Array.from({ length: ACCOUNTS }, (_, i) => emptyAccount(BigInt(i + 1), 156, 1, AccountFlags.history)));
  let id = 1n;
  for (let n = 0; n < EVENTS; n += 10) {
    const batch = [];
    for (let k = 0; k < 10; k++) {
      const debit = Number(id % BigInt(ACCOUNTS));
      const credit = (debit * 7 + 3) % ACCOUNTS === debit ? (debit + 1) % ACCOUNTS : (debit * 7 + 3) % ACCOUNTS;
      batch.push({ ...emptyTransfer(id++), debit_account_id: BigInt(debit + 1), credit_account_id: BigInt(credit + 1), amount: 5n, ledger: 156, code: 1 });
    }
    await writer.createTransfers(batch);
  }
  const entries = await writer.store.readJournal(0, 1e6);
  await writer.close();
  const standby = await DurableLedger.open(await openStore(`sqlite:${join(dir, 'standby.db')}`), { clock: () => now, follower: true });
  standby.setFollowerIndexing('deferred');
  for (let i = 0; i < entries.length; i += 32) await standby.applyFollowed(entries.slice(i, i + 32).map((entry) => ({ entry, state_digest: null })));
  await standby.activate();
  const backlog = standby.backlogSize;
  const t0 = performance.now();
  await standby.lookupAccounts([1n]);
  const waited_ms = Math.round(performance.now() - t0);
  console.log(JSON.stringify({ backlog_entries: backlog.batches, backlog_events: backlog.events, first_read_waited_ms: waited_ms }));
  await standby.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

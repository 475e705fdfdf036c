// A loader process for the crash test: recovers the ledger from the store named
// on the command line, then creates transfers in batches forever, printing
// "ack <first-id> <last-id>" only after each batch's promise resolves (i.e. once
// it is durable). The parent kills it with SIGKILL at random moments.

import { DurableLedger, wallClock } from '../../src/journal/durable_ledger.js';
import { emptyAccount, emptyTransfer, RESULT_CODES, type Transfer } from '../../src/ledger/types.js';
import { openStore } from '../../src/store/open.js';

const ACCOUNTS = 20;
const BATCH = 64;
/** A pause between batches keeps the journal small, so 20 restarts and verifies stay quick. */
const PAUSE_MS = 2;

const url = process.argv[2];
if (url === undefined) throw new Error('usage: crash_child STORE_URL');
const ledger = await DurableLedger.open(await openStore(url), { clock: wallClock() });
if (ledger.state.accounts.size === 0) {
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => emptyAccount(BigInt(i + 1), 156, 1));
  await ledger.createAccounts(accounts);
}
let next = BigInt(ledger.state.transferCount + 1);
process.stdout.write(`ready ${next}\n`);
let seed = Number(next % 9973n) + 1;
const rand = (n: number): number => {
  seed = (seed * 48271) % 2147483647;
  return seed % n;
};
const inFlight: Promise<void>[] = [];
for (;;) {
  const batch: Transfer[] = [];
  for (let i = 0; i < BATCH; i++) {
    const dr = rand(ACCOUNTS);
    const cr = (dr + 1 + rand(ACCOUNTS - 1)) % ACCOUNTS;
    const t = emptyTransfer(next++);
    t.debit_account_id = BigInt(dr + 1);
    t.credit_account_id = BigInt(cr + 1);
    t.amount = BigInt(1 + rand(1000));
    t.ledger = 156;
    t.code = 1;
    batch.push(t);
  }
  const first = batch[0]!.id;
  const last = batch[batch.length - 1]!.id;
  // Two batches in flight, so that kills also land inside group commits.
  inFlight.push(
    ledger.createTransfers(batch).then((results) => {
      for (const r of results) if (r !== 0) throw new Error(`unexpected result ${RESULT_CODES[r]}`);
      process.stdout.write(`ack ${first} ${last}\n`);
    }),
  );
  if (inFlight.length >= 2) await inFlight.shift();
  await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
}

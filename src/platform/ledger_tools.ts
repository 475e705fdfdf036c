// Raw ledger work on a store, for `sco-settle ledger …`: create accounts and
// transfers directly (TigerBeetle semantics, no platform rules), look them up,
// list an account's transfers and balance history, write a snapshot. The ledger
// is opened with the platform's state machine as its command executor, so a
// store that also holds platform commands replays them as it opens.
//
// The JSON codecs of ledger/json.ts, the flags, result codes and limits the CLI
// needs are re-exported here (from ./ledger_codecs.ts, which shells that need only
// them import without loading the state machine): the door to them for the shells.

import { DurableLedger, wallClock } from '../journal/durable_ledger.js';
import type { Account, AccountBalance, Transfer } from '../ledger/types.js';
import { openStore } from '../store/open.js';
import type { AccountFilter } from '../store/types.js';
import { PlatformStateMachine } from './state_machine.js';

export * from './ledger_codecs.js';
export type { AccountFilter } from '../store/types.js';

/** A store's durable ledger, opened for raw ledger commands and queries. */
export class LedgerTools {
  private constructor(private readonly ledger: DurableLedger) {}

  /** Opens the store at `url` and replays it; the caller must close(). */
  static async open(url: string, onProgress?: (message: string) => void): Promise<LedgerTools> {
    const store = await openStore(url);
    try {
      const opts = { clock: wallClock(), executor: new PlatformStateMachine(), ...(onProgress === undefined ? {} : { onProgress }) };
      return new LedgerTools(await DurableLedger.open(store, opts));
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** One result number per event (see RESULT_CODES), once the batch is durable. */
  createAccounts(batch: readonly Account[]): Promise<Uint8Array> {
    return this.ledger.createAccounts(batch);
  }

  createTransfers(batch: readonly Transfer[]): Promise<Uint8Array> {
    return this.ledger.createTransfers(batch);
  }

  lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    return this.ledger.lookupAccounts(ids);
  }

  lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    return this.ledger.lookupTransfers(ids);
  }

  accountTransfers(filter: AccountFilter): Promise<Transfer[]> {
    return this.ledger.accountTransfers(filter);
  }

  accountBalances(filter: AccountFilter): Promise<AccountBalance[]> {
    return this.ledger.accountBalances(filter);
  }

  snapshot(): Promise<void> {
    return this.ledger.snapshot();
  }

  /** The last journal entry written. */
  get journal_seq(): number {
    return this.ledger.journal_seq;
  }

  close(): Promise<void> {
    return this.ledger.close();
  }
}

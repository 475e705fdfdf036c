// The in-memory store: the same contract as the durable stores with nothing on
// disk. Used for the in-memory benchmark and as the fastest backend in tests.

import type { Account, AccountBalance, Transfer } from '../ledger/types.js';
import { StoreError, type AccountFilter, type IndexBatch, type JournalEntry, type RecordedHead, type Snapshot, type Store } from './types.js';
import { STORE_FORMAT_CURRENT } from './format.js';
import { selectByFilter } from './filter.js';

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly display = 'memory:';
  private journal: JournalEntry[] = [];
  private snapshot: Snapshot | null = null;
  private indexSeq = 0;
  private readonly accounts = new Map<bigint, Account>();
  private readonly transfers = new Map<bigint, Transfer>();
  private readonly byAccount = new Map<bigint, Transfer[]>();
  private readonly history = new Map<bigint, AccountBalance[]>();

  async acquireWriter(): Promise<void> {}

  async appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    for (const [i, e] of entries.entries()) {
      if (e.seq !== this.journal.length + 1 + i) {
        throw new StoreError('journal_conflict', `journal entry ${e.seq} does not follow ${this.journal.length + i}`);
      }
    }
    this.journal.push(...entries);
  }

  async readJournal(after_seq: number, limit: number): Promise<JournalEntry[]> {
    return this.journal.slice(after_seq, after_seq + limit);
  }

  async journalHead(): Promise<{ seq: number; hash: Buffer } | null> {
    const last = this.journal[this.journal.length - 1];
    return last === undefined ? null : { seq: last.seq, hash: last.hash };
  }

  /** Nothing outside the process can cut this journal: the head recorded is its end. */
  async recordedHead(): Promise<RecordedHead> {
    const head = await this.journalHead();
    return { state: 'recorded', where: 'memory:', seq: head?.seq ?? 0, hash: head?.hash ?? Buffer.alloc(32), since_seq: 0, notes: [] };
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.snapshot = snapshot;
  }

  async loadSnapshot(): Promise<Snapshot | null> {
    return this.snapshot;
  }

  async indexPosition(): Promise<number> {
    return this.indexSeq;
  }

  async applyIndex(batch: IndexBatch): Promise<void> {
    for (const a of batch.accounts) this.accounts.set(a.id, { ...a });
    for (const t of batch.transfers) {
      this.transfers.set(t.id, t);
      for (const id of [t.debit_account_id, t.credit_account_id]) {
        let list = this.byAccount.get(id);
        if (list === undefined) this.byAccount.set(id, (list = []));
        list.push(t);
      }
    }
    for (const h of batch.balances) {
      let list = this.history.get(h.account_id);
      if (list === undefined) this.history.set(h.account_id, (list = []));
      list.push(h.balance);
    }
    this.indexSeq = batch.through_seq;
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    const out: Account[] = [];
    for (const id of ids) {
      const a = this.accounts.get(id);
      if (a !== undefined) out.push({ ...a });
    }
    return out;
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    const out: Transfer[] = [];
    for (const id of ids) {
      const t = this.transfers.get(id);
      if (t !== undefined) out.push(t);
    }
    return out;
  }

  async accountTransfers(filter: AccountFilter): Promise<Transfer[]> {
    const list = this.byAccount.get(filter.account_id) ?? [];
    const sides = list.filter(
      (t) => (filter.debits && t.debit_account_id === filter.account_id) || (filter.credits && t.credit_account_id === filter.account_id),
    );
    return selectByFilter(sides, filter);
  }

  async accountBalances(filter: AccountFilter): Promise<AccountBalance[]> {
    return selectByFilter(this.history.get(filter.account_id) ?? [], filter);
  }

  async allAccounts(): Promise<Account[]> {
    return [...this.accounts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((a) => ({ ...a }));
  }

  async countTransfers(): Promise<number> {
    return this.transfers.size;
  }

  private readonly documents = new Map<string, Buffer>();

  async putDocument(name: string, body: Buffer): Promise<void> {
    this.documents.set(name, Buffer.from(body));
  }

  async getDocument(name: string): Promise<Buffer | null> {
    const body = this.documents.get(name);
    return body === undefined ? null : Buffer.from(body);
  }

  async listDocuments(prefix: string): Promise<string[]> {
    return [...this.documents.keys()].filter((n) => n.startsWith(prefix)).sort();
  }

  async formatVersion(): Promise<number> {
    return STORE_FORMAT_CURRENT;
  }

  async close(): Promise<void> {}
}

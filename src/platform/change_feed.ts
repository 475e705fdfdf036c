// The change feed: every payment state change, numbered by the journal entry
// whose command made it, so the whole platform has one gap-free sequence (the
// journal's: 1, 2, 3, …; an entry that changed no payment simply has no feed
// entry) that a client resumes from after any disconnect or server restart.
//
// Live entries come from the platform's 'feed' event (the journal sequence of
// the command and its changes) and are kept in a bounded window. Older ones are
// rebuilt from the store: the journal gives each entry's clock reading, and every
// payment history entry (and refusal of an instruction with a UETR) carries the
// clock reading of the command that made it, so the changes of entry N are the
// history entries stamped with entry N's clock. The ledger's clock never repeats
// a reading for two entries (src/journal/durable_ledger.ts wallClock; a test
// clock that stood still would credit every change at that reading to the first
// entry holding it). Within one entry, replayed changes come in payment order.

import { EventEmitter } from 'node:events';
import { isCommand } from '../journal/entry.js';
import { Platform } from './platform.js';
import type { ChangeEvent } from './types.js';

/** One journal entry's payment changes. */
export interface FeedEntry {
  seq: number;
  at_ns: string;
  changes: ChangeEvent[];
}

/** A page of the feed: its entries after the cursor, and how far it looked (the next cursor). */
export interface FeedPage {
  entries: FeedEntry[];
  /** Every entry with changes up to this journal sequence is in `entries` (or before the cursor). */
  next: number;
  /** Whether `next` is the journal's head when the page was read. */
  caught_up: boolean;
}

export const FEED_LIMITS = Object.freeze({
  /** Entries a page returns at most. */
  page_entries_max: 1_000,
  /** Journal entries one page reads from the store at most (entries without changes count). */
  scan_entries_max: 20_000,
  /** Live entries kept in memory; older ones are rebuilt from the store. */
  window_entries_max: 10_000,
});

const feeds = new WeakMap<Platform, ChangeFeed>();

export class ChangeFeed {
  /** 'entry' (FeedEntry) for each live entry, in sequence order. */
  readonly events = new EventEmitter();
  private readonly platform: Platform;
  private readonly window: FeedEntry[] = [];
  /** Every entry after this sequence that changed a payment is in the window. */
  private liveFrom: number;
  private byClock: Map<string, ChangeEvent[]> | null = null;

  /** The feed of a platform (one per platform, made on first use). */
  static of(platform: Platform): ChangeFeed {
    let f = feeds.get(platform);
    if (f === undefined) {
      f = new ChangeFeed(platform);
      feeds.set(platform, f);
    }
    return f;
  }

  private constructor(platform: Platform) {
    this.platform = platform;
    this.liveFrom = platform.journalHead().seq;
    this.events.setMaxListeners(2_000);
    platform.events.on('feed', (e: { seq: number; changes: ChangeEvent[] }) => this.add(e));
  }

  /** The journal sequence of the last durable entry: the feed's head. */
  head(): number {
    return this.platform.journalHead().seq;
  }

  private add(e: { seq: number; changes: ChangeEvent[] }): void {
    if (e.seq <= this.liveFrom || e.changes.length === 0) return;
    const entry: FeedEntry = { seq: e.seq, at_ns: e.changes[0]!.at_ns, changes: e.changes };
    let i = this.window.length;
    while (i > 0 && this.window[i - 1]!.seq > e.seq) i--;
    this.window.splice(i, 0, entry);
    if (this.byClock !== null) for (const c of e.changes) this.indexChange(this.byClock, c);
    if (this.window.length > FEED_LIMITS.window_entries_max) this.liveFrom = this.window.shift()!.seq;
    this.events.emit('entry', entry);
  }

  /** Entries after `after` (a journal sequence), oldest first, at most `limit`. */
  async after(after: number, limit: number = FEED_LIMITS.page_entries_max): Promise<FeedPage> {
    const max = Math.max(1, Math.min(limit, FEED_LIMITS.page_entries_max));
    const head = this.head();
    if (after >= this.liveFrom) return this.fromWindow(after, max, head);
    const entries: FeedEntry[] = [];
    const index = this.clockIndex();
    const used = new Set<string>();
    let cursor = after;
    let scanned = 0;
    const until = Math.min(this.liveFrom, head);
    while (cursor < until && entries.length < max && scanned < FEED_LIMITS.scan_entries_max) {
      const page = await Platform.internals(this.platform).store.readJournal(cursor, Math.min(1_000, until - cursor));
      if (page.length === 0) break;
      for (const j of page) {
        if (j.seq > until || entries.length >= max) break;
        cursor = j.seq;
        scanned++;
        const clock = j.clock_ns.toString();
        const changes = isCommand(j) && !used.has(clock) ? index.get(clock) : undefined;
        if (changes === undefined) continue;
        used.add(clock);
        entries.push({ seq: j.seq, at_ns: clock, changes });
      }
    }
    if (cursor >= this.liveFrom && entries.length < max) {
      const rest = this.fromWindow(cursor, max - entries.length, head);
      return { entries: [...entries, ...rest.entries], next: rest.next, caught_up: rest.caught_up };
    }
    return { entries, next: cursor, caught_up: cursor >= head };
  }

  private fromWindow(after: number, max: number, head: number): FeedPage {
    const entries: FeedEntry[] = [];
    for (const e of this.window) {
      if (e.seq <= after) continue;
      if (entries.length >= max) return { entries, next: entries[entries.length - 1]!.seq, caught_up: false };
      entries.push(e);
    }
    // Not the head: an entry durable but not yet announced joins the window after this page.
    const next = Math.max(after, entries[entries.length - 1]?.seq ?? 0);
    return { entries, next, caught_up: next >= head || entries.length === 0 };
  }

  private indexChange(m: Map<string, ChangeEvent[]>, c: ChangeEvent): void {
    const list = m.get(c.at_ns);
    if (list === undefined) m.set(c.at_ns, [c]);
    else list.push(c);
  }

  /** Payment changes by clock reading, from every payment's history and the refusals with a UETR (built once, when first needed). */
  private clockIndex(): Map<string, ChangeEvent[]> {
    if (this.byClock !== null) return this.byClock;
    const m = new Map<string, ChangeEvent[]>();
    const put = (_at: string, c: ChangeEvent): void => this.indexChange(m, c);
    for (const p of this.platform.everyPayment()) {
      for (const h of p.history) {
        const at = String(h.at_ns);
        const c: ChangeEvent = { uetr: p.instruction.uetr, state: h.state, at_ns: at };
        if (h.reason !== undefined) c.reason = h.reason;
        if (h.detail !== undefined) c.detail = h.detail;
        put(at, c);
      }
    }
    for (const r of this.platform.anonymousRejections()) {
      if (r.uetr !== null) put(String(r.at_ns), { uetr: r.uetr, state: 'rejected', at_ns: String(r.at_ns), reason: r.reason, detail: r.detail });
    }
    this.byClock = m;
    return m;
  }

  /**
   * Delivers every entry after `after`, then each new one as it comes, in
   * sequence order, none twice; `deliver` may return a promise to hold the
   * catch-up until it resolves (a slow client's buffer). stop() ends it.
   */
  follow(after: number, deliver: (e: FeedEntry) => void | Promise<void>): { stop(): void; done: Promise<void> } {
    let last = after;
    let live = false;
    let stopped = false;
    const pending: FeedEntry[] = [];
    const onEntry = (e: FeedEntry): void => {
      if (stopped) return;
      if (!live) pending.push(e);
      else if (e.seq > last) {
        last = e.seq;
        void deliver(e);
      }
    };
    this.events.on('entry', onEntry);
    const stop = (): void => {
      stopped = true;
      this.events.off('entry', onEntry);
    };
    const done = (async () => {
      for (;;) {
        const page = await this.after(last);
        for (const e of page.entries) {
          if (stopped) return;
          await deliver(e);
        }
        last = Math.max(last, page.next);
        if (page.caught_up || stopped) break;
      }
      live = true;
      for (const e of pending.splice(0)) onEntry(e);
    })();
    done.catch(() => stop());
    return { stop, done };
  }
}

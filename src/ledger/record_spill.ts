// What a spill file is to the ledger: a place that holds bytes at positions, read
// back synchronously. The ledger does no I/O itself; its caller gives it one
// (journal/ledger_spill.ts gives a store/spill_file.ts SpillFile).

/** A file (or anything like one) that holds spilled chunks at byte positions; its owner is the caller. */
export interface RecordSpill {
  write(b: Uint8Array, length: number, position: number): void;
  read(b: Uint8Array, length: number, position: number): void;
  /** Bytes written (the highest end of a write). */
  readonly size: number;
  close(): void;
}

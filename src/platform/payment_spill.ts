// The payment book's spill file: full record chunks written out of the process's
// memory and read back synchronously (the page cache keeps recent ones cheap).
// One file per payment book that spills, in SCO_SETTLE_PAYMENT_SPILL_DIR or the
// system's temporary folder, created exclusively (O_EXCL) and readable by its
// owner only (0600), and unlinked as soon as it is open: nothing is left behind
// by a close, a crash or a kill, and the space is given back when the descriptor
// closes (close(), or the book being collected). Bounded by
// SCO_SETTLE_PAYMENT_SPILL_MAX_BYTES: a write beyond it is refused with an error
// naming the limit (the book then keeps its records in memory).

import { closeSync, constants, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const MAX_OVERRIDE = Number.parseInt(process.env.SCO_SETTLE_PAYMENT_SPILL_MAX_BYTES ?? '', 10);

export const SPILL_LIMITS = Object.freeze({
  /** SCO_SETTLE_PAYMENT_SPILL=0 keeps every record chunk in memory. */
  enabled: process.env.SCO_SETTLE_PAYMENT_SPILL !== '0',
  /** Bytes one spill file may hold (the book's 32-bit locators address 4 GiB anyway). */
  max_bytes: Number.isSafeInteger(MAX_OVERRIDE) && MAX_OVERRIDE >= 0 ? MAX_OVERRIDE : 0xffff_fffe,
});

/** Closes the descriptor of a spill file whose book was collected without close(). */
const orphans = new FinalizationRegistry<{ fd: number }>((h) => {
  if (h.fd >= 0) closeSync(h.fd);
  h.fd = -1;
});

export class SpillFile {
  private readonly handle: { fd: number };
  private bytes = 0;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.handle = { fd };
    orphans.register(this, this.handle, this);
  }

  /** A new, empty spill file, already unlinked. */
  static create(): SpillFile {
    const dir = process.env.SCO_SETTLE_PAYMENT_SPILL_DIR || tmpdir();
    const path = join(dir, `sco-settle-payments-${process.pid}-${randomBytes(6).toString('hex')}.spill`);
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      unlinkSync(path);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return new SpillFile(path, fd);
  }

  /** Bytes written (the highest end of a write). */
  get size(): number {
    return this.bytes;
  }

  /** Writes `length` bytes of `b` at `position`; throws past the limit or when the file is closed. */
  write(b: Buffer, length: number, position: number): void {
    const end = position + length;
    if (end > SPILL_LIMITS.max_bytes) {
      throw new Error(`the spill file would hold ${end} bytes, over SCO_SETTLE_PAYMENT_SPILL_MAX_BYTES (${SPILL_LIMITS.max_bytes})`);
    }
    const fd = this.fd();
    for (let done = 0; done < length; ) done += writeSync(fd, b, done, length - done, position + done);
    if (end > this.bytes) this.bytes = end;
  }

  /** Reads `length` bytes at `position` into the start of `b`. */
  read(b: Buffer, length: number, position: number): void {
    const fd = this.fd();
    for (let done = 0; done < length; ) {
      const n = readSync(fd, b, done, length - done, position + done);
      if (n === 0) throw new Error(`payment spill file ${this.path}: ends before byte ${position + length}`);
      done += n;
    }
  }

  close(): void {
    orphans.unregister(this);
    if (this.handle.fd >= 0) closeSync(this.handle.fd);
    this.handle.fd = -1;
  }

  private fd(): number {
    if (this.handle.fd < 0) throw new Error('payment spill file: closed (the platform was closed; spilled payments are no longer readable)');
    return this.handle.fd;
  }
}

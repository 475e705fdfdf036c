// A spill file: fixed-size record chunks written out of the process's memory and
// read back synchronously (the page cache keeps recent ones cheap). Used by the
// ledger's transfer log (through journal/ledger_spill.ts) and the platform's
// payment book for what they hold but rarely read. One file per owner, in the
// folder the owner names or the system's temporary folder, created exclusively (O_EXCL) and readable by its owner only
// (0600), and unlinked as soon as it is open: nothing is left behind by a close,
// a crash or a kill, and the space is given back when the descriptor closes
// (close(), or the owner being collected). Bounded by the owner's byte limit: a
// write beyond it is refused with an error naming the limit (the owner then keeps
// its records in memory).

import { closeSync, constants, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where a spill file goes and how large it may grow. */
export interface SpillPlace {
  /** Folder for the file ('' or undefined: the system's temporary folder). */
  readonly dir?: string | undefined;
  /** First part of the file's name: says whose records it holds. */
  readonly prefix: string;
  /** Bytes the file may hold; a write past it is refused. */
  readonly max_bytes: number;
  /** The limit's name in messages (the environment variable that sets it). */
  readonly max_name: string;
}

/** A spill's settings from the environment: SCO_SETTLE_<name>_SPILL=0 turns it off, _SPILL_DIR names the folder, _SPILL_MAX_BYTES bounds the file. */
export interface SpillSettings {
  readonly enabled: boolean;
  readonly place: SpillPlace;
}

/** The settings of the spill called `name` (e.g. LEDGER, PAYMENT); `default_max_bytes` where _SPILL_MAX_BYTES is absent or not a whole number. */
export function spillSettings(name: string, prefix: string, default_max_bytes: number, env: NodeJS.ProcessEnv = process.env): SpillSettings {
  const variable = `SCO_SETTLE_${name}_SPILL`;
  const max = Number.parseInt(env[`${variable}_MAX_BYTES`] ?? '', 10);
  return {
    enabled: env[variable] !== '0',
    place: {
      dir: env[`${variable}_DIR`],
      prefix,
      max_bytes: Number.isSafeInteger(max) && max >= 0 ? max : default_max_bytes,
      max_name: `${variable}_MAX_BYTES`,
    },
  };
}

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
    private readonly place: SpillPlace,
  ) {
    this.handle = { fd };
    orphans.register(this, this.handle, this);
  }

  /** A new, empty spill file, already unlinked. */
  static create(place: SpillPlace): SpillFile {
    const dir = place.dir || tmpdir();
    const path = join(dir, `${place.prefix}-${process.pid}-${randomBytes(6).toString('hex')}.spill`);
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      unlinkSync(path);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return new SpillFile(path, fd, place);
  }

  /** Bytes written (the highest end of a write). */
  get size(): number {
    return this.bytes;
  }

  /** Writes `length` bytes of `b` at `position`; throws past the limit or when the file is closed. */
  write(b: Uint8Array, length: number, position: number): void {
    const end = position + length;
    if (end > this.place.max_bytes) {
      throw new Error(`the spill file would hold ${end} bytes, over ${this.place.max_name} (${this.place.max_bytes})`);
    }
    const fd = this.fd();
    for (let done = 0; done < length; ) done += writeSync(fd, b, done, length - done, position + done);
    if (end > this.bytes) this.bytes = end;
  }

  /** Reads `length` bytes at `position` into the start of `b`. */
  read(b: Uint8Array, length: number, position: number): void {
    const fd = this.fd();
    for (let done = 0; done < length; ) {
      const n = readSync(fd, b, done, length - done, position + done);
      if (n === 0) throw new Error(`spill file ${this.path}: ends before byte ${position + length}`);
      done += n;
    }
  }

  close(): void {
    orphans.unregister(this);
    if (this.handle.fd >= 0) closeSync(this.handle.fd);
    this.handle.fd = -1;
  }

  private fd(): number {
    if (this.handle.fd < 0) throw new Error(`spill file ${this.path}: closed (its owner was closed; spilled records are no longer readable)`);
    return this.handle.fd;
  }
}

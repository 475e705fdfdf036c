// Commands: journal entries that are not a ledger batch but an instruction to a
// higher layer (the platform), executed by a CommandExecutor that drives the
// ledger state machine inside the same journal step. The journal owns only the
// contract: it stores the command bytes as submitted, the clock reading, and a
// digest of the executor's output, and on replay it re-executes the command and
// insists on the same digest. It imports nothing above the ledger.
//
// Rules for an executor (what makes replay exact):
//  - deterministic: the output and every state change depend only on the state,
//    the command bytes and clock_ns — no clock, randomness or I/O inside;
//  - refusals are outputs, not exceptions: a throw means a bug, and the journal
//    then fails stop (state may be half-changed in memory, nothing reached disk).

import { createHash, hash } from 'node:crypto';
import { RecordedEffects, type EffectsSink, type LedgerStateMachine } from '../ledger/state_machine.js';
import type { Account, Transfer } from '../ledger/types.js';

/** The ledger as a command sees it: batches it runs join the command's journal entry. */
export interface LedgerAccess {
  readonly machine: LedgerStateMachine;
  createAccounts(accounts: readonly Account[]): Uint8Array;
  createTransfers(transfers: readonly Transfer[]): Uint8Array;
}

/**
 * A command's output: its text, whose UTF-8 bytes are digested into the journal
 * entry (hashed from the string, never copied into a Buffer of their own: the
 * output of a 1,000-payment batch is about half a megabyte), optionally with the
 * same output as a value, which spares the submitter a parse.
 */
export interface CommandOutput {
  readonly text: string;
  readonly value?: unknown;
  /** sha256 of the text's UTF-8 bytes, when the executor took it along the way (jsonDigest): outputDigest uses it. */
  readonly digest?: Buffer;
}

/**
 * What a submitter already holds of a command besides its bytes, handed to the
 * executor with them on the submitting engine only (replay has just the bytes):
 * their text, which spares a decode, or a value that reads exactly as
 * JSON.parse of the bytes and that nobody else holds, which spares the parse. The
 * executor's output and state changes must be the same with or without it.
 */
export type CommandGiven = { readonly text: string; readonly value?: unknown } | { readonly text?: undefined; readonly value: unknown };

/**
 * Rules versions: every command entry records the version of the rules it ran
 * under, and replay runs it under that version again. A binary keeps every older
 * version it can still meet in a journal callable; an entry from a newer version
 * than `current` is refused, naming both.
 */
export interface RulesVersions {
  readonly oldest: number;
  readonly current: number;
}

export interface CommandExecutor {
  readonly rules_versions: RulesVersions;
  /**
   * Executes one command at `clock_ns` under `rules_version` (oldest..current);
   * returns its output (replay must give the same text). `given`: what the
   * submitter holds of the command (CommandGiven); absent on replay.
   */
  execute(command: Buffer, clock_ns: bigint, ledger: LedgerAccess, rules_version: number, given?: CommandGiven): CommandOutput;
  /** The executor's whole state, deterministic bytes (same state, same bytes). */
  encodeState(): Buffer;
  /**
   * Whether restoreState reads this state's format. A snapshot whose executor
   * state is in another format (written by another release) is not used: the
   * journal is replayed from its start instead, and verify does not compare it.
   */
  readsState(state: Buffer): boolean;
  /** Replaces the state with one from encodeState (snapshot recovery). */
  restoreState(state: Buffer): void;
  /** About how many records encodeState covers (its cost grows with it: ./whole_state_cost.ts). Optional. */
  stateWeight?(): number;
  /** After execute: why the command just run cannot be a genuine entry (verify names it), or null. Optional. */
  integrityProblem?(): string | null;
}

/** Why a command entry of `rules_version` cannot run on this executor, or null. */
export function rulesVersionProblem(executor: CommandExecutor, rules_version: number): string | null {
  const { oldest, current } = executor.rules_versions;
  if (rules_version > current)
    return `it ran under rules version ${rules_version}, newer than this sco-settle runs (${oldest} to ${current}): open the store with a newer release`;
  if (rules_version < oldest) return `it ran under rules version ${rules_version}, older than this sco-settle still runs (${oldest} to ${current})`;
  return null;
}

/** Bytes of the output digest kept in the journal entry. */
export const OUTPUT_DIGEST_SIZE = 32;
/** A command's bytes at most (one journal entry). */
export const COMMAND_BYTES_MAX = 16 * 1024 * 1024;

/** sha256 of the output's text as UTF-8 (the same digest as of Buffer.from(text)). */
export function outputDigest(output: CommandOutput): Buffer {
  return output.digest ?? createHash('sha256').update(output.text, 'utf8').digest();
}

/** Array members jsonDigest writes this many elements at a time. */
const JSON_DIGEST_CHUNK = 256;

/**
 * sha256 of JSON.stringify(value) as UTF-8, for a plain object, without writing
 * that text whole: V8 builds a long JSON text as a tree of pieces, and hashing it
 * (or copying it into a Buffer) first flattens it into one string of its full
 * length; a command's output of 1,000 payments is ~0.5 MB. Members are written
 * one by one and long arrays a chunk of elements at a time, in JSON's order, so
 * the bytes hashed are exactly JSON.stringify's. Null when JSON.stringify throws
 * (a bigint): the caller then writes the text its own way. `member`, when given, hears
 * the JSON text of each member written whole (not an array cut into chunks), once the
 * digest is taken: what the caller would otherwise write again (a batch's results,
 * which are the HTTP answer); never called when the answer is null or the value was
 * written in one piece (no long array).
 */
export function jsonDigest(value: Record<string, unknown>, chunk = JSON_DIGEST_CHUNK, member?: (key: string, text: string) => void): Buffer | null {
  try {
    // JSON calls a toJSON of the value itself: not taken apart here. Nor is a value without an array to cut
    // into chunks (one payment's output): its text whole, one-shot, costs less than a Hash fed member by member.
    if (typeof value.toJSON === 'function' || !hasLongArray(value, chunk)) return hash('sha256', JSON.stringify(value), 'buffer');
  } catch (err) {
    if (err instanceof TypeError) return null;
    throw err;
  }
  const h = createHash('sha256');
  const whole: string[] = [];
  try {
    let sep = '{';
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (Array.isArray(v) && v.length > chunk && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
        h.update(`${sep}${JSON.stringify(k)}:[`, 'utf8');
        for (let i = 0; i < v.length; i += chunk) {
          const part = JSON.stringify(v.slice(i, i + chunk));
          // The comma fed on its own: joined to the slice it would make a string V8 copies whole before hashing.
          if (i !== 0) h.update(',', 'utf8');
          h.update(part.slice(1, -1), 'utf8');
        }
        h.update(']', 'utf8');
      } else {
        const text = JSON.stringify(v);
        // JSON leaves out a member it cannot write (undefined, a function).
        if (text === undefined) continue;
        h.update(`${sep}${JSON.stringify(k)}:${text}`, 'utf8');
        if (member !== undefined) whole.push(k, text);
      }
      sep = ',';
    }
    h.update(sep === '{' ? '{}' : '}', 'utf8');
    const digest = h.digest();
    for (let i = 0; i < whole.length; i += 2) member!(whole[i]!, whole[i + 1]!);
    return digest;
  } catch (err) {
    if (err instanceof TypeError) return null;
    throw err;
  }
}

/** Whether a member of `value` is an array jsonDigest writes in chunks (longer than `chunk`, without a toJSON). */
function hasLongArray(value: Record<string, unknown>, chunk: number): boolean {
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (Array.isArray(v) && v.length > chunk && typeof (v as { toJSON?: unknown }).toJSON !== 'function') return true;
  }
  return false;
}

/** Runs ledger batches at one clock reading and gathers their effects: for the query index, or into the sink given (verify's). */
export class RecordingLedger<E extends EffectsSink = RecordedEffects> implements LedgerAccess {
  readonly machine: LedgerStateMachine;
  private readonly clock_ns: bigint;
  readonly effects: E;

  constructor(machine: LedgerStateMachine, clock_ns: bigint, effects?: E) {
    this.machine = machine;
    this.clock_ns = clock_ns;
    // Without a sink E is its default, RecordedEffects.
    this.effects = effects ?? (new RecordedEffects(machine.transfers) as unknown as E);
  }

  createAccounts(accounts: readonly Account[]): Uint8Array {
    return this.machine.executeInto('create_accounts', accounts, this.clock_ns, this.effects);
  }

  createTransfers(transfers: readonly Transfer[]): Uint8Array {
    return this.machine.executeInto('create_transfers', transfers, this.clock_ns, this.effects);
  }
}

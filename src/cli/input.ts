// Reads events for the ledger commands: a JSON array or NDJSON (one event a line)
// from a file or standard input. The whole input is parsed and checked before any
// of it is submitted, so a malformed event leaves the ledger untouched. Batches
// are cut at linked-chain boundaries, so a chain is never split across batches.

import { readFile } from 'node:fs/promises';
import { BATCH_EVENTS_MAX, InputError } from '../platform/ledger_codecs.js';

/** A bound on one command's input, to fail clearly rather than exhaust memory. */
export const INPUT_EVENTS_MAX = 10_000_000;

export class CliInputError extends Error {
  readonly code = 'invalid_input';
  /** The input at fault, when one is (the JSON error document's `field`). */
  readonly field: string;
  constructor(message: string, field = '') {
    super(message);
    this.field = field;
    this.name = 'CliInputError';
  }
}

export async function readInput(source: string): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    throw new CliInputError(`${source}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Parses every event with `parse`; errors name the input, the line or position, the field and the reason. */
export function parseEvents<T>(text: string, inputName: string, parse: (value: unknown) => T): T[] {
  const trimmed = text.trimStart();
  const events: T[] = [];
  const checkCount = (): void => {
    if (events.length >= INPUT_EVENTS_MAX) throw new CliInputError(`${inputName}: more than ${INPUT_EVENTS_MAX} events; split the input`);
  };
  if (trimmed.startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (err) {
      throw new CliInputError(`${inputName}: malformed JSON${lineOfPosition(text, (err as Error).message)}: ${(err as Error).message}`);
    }
    if (!Array.isArray(values)) throw new CliInputError(`${inputName}: expected a JSON array of events`);
    values.forEach((v, i) => {
      checkCount();
      events.push(withPlace(() => parse(v), `${inputName}: event ${i + 1}`));
    });
    return events;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    checkCount();
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new CliInputError(`${inputName}: line ${i + 1}: malformed JSON: ${(err as Error).message}`);
    }
    events.push(withPlace(() => parse(value), `${inputName}: line ${i + 1}`));
  }
  return events;
}

/** ", line N" for a JSON.parse error that names a character position, else "". */
function lineOfPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (m === null) return '';
  const position = Number(m[1]);
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return ` at line ${line}`;
}

function withPlace<T>(fn: () => T, place: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InputError) throw new CliInputError(`${place}: ${err.message}`);
    throw err;
  }
}

/** Cuts events into batches of at most `max`, never inside a linked chain. */
export function cutBatches<T extends { flags: number }>(events: readonly T[], linkedFlag: number, max = BATCH_EVENTS_MAX): T[][] {
  const batches: T[][] = [];
  let start = 0;
  while (start < events.length) {
    let end = Math.min(start + max, events.length);
    if (end < events.length) {
      // Back up to just after the last event that ends a chain.
      let cut = end;
      while (cut > start && (events[cut - 1]!.flags & linkedFlag) !== 0) cut--;
      if (cut === start) throw new CliInputError(`a linked chain starting at event ${start + 1} is longer than ${max} events`);
      end = cut;
    }
    batches.push(events.slice(start, end));
    start = end;
  }
  return batches;
}

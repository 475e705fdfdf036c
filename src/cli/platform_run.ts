// What the platform commands share: opening the platform on the global --store,
// attributing each command to --by (default the OS user), running one journaled
// command and printing its result as JSON, and parsing repeatable options.

import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import { CliInputError } from './input.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import { print } from './output.js';

export { print } from './output.js';

function actor(command: Command): string {
  const o = command.optsWithGlobals() as { by?: string };
  if (o.by !== undefined) return o.by;
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

/** Opens the platform on --store; the platform (some 140 modules) is loaded here, so a command's help or usage error never loads it (#18). */
export async function withPlatform<T>(command: Command, fn: (p: Platform, by: string) => Promise<T>): Promise<T> {
  const { Platform: Facade } = await import('../platform/platform.js');
  const p = await Facade.open(await existingStoreUrl(command), { onProgress: stderrProgress });
  try {
    const before = p.journalHead().seq;
    const out = await fn(p, actor(command));
    // A write's receipt (what `verify --expect-head` takes), on stderr so stdout stays the result.
    const head = p.journalHead();
    if (head.seq > before) stderrProgress(`journal head: ${head.seq}:${head.head_hash}`);
    return out;
  } finally {
    await p.close();
  }
}

/** Runs one command and prints its result; a refusal becomes an error with code and field. */
export function runAndPrint(command: Command, build: () => Record<string, unknown>, view?: (r: unknown) => unknown): Promise<void> {
  return withPlatform(command, async (p, by) => {
    const out = await p.execute(build(), by);
    if (!out.ok)
      throw new PlatformError(
        out.error!.code as PlatformError['code'],
        out.error!.field,
        `${out.error!.field === '' ? '' : `${out.error!.field}: `}${out.error!.message}`,
      );
    print(view === undefined ? out.result : view(out.result));
  });
}

export function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const m = /^([A-Z]{3})=(.+)$/.exec(item);
    if (m === null) throw new CliInputError(`${flag}: expected CCY=VALUE, got ${JSON.stringify(item)}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** Commander accumulator for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

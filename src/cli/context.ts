// What every command shares: where the store is, and how progress is shown.

import type { Command } from 'commander';
import { DEFAULT_STORE_URL, requireStore } from '../platform/store_tools.js';

export function resolveStoreUrl(command: Command): string {
  const opts = command.optsWithGlobals() as { store?: string };
  return opts.store ?? process.env.SCO_SETTLE_STORE ?? DEFAULT_STORE_URL;
}

/** The --store URL of a store that exists; a missing one is refused (store_not_found), never created: `init` creates stores. */
export async function existingStoreUrl(command: Command): Promise<string> {
  const url = resolveStoreUrl(command);
  await requireStore(url);
  return url;
}

/** Progress and summaries go to stderr, so stdout stays machine-readable. */
export function stderrProgress(message: string): void {
  process.stderr.write(`${message}\n`);
}

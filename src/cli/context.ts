// What every command shares: where the store is, and how progress is shown.

import type { Command } from 'commander';
import { DEFAULT_STORE_URL } from '../platform/store_tools.js';

export function resolveStoreUrl(command: Command): string {
  const opts = command.optsWithGlobals() as { store?: string };
  return opts.store ?? process.env.SCO_SETTLE_STORE ?? DEFAULT_STORE_URL;
}

/** Progress and summaries go to stderr, so stdout stays machine-readable. */
export function stderrProgress(message: string): void {
  process.stderr.write(`${message}\n`);
}

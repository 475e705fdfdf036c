#!/usr/bin/env node
// Entry point of the `sco-settle` command; the code lives in dist/ (built from src/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Benchmarks allocate many short-lived bigints: a larger young generation cuts
// garbage-collection time by a fifth or more. V8 reads this flag only at start-up,
// so the benchmark re-runs itself with it.
const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
if (process.argv[2] === 'bench' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const r = spawnSync(process.execPath, [SEMI_SPACE_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sco-settle: not built yet; run `npm run build` (or `npm run demo`, which builds first)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);

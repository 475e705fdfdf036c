#!/usr/bin/env node
// Entry point of the `sco-settle` command; the code lives in dist/ (built from src/).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Benchmarks and the demo day allocate many short-lived bigints and strings: a
// larger young generation cuts garbage-collection time by a fifth or more. V8
// reads this flag only at start-up, so these commands re-run themselves with it.
// The child runs in its own process group and this process hands it Ctrl-C and
// SIGTERM exactly once (the demo finishes its command and closes the store), then
// ends with the child's status.
const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
const RERUN = new Set(['bench', 'demo']);
// `scheme what-if` replays a whole business day twice, allocating as the day did.
const whatIf = process.argv.includes('scheme') && process.argv.includes('what-if');
if ((RERUN.has(process.argv[2]) || whatIf) && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawn(process.execPath, [SEMI_SPACE_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', detached: true });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  const code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? (sig === 'SIGINT' ? 130 : 1))));
  process.exit(code);
}

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sco-settle: not built yet; run `npm run build` (or `npm run demo`, which builds first)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);

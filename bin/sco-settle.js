#!/usr/bin/env node
// Entry point of the `sco-settle` command; the code lives in dist/ (built from src/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sco-settle: not built yet; run `npm run build` (or `npm run demo`, which builds first)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);

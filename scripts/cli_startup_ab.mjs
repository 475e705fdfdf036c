// A/B of the CLI's start-up (#18): spawns each command with the old build
// (default /work/wt/base) and this one, alternating, and prints the medians of
// the wall times. Run it under `nice -n 19` on a shared machine; only the ratio
// of one run means anything.
//   node scripts/cli_startup_ab.mjs [OLD_ROOT] [RUNS]
// A throw-away store is made with `init` in a temp dir for the commands that need one.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NEW = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OLD = resolve(process.argv[2] ?? '/work/wt/base');
const RUNS = Number(process.argv[3] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'sco-cli-ab-'));
const store = `sqlite:${join(dir, 's.db')}`;

function run(root, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'sco-settle.js'), ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, out: `${r.status}\n${r.stdout}\n${r.stderr}` };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const fresh = `sqlite:${join(dir, 'fresh.db')}`;
const COMMANDS = [
  ['--help'],
  ['init', '--store', fresh],
  ['ledger', 'lookup-accounts', '1', '--store', store],
  ['verify', '--store', store],
  ['payments', 'list', '--store', store],
  ['participants', 'list', '--store', store],
  ['users', 'list', '--store', store],
  ['fx', 'convert', '--from', 'KZT', '--to', 'CNY', '--amount', '1000000.00'],
  ['iso', '--help'],
  ['sim', 'generate', '--help'],
  ['payments', 'submit'],
];

/** `init` refuses a store that exists: each run starts without one. */
function clean() {
  for (const suffix of ['', '-wal', '-shm', '.head']) rmSync(join(dir, `fresh.db${suffix}`), { force: true });
}

try {
  run(NEW, ['init', '--store', store]);
  console.log(
    `old ${OLD}\nnew ${NEW}\nruns ${RUNS}, load ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (const args of COMMANDS) {
    const times = { old: [], new: [] };
    let same = true;
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
      const outs = {};
      for (const which of order) {
        clean();
        const r = run(which === 'old' ? OLD : NEW, args);
        times[which].push(r.ms);
        outs[which] = r.out;
      }
      if (outs.old !== outs.new) same = false;
    }
    const o = median(times.old);
    const n = median(times.new);
    const shown = args.map((a) => (a === store ? 'sqlite:S' : a === fresh ? 'sqlite:NEW' : a)).join(' ');
    console.log(
      `${shown.padEnd(48)} old ${o.toFixed(0).padStart(5)} ms  new ${n.toFixed(0).padStart(5)} ms  new/old ${(n / o).toFixed(2)}  output ${same ? 'identical' : 'DIFFERS'}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

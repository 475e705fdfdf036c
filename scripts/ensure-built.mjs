// Makes a fresh clone runnable with only Node.js and npm: installs dependencies
// from the lockfile on first use, and rebuilds dist/ when a source file is newer
// than the last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function run(cmd, args, what) {
  process.stderr.write(`${what}…\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund'], 'installing dependencies from package-lock.json (first run only)');
}
const inputs = ['src', 'test', 'tsconfig.json', 'package-lock.json'].map((p) => join(root, p)).filter(existsSync);
const sourceTime = Math.max(...inputs.map(newest));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sourceTime) {
  // A clean build: output of a deleted source must not linger (a stale test would still run).
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], 'building (tsc)');
  writeFileSync(stamp, new Date().toISOString() + '\n');
}

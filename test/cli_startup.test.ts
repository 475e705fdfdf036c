// The CLI's start-up as a test: the modules every command loads before it runs
// (the static imports reachable from the compiled src/cli/main.js) must not
// include the heavy packages only some commands need. Each is loaded where it is
// used (the HTTP stack by buildServer, NATS when a cluster opens, the pinyin
// dictionary at the first Han name); a static import anywhere on the way back
// would cost every command again (0.5 s -> 0.9 s for `--help`, measured).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Packages no command should load before it knows it needs them. */
const LOADED_ON_USE = ['fastify', '@sinclair/typebox', 'prom-client', 'nats', 'pinyin-pro', 'pg', 'highs', 'libxml2-wasm'];

/** `import … from 'x'`, `import 'x'` and `export … from 'x'` at the start of a line of compiled JS; import() is not eager. */
const EAGER = /^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Each package reached by static imports from `entry`, with the chain of files that reaches it. */
function eagerPackages(entry: string): Map<string, string[]> {
  const parent = new Map<string, string | null>([[entry, null]]);
  const packages = new Map<string, string[]>();
  const chain = (file: string): string[] => {
    const out: string[] = [];
    for (let f: string | null = file; f !== null; f = parent.get(f) ?? null) out.push(f);
    return out;
  };
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const m of readFileSync(file, 'utf8').matchAll(EAGER)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!parent.has(target)) {
          parent.set(target, file);
          queue.push(target);
        }
      } else if (!spec.startsWith('node:')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, chain(file));
      }
    }
  }
  return packages;
}

function loadedTooEarly(entry: string): string[] {
  const found = eagerPackages(entry);
  return LOADED_ON_USE.filter((p) => found.has(p)).map((p) => `${p} <- ${found.get(p)!.join(' <- ')}`);
}

describe('CLI start-up', () => {
  test('no command loads the HTTP stack, NATS, PostgreSQL, the solver, the XSD validator or the pinyin dictionary before it runs', () => {
    const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
    const found = eagerPackages(main);
    assert.ok(found.has('commander'), 'the walk reaches the packages main.js imports');
    assert.deepEqual(loadedTooEarly(main), []);
  });

  test('a static import of one of them, two files down, is caught with its chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-cli-startup-'));
    try {
      mkdirSync(join(dir, 'cli'));
      writeFileSync(join(dir, 'cli', 'main.js'), "import { a } from '../a.js';\nexport const m = () => import('nats');\n");
      writeFileSync(join(dir, 'a.js'), "export { b as a } from './b.js';\n");
      writeFileSync(join(dir, 'b.js'), "import Fastify from 'fastify';\nexport const b = Fastify;\n");
      assert.deepEqual(loadedTooEarly(join(dir, 'cli', 'main.js')), [
        `fastify <- ${join(dir, 'b.js')} <- ${join(dir, 'a.js')} <- ${join(dir, 'cli', 'main.js')}`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

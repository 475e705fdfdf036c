// The CLI's start-up as a test: the modules every command loads before it runs
// (the static imports reachable from the compiled src/cli/main.js) must not
// include the heavy packages only some commands need. Each is loaded where it is
// used (the HTTP stack by buildServer, NATS when a cluster opens, the pinyin
// dictionary at the first Han name); a static import anywhere on the way back
// would cost every command again (0.5 s -> 0.9 s for `--help`, measured).
// Further, main.js loads only the module of the command argv names
// (src/cli/command_table.ts, #18): the table must name exactly what the modules
// register, and a command's help must read as with every module loaded.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { COMMAND_MODULES, COMMAND_TABLE, type CommandModule, modulesFor } from '../src/cli/command_table.js';
import { buildProgram } from '../src/cli/main.js';

const DIST_SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

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

/** Every file reached by static imports from `entry`, relative to dist/src. */
function eagerFiles(entry: string): string[] {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const m of readFileSync(file, 'utf8').matchAll(EAGER)) {
      if (!m[1]!.startsWith('.')) continue;
      const target = resolve(dirname(file), m[1]!);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].map((f) => f.slice(DIST_SRC.length + 1)).sort();
}

/** Each command of `program`, depth first, with its full help text. */
function helpTexts(program: Command, path = 'sco-settle'): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (cmd: Command, path: string): void => {
    out.set(path, cmd.helpInformation());
    for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, path);
  return out;
}

describe('CLI start-up: only the named command is loaded', () => {
  test('main.js loads no command module before it knows the command', () => {
    const files = eagerFiles(join(DIST_SRC, 'cli', 'main.js'));
    const commandModules = files.filter((f) => /^cli\/.*_commands?\.js$|^cli\/demo\.js$/.test(f));
    assert.deepEqual(commandModules, []);
    assert.ok(files.length < 40, `main.js reaches ${files.length} files`);
  });

  test('the ledger commands load neither ISO 20022, the simulator, the API, nor the platform facade', () => {
    const files = eagerFiles(join(DIST_SRC, 'cli', 'ledger_commands.js'));
    const heavy = files.filter((f) => /^(iso20022|sim|demo|bench|api|http|client)\//.test(f) || f === 'platform/platform.js');
    assert.deepEqual(heavy, []);
  });

  test('the table names exactly the top-level commands each module registers, in registration order; no module adds program options', async () => {
    const registered: Record<string, CommandModule[]> = {};
    for (const name of Object.keys(COMMAND_MODULES) as CommandModule[]) {
      const program = new Command();
      (await COMMAND_MODULES[name]())(program);
      // A program option added by one module (as `--by` once was) would be missing when another command runs alone.
      assert.deepEqual(
        program.options.map((o) => o.flags),
        [],
        `${name}: adds options to the program; they belong in buildProgram`,
      );
      for (const cmd of program.commands) {
        (registered[cmd.name()] ??= []).push(name);
        assert.deepEqual(cmd.aliases(), [], `${cmd.name()}: an alias would need its own row`);
      }
    }
    const sorted = (o: Readonly<Record<string, readonly string[]>>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
    assert.deepEqual(sorted(COMMAND_TABLE), sorted(registered));
  });

  test('every command reads the same help with only its modules as with all of them', async () => {
    const all = helpTexts(await buildProgram());
    for (const [name, modules] of Object.entries(COMMAND_TABLE)) {
      const cmd = (await buildProgram(false, modules)).commands.find((c) => c.name() === name)!;
      for (const [path, text] of helpTexts(cmd, `sco-settle ${name}`)) assert.equal(text, all.get(path), `help of ${path}`);
    }
    assert.equal(all.size > 100, true, `${all.size} commands`);
  });

  test('the command is found as commander finds it; help, version, mistakes and no command load everything', () => {
    assert.deepEqual(modulesFor(['ledger', 'lookup-accounts', '1']), ['ledger']);
    assert.deepEqual(modulesFor(['--store', 'sqlite:x', '--json', 'users', 'list']), ['auth', 'scheme']);
    assert.deepEqual(modulesFor(['--store=sqlite:x', 'verify', '--help']), ['verify']);
    assert.deepEqual(modulesFor(['--store', 'ledger', 'verify']), ['verify'], "--store's value is never the command");
    assert.deepEqual(modulesFor(['--by', 'ledger', 'scheme', 'show']), ['scheme'], "--by's value is never the command");
    for (const args of [
      [],
      ['--help'],
      ['-h'],
      ['-V'],
      ['--version'],
      ['help', 'ledger'],
      ['ledgr'],
      ['--bogus', 'ledger'],
      ['--store'],
      ['-', 'ledger'],
      ['--json=1', 'ledger'],
      ['toString'],
      ['__proto__'],
    ]) {
      assert.equal(modulesFor(args), null, args.join(' '));
    }
  });
});

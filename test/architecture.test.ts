// The architecture as a test: every import in src/ must follow the arrows of
// docs/architecture.json, with no import cycle between files and no import()
// of a computed path; known violations sit in docs/architecture-debt.json, a
// list that may only shrink. Also the function-length ratchet of
// docs/function-length.json. The planted trees show the checker can fail.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ArchitectureReport, checkArchitecture, compareWithDebt, longFunctions, readDebt, repoRoot, type Violation } from './support/architecture.js';

const ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));

function plant(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sco-arch-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const PLANTED_RULES = JSON.stringify({
  comment: 'ignored',
  parts: { ledger: [], platform: ['ledger'], cli: ['platform'], web: ['platform'] },
});

/** A tree with one violation of each kind, next to imports that are allowed. */
const PLANTED = {
  'docs/architecture.json': PLANTED_RULES,
  'src/ledger/x.ts': "import { y } from '../platform/y.js';\nexport const x = y + 1;\n",
  'src/ledger/z.ts': 'export const z = 1;\n',
  'src/platform/y.ts': "import { z } from '../ledger/z.js';\nexport const y = z;\n",
  'src/platform/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
  'src/platform/b.ts': "import type { T } from './t.js';\nimport { a } from './a.js';\nexport const b = (): T => a();\n",
  'src/platform/t.ts': 'export type T = number;\n',
  'src/cli/main.ts': [
    "import { y } from '../platform/y.js';",
    "export { z } from '../ledger/z.js';",
    "const name = './plugin.js';",
    'export const load = () => import(name);',
    "export const fixed = () => import('../platform/t.js');",
    "export const pkg = () => import('node:fs');",
    'export const main = y;',
    'declare const Platform: { internals(p: unknown): unknown };',
    'export const peek = (p: unknown) => Platform.internals(p);',
    '',
  ].join('\n'),
  'src/mystery/m.ts': 'export const m = 0;\n',
  'src/web/routes.ts': 'export const routes = [];\n',
  'src/web/assets/app.js': "import { routes } from '../routes.js';\nexport const app = routes;\n",
  'src/web/assets/view.js': "import { app } from './app.js';\nexport const view = app;\n",
};

function byRule(report: ArchitectureReport, rule: Violation['rule']): Violation[] {
  return report.violations.filter((v) => v.rule === rule);
}

describe('the architecture checker on a planted tree', () => {
  const root = plant(PLANTED);
  const report = checkArchitecture(root);

  test('reads every source file, .js only under web/assets', () => {
    assert.equal(report.files.length, 11);
  });

  test('a forbidden arrow: ledger imports the platform', () => {
    const arrows = byRule(report, 'arrow');
    const ledger = arrows.find((v) => v.file === 'src/ledger/x.ts');
    assert.ok(ledger, 'ledger -> platform reported');
    assert.equal(ledger.line, 1);
    assert.match(ledger.message, /^src\/ledger\/x\.ts:1: .*'\.\.\/platform\/y\.js'.*ledger -> platform.*\(rule: /);
    assert.deepEqual(ledger.debt, { rule: 'arrow', file: 'src/ledger/x.ts', imports: 'src/platform/y.ts' });
    // export … from counts as an import too
    const reexport = arrows.find((v) => v.file === 'src/cli/main.ts');
    assert.ok(reexport, 'cli -> ledger through export … from reported');
    assert.equal(reexport.line, 2);
    assert.match(reexport.message, /cli -> ledger/);
  });

  test('the browser assets import no project file outside them', () => {
    const assets = byRule(report, 'arrow').filter((v) => v.file.startsWith('src/web/assets/'));
    assert.deepEqual(
      assets.map((v) => v.debt),
      [{ rule: 'arrow', file: 'src/web/assets/app.js', imports: 'src/web/routes.ts' }],
    );
    assert.match(assets[0]!.message, /web\/assets -> web/);
  });

  test('a cycle a -> b -> a, reported with its files, type-only imports included in the graph', () => {
    const cycles = byRule(report, 'cycle');
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0]!.cycle, ['src/platform/a.ts', 'src/platform/b.ts', 'src/platform/a.ts']);
    assert.equal(cycles[0]!.file, 'src/platform/b.ts');
    assert.equal(cycles[0]!.line, 2);
    assert.match(cycles[0]!.message, /src\/platform\/a\.ts -> src\/platform\/b\.ts -> src\/platform\/a\.ts/);
  });

  test('import() of a computed path; literal paths and packages pass', () => {
    const dynamic = byRule(report, 'dynamic-import');
    assert.equal(dynamic.length, 1);
    assert.equal(dynamic[0]!.file, 'src/cli/main.ts');
    assert.equal(dynamic[0]!.line, 4);
    assert.match(dynamic[0]!.message, /import\(name\)/);
  });

  test('a shell reaching Platform.internals', () => {
    const found = byRule(report, 'internals');
    assert.deepEqual(
      found.map((v) => `${v.file}:${v.line}`),
      ['src/cli/main.ts:9'],
    );
  });

  test('a file whose part is not listed', () => {
    assert.deepEqual(
      byRule(report, 'unknown-part').map((v) => v.file),
      ['src/mystery/m.ts'],
    );
  });

  test('nothing else: allowed arrows and imports inside a part pass', () => {
    assert.equal(report.violations.length, 7, report.violations.map((v) => v.message).join('\n'));
  });

  test('the debt list tolerates listed violations and reports entries that no longer occur', () => {
    const debt = [
      { rule: 'arrow' as const, file: 'src/ledger/x.ts', imports: 'src/platform/y.ts' },
      { rule: 'cycle' as const, file: 'src/platform/a.ts', imports: 'src/platform/b.ts' },
      { rule: 'arrow' as const, file: 'src/cli/main.ts', imports: 'src/store/gone.ts' },
    ];
    const split = compareWithDebt(report.violations, debt);
    assert.deepEqual(
      split.tolerated.map((v) => v.file),
      ['src/ledger/x.ts', 'src/platform/b.ts'],
    );
    assert.equal(split.unexpected.length, 5);
    assert.deepEqual(split.stale, [debt[2]]);
  });

  test('a clean tree reports nothing', () => {
    const clean = plant({
      'docs/architecture.json': PLANTED_RULES,
      'src/ledger/z.ts': 'export const z = 1;\n',
      'src/platform/y.ts': "import { z } from '../ledger/z.js';\nexport const y = () => import('../ledger/z.js');\n",
    });
    try {
      assert.deepEqual(checkArchitecture(clean).violations, []);
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  });

  test('function lengths are measured on the body', () => {
    const body = (n: number): string => Array.from({ length: n - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const tree = plant({
      'src/ledger/long.ts': [
        `export function long(): void {\n${body(71)}\n}`,
        `export const fits = (): void => {\n${body(70)}\n};`,
        `export class K {\n  method(): void {\n${body(72)}\n  }\n}`,
        '',
      ].join('\n'),
    });
    try {
      const found = longFunctions(tree, 70);
      assert.deepEqual(
        found.map((f) => [f.name, f.lines, f.line]),
        [
          ['method', 72, 143],
          ['long', 71, 1],
        ],
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  after(() => rmSync(root, { recursive: true, force: true }));
});

describe('the real tree', () => {
  test('src/ follows docs/architecture.json, apart from docs/architecture-debt.json', (t) => {
    const report = checkArchitecture(ROOT);
    const split = compareWithDebt(report.violations, readDebt(ROOT));
    if (split.tolerated.length > 0) {
      t.diagnostic(`${split.tolerated.length} known violations (docs/architecture-debt.json):`);
      for (const v of split.tolerated) t.diagnostic(`  ${v.message}`);
    }
    assert.deepEqual(
      split.unexpected.map((v) => v.message),
      [],
      `${split.unexpected.length} violations not in docs/architecture-debt.json`,
    );
    assert.deepEqual(split.stale, [], 'these entries of docs/architecture-debt.json no longer occur: remove them (the list only shrinks)');
  });

  test('functions longer than the limit do not grow in number (docs/function-length.json)', (t) => {
    const ratchet = JSON.parse(readFileSync(join(ROOT, 'docs', 'function-length.json'), 'utf8')) as {
      limit_lines: number;
      max_long_functions: number;
    };
    const long = longFunctions(ROOT, ratchet.limit_lines);
    t.diagnostic(`${long.length} functions longer than ${ratchet.limit_lines} lines (at most ${ratchet.max_long_functions}):`);
    for (const f of long) t.diagnostic(`  ${f.lines} lines  ${f.file}:${f.line}  ${f.name}`);
    if (long.length < ratchet.max_long_functions) {
      t.diagnostic(`fewer than allowed: lower max_long_functions in docs/function-length.json to ${long.length}`);
    }
    assert.ok(
      long.length <= ratchet.max_long_functions,
      `${long.length} functions longer than ${ratchet.limit_lines} lines, at most ${ratchet.max_long_functions} allowed: split the new ones`,
    );
  });
});

// The architecture checker behind test/architecture.test.ts: reads every
// import in a source tree with the TypeScript compiler API, maps each file to
// its part (the first folder under src/; src/web/assets is the browser's own
// part) and reports the arrows docs/architecture.json does not allow, import
// cycles between files, import() of a computed path and files of an unlisted
// part. It also measures function lengths for the length ratchet. A function
// of a root directory, so a planted tree in a temp dir and the real tree are
// checked by the same code.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** docs/architecture.json: the parts of src/ and the parts each may import. */
export interface ArchitectureRules {
  parts: Record<string, string[]>;
}

export type ImportKind = 'import' | 'export' | 'dynamic' | 'type';

/** One import of a project file, as written in the source. */
export interface ImportEdge {
  /** Importing file, relative to the root, with forward slashes. */
  file: string;
  line: number;
  specifier: string;
  kind: ImportKind;
  /** The imported file relative to the root, or null when it cannot be found. */
  target: string | null;
}

export type RuleName = 'arrow' | 'cycle' | 'dynamic-import' | 'unknown-part' | 'unresolved' | 'internals';

/**
 * An entry of docs/architecture-debt.json: a known violation, tolerated until
 * it is fixed. `imports` is the imported file (root-relative), `import(<expression>)`
 * for a computed import, the other files of a cycle joined by spaces (`file`
 * being the group's first file in sort order), or '' for a file of an unlisted part.
 */
export interface DebtEntry {
  rule: RuleName;
  file: string;
  imports: string;
}

export interface Violation {
  rule: RuleName;
  file: string;
  line: number;
  /** What docs/architecture-debt.json matches this violation by. */
  debt: DebtEntry;
  /** For cycles: the files of one cycle in import order, first file repeated at the end. */
  cycle?: string[];
  message: string;
}

export interface ArchitectureReport {
  files: string[];
  edges: ImportEdge[];
  violations: Violation[];
}

/** The part src/web/assets files belong to: browser code, no project imports. */
export const BROWSER_PART = 'web/assets';

const RULE_TEXT: Record<RuleName, string> = {
  arrow: 'a part imports only the parts docs/architecture.json lists for it',
  cycle: 'no import cycles between files',
  'dynamic-import': 'import() takes a string literal, never a computed path',
  'unknown-part': 'every folder under src/ is a part listed in docs/architecture.json',
  unresolved: 'a relative import names a file that exists',
  internals: 'only src/platform reaches Platform.internals; shells use the facade',
};

/** `Platform.internals(…)` anywhere in a file: the platform's parts, which only tests may reach. */
function internalsUses(source: ts.SourceFile): number[] {
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'internals' && node.expression.getText(source) === 'Platform')
      lines.push(lineOf(source, node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

/** Every .ts file under src/ and every .js file under src/web/assets, sorted, root-relative. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (isSource(path)) out.push(path);
    }
  };
  if (existsSync(join(root, 'src'))) walk('src');
  return out.sort();
}

function isSource(path: string): boolean {
  if (path.endsWith('.d.ts')) return false;
  if (path.endsWith('.ts')) return true;
  return path.startsWith(`src/${BROWSER_PART}/`) && path.endsWith('.js');
}

/** The part a root-relative file belongs to: the first folder under src/, or '' for a file directly in src/. */
export function partOf(file: string): string {
  if (file.startsWith(`src/${BROWSER_PART}/`)) return BROWSER_PART;
  const rest = file.slice('src/'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? '' : rest.slice(0, slash);
}

function parse(root: string, file: string): ts.SourceFile {
  const text = readFileSync(join(root, file), 'utf8');
  const kind = file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, kind);
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function isLiteral(node: ts.Node | undefined): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

/** Resolves a relative specifier the way NodeNext does for this project: './x.js' names './x.ts'. */
function resolve(root: string, from: string, specifier: string): string | null {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [base];
  if (base.endsWith('.js')) candidates.unshift(`${base.slice(0, -3)}.ts`);
  for (const candidate of candidates) {
    if (existsSync(join(root, candidate))) return candidate;
  }
  return null;
}

interface RawImport {
  line: number;
  kind: ImportKind;
  specifier: string | null;
  expression: string;
}

/** Every import of one file: static imports, re-exports, import() and import('x') types. */
function rawImports(source: ts.SourceFile): RawImport[] {
  const found: RawImport[] = [];
  const add = (node: ts.Node, kind: ImportKind, arg: ts.Node | undefined): void => {
    found.push({
      line: lineOf(source, node),
      kind,
      specifier: isLiteral(arg) ? arg.text : null,
      expression: arg === undefined ? '' : arg.getText(source),
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.importClause?.isTypeOnly ? 'type' : 'import', node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      add(node, node.isTypeOnly ? 'type' : 'export', node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, 'import', node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, 'dynamic', node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      const arg = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : node.argument;
      add(node, 'type', arg);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

function violation(rule: RuleName, file: string, line: number, imports: string, what: string): Violation {
  return {
    rule,
    file,
    line,
    debt: { rule, file, imports },
    message: `${file}:${line}: ${what} (rule: ${RULE_TEXT[rule]})`,
  };
}

/** Checks the tree under root against the rules; the rules default to root/docs/architecture.json. */
export function checkArchitecture(root: string, rules: ArchitectureRules = readRules(root)): ArchitectureReport {
  const files = sourceFiles(root);
  const edges: ImportEdge[] = [];
  const violations: Violation[] = [];
  for (const file of files) {
    const part = partOf(file);
    const allowed = allowedFor(rules, part);
    if (allowed === null) {
      violations.push(violation('unknown-part', file, 1, '', `part '${part || '(src/)'}' of this file is not listed`));
    }
    const source = parse(root, file);
    if (part !== 'platform') {
      for (const line of internalsUses(source)) violations.push(violation('internals', file, line, 'Platform.internals', 'reaches Platform.internals'));
    }
    for (const raw of rawImports(source)) {
      if (raw.specifier === null) {
        const call = `import(${raw.expression})`;
        violations.push(violation('dynamic-import', file, raw.line, call, `${call} has a computed path`));
        continue;
      }
      if (!isRelative(raw.specifier)) continue; // a package or node: builtin
      const target = resolve(root, file, raw.specifier);
      edges.push({ file, line: raw.line, specifier: raw.specifier, kind: raw.kind, target });
      if (target === null) {
        violations.push(violation('unresolved', file, raw.line, raw.specifier, `'${raw.specifier}' names no file`));
        continue;
      }
      const to = target.startsWith('src/') ? partOf(target) : `outside src (${target})`;
      if (to === part || allowed === null) continue;
      if (!allowed.includes(to)) {
        const arrow = `${part} -> ${to}`;
        violations.push(violation('arrow', file, raw.line, target, `imports '${raw.specifier}': arrow ${arrow} is not allowed`));
      }
    }
  }
  violations.push(...cycleViolations(edges));
  return { files, edges, violations };
}

function allowedFor(rules: ArchitectureRules, part: string): string[] | null {
  const listed = rules.parts[part];
  if (listed !== undefined) return listed;
  // The browser assets are a part of their own even when the rules file does not list them.
  return part === BROWSER_PART ? [] : null;
}

export function readRules(root: string): ArchitectureRules {
  const json = JSON.parse(readFileSync(join(root, 'docs', 'architecture.json'), 'utf8')) as ArchitectureRules;
  return { parts: json.parts };
}

/**
 * One violation per strongly connected group of files (Tarjan): the message
 * names one concrete cycle through the group and the import that closes it.
 */
function cycleViolations(edges: ImportEdge[]): Violation[] {
  const graph = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    if (edge.target === null) continue;
    const list = graph.get(edge.file) ?? [];
    list.push(edge);
    graph.set(edge.file, list);
  }
  return stronglyConnected(graph)
    .filter((group) => group.length > 1 || (graph.get(group[0]!) ?? []).some((e) => e.target === group[0]))
    .map((group) => describeCycle(graph, group));
}

function stronglyConnected(graph: Map<string, ImportEdge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const edge of graph.get(node) ?? []) {
      const next = edge.target!;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    groups.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return groups.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest cycle from the group's first file back to itself, staying inside the group. */
function describeCycle(graph: Map<string, ImportEdge[]>, group: string[]): Violation {
  const members = new Set(group);
  const start = group[0]!;
  const via = new Map<string, ImportEdge>();
  const queue = [start];
  let closing: ImportEdge | undefined;
  while (queue.length > 0 && closing === undefined) {
    const node = queue.shift()!;
    for (const edge of graph.get(node) ?? []) {
      const next = edge.target!;
      if (next === start) {
        closing = edge;
        break;
      }
      if (members.has(next) && !via.has(next)) {
        via.set(next, edge);
        queue.push(next);
      }
    }
  }
  const path = [start];
  for (let node = closing!.file; node !== start; node = via.get(node)!.file) path.splice(1, 0, node);
  path.push(start);
  const more = group.length > path.length - 1 ? `; ${group.length} files in all: ${group.join(', ')}` : '';
  const what = `imports '${closing!.specifier}', closing the cycle ${path.join(' -> ')}${more}`;
  const found = violation('cycle', closing!.file, closing!.line, '', what);
  return { ...found, debt: { rule: 'cycle', file: start, imports: group.slice(1).join(' ') }, cycle: path };
}

/** The violations split by the debt list: tolerated, not in the list, and list entries that no longer occur. */
export interface DebtComparison {
  tolerated: Violation[];
  unexpected: Violation[];
  stale: DebtEntry[];
}

const debtKey = (entry: DebtEntry): string => `${entry.rule}\u0000${entry.file}\u0000${entry.imports}`;

export function compareWithDebt(violations: Violation[], debt: DebtEntry[]): DebtComparison {
  const listed = new Set(debt.map(debtKey));
  const seen = new Set(violations.map((v) => debtKey(v.debt)));
  return {
    tolerated: violations.filter((v) => listed.has(debtKey(v.debt))),
    unexpected: violations.filter((v) => !listed.has(debtKey(v.debt))),
    stale: debt.filter((entry) => !seen.has(debtKey(entry))),
  };
}

/** The entries of root/docs/architecture-debt.json, or none when the file is absent. */
export function readDebt(root: string): DebtEntry[] {
  const path = join(root, 'docs', 'architecture-debt.json');
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, 'utf8')) as { debt: DebtEntry[] }).debt;
}

/** A function, method or arrow function whose body spans more than the limit. */
export interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

/** Functions of src/**\/*.ts whose body spans more than limit_lines lines, longest first. */
export function longFunctions(root: string, limit_lines: number): LongFunction[] {
  const out: LongFunction[] = [];
  for (const file of sourceFiles(root).filter((f) => f.endsWith('.ts'))) {
    const source = parse(root, file);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
        const body = node.body as ts.Node;
        const first = source.getLineAndCharacterOfPosition(body.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(body.getEnd()).line;
        const lines = last - first + 1;
        if (lines > limit_lines) out.push({ file, line: first + 1, name: functionName(node, source), lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}

function functionName(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (node.name !== undefined) return node.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText(source);
  }
  return `(anonymous ${ts.SyntaxKind[node.kind]})`;
}

/** The repository root: the nearest folder above `from` holding package.json. */
export function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** A root-relative path with forward slashes. */
export function rootRelative(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

// Owns: which build of the SQLite driver (better-sqlite3) this process loads.
//
// better-sqlite3 12.x is compiled against one Node ABI and serves Node 20, 22 and
// 24; it does not compile for Node 26 (V8 dropped PropertyCallbackInfo::This).
// 13.x ships Node-API 10 binaries that serve every Node from 22 on without a
// compiler, but crashes Node 20 (Node-API 9) when loaded. Both are optional
// dependencies and npm installs the ones whose `engines` match the running Node:
// 12.x on 20, both on 22 and 24, 13.x on 26. This loads 12.x where it loads (the
// build every release before ran on), else 13.x, never 13.x on Node 20. The two
// agree on every call this project makes; the SQLite file format is the same.

import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;
export type SqliteConstructor = typeof BetterSqlite3;

const NODE_MAJOR = Number.parseInt(process.versions.node, 10);
/** Node-API 10 (better-sqlite3 13.x) is in Node 22 and later. */
const NAPI10_FROM_MAJOR = 22;

/** The packages to try, in order, under Node `major`: never 13.x below Node 22 (it would crash the process, not throw). */
export function driverCandidates(major: number): readonly string[] {
  return major >= NAPI10_FROM_MAJOR ? ['better-sqlite3', 'better-sqlite3-napi'] : ['better-sqlite3'];
}

function loadDriver(): { driver: SqliteConstructor; name: string } {
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const name of driverCandidates(NODE_MAJOR)) {
    try {
      return { driver: require(name) as SqliteConstructor, name };
    } catch (e) {
      tried.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no SQLite driver loads under Node ${process.versions.node} (${tried.join('; ')}); run \`npm ci\` (or \`npm rebuild\`) under this Node`);
}

const loaded = loadDriver();

/** The better-sqlite3 constructor this process uses. */
export const Database: SqliteConstructor = loaded.driver;
/** Which package it came from: better-sqlite3 (12.x) or better-sqlite3-napi (13.x). */
export const SQLITE_DRIVER: string = loaded.name;

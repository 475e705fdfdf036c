// The store format: which version of the on-disk layout a store holds, and the
// forward migrations that bring an older store to the current one. A store keeps
// its format in its meta table (key 'format'). Opening a store of an older format
// migrates it forward in one transaction; a store of a newer format than this
// binary knows is refused, naming both, and nothing in it is touched.
//
// Format history (append only; a release that changes the layout adds a line and
// a migration, and a fixture store under test/fixtures/stores):
//   1  first release: journal, snapshot, query tables, documents; command
//      entries are op 4 and ran under rules version 1.
//   2  command entries may be op 5, which records the rules version each command
//      ran under beside its output digest. Nothing is rewritten: op 4 entries stay
//      valid and mean rules version 1.

import { StoreError } from './types.js';

export const STORE_FORMAT_CURRENT = 2;
export const STORE_FORMAT_OLDEST = 1;

export interface FormatMigration {
  /** The format this migration starts from; it leaves the store at `from + 1`. */
  from: number;
  what: string;
  /** Layout changes, as statements of the adapter's dialect ('{s}' stands for the schema prefix). */
  sql: readonly string[];
}

export const MIGRATIONS: readonly FormatMigration[] = Object.freeze([{ from: 1, what: 'command entries record their rules version (journal op 5)', sql: [] }]);

/**
 * What to do with a store whose meta says `found` (undefined: a new, empty store):
 * the migrations to run, in order. Throws StoreError for a format this binary
 * cannot read.
 */
export function migrationsFor(display: string, found: string | undefined): FormatMigration[] {
  if (found === undefined) return [];
  const version = /^[1-9][0-9]{0,5}$/.test(found) ? Number(found) : Number.NaN;
  if (Number.isNaN(version)) throw new StoreError('corrupt', `${display} has an unreadable format ${JSON.stringify(found)}`);
  if (version > STORE_FORMAT_CURRENT) {
    throw new StoreError(
      'store_too_new',
      `${display} has store format ${version}, written by a newer sco-settle; this binary reads formats ${STORE_FORMAT_OLDEST} to ${STORE_FORMAT_CURRENT}: open it with a newer release`,
    );
  }
  if (version < STORE_FORMAT_OLDEST)
    throw new StoreError('corrupt', `${display} has store format ${version}, older than any this binary migrates (${STORE_FORMAT_OLDEST})`);
  const out = MIGRATIONS.filter((m) => m.from >= version);
  if (out.length !== STORE_FORMAT_CURRENT - version) throw new Error(`store format: no migration path from ${version} to ${STORE_FORMAT_CURRENT}`);
  return out;
}

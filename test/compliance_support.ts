// Shared by the compliance tests: fixture paths and list loading.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseListFiles } from '../src/compliance/list_store.js';
import type { ListFormat, SanctionsList } from '../src/compliance/types.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..'); // dist/test -> project root
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'compliance');
export const SHARED_SANCTIONS = process.env.SCO_SETTLE_SANCTIONS_DIR ?? join(ROOT, '..', 'shared', 'sanctions');
export const HAVE_SHARED =
  existsSync(join(SHARED_SANCTIONS, 'ofac-sdn-csv-2021-07', 'sdn.csv')) && existsSync(join(SHARED_SANCTIONS, 'un-sc-consolidated-xml', 'UN_consolidated.xml'));
export const SKIP_SHARED = HAVE_SHARED ? false : `real lists not found in ${SHARED_SANCTIONS}; recall/FPR on the real lists not checked`;

export const NOW = new Date('2026-03-01T12:00:00Z');

export function fixture(name: string): { name: string; bytes: Buffer } {
  return { name, bytes: readFileSync(join(FIXTURES, name)) };
}

export function load(format: ListFormat, names: string[], list?: string): SanctionsList {
  return parseListFiles(format, names.map(fixture), NOW, list);
}

export function fixtureLists(): SanctionsList[] {
  return [load('ofac-csv', ['sdn.csv', 'alt.csv', 'add.csv']), load('un-xml', ['un.xml']), load('opensanctions', ['os.ndjson'])];
}

// Which build is running: the package version (from package.json, beside dist/)
// and the Node.js it runs on. `sco-settle --version` and the API's build_info
// metric show the same figures.

import { readFileSync } from 'node:fs';

function packageVersion(): string {
  // dist/src/platform/build_info.js -> package.json at the repository root.
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const BUILD_INFO: Readonly<{ version: string; node: string }> = Object.freeze({
  version: packageVersion(),
  node: process.versions.node,
});

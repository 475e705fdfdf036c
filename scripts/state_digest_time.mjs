// What a whole-state digest costs on a store, and which section of the platform
// state it goes to: opens the store (replays it), JSON-encodes each section as
// the snapshot does and times it, then times the platform's state encoding and
// the whole digest once each.
// Usage: node scripts/state_digest_time.mjs STORE_URL   (e.g. sqlite:/tmp/day.db after `demo --exit --file /tmp/day.db`)
import { Platform } from '../dist/src/platform/platform.js';

const url = process.argv[2];
if (url === undefined) {
  console.error('usage: node scripts/state_digest_time.mjs STORE_URL');
  process.exit(2);
}
const p = await Platform.open(url);
try {
  const { state, ledger } = Platform.internals(p);
  const data = state.snapshotData();
  const tagged = (_k, v) => (typeof v === 'bigint' ? { $n: v.toString() } : v);
  for (const [name, list] of Object.entries(data)) {
    if (list === null || typeof list !== 'object' || typeof list[Symbol.iterator] !== 'function') continue;
    const t0 = performance.now();
    let bytes = 0;
    let n = 0;
    for (const item of list) {
      bytes += JSON.stringify(item, tagged).length;
      n++;
    }
    if (n > 0) console.log(`${name.padEnd(22)} ${String(n).padStart(8)} records ${String(bytes).padStart(11)} bytes ${(performance.now() - t0).toFixed(1)} ms`);
  }
  let t0 = performance.now();
  const encoded = state.encodeState();
  console.log(`platform state encoded: ${encoded.length} bytes in ${(performance.now() - t0).toFixed(1)} ms`);
  t0 = performance.now();
  ledger.stateDigest();
  console.log(`whole-state digest (ledger and platform): ${(performance.now() - t0).toFixed(1)} ms`);
} finally {
  await p.close();
}

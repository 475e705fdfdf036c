// What stop 50 (#18) took off a 1,000-payment batch's main thread, old way against
// new in one process, on `bench api`'s own body: (1) the body decoded whole and
// parsed by fastify's JSON parser (Buffer.concat of the socket's chunks, UTF-8
// decode, secure-json-parse) against parseBatchBody (pieces of ~32 KB); and the
// decode alone, whole against in 64 KB pieces; (2) the command's journal bytes,
// Buffer.from(JSON.stringify(value)) against jsonBytes (pieces of 128 payments).
// Rounds alternate the ways; prints median CPU µs a batch and checks that both
// ways give the same value and the same bytes.
//   node --max-semi-space-size=64 scripts/batch_pieces_cost.mjs DIST [ROUNDS=9]
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? 'dist');
const rounds = Number(process.argv[3] ?? 9);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { paymentBody } = await load('src/bench/api_bench.js');
const { parseBatchBody } = await load('src/api/batch_body.js');
const { jsonBytes, jsonCopy } = await load('src/platform/json_copy.js');
const sjson = createRequire(join(dist, '..', 'package.json'))('secure-json-parse');

const text = paymentBody(1000, '2026-12-07');
const buf = Buffer.from(text);
// As a socket hands them over: 64 KB chunks.
const chunks = [];
for (let i = 0; i < buf.length; i += 65536) chunks.push(Buffer.from(buf.subarray(i, i + 65536)));
const opts = { protoAction: 'error', constructorAction: 'error' };
const value = jsonCopy({ type: 'submit_payments', payments: JSON.parse(text).payments, by: 'operator' });
assert.deepEqual(parseBatchBody(Buffer.concat(chunks)), sjson.parse(text, opts));
assert.ok(jsonBytes(value).equals(Buffer.from(JSON.stringify(value))));

const ways = {
  'body: concat + decode whole + secure-json-parse': () => sjson.parse(Buffer.concat(chunks, buf.length).toString('utf8'), opts),
  'body: concat + parseBatchBody': () => parseBatchBody(Buffer.concat(chunks, buf.length)),
  'decode whole (one string)': () => buf.toString('utf8'),
  'decode in 64 KB pieces': () => {
    for (const c of chunks) c.toString('utf8');
  },
  'journal: Buffer.from(JSON.stringify)': () => Buffer.from(JSON.stringify(value)),
  'journal: jsonBytes': () => jsonBytes(value),
};
const res = {};
for (let r = 0; r < rounds; r++) {
  const names = Object.keys(ways);
  if (r % 2 === 1) names.reverse();
  for (const k of names) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < 50; i++) ways[k]();
    const t = process.cpuUsage(t0);
    (res[k] ??= []).push((t.user + t.system) / 50);
  }
}
console.log(`body ${buf.length} bytes in ${chunks.length} chunks; command ${jsonBytes(value).length} bytes; median CPU µs a batch over ${rounds} rounds`);
for (const [k, a] of Object.entries(res)) {
  a.sort((x, y) => x - y);
  console.log(`${a[a.length >> 1].toFixed(0).padStart(6)}  ${k}`);
}

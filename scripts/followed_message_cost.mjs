// A follower's own per-message work on a delivered JetStream message (#15): the old
// path (the client library's header map, `headers.get` twice, OLD's wire decode with
// a copy per part) against NEW's `followedEntry` (the two headers read from the
// header block's bytes, the wire decode with one copy), on messages built as the
// nats client (2.29) builds them from the wire: a header block as an active engine's
// publish stores it (node, message id, expected last message id and sequence) and a
// journal entry of SRC_DB as payload. Each round makes fresh messages (the library
// caches a decoded header map per message), then times each path over them (CPU time), in
// turn; prints ns per message per round and the medians. Both give the same
// entries, digests and nodes (checked).
// Then the active engine's side of the same messages: the header block of each
// append built through the library's header map (`headers()`, `set` five times,
// `encode()`: OLD's StreamLog.send) against NEW's StreamLog.send with a stand-in
// connection that takes the bytes its publish would send; same bytes (checked).
//
//   node --expose-gc scripts/followed_message_cost.mjs OLD_DIST NEW_DIST SRC_DB [ROUNDS=7]
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readWholeJournal } from './read_journal.mjs';

const [oldDist, newDist, srcDb, roundsArg = '7'] = process.argv.slice(2);
const imp = (d, p) => import(pathToFileURL(join(resolve(d), p)).href);
const oldWire = await imp(oldDist, 'src/journal/replicated.js');
const { followedEntry } = await imp(newDist, 'src/replication/stream_log.js');
const { encodeEntryWire } = await imp(newDist, 'src/journal/replicated.js');
const { openStore } = await imp(newDist, 'src/store/open.js');
const require = createRequire(join(resolve(newDist), '../package.json'));
const { MsgImpl } = require('nats/lib/nats-base-client/msg.js');
const { JsMsgImpl } = require('nats/lib/jetstream/jsmsg.js');
const { MsgHdrsImpl } = require('nats/lib/nats-base-client/headers.js');
const nats = require('nats');
const { StreamLog } = await imp(newDist, 'src/replication/stream_log.js');
const { clusterConfig } = await imp(newDist, 'src/replication/cluster_config.js');

const entries = (await readWholeJournal(openStore, srcDb)).slice(0, 4000);
const wires = entries.map((e, i) => {
  const h = new MsgHdrsImpl();
  h.set('Sco-Node', 'e1');
  if (i % 500 === 0) h.set('Sco-State-Digest', e.hash.toString('hex'));
  h.set('Nats-Msg-Id', `${e.seq}:${e.hash.toString('hex')}`);
  if (e.seq > 1) h.set('Nats-Expected-Last-Msg-Id', `${e.seq - 1}:${e.prev_hash.toString('hex')}`);
  h.set('Nats-Expected-Last-Sequence', String(e.seq - 1));
  const hdr = h.encode();
  const body = encodeEntryWire(e);
  const data = new Uint8Array(hdr.length + body.length);
  data.set(hdr, 0);
  data.set(body, hdr.length);
  const reply = new TextEncoder().encode(`$JS.ACK.SCO_J.ord_x_1.1.${e.seq}.${e.seq}.1765143210123456789.0`);
  return { hdr: hdr.length, data, reply };
});
const subject = new TextEncoder().encode('sco.journal');
const fresh = () =>
  wires.map((w) => {
    const m = new JsMsgImpl(new MsgImpl({ subject, reply: w.reply, sid: 1, hdr: w.hdr, size: w.data.length }, w.data, {}), 5000);
    void m.info; // the ordered consumer parsed it before the follower's callback
    return m;
  });
const oldPath = (m) => {
  const entry = oldWire.decodeEntryWire(m.data);
  const h = m.headers;
  const digest = h?.get('Sco-State-Digest') ?? '';
  return {
    entry,
    state_digest: digest === '' ? null : Buffer.from(digest, 'hex'),
    node: h?.get('Sco-Node') ?? '',
    stored_ms: m.info.timestampNanos / 1_000_000,
  };
};
const a = fresh().map(oldPath);
const b = fresh().map(followedEntry);
for (let i = 0; i < a.length; i++) {
  const x = a[i];
  const y = b[i];
  if (
    !x.entry.hash.equals(y.entry.hash) ||
    !x.entry.body.equals(y.entry.body) ||
    x.node !== y.node ||
    String(x.state_digest?.toString('hex')) !== String(y.state_digest?.toString('hex'))
  )
    throw new Error(`message ${i}: the paths differ`);
}
const time = (fn) => {
  const msgs = fresh();
  globalThis.gc?.(); // each timed loop starts with an empty young generation (node --expose-gc)
  // CPU time (the process's, GC helpers included), not wall: the host is shared.
  const t0 = process.cpuUsage();
  let payments = 0;
  for (const m of msgs) payments += fn(m).entry.count;
  const t = process.cpuUsage(t0);
  if (payments === 0) throw new Error('no entries');
  return ((t.user + t.system) * 1000) / msgs.length;
};
const med = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const olds = [];
const news = [];
for (let r = 0; r < Number(roundsArg); r++) {
  const o = time(oldPath);
  const n = time(followedEntry);
  olds.push(o);
  news.push(n);
  console.log(`round ${r + 1}: old ${o.toFixed(0)} ns, new ${n.toFixed(0)} ns per message`);
}
console.log(
  `${wires.length} messages, same entries, digests and nodes; median old ${med(olds).toFixed(0)} ns, new ${med(news).toFixed(0)} ns per message (new / old ${(med(news) / med(olds)).toFixed(2)})`,
);

// The active engine's header block per append.
const sent = [];
const nc = { subscribe: () => undefined, jetstream: () => ({}), publish: (_s, _d, o) => sent.push(o.headers.encode()) };
const log = new StreamLog(nats, nc, {}, clusterConfig(['nats://127.0.0.1:4222']), 'e1');
const items = entries.map((entry, i) => ({ entry, state_digest: i % 500 === 0 ? entry.hash : null }));
const idOf = (e) => `${e.seq}:${e.hash.toString('hex')}`;
const oldBlock = ({ entry, state_digest }, i) => {
  const h = nats.headers();
  h.set('Sco-Node', 'e1');
  if (state_digest !== null) h.set('Sco-State-Digest', state_digest.toString('hex'));
  h.set('Nats-Msg-Id', idOf(entry));
  if (i % 4 !== 0) h.set('Nats-Expected-Last-Msg-Id', idOf(entries[i - 1]));
  h.set('Nats-Expected-Last-Sequence', String(entry.seq - 1));
  return h.encode();
};
const newBlock = (item, i) => {
  log.send(item, idOf(item.entry), i % 4 !== 0 ? idOf(entries[i - 1]) : null, i);
  return sent.pop();
};
for (let i = 0; i < items.length; i++)
  if (Buffer.compare(Buffer.from(oldBlock(items[i], i)), Buffer.from(newBlock(items[i], i))) !== 0) throw new Error(`append ${i}: header blocks differ`);
const timeSend = (fn) => {
  globalThis.gc?.();
  const t0 = process.cpuUsage();
  for (let i = 0; i < items.length; i++) fn(items[i], i);
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1000) / items.length;
};
const oldSend = [];
const newSend = [];
for (let r = 0; r < Number(roundsArg); r++) {
  oldSend.push(timeSend(oldBlock));
  // NEW's send also encodes the entry (OLD's did too): the wire encode is timed on its own and taken off.
  const withWire = timeSend(newBlock);
  const wire = timeSend((item) => encodeEntryWire(item.entry));
  newSend.push(withWire - wire);
}
console.log(
  `active engine, ${items.length} appends, same header bytes; median header block old ${med(oldSend).toFixed(0)} ns, new ${med(newSend).toFixed(0)} ns (new / old ${(med(newSend) / med(oldSend)).toFixed(2)})`,
);

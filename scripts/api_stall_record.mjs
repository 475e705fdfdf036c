// Records what can hold a `serve` process's answers, for scripts/api_stall_attribution.mjs:
// loaded into the server with NODE_OPTIONS="--import <this file>" and
// SCO_SETTLE_STALL_OUT=FILE set (any other process, and worker threads, ignore it).
// It keeps, in the main thread's performance.now() milliseconds:
//   gaps   the event loop's gaps over 3 ms (a 1 ms interval timer), each with the
//          main thread's CPU ms and run-queue wait ms over it (/proc/thread-self/schedstat):
//          a gap that is mostly run-queue wait is the host preempting the process, not its code;
//   gcs    V8's collections (PerformanceObserver 'gc': start, duration, kind);
//   reqs   each HTTP request's arrival and finish, and its content-length (-1 for GETs);
//   wmsgs  each worker request (the SQLite commit worker's appends, index writes and
//          checkpoints, the checkpointer's) from its postMessage to its reply, per worker,
//          with the checkpoint's own ms when the reply reports it;
// and writes them as JSON to FILE when the process exits (serve exits after SIGTERM's drain).
// Measuring, not part of the server: a 1 ms timer and a /proc read a millisecond cost
// ~1-2 % of a core.
//   SCO_SETTLE_STALL_OUT=/tmp/stalls.json NODE_OPTIONS="--import $PWD/scripts/api_stall_record.mjs" \
//     node bin/sco-settle.js bench api --json --fixed-only

import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread, Worker } from 'node:worker_threads';

const out = process.env.SCO_SETTLE_STALL_OUT;
if (out !== undefined && out !== '' && isMainThread && process.argv.includes('serve')) record(out);

function record(file) {
  const gaps = [];
  const gcs = [];
  const reqs = [];
  const wmsgs = [];
  const hr0_us = Number(process.hrtime.bigint() / 1000n);
  const pn0 = performance.now();
  // schedstat: "<cpu ns> <run-queue wait ns> <slices>" of this thread.
  const fd = openSync('/proc/thread-self/schedstat', 'r');
  const buf = Buffer.alloc(128);
  const sched = () => {
    const n = readSync(fd, buf, 0, 128, 0);
    const f = buf.toString('latin1', 0, n).split(' ');
    return [Number(f[0]) / 1e6, Number(f[1]) / 1e6];
  };
  let prev = performance.now();
  let prevSched = sched();
  setInterval(() => {
    const now = performance.now();
    const s = sched();
    if (now - prev > 3) gaps.push([prev, now, s[0] - prevSched[0], s[1] - prevSched[1]]);
    prev = now;
    prevSched = s;
  }, 1).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.startTime, e.duration, e.detail?.kind ?? 0]);
  }).observe({ entryTypes: ['gc'] });
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...args) {
    const [req, res] = args;
    if (event === 'request') {
      const r = [performance.now(), 0, req.method === 'POST' ? Number(req.headers['content-length'] ?? 0) : -1];
      reqs.push(r);
      res.once('finish', () => {
        r[1] = performance.now();
      });
    }
    return emit.call(this, event, ...args);
  };
  const workerNo = new WeakMap();
  let workers = 0;
  const pending = new Map();
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (!workerNo.has(this)) workerNo.set(this, workers++);
    if (msg !== null && typeof msg === 'object' && 'kind' in msg && 'id' in msg) {
      const w = workerNo.get(this);
      const rec = [w, msg.kind, performance.now(), 0, msg.packed?.byteLength ?? 0];
      wmsgs.push(rec);
      pending.set(`${w}:${msg.id}`, rec);
    }
    return post.call(this, msg, ...rest);
  };
  const wemit = Worker.prototype.emit;
  Worker.prototype.emit = function (event, ...args) {
    const m = args[0];
    if (event === 'message' && m !== null && typeof m === 'object' && 'id' in m) {
      const key = `${workerNo.get(this)}:${m.id}`;
      const rec = pending.get(key);
      if (rec !== undefined) {
        rec[3] = performance.now();
        if (m.checkpoint !== undefined) rec.push(m.checkpoint.ms);
        pending.delete(key);
      }
    }
    return wemit.call(this, event, ...args);
  };
  process.on('exit', () => {
    closeSync(fd);
    writeFileSync(file, JSON.stringify({ hr0_us, pn0, gaps, gcs, reqs, wmsgs }));
  });
}

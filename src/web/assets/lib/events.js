// @ts-check
// The live event stream: GET /v1/events read with fetch() and a stream reader
// (EventSource cannot send the Authorization header), reconnecting with backoff.
// Each "payments" event is added to the session's recent activity and handed to
// the open view. Also owns the header's live indicator and `debounce`, with which
// views turn bursts of events into a few reloads.

import { expire, session } from './session.js';

/** @typedef {import('./types.js').PaymentChange} PaymentChange */

/** @type {AbortController | null} */
let current = null;

/** @param {'off' | 'connecting' | 'on'} state */
function setLive(state) {
  session.live = state;
  const el = document.getElementById('live');
  if (el) {
    el.className = `live ${state}`;
    el.textContent = state === 'on' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline';
    el.title = state === 'on' ? 'Receiving payment events' : 'Not receiving events; retrying';
  }
}

export function startEvents() {
  stopEvents();
  const ctl = new AbortController();
  current = ctl;
  void follow(ctl);
}

export function stopEvents() {
  current?.abort();
  current = null;
}

/** Reads the stream until aborted, reconnecting after 1 s, doubling up to 30 s. @param {AbortController} ctl */
async function follow(ctl) {
  let wait_ms = 1000;
  while (!ctl.signal.aborted) {
    setLive('connecting');
    try {
      const res = await fetch('/v1/events', {
        headers: { authorization: `Bearer ${session.key}`, accept: 'text/event-stream' },
        signal: ctl.signal,
        cache: 'no-store',
      });
      if (res.status === 401) {
        expire('Your API key was not accepted any more; sign in again.');
        return;
      }
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      setLive('on');
      wait_ms = 1000;
      await readBlocks(res.body);
    } catch {
      if (ctl.signal.aborted) return;
    }
    if (ctl.signal.aborted) return;
    setLive('off');
    await new Promise((r) => setTimeout(r, wait_ms));
    wait_ms = Math.min(wait_ms * 2, 30_000);
  }
}

/** Server-sent events are blocks separated by a blank line. @param {ReadableStream<Uint8Array>} body */
async function readBlocks(body) {
  // TypeScript's DOM types reject a TextDecoderStream on a byte stream (BufferSource vs Uint8Array); browsers do not.
  const decoder = /** @type {ReadableWritablePair<string, Uint8Array>} */ (/** @type {unknown} */ (new TextDecoderStream()));
  const reader = body.pipeThrough(decoder).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      onSseBlock(block);
    }
  }
}

/** @param {string} block */
function onSseBlock(block) {
  let event = 'message';
  /** @type {string[]} */
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event !== 'payments' || data.length === 0) return;
  /** @type {PaymentChange[]} */
  let changes;
  try {
    changes = JSON.parse(data.join('\n'));
  } catch {
    return;
  }
  for (const c of changes) session.activity.unshift(c);
  session.activity.length = Math.min(session.activity.length, 100);
  session.view?.onEvents?.(changes);
}

/**
 * Calls fn at most once per `ms`, trailing.
 * @param {() => unknown} fn
 * @param {number} ms
 */
export function debounce(fn, ms) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let t = null;
  return () => {
    if (t !== null) return;
    t = setTimeout(() => {
      t = null;
      fn();
    }, ms);
  };
}

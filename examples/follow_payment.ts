// Follow a payment until it reaches a final state, with the typed client: read
// its state, then follow the change feed (GET /v1/events, resumed with
// Last-Event-ID across dropped connections and server restarts) until a change
// of this payment is final. Prints each state of the payment as a JSON line.
//
//   SCO_SETTLE_URL=… SCO_SETTLE_API_KEY=sco_… node dist/examples/follow_payment.js UETR [TIMEOUT_S]

import { ScoSettleClient, type PaymentState } from '../src/client/client.js';

const FINAL: readonly PaymentState[] = ['settled', 'rejected', 'cancelled', 'returned'];

async function main(args: string[]): Promise<void> {
  const [uetr, timeout = '60'] = args;
  if (uetr === undefined) throw new Error('usage: follow_payment UETR [TIMEOUT_S]');
  const baseUrl = process.env.SCO_SETTLE_URL;
  const apiKey = process.env.SCO_SETTLE_API_KEY;
  if (baseUrl === undefined || apiKey === undefined) throw new Error('set SCO_SETTLE_URL and SCO_SETTLE_API_KEY');
  const client = new ScoSettleClient({ baseUrl, apiKey });
  // Closed on the way out: an open feed connection would keep the process alive until the timeout.
  const finished = new AbortController();
  const signal = AbortSignal.any([AbortSignal.timeout(Number(timeout) * 1000), finished.signal]);
  // Subscribe first from the feed's current position, then read the state: no change falls between the two.
  const feed = client.events({ signal });
  const first = feed.next();
  // When the payment is already final, this read is never awaited; its rejection at the close is expected.
  first.catch(() => {});
  try {
    const p = await client.getPayment(uetr);
    for (const h of p.history) console.log(JSON.stringify({ uetr, state: h.state, at: h.at }));
    if (FINAL.includes(p.state)) return;
    let next = await first;
    while (next.done !== true) {
      for (const c of next.value.changes) {
        if (c.uetr !== uetr) continue;
        console.log(JSON.stringify({ uetr, state: c.state, at: c.at, event: next.value.id }));
        if (FINAL.includes(c.state)) return;
      }
      next = await feed.next();
    }
    throw new Error(`no final state for ${uetr} within ${timeout} s`);
  } finally {
    finished.abort();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

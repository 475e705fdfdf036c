// Submit a payment with the typed client, safely retried: the Idempotency-Key
// makes a retry after a lost answer return the first answer, never a second
// payment. Prints the payment's UETR and state as one JSON line; exits 2 if
// the platform rejected the payment (the reason is in the line), 1 on an error.
//
//   SCO_SETTLE_URL=http://127.0.0.1:8080 SCO_SETTLE_API_KEY=sco_… \
//     node dist/examples/submit_payment.js PAYER PAYEE CURRENCY AMOUNT

import { randomUUID } from 'node:crypto';
import { ApiProblem, ScoSettleClient } from '../src/client/client.js';

function clientFromEnv(): ScoSettleClient {
  const baseUrl = process.env.SCO_SETTLE_URL;
  const apiKey = process.env.SCO_SETTLE_API_KEY;
  if (baseUrl === undefined || apiKey === undefined) throw new Error('set SCO_SETTLE_URL and SCO_SETTLE_API_KEY');
  return new ScoSettleClient({ baseUrl, apiKey });
}

async function main(args: string[]): Promise<void> {
  const [payer, payee, currency, amount] = args;
  if (amount === undefined) throw new Error('usage: submit_payment PAYER PAYEE CURRENCY AMOUNT (major units, e.g. 1500.00)');
  const client = clientFromEnv();
  const uetr = randomUUID();
  const idempotencyKey = `example-${uetr}`;
  const instruction = { uetr, end_to_end_id: `EX-${uetr.slice(0, 8)}`, payer, payee: payee!, currency: currency!, amount };
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await client.submitPayment({ ...instruction, payer: payer! }, { idempotencyKey });
      console.log(JSON.stringify(r));
      // A rejection is an answer (with its ISO 20022 reason), not an error of the request: exit 2.
      if (r.state === 'rejected') process.exitCode = 2;
      return;
    } catch (err) {
      // A refusal is final (and printed); a network failure or 503 is retried with the same key.
      if (err instanceof ApiProblem && err.status < 500) throw err;
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

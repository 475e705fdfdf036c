// Download the camt.053 statement of an account for a business day with the
// typed client, and write it to a file.
//
//   SCO_SETTLE_URL=… SCO_SETTLE_API_KEY=sco_… \
//     node dist/examples/download_statement.js PARTICIPANT CURRENCY DATE OUT.xml

import { writeFileSync } from 'node:fs';
import { ScoSettleClient } from '../src/client/client.js';

async function main(args: string[]): Promise<void> {
  const [participant, currency, date, out] = args;
  if (out === undefined) throw new Error('usage: download_statement PARTICIPANT CURRENCY YYYY-MM-DD OUT.xml');
  const baseUrl = process.env.SCO_SETTLE_URL;
  const apiKey = process.env.SCO_SETTLE_API_KEY;
  if (baseUrl === undefined || apiKey === undefined) throw new Error('set SCO_SETTLE_URL and SCO_SETTLE_API_KEY');
  const client = new ScoSettleClient({ baseUrl, apiKey });
  const xml = await client.getStatement(participant!, currency!, date!);
  writeFileSync(out, xml);
  console.log(JSON.stringify({ file: out, bytes: Buffer.byteLength(xml) }));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

// The body of one XSD validation worker (./xsd_pool.ts) and the messages it
// exchanges with the pool. The worker loads libxml2 and each schema once (the
// cache of ./validate.ts, per thread) and answers each request with one verdict
// per part, in order. The body runs only under its workerData role, so the pool
// can import the types and the role without side effects.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { xsdCheck } from './validate.js';

/** workerData marker: the body runs only under it. */
export const XSD_WORKER_ROLE = 'sco-settle-xsd-validate';

/** libxml2's [line, message] pairs for one part (empty: valid), or why the schema cannot be loaded. */
export type XsdVerdict = Array<[number, string]> | { error: string };

export interface XsdRequest {
  n: number;
  /** [schema id, serialised part] */
  parts: Array<[string, string]>;
}

export type XsdReply = { n: number; verdicts: XsdVerdict[] } | { n: number; fail: string };

const init = workerData as { role?: unknown; dir?: unknown } | null;
if (!isMainThread && parentPort !== null && init?.role === XSD_WORKER_ROLE && typeof init.dir === 'string') {
  const port = parentPort;
  const dir = init.dir;
  port.on('message', (req: XsdRequest) => {
    const answer = async (): Promise<XsdReply> => {
      try {
        const verdicts: XsdVerdict[] = [];
        for (const [id, xml] of req.parts) verdicts.push(await xsdCheck(dir, id, xml));
        return { n: req.n, verdicts };
      } catch (err) {
        return { n: req.n, fail: (err as Error).message };
      }
    };
    void answer().then((reply) => port.postMessage(reply));
  });
}

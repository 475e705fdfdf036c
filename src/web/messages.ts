// A payment's ISO 20022 messages for the dashboard: the pacs.008 as the platform
// holds it and the status reports (pacs.002, pacs.004) its changes produced,
// built by src/iso20022 the way the platform would send them.

import type { ChangeEvent, Platform } from '../platform/platform.js';
import type { Payment } from '../platform/types.js';
import { isoDateTime, isoStatusOf, pacs008OfPayment } from '../iso20022/mapping.js';
import { statusMessageId, statusReportsFor } from '../iso20022/submit.js';
import { buildMessage } from '../iso20022/messages/index.js';

/** A payment's messages: the pacs.008 as the platform holds it and a pacs.002 for each status change that has one. */
export function paymentMessages(platform: Platform, p: Payment): Array<{ name: string; file: string; xml: string }> {
  const ins = p.instruction;
  const firstAt = p.history[0]?.at_ns ?? 0n;
  const out: Array<{ name: string; file: string; xml: string }> = [];
  const m = pacs008OfPayment(p, { message_id: statusMessageId(firstAt, ins.uetr, 0), creation_date_time: isoDateTime(firstAt) });
  out.push({ name: 'pacs.008.001.08', file: `${ins.uetr}-pacs.008.xml`, xml: buildMessage(m) });
  const changes: ChangeEvent[] = p.history.map((h) => {
    const e: ChangeEvent = { uetr: ins.uetr, state: h.state, at_ns: String(h.at_ns) };
    if (h.reason !== undefined) e.reason = h.reason;
    if (h.detail !== undefined) e.detail = h.detail;
    return e;
  });
  // statusReportsFor answers the changes that have an ISO status (and returns), in order: label each by its change.
  const answered = changes.filter((ev) => ev.state === 'returned' || isoStatusOf(ev) !== null);
  statusReportsFor(changes, platform, {
    original: { message_id: statusMessageId(firstAt, ins.uetr, 0), message_name_id: 'pacs.008.001.08', creation_date_time: isoDateTime(firstAt) },
  }).forEach((xml, i) => {
    const type = /xmlns="urn:iso:std:iso:20022:tech:xsd:([a-z]+\.\d{3})/.exec(xml)?.[1] ?? 'pacs.002';
    const ev = answered[i];
    const status = type === 'pacs.002' ? isoStatusOf(ev ?? { state: 'received' })?.status : undefined;
    const label = ev === undefined ? '' : ` (${ev.state}${status !== undefined ? ` ${status}` : ''}${ev.reason !== undefined ? ` ${ev.reason}` : ''})`;
    out.push({ name: `${type} #${i + 1}${label}`, file: `${ins.uetr}-${type}-${i + 1}.xml`, xml });
  });
  return out;
}

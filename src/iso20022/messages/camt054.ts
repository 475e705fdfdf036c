// camt.054.001.08, the bank-to-customer debit/credit notification: sent to a
// participant for each debit and credit of its settlement account. It shares the
// account report and entry model of camt.053 (./camt053.ts); a notification has
// no balances.
//
// `notificationFor` builds the notification of one booking.

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import { compact, kid, kids, writeDocument } from './tree.js';
import {
  accountReportX,
  entryOf,
  readAccountReport,
  readReportGroupHeader,
  reportAccountOf,
  reportGroupHeaderX,
  type AccountReport,
  type EntryInput,
  type ReportAccountInput,
  type ReportGroupHeader,
} from './camt053.js';

export interface Camt054 {
  group_header: ReportGroupHeader;
  notifications: AccountReport[];
}

export function buildCamt054(m: Camt054, out: string[]): void {
  writeDocument(
    SCHEMAS.get('camt.054.001.08')!,
    {
      BkToCstmrDbtCdtNtfctn: { GrpHdr: reportGroupHeaderX(m.group_header), Ntfctn: m.notifications.map((n) => accountReportX(n, 'notification')) },
    },
    out,
  );
}

export function parseCamt054(doc: XmlElement): Camt054 {
  const body = kid(doc, 'BkToCstmrDbtCdtNtfctn');
  return { group_header: readReportGroupHeader(kid(body, 'GrpHdr')), notifications: kids(body, 'Ntfctn').map((n) => readAccountReport(n, 'notification')) };
}

export interface NotificationInput {
  message_id: string;
  creation_date_time: string;
  /** Default: message_id. */
  notification_id?: string;
  /** ElctrncSeqNb: the notification's sequence number for the account. */
  sequence_number?: bigint | number;
  account: ReportAccountInput;
  /** The booking; its booking date defaults to the date of creation_date_time. */
  entry: EntryInput;
  recipient_bic?: string;
  additional_information?: string;
}

/** A camt.054 notifying one debit or one credit of a participant's account. */
export function notificationFor(n: NotificationInput): Camt054 {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(n.creation_date_time)?.[0];
  return {
    group_header: compact({
      message_id: n.message_id,
      creation_date_time: n.creation_date_time,
      recipient: n.recipient_bic === undefined ? undefined : { bic: n.recipient_bic },
    }),
    notifications: [
      compact({
        id: n.notification_id ?? n.message_id,
        electronic_sequence_number: n.sequence_number === undefined ? undefined : String(n.sequence_number),
        creation_date_time: n.creation_date_time,
        account: reportAccountOf(n.account),
        entries: [entryOf(n.entry, n.account.currency, day, '/entry')],
        additional_information: n.additional_information,
      }),
    ],
  };
}

// head.001.001.02, the business application header (AppHdr): who sends, who
// receives, which message it carries (MsgDefIdr), its id and creation time.
// Sender and receiver are financial institutions by BIC (Party44Choice/FIId),
// as CBPR+ requires.

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import { agentX, readAgent, type Agent } from './common.js';
import { compact, kid, text, writeDocument } from './tree.js';

export interface AppHdr {
  from: Agent;
  to: Agent;
  business_message_id: string;
  /** e.g. "pacs.008.001.08"; must name the Document it travels with. */
  message_definition_id: string;
  /** e.g. "swift.cbprplus.02" or the scheme's service name. */
  business_service?: string;
  creation_date: string;
  possible_duplicate?: boolean;
  priority?: string;
}

export function buildAppHdr(h: AppHdr, out: string[]): void {
  writeDocument(
    SCHEMAS.get('head.001.001.02')!,
    {
      Fr: { FIId: agentX(h.from) },
      To: { FIId: agentX(h.to) },
      BizMsgIdr: h.business_message_id,
      MsgDefIdr: h.message_definition_id,
      BizSvc: h.business_service,
      CreDt: h.creation_date,
      PssblDplct: h.possible_duplicate === undefined ? undefined : String(h.possible_duplicate),
      Prty: h.priority,
    },
    out,
  );
}

export function parseAppHdr(el: XmlElement): AppHdr {
  const dup = text(el, 'PssblDplct')?.trim();
  return compact({
    from: readAgent(kid(kid(el, 'Fr'), 'FIId')) ?? {},
    to: readAgent(kid(kid(el, 'To'), 'FIId')) ?? {},
    business_message_id: text(el, 'BizMsgIdr') ?? '',
    message_definition_id: text(el, 'MsgDefIdr') ?? '',
    business_service: text(el, 'BizSvc'),
    creation_date: text(el, 'CreDt')?.trim() ?? '',
    possible_duplicate: dup === undefined ? undefined : dup === 'true' || dup === '1',
    priority: text(el, 'Prty'),
  });
}

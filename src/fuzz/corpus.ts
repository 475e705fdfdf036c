// The seed corpus the XML and ISO targets mutate: valid messages of each kind the
// platform reads (pacs.008, pacs.009, camt.056, pacs.004 shapes, built by the
// project's own writer) and small documents that reach the reader's corners
// (namespaces, CDATA, comments, processing instructions, character references).

import { buildMessage } from '../iso20022/messages/index.js';

const DATE = '2025-08-29';
const UETR = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

function pacs008(): string {
  return buildMessage({
    message_type: 'pacs.008.001.08',
    document: {
      group_header: { message_id: 'M1-fuzz', creation_date_time: `${DATE}T08:00:00Z`, settlement_method: 'CLRG', interbank_settlement_date: DATE },
      transactions: [
        {
          instruction_id: 'I1',
          end_to_end_id: 'E2E-1',
          uetr: UETR,
          payment_type: { instruction_priority: 'NORM' },
          interbank_settlement_amount: { currency: 'CNY', value: '1234.56' },
          charge_bearer: 'SHAR',
          debtor: { name: 'Шёлковый путь ООО', postal_address: { country: 'RU' } },
          debtor_agent: { bic: 'SABRRUMM' },
          creditor_agent: { bic: 'BKCHCNBJ' },
          creditor: { name: '丝路贸易有限公司', postal_address: { country: 'CN' } },
          purpose: { code: 'GDDS' },
          remittance_information: ['INV 2025-0042 & co <ok>'],
        },
      ],
    },
  });
}

function pacs009(): string {
  return buildMessage({
    message_type: 'pacs.009.001.08',
    document: {
      group_header: { message_id: 'M2-fuzz', creation_date_time: `${DATE}T08:00:00Z`, settlement_method: 'CLRG', interbank_settlement_date: DATE },
      transactions: [
        {
          instruction_id: 'I2',
          end_to_end_id: 'E2E-2',
          uetr: '7a1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e50',
          payment_type: { instruction_priority: 'HIGH' },
          interbank_settlement_amount: { currency: 'RUB', value: '1000000.00' },
          debtor: { bic: 'VTBRRUMM' },
          creditor: { bic: 'SABRRUMM' },
          remittance_information: ['cover'],
        },
      ],
    },
  });
}

const SMALL_DOCUMENTS: readonly string[] = [
  '<?xml version="1.0" encoding="UTF-8"?><a xmlns="urn:x" xmlns:p="urn:p"><p:b c="1" p:d="&amp;&#x41;&#66;">t<![CDATA[<x>]]><!-- c --><?pi x?></p:b></a>',
  '<r><e a=\'1\' b="2"/><e>&lt;&gt;&quot;&apos;</e></r>',
  '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.08"><FIToFIPmtCxlReq><Assgnmt><Id>A1</Id></Assgnmt></FIToFIPmtCxlReq></Document>',
];

/** Seeds, built once per worker. */
export function xmlCorpus(): readonly string[] {
  return [pacs008(), pacs009(), ...SMALL_DOCUMENTS];
}

/** Markup that reaches the readers' refusals and corners. */
export const XML_DICTIONARY: readonly string[] = [
  '<',
  '>',
  '</',
  '/>',
  '&',
  '&amp;',
  '&lt;',
  '&#0;',
  '&#x110000;',
  '&#65;',
  '&undefined;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?',
  '?>',
  '<!DOCTYPE a [<!ENTITY e "x">]>',
  '<!ENTITY x SYSTEM "file:///etc/passwd">',
  '<!DOCTYPE a SYSTEM "http://x/">',
  '<?xml version="1.0" encoding="UTF-16"?>',
  '<?xml version="1.1"?>',
  'xmlns=""',
  'xmlns:p="urn:p"',
  'p:',
  'xml:lang="en"',
  'xmlns:xml="urn:bad"',
  ' a="1"',
  ' a="1" a="2"',
  '="',
  "='",
  '<a>',
  '</a>',
  '<Amt Ccy="CNY">1.00</Amt>',
  '\ud83d\ude00',
  '\ud800',
  '\u0085',
  '\u2028',
];

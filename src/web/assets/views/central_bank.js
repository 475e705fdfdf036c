// @ts-check
// What a central bank watches on the overview: the money it issued on the
// platform against what participants hold, and its swap lines and their use.
// The central-bank page is the overview (operator.js) with these cards first;
// other overview readers see them last.

import { fmtAmount } from '../lib/money.js';
import { table } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').Overview} Overview */

/** @param {Overview} o */
export function issuedTable(o) {
  return table(
    [
      { label: 'Currency', cell: (r) => r.currency },
      { label: 'Issued (central bank)', num: true, cell: (r) => fmtAmount(r.issued_minor, r.currency) },
      { label: 'Held by participants', num: true, cell: (r) => fmtAmount(r.held_minor, r.currency) },
    ],
    o.issued,
    { empty: "This user's central bank issues no currency on the platform.", label: 'Issued balances', id: 'issued-table' },
  );
}

/** Drawn over limit as a percentage with two decimals (bigint arithmetic up to the last step). @param {string} drawn_minor @param {string} limit_minor */
function usedPercent(drawn_minor, limit_minor) {
  const limit = BigInt(limit_minor);
  return limit > 0n ? `${(Number((BigInt(drawn_minor) * 10000n) / limit) / 100).toFixed(2)} %` : '—';
}

/** @param {Overview} o */
export function swapLinesTable(o) {
  return table(
    [
      { label: 'Line', cell: (r) => r.id },
      { label: 'Provider → drawer', cell: (r) => `${r.provider} → ${r.drawer}` },
      { label: 'Limit', num: true, cell: (r) => fmtAmount(r.limit_minor, r.provider_currency) },
      { label: 'Drawn', num: true, cell: (r) => fmtAmount(r.drawn_minor, r.provider_currency) },
      { label: 'Used', num: true, cell: (r) => usedPercent(r.drawn_minor, r.limit_minor) },
      { label: 'Matures', cell: (r) => r.maturity_date },
      { label: 'Status', cell: (r) => r.status },
    ],
    o.swap_lines,
    { empty: 'No swap line.', label: 'Swap lines' },
  );
}

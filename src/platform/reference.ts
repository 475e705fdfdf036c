// Reference data the shells may read through the platform: the ISO 4217 table
// and the member currencies. Shells import it from here, never from fx/, so the
// arrows of docs/architecture.json hold.

export {
  CURRENCIES,
  ISO4217,
  ISO4217_PUBLISHED,
  type IsoCurrency,
  SCO_MEMBER_CURRENCIES,
  PIVOT_CURRENCY,
  currencyInfo,
  memberCurrency,
  minorScale,
  type CurrencyInfo,
} from '../fx/iso4217.js';

// Amounts as decimal text with a currency's minor digits (ISO 20022 writes them so).
export { formatScaled } from '../fx/rational.js';

// The platform's chart of accounts and what its ledger answers carry, for the
// account reports of the shells (camt.053/054): account ids, transfer codes and
// the transfer flags that tell a pending reservation or a void from a booking.
export { ACCOUNT_KIND, accountId, accountOwner, TRANSFER_CODE } from './accounts.js';
export { TransferFlags, type Account, type Transfer } from '../ledger/types.js';

// What a command's output reports per payment (the shells answer with it).
export type { ChangeEvent } from './state_machine.js';

// The embedded reference rates (units per USD, dated, with sources) and the name of
// their file: what the demo imports into a fresh platform.
export { REFERENCE_FILE, REFERENCE_RATES } from '../fx/reference_data.js';

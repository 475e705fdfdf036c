// Reference data the shells may read through the platform: the ISO 4217 table
// and the member currencies. Shells import it from here, never from fx/, so the
// arrows of docs/architecture.json hold.

export { CURRENCIES, SCO_MEMBER_CURRENCIES, PIVOT_CURRENCY, currencyInfo, memberCurrency, minorScale, type CurrencyInfo } from '../fx/iso4217.js';

// The embedded reference rates (units per USD, dated, with sources) and the name of
// their file: what the demo imports into a fresh platform.
export { REFERENCE_FILE, REFERENCE_RATES } from '../fx/reference_data.js';

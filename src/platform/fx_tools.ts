// FX for the shells outside a business day: exact conversion at reference cross
// rates (`sco-settle fx convert`), reading and checking rate files (`fx rates
// list|import`), and formatting amounts in major units. The rate book, converter,
// rounding rules and amount codecs of fx/ are re-exported because this is the
// door to them; rates that PvP payments use are stored with the journaled
// `import_rates` command, through the Platform.

import { memberCurrency } from '../fx/iso4217.js';
import { formatScaled } from '../fx/rational.js';

export { PairConverter, displayDecimal, formatMinor, parseMajorAmount } from '../fx/convert.js';
export { DEFAULT_ROUNDING, parseRoundingRule, toFractionString, type RoundingRule } from '../fx/rational.js';
export { DEFAULT_MAX_AGE_DAYS, RATE_LIMITS, RateBook, parseIsoDate, type ReferenceRate } from '../fx/rates.js';

/** A member currency's minor units as a major-unit decimal string ("1000000.00"), the form commands take. */
export function formatMajor(amount_minor: bigint, currency: string): string {
  return formatScaled(amount_minor, memberCurrency(currency).minor_units);
}

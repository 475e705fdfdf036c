// @ts-check
// Amounts: the ISO 4217 table the platform uses (GET /v1/dashboard/currencies),
// formatting integer minor units with the currency's minor units and parsing what
// a user types into minor units — both with bigints, never floats. `major` is the
// one float conversion, for drawing charts only.

/** @typedef {import('./types.js').Currency} Currency */

/** @type {Map<string, Currency>} */
export const currencies = new Map();

/** @param {Currency[]} list */
export function setCurrencies(list) {
  currencies.clear();
  for (const c of list) currencies.set(c.code, c);
}

/** The SCO member currencies' codes. */
export function memberCodes() {
  return [...currencies.values()].filter((c) => c.sco_member).map((c) => c.code);
}

const DECIMAL = new Intl.NumberFormat().formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';

/** @param {string} ccy */
export function minorUnits(ccy) {
  return currencies.get(ccy)?.minor_units ?? 2;
}

/**
 * Minor units (integer string or bigint) as "1,234.50 CNY", exact.
 * @param {string | bigint | null | undefined} minor
 * @param {string} [ccy] none (or '') leaves the code out
 */
export function fmtAmount(minor, ccy) {
  if (minor === null || minor === undefined || minor === '') return '—';
  let v = BigInt(minor);
  const neg = v < 0n;
  if (neg) v = -v;
  const mu = minorUnits(ccy ?? '');
  const scale = 10n ** BigInt(mu);
  const int = (v / scale).toLocaleString();
  const frac = mu > 0 ? DECIMAL + (v % scale).toString().padStart(mu, '0') : '';
  return `${neg ? '−' : ''}${int}${frac}${ccy ? ` ${ccy}` : ''}`;
}

/**
 * A decimal text in major units as minor units, or an error message naming the currency's decimals.
 * @param {string | null | undefined} text
 * @param {string} ccy
 * @returns {{ minor: bigint, text: string, error?: undefined } | { error: string, minor?: undefined }}
 */
export function parseAmount(text, ccy) {
  const t = String(text ?? '').trim();
  if (t === '') return { error: 'Enter an amount.' };
  if (!/^\d+(\.\d+)?$/.test(t)) return { error: 'Enter digits with at most one decimal point, e.g. 1250.50 (no signs, spaces or separators).' };
  const [int = '', frac = ''] = t.split('.');
  const mu = minorUnits(ccy);
  if (frac.length > mu)
    return {
      error:
        mu === 0
          ? `${ccy} has no minor unit: enter a whole amount.`
          : `${ccy} has ${mu} decimal places (ISO 4217 minor units): at most ${mu} digits after the point.`,
    };
  if (int.length > 36) return { error: 'The amount is too large.' };
  const minor = BigInt(int + frac.padEnd(mu, '0'));
  if (minor <= 0n) return { error: 'The amount must be greater than zero.' };
  return { minor, text: t };
}

/**
 * Minor-unit strings as numbers of major units (for drawing only; never for figures shown as text).
 * @param {string | null} minor
 * @param {string} ccy
 */
export function major(minor, ccy) {
  return minor === null ? null : Number(minor) / 10 ** minorUnits(ccy);
}

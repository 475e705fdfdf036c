// The amount grammar of the platform's commands from rules version 3: a decimal
// string in major units of a currency — ASCII digits, then optionally a point and
// one to minor-units digits; no sign, exponent, leading '+' or whitespace — of at
// most 18 digits once written in minor units (ISO 20022 amounts carry at most 18
// digits in all, so every amount the platform holds can go out in a message).
// Each refusal says which rule the text broke. Rules 1 and 2 read amounts with
// their own parsers (kept where they are) and replay as they ran.

/** At most 18 digits in minor units: ISO 20022 ActiveCurrencyAndAmount's totalDigits. */
export const AMOUNT_DIGITS_MAX = 18;

/** How much of a refused amount text its message quotes. */
const AMOUNT_TEXT_MAX = 40;

/** Minor-unit digits whose value a double holds exactly (below 2^53): read without a bigint's text. */
const NUMBER_DIGITS_MAX = 15;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

export type AmountReading = { ok: true; minor: bigint } | { ok: false; kind: 'format' | 'decimals' | 'digits' | 'zero'; message: string };

/** Reads `text` as a positive amount in minor units of a currency with `minor_units` digits. */
export function readAmount(text: string, minor_units: number, currency: string): AmountReading {
  // The grammar /^([0-9]+)(?:\.([0-9]+))?$/, read by char codes (every submitted payment's amount is read here).
  const len = text.length;
  let i = 0;
  while (i < len && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = len; // no point: no decimals
  let ok = intEnd > 0;
  if (ok && i < len) {
    if (text.charCodeAt(i) !== 46)
      ok = false; // not a '.'
    else {
      fracStart = ++i;
      while (i < len && isDigit(text.charCodeAt(i))) i++;
      ok = i > fracStart && i === len;
    }
  }
  if (!ok) {
    return {
      ok: false,
      kind: 'format',
      message: `${shown(text)} is not an amount: digits, optionally a point and decimals (no sign, exponent, spaces or other characters)`,
    };
  }
  // Leading zeros of the whole part do not count.
  let intStart = 0;
  while (intStart < intEnd && text.charCodeAt(intStart) === 48) intStart++;
  const intLength = intEnd - intStart;
  const fracLength = len - fracStart;
  if (fracLength > minor_units) {
    return { ok: false, kind: 'decimals', message: `${shown(text)} has ${fracLength} decimals; ${currency} has ${minor_units} minor units` };
  }
  const digits = intLength + minor_units;
  if (digits > AMOUNT_DIGITS_MAX) {
    return {
      ok: false,
      kind: 'digits',
      message: `too many digits: ${shown(text)} is ${digits} digits in minor units of ${currency} (${intLength} before the point, ${minor_units} after); at most ${AMOUNT_DIGITS_MAX} (ISO 20022 amounts)`,
    };
  }
  let minor: bigint;
  if (digits <= NUMBER_DIGITS_MAX && minor_units - fracLength < POW10.length) {
    let v = 0;
    for (let k = intStart; k < intEnd; k++) v = v * 10 + (text.charCodeAt(k) - 48);
    for (let k = fracStart; k < len; k++) v = v * 10 + (text.charCodeAt(k) - 48);
    minor = BigInt(v * POW10[minor_units - fracLength]!);
  } else minor = BigInt((intLength === 0 ? '0' : text.slice(intStart, intEnd)) + text.slice(fracStart).padEnd(minor_units, '0'));
  if (minor === 0n) return { ok: false, kind: 'zero', message: 'must be greater than zero' };
  return { ok: true, minor };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The amount text as a refusal quotes it. */
function shown(text: string): string {
  return JSON.stringify(text.length > AMOUNT_TEXT_MAX ? `${text.slice(0, AMOUNT_TEXT_MAX)}…` : text);
}

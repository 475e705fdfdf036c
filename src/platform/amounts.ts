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

const GRAMMAR = /^([0-9]+)(?:\.([0-9]+))?$/;

export type AmountReading = { ok: true; minor: bigint } | { ok: false; kind: 'format' | 'decimals' | 'digits' | 'zero'; message: string };

/** Reads `text` as a positive amount in minor units of a currency with `minor_units` digits. */
export function readAmount(text: string, minor_units: number, currency: string): AmountReading {
  const shown = JSON.stringify(text.length > AMOUNT_TEXT_MAX ? `${text.slice(0, AMOUNT_TEXT_MAX)}…` : text);
  const m = GRAMMAR.exec(text);
  if (m === null) {
    return {
      ok: false,
      kind: 'format',
      message: `${shown} is not an amount: digits, optionally a point and decimals (no sign, exponent, spaces or other characters)`,
    };
  }
  const int = m[1]!.replace(/^0+/, '');
  const frac = m[2] ?? '';
  if (frac.length > minor_units) {
    return { ok: false, kind: 'decimals', message: `${shown} has ${frac.length} decimals; ${currency} has ${minor_units} minor units` };
  }
  const digits = int.length + minor_units;
  if (digits > AMOUNT_DIGITS_MAX) {
    return {
      ok: false,
      kind: 'digits',
      message: `too many digits: ${shown} is ${digits} digits in minor units of ${currency} (${int.length} before the point, ${minor_units} after); at most ${AMOUNT_DIGITS_MAX} (ISO 20022 amounts)`,
    };
  }
  const minor = BigInt((int || '0') + frac.padEnd(minor_units, '0'));
  if (minor === 0n) return { ok: false, kind: 'zero', message: 'must be greater than zero' };
  return { ok: true, minor };
}

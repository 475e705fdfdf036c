// The embedded reference rates: units of each SCO member currency per 1 USD, close
// to 2025-08-29, so the platform (and `sco-settle fx convert`) runs without the
// ../shared folder. Copied by hand from ../shared/data/fx-reference-2025-08-29.csv
// (see ../shared/data/README.md); each value is that file's exact decimal string
// and its date, and each source is a short form of that row's citation (the file
// has the full text and URLs). test/fx.test.ts checks this table against the file
// whenever the file is present.
//
// These are public figures compiled for simulation realism, not audited rates:
//  - CNY, RUB, KZT are the official rates for 2025-08-28 (one business day before
//    the demo day 2025-08-29, within the scheme's staleness rule of 3 business days).
//  - `date` is the business day a row is the scheme's reference rate for; `observed`
//    (when present) is the date of the figure in the source, when it differs. The
//    shared file has no figure on or before 2025-08-29 for three currencies, so the
//    simulated scheme adopts the nearest sourced figure as its reference rate for
//    that day, and says so in the row (the value is the file's, unchanged):
//      UZS  the Central Bank of Uzbekistan rate of 2025-09-16 (the 08-29 rate was
//           not found; the source says the 09-16 rate was the lowest since 08-26);
//      IRR  the free-market rate of early September (~950,000); official tiers
//           (42,000 CBI, ~398,643 NIMA, March 2024) differ wildly: IRR is multi-rate;
//      KGS  the file's undated placeholder 87.44 (roughly Dec-2024 to Feb-2025); the
//           NBKR official rate on 13 August was 87.45 (akchabar.kg; the page does not
//           show the year, taken as 2025), so the figure is within 0.02% of August's.
//    Replace them with the central banks' own rates for the day when sourced (a
//    central bank or the operator imports them with import_rates, dated to the day).

export interface ReferenceRateRow {
  readonly currency: string;
  /** Exact decimal string, as in the source file. */
  readonly units_per_usd: string;
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly source: string;
  readonly minor_units: number;
  /** The date of the figure in the source, when it differs from `date` (a figure adopted for a day it was not observed on). */
  readonly observed?: string;
}

export const REFERENCE_FILE = 'fx-reference-2025-08-29.csv';

// biome-ignore format: a data table laid out by hand, several entries a line
export const REFERENCE_RATES: readonly ReferenceRateRow[] = Object.freeze([
  { currency: 'CNY', units_per_usd: '7.1063', date: '2025-08-28', minor_units: 2,
    source: 'PBOC/CFETS USD/CNY central parity for 2025-08-28 (Xinhua via menafn.com)' },
  { currency: 'RUB', units_per_usd: '80.44', date: '2025-08-28', minor_units: 2,
    source: 'Bank of Russia official USD rate effective 2025-08-28 (lenta.ru)' },
  { currency: 'INR', units_per_usd: '88.09', date: '2025-08-29', minor_units: 2,
    source: 'Interbank closing level 2025-08-29, PTI (unicaus.in); market close, not the RBI reference rate' },
  { currency: 'PKR', units_per_usd: '281.77', date: '2025-08-29', minor_units: 2,
    source: 'SBP interbank closing rate, week ended 2025-08-29 (brecorder.com)' },
  { currency: 'IRR', units_per_usd: '950000', date: '2025-08-29', observed: '2025-09-01', minor_units: 2,
    source: 'ADOPTED for 2025-08-29 (no figure on or before it found): free-market (Bonbast) rate, approx., early September 2025 (intellinews.com); not an official CBI/NIMA rate' },
  { currency: 'KZT', units_per_usd: '537.63', date: '2025-08-28', minor_units: 2,
    source: 'National Bank of Kazakhstan official rate for 2025-08-28 (inform.kz)' },
  { currency: 'KGS', units_per_usd: '87.44', date: '2025-08-29', observed: '2025-01-31', minor_units: 2,
    source: 'ADOPTED for 2025-08-29: undated 24.kg site ticker, ~Dec-2024 to Feb-2025 (observed date a mid-point); NBKR official rate for 13 August was 87.45 (akchabar.kg, year not shown, taken as 2025)' },
  { currency: 'TJS', units_per_usd: '9.5580', date: '2025-08-29', minor_units: 2,
    source: 'National Bank of Tajikistan official rate for 2025-08-29 (khovar.tj)' },
  { currency: 'UZS', units_per_usd: '12344.61', date: '2025-08-29', observed: '2025-09-16', minor_units: 2,
    source: 'ADOPTED for 2025-08-29 (its rate not found): Central Bank of Uzbekistan official rate for 2025-09-16, the lowest since 2025-08-26 (frank.uz)' },
  { currency: 'BYN', units_per_usd: '2.9769', date: '2025-08-29', minor_units: 2,
    source: 'National Bank of the Republic of Belarus official rate effective 2025-08-29 (news.mail.ru)' },
].map((r) => Object.freeze(r)));

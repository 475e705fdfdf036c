// The 2024 bilateral goods-trade flows among the ten SCO members, embedded so the
// simulator runs without the ../shared folder (a user's clone does not have it).
//
// Source: ../shared/data/sco-trade-2024.csv (described in ../shared/data/README.md),
// copied row by row: exporter, importer, USD millions (the file's exact decimal
// string), reference year and the file's full source text for that row, so every
// figure keeps its citation. test/sim.test.ts checks this table against the file
// whenever the file is present.
//
// What these figures are (from the README): public statistics from customs and
// statistics agencies, central banks and official statements as reported in news
// media, compiled only to make simulated traffic realistic — not audited, not
// authoritative, not a basis for any financial, compliance or policy decision.
//  - 56 directed rows covering 28 of the 45 member pairs (both directions each);
//    the 12 largest corridors are all present. Left out, for want of a directional
//    split: India with PK, KZ, KG, TJ, UZ, BY; Pakistan with IR, BY; Iran with KZ,
//    KG, TJ, BY; Belarus with KZ, UZ, TJ, KG; Kyrgyzstan–Tajikistan.
//  - `year` is the reference year; fiscal years are keyed by their start year
//    (India Apr–Mar, Pakistan Jul–Jun, Iran's 1402 = Mar 2023–Mar 2024).
//  - Rows whose source starts with DERIVED split a reported turnover by the same
//    reporter's shares for a nearby period; "LOW CONFIDENCE" rows say so.
//  - Mirror statistics disagree sharply (China reports ~4x Kyrgyzstan's figure for
//    their trade — largely transit to Russia); Iran->China is badly understated
//    (unrecorded crude); Russia no longer publishes by partner.
//
// The simulator uses the figures only as relative weights (value shares of the
// corridors), never as money: they are parsed into exact integers of USD thousands.

/** The ten SCO member states: ISO 3166-1 alpha-2 code, currency, English name. */
export interface Member {
  readonly country: string;
  readonly currency: string;
  readonly name: string;
}

/** In the order of DESIGN.md's currency list. */
export const MEMBERS: readonly Member[] = Object.freeze(
  (
    [
      ['CN', 'CNY', 'China'],
      ['RU', 'RUB', 'Russia'],
      ['IN', 'INR', 'India'],
      ['PK', 'PKR', 'Pakistan'],
      ['IR', 'IRR', 'Iran'],
      ['KZ', 'KZT', 'Kazakhstan'],
      ['KG', 'KGS', 'Kyrgyzstan'],
      ['TJ', 'TJS', 'Tajikistan'],
      ['UZ', 'UZS', 'Uzbekistan'],
      ['BY', 'BYN', 'Belarus'],
    ] as const
  ).map(([country, currency, name]) => Object.freeze({ country, currency, name })),
);

const MEMBER_BY_COUNTRY: ReadonlyMap<string, Member> = new Map(MEMBERS.map((m) => [m.country, m]));
const MEMBER_BY_CURRENCY: ReadonlyMap<string, Member> = new Map(MEMBERS.map((m) => [m.currency, m]));

/** The member state with this ISO 3166 code, or undefined. */
export function memberByCountry(country: string): Member | undefined {
  return MEMBER_BY_COUNTRY.get(country);
}

/** The member state whose currency this is, or undefined. */
export function memberByCurrency(currency: string): Member | undefined {
  return MEMBER_BY_CURRENCY.get(currency);
}

/** One directed flow: goods exported by `exporter` to `importer`. */
export interface TradeFlow {
  readonly exporter: string;
  readonly importer: string;
  /** USD millions, the exact decimal string of the source file. */
  readonly usd_millions: string;
  /** Reference year (fiscal years keyed by their start year). */
  readonly year: number;
  /** The source file's citation for this row, verbatim. */
  readonly source: string;
  /** The same figure as an exact integer of USD thousands (usd_millions × 1000). */
  readonly usd_thousands: number;
}

export const TRADE_FILE = 'sco-trade-2024.csv';

/** "26398.9" -> 26398900: exact, at most three decimals (the file has no more). */
function thousands(text: string): number {
  const m = /^([0-9]{1,9})(?:\.([0-9]{1,3}))?$/.exec(text);
  if (m === null) throw new Error(`trade_data: bad usd_millions ${JSON.stringify(text)}`);
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

function row(exporter: string, importer: string, usd_millions: string, year: number, source: string): TradeFlow {
  return Object.freeze({ exporter, importer, usd_millions, year, source, usd_thousands: thousands(usd_millions) });
}

/** All 56 rows of sco-trade-2024.csv, in the file's order (largest first). */
// biome-ignore format: a data table laid out by hand, several entries a line
export const TRADE_FLOWS: readonly TradeFlow[] = Object.freeze([
  row("RU", "CN", "129320", 2024,
    "China GACC 2024 (China-reported): CN exports to RU $115.49bn, CN imports from RU $129.32bn, turnover $244.81bn; bne IntelliNews citing TASS https://bne.eu/russo-china-trade-turnover-rises-1-9-to-244-81bn-in-2024-361098 (total confirmed by Reuters via https://wallstreetobserver.com/china-russia-2024-trade-value)"),
  row("CN", "RU", "115490", 2024,
    "China GACC 2024 (China-reported): CN exports to RU $115.49bn, CN imports from RU $129.32bn, turnover $244.81bn; bne IntelliNews citing TASS https://bne.eu/russo-china-trade-turnover-rises-1-9-to-244-81bn-in-2024-361098 (total confirmed by Reuters via https://wallstreetobserver.com/china-russia-2024-trade-value)"),
  row("CN", "IN", "109600", 2024,
    "India-reported calendar-2024 trade (GTRI analysis of Commerce Ministry data): IN imports from CN $109.6bn, IN exports to CN $15.1bn https://madhyamamonline.com/amp/india/indiachina-trade-deficit-likely-to-widen-to-106-billion-in-2025-gtri-1478506 ; FY2024-25 (Apr-Mar) equivalents $113.45bn/$14.25bn https://www.business-standard.com/amp/economy/news/india-s-trade-deficit-with-china-hits-record-99-2-bn-on-import-surge-125041600704_1.html ; China's own data show a larger surplus (~$103bn in 2024; https://financepro.fun/?p=2344)"),
  row("RU", "IN", "63811.4", 2024,
    "India Commerce Ministry TRADESTAT, fiscal year Apr2024-Mar2025 (year=start year): IN exports to RU $4,881.3m, IN imports from RU $63,811.4m, as compiled in github herrrickshaw/mospi-dataset-analysis-public data/country_commodity_breakdown_2026-07-18.json (commit 2509a2e); total consistent with 'record $68.7bn in FY2024-25' https://www.freepressjournal.in/business/india-russia-trade-explodes-to-687-billion-record-eyes-100-billion-by-2030"),
  row("CN", "KZ", "26398.9", 2024,
    "DERIVED: GACC 2024 turnover $43.82bn (https://astanatimes.com/2025/01/kazakhstan-ranks-first-among-chinas-central-asian-trade-partners-in-2024/) split by GACC 2023 shares (CN->KZ $24.7bn, KZ->CN $16.3bn of $41.0bn; https://wenewsenglish.pk/china-central-asia-trade-hits-89-4-billion-in-2023). Kazakh statistics are far lower for CN->KZ (KZ imports from China $15.3bn in 2024, Kazinform via https://en.ckhq.net/html/8af3a259fd1cd539662895afd60b6486.html) - transit/re-export recording gap"),
  row("BY", "RU", "23900", 2023,
    "Russian data for 2023 (Kremlin briefing note via TASS): RU exports to BY $22.6bn, imports from BY $23.9bn, total $46.5bn https://tass.com/economy/1792767 ; Belarusian-side figure for 2023 is higher (~$53-54bn incl. services); 2024 goods split not found (H1 2024 >$25bn, Lukashenko projected $59-60bn goods+services)"),
  row("CN", "KG", "22606.3", 2024,
    "DERIVED: GACC 2024 turnover $22.71bn (https://24.kg/english/317870_Trade_with_Kyrgyzstan_increased_by_almost_3_billion_in_2024_China_reports__/) split by GACC Q1-2024 shares (KG exports $22m of $4.82bn; https://intellinews.com/discrepancies-in-kyrgyzstan-china-trade-data-point-to-role-bishkek-plays-for-kremlin-325834). Kyrgyz statistics differ ~4x: 2024 turnover $5.3bn incl. KG exports $2.04bn (https://24.kg/english/336366_Trade_turnover_between_Kyrgyzstan_and_China_increases_by_447_percent_in_2024/); much of CN->KG is transit/re-export (largely to Russia)"),
  row("RU", "BY", "22600", 2023,
    "Russian data for 2023 (Kremlin briefing note via TASS): RU exports to BY $22.6bn, imports from BY $23.9bn, total $46.5bn https://tass.com/economy/1792767 ; Belarusian-side figure for 2023 is higher (~$53-54bn incl. services); 2024 goods split not found (H1 2024 >$25bn, Lukashenko projected $59-60bn goods+services)"),
  row("RU", "KZ", "18600", 2024,
    "Kazakh import statistics (Kazinform via https://en.ckhq.net/html/8af3a259fd1cd539662895afd60b6486.html): Russia's exports to Kazakhstan rose from $17.6bn (2021) to $18.6bn; period end read as 2024 (article ambiguous)"),
  row("KZ", "CN", "17421.1", 2024,
    "DERIVED: GACC 2024 turnover $43.82bn (https://astanatimes.com/2025/01/kazakhstan-ranks-first-among-chinas-central-asian-trade-partners-in-2024/) split by GACC 2023 shares (CN->KZ $24.7bn, KZ->CN $16.3bn of $41.0bn; https://wenewsenglish.pk/china-central-asia-trade-hits-89-4-billion-in-2023). Kazakh statistics are far lower for CN->KZ (KZ imports from China $15.3bn in 2024, Kazinform via https://en.ckhq.net/html/8af3a259fd1cd539662895afd60b6486.html) - transit/re-export recording gap"),
  row("CN", "PK", "16312", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year): PK imports from CN $16.312bn, PK exports to CN $2.476bn https://profit.pakistantoday.com.pk/2025/08/21/pakistans-exports-to-nine-regional-countries-totaled-357-million-in-july/ ; FY2023-24 was $13.506bn/$2.709bn"),
  row("IN", "CN", "15100", 2024,
    "India-reported calendar-2024 trade (GTRI analysis of Commerce Ministry data): IN imports from CN $109.6bn, IN exports to CN $15.1bn https://madhyamamonline.com/amp/india/indiachina-trade-deficit-likely-to-widen-to-106-billion-in-2025-gtri-1478506 ; FY2024-25 (Apr-Mar) equivalents $113.45bn/$14.25bn https://www.business-standard.com/amp/economy/news/india-s-trade-deficit-with-china-hits-record-99-2-bn-on-import-surge-125041600704_1.html ; China's own data show a larger surplus (~$103bn in 2024; https://financepro.fun/?p=2344)"),
  row("CN", "IR", "10700", 2023,
    "China GACC 2023: CN exports to IR $10.70bn, CN imports from IR $4.58bn (total $14.65bn) https://en.tccim.ir/story?nid=1063 ; 2024 full-year not found (Jan-Apr 2024: $3.509bn/$1.548bn, https://ana.ir/en/news/6156/iran-china-trade-exceeds-5-billion-dollars-in-4-months). IR->CN is heavily UNDERSTATED: most Iranian crude bought by Chinese refiners is not recorded as imports from Iran"),
  row("CN", "UZ", "10307.6", 2024,
    "DERIVED: Uzbek Statistics Agency 2024 turnover with China $12.4bn (https://en.trend.az/casia/uzbekistan/3995614.html) split by UZ-stat H1-2024 shares (UZ exports $994.7m, imports $4.9bn; https://en.inform.kz/news/uzbekistan-china-trade-hits-58bln-in-1h2024-2df310/). GACC reports $13.78bn for 2024"),
  row("KZ", "RU", "9400", 2024,
    "DERIVED residual: 2024 KZ-RU turnover ~$28bn (Tokayev, https://ru.trend.az/business/4101832.html) minus RU->KZ $18.6bn (Kazinform via ckhq.net); no direct KZ->RU export figure found"),
  row("RU", "UZ", "8391.5", 2024,
    "DERIVED: Uzbek Statistics Agency 2024 turnover with Russia $11.6bn (https://en.trend.az/casia/uzbekistan/3995614.html) split by UZ-stat Jan-May-2024 shares (UZ exports $1.3bn, imports $3.4bn; https://en.trend.az/casia/uzbekistan/3918201.html). 2023 full-year UZ-stat: RU->UZ $6.6bn, UZ->RU $3.3bn"),
  row("IN", "RU", "4881.3", 2024,
    "India Commerce Ministry TRADESTAT, fiscal year Apr2024-Mar2025 (year=start year): IN exports to RU $4,881.3m, IN imports from RU $63,811.4m, as compiled in github herrrickshaw/mospi-dataset-analysis-public data/country_commodity_breakdown_2026-07-18.json (commit 2509a2e); total consistent with 'record $68.7bn in FY2024-25' https://www.freepressjournal.in/business/india-russia-trade-explodes-to-687-billion-record-eyes-100-billion-by-2030"),
  row("IR", "CN", "4580", 2023,
    "China GACC 2023: CN exports to IR $10.70bn, CN imports from IR $4.58bn (total $14.65bn) https://en.tccim.ir/story?nid=1063 ; 2024 full-year not found (Jan-Apr 2024: $3.509bn/$1.548bn, https://ana.ir/en/news/6156/iran-china-trade-exceeds-5-billion-dollars-in-4-months). IR->CN is heavily UNDERSTATED: most Iranian crude bought by Chinese refiners is not recorded as imports from Iran"),
  row("CN", "BY", "4187.2", 2023,
    "DERIVED, LOW CONFIDENCE: 2023 BY-CN goods turnover 'close to $5.8bn' (stated during Dec-2023 visit, i.e. ~11 months; https://news.by/eng/news/politika/vsepogodnyy_vsestoronniy_i_strategicheskiy_kharakter_otnosheniy_podtverdili_na_vstreche_v_pekine_lid) split by Belarusian 2022 shares (BY exports $1.61bn, imports $4.18bn of $5.79bn; https://rossaprimavera.ru/news/be78fbda). Jan-Nov 2025 goods turnover was $8.9bn (BelTA)"),
  row("CN", "TJ", "3612.6", 2024,
    "DERIVED: GACC 2024 turnover $3.86bn (https://astanatimes.com/2025/01/kazakhstan-ranks-first-among-chinas-central-asian-trade-partners-in-2024/) split by GACC 2023 shares (TJ exports $0.25bn of $3.9bn; https://wenewsenglish.pk/china-central-asia-trade-hits-89-4-billion-in-2023). Tajik statistics show about half the turnover (~$1.96bn; https://en.orda.kz/chinas-trade-with-central-asia-hits-948-billion-in-2024-4874/)"),
  row("UZ", "RU", "3208.5", 2024,
    "DERIVED: Uzbek Statistics Agency 2024 turnover with Russia $11.6bn (https://en.trend.az/casia/uzbekistan/3995614.html) split by UZ-stat Jan-May-2024 shares (UZ exports $1.3bn, imports $3.4bn; https://en.trend.az/casia/uzbekistan/3918201.html). 2023 full-year UZ-stat: RU->UZ $6.6bn, UZ->RU $3.3bn"),
  row("KZ", "UZ", "2862.2", 2024,
    "DERIVED: Uzbek Statistics Agency 2024 turnover with Kazakhstan $4.2bn (https://en.trend.az/casia/uzbekistan/3995614.html) split by UZ-stat H1-2023 shares (UZ exports $699.3m, imports $1,496.2m; https://astanatimes.com/2023/07/kazakhstan-emerges-as-uzbekistans-third-largest-trade-partner/); Jan-Aug-2024 UZ-stat split reported by Trend was similar ($872.5m/$1.7bn)"),
  row("PK", "CN", "2476", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year): PK imports from CN $16.312bn, PK exports to CN $2.476bn https://profit.pakistantoday.com.pk/2025/08/21/pakistans-exports-to-nine-regional-countries-totaled-357-million-in-july/ ; FY2023-24 was $13.506bn/$2.709bn"),
  row("RU", "KG", "2357.1", 2024,
    "DERIVED: Kyrgyz-side 2024 turnover with Russia $3.2bn (FM Kulubaev, http://wap.vch.ru/event/view.html?alias=tovarooborot_rossii_i_kirgizii_vyros_v_2024_godu_na_17_) split by KG-stat Jan-Nov-2023 shares (KG exports $676.54m, imports $1.892bn; https://menafn.com/1107795628/Kyrgyzstan-Russia-Discuss-Industrial-Park-Construction). Russian-side 2024 figure is $4.1bn (https://www.gazeta.press/amp/politics/news/2025/11/26/27270655.shtml)"),
  row("UZ", "CN", "2092.4", 2024,
    "DERIVED: Uzbek Statistics Agency 2024 turnover with China $12.4bn (https://en.trend.az/casia/uzbekistan/3995614.html) split by UZ-stat H1-2024 shares (UZ exports $994.7m, imports $4.9bn; https://en.inform.kz/news/uzbekistan-china-trade-hits-58bln-in-1h2024-2df310/). GACC reports $13.78bn for 2024"),
  row("RU", "IR", "1691", 2023,
    "Iranian TPO data, Iranian year 1402 (21 Mar 2023-19 Mar 2024; year=2023): IR exports to RU $946m, IR imports from RU $1.691bn https://menafn.com/1108098706/Yearly-exports-from-Iran-to-Russia-surge-by-26-percent ; Russian FCS put 2023 total at 'just over $4bn' (https://www.profilenews.com/en/trade-record-levels-between-russia-and-iran/) - large reporter gap"),
  row("BY", "CN", "1612.8", 2023,
    "DERIVED, LOW CONFIDENCE: 2023 BY-CN goods turnover 'close to $5.8bn' (stated during Dec-2023 visit, i.e. ~11 months; https://news.by/eng/news/politika/vsepogodnyy_vsestoronniy_i_strategicheskiy_kharakter_otnosheniy_podtverdili_na_vstreche_v_pekine_lid) split by Belarusian 2022 shares (BY exports $1.61bn, imports $4.18bn of $5.79bn; https://rossaprimavera.ru/news/be78fbda). Jan-Nov 2025 goods turnover was $8.9bn (BelTA)"),
  row("RU", "TJ", "1580", 2023,
    "Tajik Statistics Agency 2023 (via TASS): TJ imports from RU $1.58bn, TJ exports to RU $134.7m https://tass.com/economy/1736063"),
  row("UZ", "KZ", "1337.8", 2024,
    "DERIVED: Uzbek Statistics Agency 2024 turnover with Kazakhstan $4.2bn (https://en.trend.az/casia/uzbekistan/3995614.html) split by UZ-stat H1-2023 shares (UZ exports $699.3m, imports $1,496.2m; https://astanatimes.com/2023/07/kazakhstan-emerges-as-uzbekistans-third-largest-trade-partner/); Jan-Aug-2024 UZ-stat split reported by Trend was similar ($872.5m/$1.7bn)"),
  row("IN", "IR", "1240", 2024,
    "Indian government data, fiscal year Apr2024-Mar2025 (year=start year): IN exports to IR $1.24bn, imports from IR $441.83m https://www.livemint.com/economy/basmati-rice-tea-coffee-spices-trumps-latest-25-tariff-threat-puts-india-iran-trade-in-limelight-11768294661572.html ; total $1.68bn https://www.newsdrum.in/business/awaiting-clarity-on-us-proposed-iran-related-tariffs-comm-secy-11001376"),
  row("IR", "RU", "946", 2023,
    "Iranian TPO data, Iranian year 1402 (21 Mar 2023-19 Mar 2024; year=2023): IR exports to RU $946m, IR imports from RU $1.691bn https://menafn.com/1108098706/Yearly-exports-from-Iran-to-Russia-surge-by-26-percent ; Russian FCS put 2023 total at 'just over $4bn' (https://www.profilenews.com/en/trade-record-levels-between-russia-and-iran/) - large reporter gap"),
  row("RU", "PK", "919.6", 2023,
    "DERIVED: 2023 RU-PK turnover 'exceeding $1bn' (Russian ambassador, https://tass.com/economy/1802631) split by Pakistani FY2022-23 shares (PK exports $74m, imports $846m; https://www.nation.com.pk/13-Oct-2023/pakistan-russia-agree-to-improve-trade-volume). 2024 rose 'sharply' on oil imports (Sharif) but no figure found"),
  row("KZ", "TJ", "893", 2023,
    "Tajik Statistics Agency 2023 (via TASS): TJ exports to KZ ~$255.8m, TJ imports from KZ ~$893m https://tass.com/economy/1736063"),
  row("KZ", "KG", "862.2", 2023,
    "Kyrgyz National Statistical Committee 2023: KG exports to KZ $455.702m, KG imports from KZ $862.182m https://en.trend.az/casia/kyrgyzstan/3903697.html"),
  row("KG", "RU", "842.9", 2024,
    "DERIVED: Kyrgyz-side 2024 turnover with Russia $3.2bn (FM Kulubaev, http://wap.vch.ru/event/view.html?alias=tovarooborot_rossii_i_kirgizii_vyros_v_2024_godu_na_17_) split by KG-stat Jan-Nov-2023 shares (KG exports $676.54m, imports $1.892bn; https://menafn.com/1107795628/Kyrgyzstan-Russia-Discuss-Industrial-Park-Construction). Russian-side 2024 figure is $4.1bn (https://www.gazeta.press/amp/politics/news/2025/11/26/27270655.shtml)"),
  row("UZ", "KG", "491.7", 2024,
    "DERIVED: 2024 KG-UZ turnover $846.4m (https://www.akchabar.kg/en/news/kirgizstan-i-uzbekistan-natselilis-uvelichit-tovarooborot-v-23-raza-sjkxgqwjmyrovrps) split by 2023 Kyrgyz-side shares (KG exports $290.8m, imports $403.2m; https://en.trend.az/casia/kyrgyzstan/3912128.html)"),
  row("KG", "KZ", "455.7", 2023,
    "Kyrgyz National Statistical Committee 2023: KG exports to KZ $455.702m, KG imports from KZ $862.182m https://en.trend.az/casia/kyrgyzstan/3903697.html"),
  row("IR", "IN", "441.8", 2024,
    "Indian government data, fiscal year Apr2024-Mar2025 (year=start year): IN exports to IR $1.24bn, imports from IR $441.83m https://www.livemint.com/economy/basmati-rice-tea-coffee-spices-trumps-latest-25-tariff-threat-puts-india-iran-trade-in-limelight-11768294661572.html ; total $1.68bn https://www.newsdrum.in/business/awaiting-clarity-on-us-proposed-iran-related-tariffs-comm-secy-11001376"),
  row("UZ", "TJ", "368.0", 2023,
    "DERIVED, LOW CONFIDENCE: Tajik-stat 2023 TJ-UZ turnover 'more than $500m' (https://tass.com/economy/1736063) split by Uzbek-stat Jan-Apr-2024 shares (UZ exports to TJ $145.8m, imports $52.3m; https://en.trend.az/casia/uzbekistan/3909824.html)"),
  row("KG", "UZ", "354.7", 2024,
    "DERIVED: 2024 KG-UZ turnover $846.4m (https://www.akchabar.kg/en/news/kirgizstan-i-uzbekistan-natselilis-uvelichit-tovarooborot-v-23-raza-sjkxgqwjmyrovrps) split by 2023 Kyrgyz-side shares (KG exports $290.8m, imports $403.2m; https://en.trend.az/casia/kyrgyzstan/3912128.html)"),
  row("IR", "UZ", "270", 2023,
    "Iranian TPO, first 10 months of Iranian year 1402 (21 Mar 2023-22 Jan 2024; year=2023; NOT annualised, understates a full year): IR non-oil exports to UZ >$270m, imports from UZ ~$100m https://tasnimnews.com/en/news/2024/03/05/3050193/iran-s-exports-to-uzbekistan-up-20-in-10-months-tpoi/amp"),
  row("TJ", "KZ", "255.8", 2023,
    "Tajik Statistics Agency 2023 (via TASS): TJ exports to KZ ~$255.8m, TJ imports from KZ ~$893m https://tass.com/economy/1736063"),
  row("TJ", "CN", "247.4", 2024,
    "DERIVED: GACC 2024 turnover $3.86bn (https://astanatimes.com/2025/01/kazakhstan-ranks-first-among-chinas-central-asian-trade-partners-in-2024/) split by GACC 2023 shares (TJ exports $0.25bn of $3.9bn; https://wenewsenglish.pk/china-central-asia-trade-hits-89-4-billion-in-2023). Tajik statistics show about half the turnover (~$1.96bn; https://en.orda.kz/chinas-trade-with-central-asia-hits-948-billion-in-2024-4874/)"),
  row("TJ", "RU", "134.7", 2023,
    "Tajik Statistics Agency 2023 (via TASS): TJ imports from RU $1.58bn, TJ exports to RU $134.7m https://tass.com/economy/1736063"),
  row("TJ", "UZ", "132.0", 2023,
    "DERIVED, LOW CONFIDENCE: Tajik-stat 2023 TJ-UZ turnover 'more than $500m' (https://tass.com/economy/1736063) split by Uzbek-stat Jan-Apr-2024 shares (UZ exports to TJ $145.8m, imports $52.3m; https://en.trend.az/casia/uzbekistan/3909824.html)"),
  row("KZ", "PK", "129.6", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to KZ $97.96m, imports from KZ $129.63m"),
  row("KG", "CN", "103.7", 2024,
    "DERIVED: GACC 2024 turnover $22.71bn (https://24.kg/english/317870_Trade_with_Kyrgyzstan_increased_by_almost_3_billion_in_2024_China_reports__/) split by GACC Q1-2024 shares (KG exports $22m of $4.82bn; https://intellinews.com/discrepancies-in-kyrgyzstan-china-trade-data-point-to-role-bishkek-plays-for-kremlin-325834). Kyrgyz statistics differ ~4x: 2024 turnover $5.3bn incl. KG exports $2.04bn (https://24.kg/english/336366_Trade_turnover_between_Kyrgyzstan_and_China_increases_by_447_percent_in_2024/); much of CN->KG is transit/re-export (largely to Russia)"),
  row("UZ", "IR", "100", 2023,
    "Iranian TPO, first 10 months of Iranian year 1402 (21 Mar 2023-22 Jan 2024; year=2023; NOT annualised, understates a full year): IR non-oil exports to UZ >$270m, imports from UZ ~$100m https://tasnimnews.com/en/news/2024/03/05/3050193/iran-s-exports-to-uzbekistan-up-20-in-10-months-tpoi/amp"),
  row("PK", "KZ", "98.0", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to KZ $97.96m, imports from KZ $129.63m"),
  row("PK", "RU", "80.4", 2023,
    "DERIVED: 2023 RU-PK turnover 'exceeding $1bn' (Russian ambassador, https://tass.com/economy/1802631) split by Pakistani FY2022-23 shares (PK exports $74m, imports $846m; https://www.nation.com.pk/13-Oct-2023/pakistan-russia-agree-to-improve-trade-volume). 2024 rose 'sharply' on oil imports (Sharif) but no figure found"),
  row("UZ", "PK", "79.2", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to UZ $63.65m, imports from UZ $79.23m"),
  row("PK", "UZ", "63.6", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to UZ $63.65m, imports from UZ $79.23m"),
  row("PK", "TJ", "29.8", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to TJ $29.79m, imports from TJ $19.09m"),
  row("TJ", "PK", "19.1", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to TJ $29.79m, imports from TJ $19.09m"),
  row("PK", "KG", "3.99", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to KG $3.99m, imports from KG $0.571m"),
  row("KG", "PK", "0.571", 2024,
    "State Bank of Pakistan, fiscal year Jul2024-Jun2025 (year=start year) https://profit.pakistantoday.com.pk/?p=206854 : PK exports to KG $3.99m, imports from KG $0.571m"),
]);

/** Exports plus imports of each member over the embedded flows, in USD thousands. */
export function tradeTurnover(flows: readonly TradeFlow[] = TRADE_FLOWS): Map<string, number> {
  const t = new Map<string, number>(MEMBERS.map((m) => [m.country, 0]));
  for (const f of flows) {
    t.set(f.exporter, (t.get(f.exporter) ?? 0) + f.usd_thousands);
    t.set(f.importer, (t.get(f.importer) ?? 0) + f.usd_thousands);
  }
  return t;
}

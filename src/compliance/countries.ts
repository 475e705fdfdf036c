// Country names as sanctions lists write them -> ISO 3166 alpha-2. This module owns
// the table; it covers the SCO member states, their neighbours and the countries
// that recur in sanctions lists. A name not in the table yields null (the entry
// then simply carries no country for it).

// biome-ignore format: a data table laid out by hand, several entries a line
const TABLE: Record<string, string> = {
  afghanistan: 'AF', albania: 'AL', algeria: 'DZ', angola: 'AO', argentina: 'AR', armenia: 'AM', australia: 'AU', austria: 'AT',
  azerbaijan: 'AZ', bahrain: 'BH', bangladesh: 'BD', belarus: 'BY', belgium: 'BE', belize: 'BZ', bolivia: 'BO',
  'bosnia and herzegovina': 'BA', brazil: 'BR', bulgaria: 'BG', burma: 'MM', myanmar: 'MM', burundi: 'BI', cambodia: 'KH',
  cameroon: 'CM', canada: 'CA', 'central african republic': 'CF', chad: 'TD', chile: 'CL', china: 'CN', colombia: 'CO',
  'congo, democratic republic of the': 'CD', 'democratic republic of the congo': 'CD', congo: 'CG', 'costa rica': 'CR',
  croatia: 'HR', cuba: 'CU', cyprus: 'CY', 'czech republic': 'CZ', czechia: 'CZ', denmark: 'DK', djibouti: 'DJ',
  'dominican republic': 'DO', ecuador: 'EC', egypt: 'EG', 'el salvador': 'SV', eritrea: 'ER', estonia: 'EE', ethiopia: 'ET',
  finland: 'FI', france: 'FR', georgia: 'GE', germany: 'DE', ghana: 'GH', greece: 'GR', guatemala: 'GT', guinea: 'GN',
  haiti: 'HT', honduras: 'HN', 'hong kong': 'HK', hungary: 'HU', india: 'IN', indonesia: 'ID', iran: 'IR',
  'iran (islamic republic of)': 'IR', iraq: 'IQ', ireland: 'IE', israel: 'IL', italy: 'IT', japan: 'JP', jordan: 'JO',
  kazakhstan: 'KZ', kenya: 'KE', 'korea, north': 'KP', "democratic people's republic of korea": 'KP', 'north korea': 'KP',
  'korea, south': 'KR', 'republic of korea': 'KR', 'south korea': 'KR', kosovo: 'XK', kuwait: 'KW', kyrgyzstan: 'KG',
  laos: 'LA', latvia: 'LV', lebanon: 'LB', liberia: 'LR', libya: 'LY', liechtenstein: 'LI', lithuania: 'LT',
  luxembourg: 'LU', macau: 'MO', malaysia: 'MY', maldives: 'MV', mali: 'ML', malta: 'MT', mauritania: 'MR', mexico: 'MX',
  moldova: 'MD', mongolia: 'MN', montenegro: 'ME', morocco: 'MA', mozambique: 'MZ', nepal: 'NP', netherlands: 'NL',
  'new zealand': 'NZ', nicaragua: 'NI', niger: 'NE', nigeria: 'NG', 'north macedonia': 'MK', norway: 'NO', oman: 'OM',
  pakistan: 'PK', palestinian: 'PS', 'west bank': 'PS', gaza: 'PS', panama: 'PA', paraguay: 'PY', peru: 'PE',
  philippines: 'PH', poland: 'PL', portugal: 'PT', qatar: 'QA', romania: 'RO', russia: 'RU', 'russian federation': 'RU',
  rwanda: 'RW', 'saudi arabia': 'SA', senegal: 'SN', serbia: 'RS', 'sierra leone': 'SL', singapore: 'SG', slovakia: 'SK',
  slovenia: 'SI', somalia: 'SO', 'south africa': 'ZA', 'south sudan': 'SS', spain: 'ES', 'sri lanka': 'LK', sudan: 'SD',
  sweden: 'SE', switzerland: 'CH', syria: 'SY', 'syrian arab republic': 'SY', taiwan: 'TW', tajikistan: 'TJ',
  tanzania: 'TZ', thailand: 'TH', tunisia: 'TN', turkey: 'TR', turkiye: 'TR', turkmenistan: 'TM', uganda: 'UG',
  ukraine: 'UA', 'united arab emirates': 'AE', uae: 'AE', 'united kingdom': 'GB', 'united states': 'US',
  'united states of america': 'US', uruguay: 'UY', uzbekistan: 'UZ', venezuela: 'VE', vietnam: 'VN', 'viet nam': 'VN',
  yemen: 'YE', zambia: 'ZM', zimbabwe: 'ZW',
};

/** ISO alpha-2 for a country name or code as lists write it, or null. */
export function countryCode(name: string): string | null {
  const t = name.trim();
  if (/^[A-Z]{2}$/.test(t)) return t;
  const k = t.toLowerCase().replace(/\s+/g, ' ').replace(/\.$/, '');
  return TABLE[k] ?? TABLE[k.replace(/^the /, '')] ?? null;
}

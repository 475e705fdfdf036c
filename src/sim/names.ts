// Name pools for the simulator: bank names, cities (with the BIC location letter),
// company names and traded goods for each SCO member state.
//
// Every bank and company name here is INVENTED for simulation: a place or river
// name plus a generic activity. Any resemblance to a real institution is
// coincidental; well-known real names (and sanctioned ones) were avoided on
// purpose, so screening hits on simulated traffic come from test lists, not from
// accident. Each name comes in two forms: `native` in the country's own script
// (Chinese, Cyrillic — Russian, Kazakh, Kyrgyz, Tajik, Belarusian —, Perso-Arabic
// — Persian, Urdu —, Devanagari, Uzbek Latin) and `latin`, an English form. They
// feed sanctions screening and transliteration, so both forms are kept.
//
// Goods per exporter follow each country's main exports among the members (public
// trade profiles); they only colour the remittance text.

/** [latin, native]. */
export type NamePair = readonly [string, string];

export interface CountryNames {
  /** Headquarters cities: [latin, native, BIC location letter]. */
  readonly cities: ReadonlyArray<readonly [string, string, string]>;
  /** Bank name roots (a region, river or mountain). */
  readonly bank_roots: readonly NamePair[];
  /** Bank name templates; `{r}` is replaced by the root (latin into latin, native into native). */
  readonly bank_types: readonly NamePair[];
  /** Share (in tenths) of banks whose registered name is the native form. */
  readonly bank_native_tenths: number;
  /** Company places and activities; templates use `{p}` and `{a}`. */
  readonly company_places: readonly NamePair[];
  readonly company_activities: readonly NamePair[];
  readonly company_templates: readonly NamePair[];
  /** Share (in tenths) of companies whose name is written in the native form. */
  readonly company_native_tenths: number;
  /** Goods exported (remittance text). */
  readonly goods: readonly string[];
}

// biome-ignore format: a data table laid out by hand, several entries a line
export const COUNTRY_NAMES: Readonly<Record<string, CountryNames>> = Object.freeze({
  CN: {
    cities: [['Beijing', '北京', 'B'], ['Shanghai', '上海', 'S'], ['Shenzhen', '深圳', 'Z'], ['Guangzhou', '广州', 'G'], ['Tianjin', '天津', 'T'], ['Urumqi', '乌鲁木齐', 'U'], ['Chongqing', '重庆', 'C'], ['Hangzhou', '杭州', 'H']],
    bank_roots: [['Yangtze', '长江'], ['Yellow River', '黄河'], ['Pearl River', '珠江'], ['Tianshan', '天山'], ['East Sea', '东海'], ['Silk Road', '丝路'], ['Kunlun', '昆仑'], ['Huabei', '华北']],
    bank_types: [['{r} Commercial Bank', '{r}商业银行'], ['{r} Trade Bank', '{r}贸易银行'], ['{r} Development Bank', '{r}发展银行'], ['{r} Industrial Bank', '{r}实业银行'], ['{r} International Bank', '{r}国际银行']],
    bank_native_tenths: 5,
    company_places: [['Ningbo', '宁波'], ['Yiwu', '义乌'], ['Qingdao', '青岛'], ['Suzhou', '苏州'], ['Shenzhen', '深圳'], ['Urumqi', '乌鲁木齐'], ['Chongqing', '重庆'], ['Tianjin', '天津'], ['Harbin', '哈尔滨'], ['Xiamen', '厦门']],
    company_activities: [['Machinery', '机械'], ['Textile', '纺织'], ['Electronics', '电子'], ['Chemical', '化工'], ['Auto Parts', '汽车配件'], ['Import & Export', '进出口'], ['Solar', '光伏']],
    company_templates: [['{p} {a} Co., Ltd.', '{p}{a}有限公司']],
    company_native_tenths: 6,
    goods: ['machinery parts', 'electronic components', 'textiles', 'auto parts', 'solar panels', 'steel products', 'consumer electronics'],
  },
  RU: {
    cities: [['Moscow', 'Москва', 'M'], ['Saint Petersburg', 'Санкт-Петербург', 'P'], ['Kazan', 'Казань', 'K'], ['Yekaterinburg', 'Екатеринбург', 'E'], ['Novosibirsk', 'Новосибирск', 'N'], ['Vladivostok', 'Владивосток', 'V']],
    bank_roots: [['Volga', 'Волжский'], ['Ural', 'Уральский'], ['Siberian', 'Сибирский'], ['Baltic', 'Балтийский'], ['Neva', 'Невский'], ['Kama', 'Камский'], ['Don', 'Донской'], ['Yenisei', 'Енисейский'], ['Amur', 'Амурский'], ['Oka', 'Окский']],
    bank_types: [['{r} Commercial Bank', '{r} коммерческий банк'], ['{r} Trade Bank', '{r} торговый банк'], ['{r} Settlement Bank', '{r} расчётный банк'], ['{r} Industrial Bank', '{r} промышленный банк'], ['{r} Investment Bank', '{r} инвестиционный банк']],
    bank_native_tenths: 7,
    company_places: [['Volga', 'Волга'], ['Ural', 'Урал'], ['Sibir', 'Сибирь'], ['Kuban', 'Кубань'], ['Sever', 'Север'], ['Vostok', 'Восток'], ['Primorye', 'Приморье'], ['Angara', 'Ангара'], ['Yamal', 'Ямал']],
    company_activities: [['trade', 'трейд'], ['snab', 'снаб'], ['agro', 'агро'], ['khim', 'хим'], ['les', 'лес'], ['metall', 'металл'], ['mash', 'маш'], ['stroy', 'строй']],
    company_templates: [['{p}{a} LLC', 'ООО «{p}{a}»'], ['{p}{a} JSC', 'АО «{p}{a}»']],
    company_native_tenths: 7,
    goods: ['crude oil', 'coal', 'mineral fertilizer', 'wheat', 'sawn timber', 'aluminium', 'sunflower oil'],
  },
  IN: {
    cities: [['Mumbai', 'मुंबई', 'B'], ['New Delhi', 'नई दिल्ली', 'D'], ['Chennai', 'चेन्नई', 'C'], ['Kolkata', 'कोलकाता', 'K'], ['Bengaluru', 'बेंगलुरु', 'L'], ['Ahmedabad', 'अहमदाबाद', 'A']],
    bank_roots: [['Deccan', 'दक्कन'], ['Ganga', 'गंगा'], ['Malabar', 'मालाबार'], ['Konkan', 'कोंकण'], ['Coromandel', 'कोरोमंडल'], ['Narmada', 'नर्मदा'], ['Kaveri', 'कावेरी']],
    bank_types: [['{r} Commercial Bank', '{r} कमर्शियल बैंक'], ['{r} Trade Bank', '{r} व्यापार बैंक'], ['{r} Cooperative Bank', '{r} सहकारी बैंक'], ['{r} Industrial Bank', '{r} औद्योगिक बैंक']],
    bank_native_tenths: 2,
    company_places: [['Mumbai', 'मुंबई'], ['Chennai', 'चेन्नई'], ['Pune', 'पुणे'], ['Surat', 'सूरत'], ['Ludhiana', 'लुधियाना'], ['Kolkata', 'कोलकाता'], ['Ahmedabad', 'अहमदाबाद'], ['Hyderabad', 'हैदराबाद']],
    company_activities: [['Pharma', 'फार्मा'], ['Textiles', 'टेक्सटाइल्स'], ['Engineering', 'इंजीनियरिंग'], ['Chemicals', 'केमिकल्स'], ['Agro Exports', 'एग्रो एक्सपोर्ट्स'], ['Auto Components', 'ऑटो कंपोनेंट्स']],
    company_templates: [['{p} {a} Pvt Ltd', '{p} {a} प्राइवेट लिमिटेड']],
    company_native_tenths: 2,
    goods: ['pharmaceuticals', 'basmati rice', 'tea', 'auto components', 'organic chemicals', 'marine products'],
  },
  PK: {
    cities: [['Karachi', 'کراچی', 'K'], ['Lahore', 'لاہور', 'L'], ['Islamabad', 'اسلام آباد', 'I'], ['Faisalabad', 'فیصل آباد', 'F']],
    bank_roots: [['Indus', 'انڈس'], ['Karakoram', 'قراقرم'], ['Ravi', 'راوی'], ['Chenab', 'چناب'], ['Margalla', 'مارگلہ'], ['Jhelum', 'جہلم'], ['Thar', 'تھر']],
    bank_types: [['{r} Commercial Bank', '{r} کمرشل بینک'], ['{r} Islamic Bank', '{r} اسلامی بینک'], ['{r} Bank Limited', '{r} بینک لمیٹڈ']],
    bank_native_tenths: 3,
    company_places: [['Karachi', 'کراچی'], ['Lahore', 'لاہور'], ['Faisalabad', 'فیصل آباد'], ['Sialkot', 'سیالکوٹ'], ['Multan', 'ملتان'], ['Gujranwala', 'گوجرانوالہ']],
    company_activities: [['Textile Mills', 'ٹیکسٹائل ملز'], ['Rice Mills', 'رائس ملز'], ['Surgical', 'سرجیکل'], ['Sports Goods', 'اسپورٹس گڈز'], ['Leather', 'لیدر'], ['Cotton', 'کاٹن']],
    company_templates: [['{p} {a} (Pvt) Ltd', '{p} {a} (پرائیویٹ) لمیٹڈ']],
    company_native_tenths: 3,
    goods: ['cotton yarn', 'rice', 'surgical instruments', 'sports goods', 'leather garments', 'knitwear'],
  },
  IR: {
    cities: [['Tehran', 'تهران', 'T'], ['Isfahan', 'اصفهان', 'I'], ['Mashhad', 'مشهد', 'M'], ['Tabriz', 'تبریز', 'Z'], ['Shiraz', 'شیراز', 'S']],
    bank_roots: [['Zagros', 'زاگرس'], ['Alborz', 'البرز'], ['Khazar', 'خزر'], ['Kavir', 'کویر'], ['Karun', 'کارون'], ['Damavand', 'دماوند']],
    bank_types: [['{r} Development Bank', 'بانک توسعه {r}'], ['{r} Commercial Bank', 'بانک بازرگانی {r}'], ['{r} Industrial Bank', 'بانک صنعت {r}'], ['{r} Credit Bank', 'بانک اعتباری {r}']],
    bank_native_tenths: 6,
    company_places: [['Tabriz', 'تبریز'], ['Isfahan', 'اصفهان'], ['Mashhad', 'مشهد'], ['Shiraz', 'شیراز'], ['Bandar Abbas', 'بندرعباس'], ['Kerman', 'کرمان'], ['Ahvaz', 'اهواز']],
    company_activities: [['Trading', 'بازرگانی'], ['Petrochemical', 'پتروشیمی'], ['Pistachio', 'پسته'], ['Dried Fruit', 'خشکبار'], ['Carpet', 'فرش'], ['Saffron', 'زعفران']],
    company_templates: [['{p} {a} Co.', 'شرکت {a} {p}']],
    company_native_tenths: 6,
    goods: ['petrochemicals', 'pistachios', 'dried fruit', 'saffron', 'hand-woven carpets', 'bitumen'],
  },
  KZ: {
    cities: [['Almaty', 'Алматы', 'A'], ['Astana', 'Астана', 'S'], ['Shymkent', 'Шымкент', 'H'], ['Karaganda', 'Қарағанды', 'K']],
    bank_roots: [['Irtysh', 'Ертіс'], ['Saryarka', 'Сарыарқа'], ['Altyn Dala', 'Алтын Дала'], ['Zhetysu', 'Жетісу'], ['Ulytau', 'Ұлытау'], ['Tengiz', 'Теңіз']],
    bank_types: [['{r} Bank', '{r} Банкі'], ['{r} Trade Bank', '{r} Сауда Банкі'], ['{r} Capital Bank', '{r} Капитал Банкі']],
    bank_native_tenths: 6,
    company_places: [['Almaty', 'Алматы'], ['Astana', 'Астана'], ['Shymkent', 'Шымкент'], ['Karaganda', 'Қарағанды'], ['Aktobe', 'Ақтөбе'], ['Pavlodar', 'Павлодар'], ['Kostanay', 'Қостанай']],
    company_activities: [['Agro', 'Агро'], ['Grain', 'Астық'], ['Metall', 'Металл'], ['Logistics', 'Логистика'], ['Oil Service', 'Мұнай Сервис']],
    company_templates: [['{p} {a} LLP', 'ТОО «{p} {a}»']],
    company_native_tenths: 6,
    goods: ['wheat', 'ferroalloys', 'refined copper', 'crude oil', 'zinc', 'flour'],
  },
  KG: {
    cities: [['Bishkek', 'Бишкек', 'B'], ['Osh', 'Ош', 'O']],
    bank_roots: [['Ala-Too', 'Ала-Тоо'], ['Issyk-Kul', 'Ысык-Көл'], ['Naryn', 'Нарын'], ['Chuy', 'Чүй'], ['Talas', 'Талас']],
    bank_types: [['{r} Bank', '{r} Банкы'], ['{r} Commercial Bank', '{r} Коммерциялык Банкы']],
    bank_native_tenths: 6,
    company_places: [['Bishkek', 'Бишкек'], ['Osh', 'Ош'], ['Karakol', 'Каракол'], ['Talas', 'Талас'], ['Jalal-Abad', 'Жалал-Абад']],
    company_activities: [['Textile', 'Текстиль'], ['Agro', 'Агро'], ['Trade', 'Трейд'], ['Logistics', 'Логистика'], ['Dairy', 'Сүт']],
    company_templates: [['{p} {a} LLC', 'ОсОО «{p} {a}»']],
    company_native_tenths: 6,
    goods: ['garments', 'kidney beans', 'dairy products', 'dried apricots', 'glass'],
  },
  TJ: {
    cities: [['Dushanbe', 'Душанбе', 'D'], ['Khujand', 'Хуҷанд', 'K']],
    bank_roots: [['Pamir', 'Помир'], ['Vakhsh', 'Вахш'], ['Sughd', 'Суғд'], ['Zarafshon', 'Зарафшон'], ['Hisor', 'Ҳисор']],
    bank_types: [['{r} Bank', 'Бонки {r}'], ['{r} Commercial Bank', 'Бонки тиҷоратии {r}']],
    bank_native_tenths: 6,
    company_places: [['Dushanbe', 'Душанбе'], ['Khujand', 'Хуҷанд'], ['Kulob', 'Кӯлоб'], ['Bokhtar', 'Бохтар'], ['Istaravshan', 'Истаравшан']],
    company_activities: [['Cotton', 'Пахта'], ['Agro', 'Агро'], ['Aluminium', 'Алюминий'], ['Construction', 'Сохтмон'], ['Trade', 'Савдо']],
    company_templates: [['{p} {a} LLC', 'ҶДММ «{p} {a}»']],
    company_native_tenths: 6,
    goods: ['aluminium', 'cotton fibre', 'dried fruit', 'zinc concentrate', 'onions'],
  },
  UZ: {
    cities: [['Tashkent', 'Toshkent', 'T'], ['Samarkand', 'Samarqand', 'S']],
    bank_roots: [['Zarafshan', 'Zarafshon'], ['Samarkand', 'Samarqand'], ['Fergana', 'Farg‘ona'], ['Amu Darya', 'Amudaryo'], ['Chirchik', 'Chirchiq']],
    bank_types: [['{r} Commercial Bank', '{r} Tijorat Banki'], ['{r} Trade Bank', '{r} Savdo Banki'], ['{r} Invest Bank', '{r} Invest Banki']],
    bank_native_tenths: 5,
    company_places: [['Tashkent', 'Toshkent'], ['Samarkand', 'Samarqand'], ['Bukhara', 'Buxoro'], ['Fergana', 'Farg‘ona'], ['Andijan', 'Andijon'], ['Namangan', 'Namangan']],
    company_activities: [['Textile', 'To‘qimachilik'], ['Cotton', 'Paxta'], ['Fruit', 'Meva'], ['Agro', 'Agro'], ['Trade', 'Savdo']],
    company_templates: [['{p} {a} LLC', '«{p} {a}» MChJ']],
    company_native_tenths: 5,
    goods: ['cotton yarn', 'fresh fruit', 'copper cathodes', 'nitrogen fertilizer', 'vegetables'],
  },
  BY: {
    cities: [['Minsk', 'Мінск', 'M'], ['Brest', 'Брэст', 'B'], ['Grodno', 'Гродна', 'G'], ['Gomel', 'Гомель', 'H']],
    bank_roots: [['Neman', 'Нёманскі'], ['Polesie', 'Палескі'], ['Berezina', 'Бярэзінскі'], ['Dvina', 'Дзвінскі'], ['Sozh', 'Сожскі']],
    bank_types: [['{r} Commercial Bank', '{r} камерцыйны банк'], ['{r} Investment Bank', '{r} інвестыцыйны банк'], ['{r} Trade Bank', '{r} гандлёвы банк']],
    bank_native_tenths: 6,
    company_places: [['Minsk', 'Мінск'], ['Brest', 'Брэст'], ['Grodno', 'Гродна'], ['Gomel', 'Гомель'], ['Vitebsk', 'Віцебск'], ['Mogilev', 'Магілёў']],
    company_activities: [['Agro', 'Агра'], ['Trade', 'Трэйд'], ['Mash', 'Маш'], ['Khim', 'Хім'], ['Les', 'Лес']],
    company_templates: [['{p} {a} LLC', 'ТАА «{p} {a}»']],
    company_native_tenths: 6,
    goods: ['dairy products', 'potash fertilizer', 'tractors', 'trucks', 'furniture', 'meat products'],
  },
});

/** Liquidity providers of the default profile: [country, latin, native, city index]. */
export const LIQUIDITY_PROVIDER_NAMES: ReadonlyArray<readonly [string, string, string, number]> = [
  ['CN', 'Pan-Asia FX Bank', '泛亚外汇银行', 1],
  ['RU', 'Eurasian Currency Bank', 'Евразийский валютный банк', 0],
  ['KZ', 'Steppe Bridge Liquidity Bank', 'Дала Көпір Банкі', 0],
  ['IN', 'Indo-Eurasia FX Bank', 'इंडो-यूरेशिया एफएक्स बैंक', 0],
  ['UZ', 'Registan Treasury Bank', 'Registon G‘aznachilik Banki', 0],
  ['BY', 'Minsk Clearing Bank', 'Мінскі клірынгавы банк', 0],
];

/** Fills a `{r}` / `{p}` / `{a}` template. */
export function fill(template: string, parts: Readonly<Record<string, string>>): string {
  return template.replace(/\{([rpa])\}/g, (_, k: string) => parts[k] ?? '');
}

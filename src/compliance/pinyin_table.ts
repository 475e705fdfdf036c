// A compact Hanzi -> pinyin table (tones dropped) for the characters most common
// in personal names (surnames, given-name characters) and in company and place
// names of the region. Written for this project; one reading per character, the
// one used in names (e.g. 单 shan, 曾 zeng, 解 xie, 仇 qiu, 区 ou, 查 zha).
//
// This module owns the table and nothing else. Characters not in it are kept as
// they are by the transliterator, so a name written in Chinese on both sides still
// matches itself; the table only needs to be good enough to meet Latin spellings.
//
// Format: "syllable chars" groups separated by "|". The FIRST character of each
// group is the one the labelled test set uses to write a pinyin syllable in Hanzi.

const TABLE =
  'a 阿啊|ai 艾爱|an 安岸按暗|ang 昂|ao 敖奥澳傲|' +
  'ba 巴八霸把坝|bai 白百柏拜|ban 班板半斑|bang 邦帮|bao 包宝保鲍报豹|bei 北贝备|ben 本贲|beng 崩|bi 毕碧必比璧壁|bian 边卞|biao 彪标|bin 宾彬斌滨|bing 冰兵炳丙秉|bo 博波柏伯勃|bu 卜步布部|' +
  'cai 蔡才财彩采|can 灿参|cang 苍仓|cao 曹草|ce 策|cen 岑|ceng 层|cha 查茶|chai 柴|chan 产禅婵|chang 常长昌畅|chao 超朝巢潮|che 车|chen 陈晨辰臣沉|cheng 成程城诚承呈|chi 池迟驰赤|chong 崇冲|chou 仇|chu 褚楚初储出|chuan 川传船|chuang 创|chun 春纯淳|ci 慈|cong 丛聪|cui 崔翠|cun 村存|' +
  'da 达大|dai 戴代岱|dan 丹单淡旦|dang 党|dao 道刀|de 德|deng 邓登|di 狄迪邸帝地|dian 典电殿|diao 刁|ding 丁鼎定|dong 董东冬栋|dou 窦斗|du 杜都督|duan 段端|dui 对|dun 顿敦|duo 多|' +
  'e 鄂娥|en 恩|er 尔二|' +
  'fa 发法|fan 范樊凡帆|fang 方房芳放|fei 费飞菲|fen 芬|feng 冯封凤峰丰锋风枫|fu 傅付符福富甫扶复伏|' +
  'gai 盖|gan 甘干|gang 刚钢港|gao 高郜|ge 葛戈格歌革|geng 耿庚|gong 龚宫公功工巩|gou 苟|gu 顾谷古固|gua 瓜|guan 关管冠观|guang 光广|gui 桂贵归|guo 郭国果|' +
  'ha 哈|hai 海|han 韩汉寒涵翰|hang 杭航|hao 郝浩豪好昊|he 何贺和合河赫荷|hei 黑|heng 恒衡|hong 洪红宏鸿弘虹|hou 侯厚|hu 胡虎湖户|hua 华花|huai 怀|huan 欢环桓|huang 黄皇煌|hui 惠辉慧会徽|hun 浑|huo 霍火|' +
  'ji 纪姬季冀吉基继济集机际技|jia 贾家佳嘉|jian 简建剑坚健|jiang 江姜蒋将疆|jiao 焦娇|jie 解洁杰捷|jin 金晋靳锦进津|jing 景静敬晶京精经|jiong 炯|jiu 久九|ju 居鞠菊巨聚|juan 娟|jue 觉|jun 军俊君峻|' +
  'kai 凯开|kan 阚|kang 康亢|ke 柯科克可|kong 孔|kou 寇|ku 库|kuai 快|kuan 宽|kuang 匡旷矿|kun 昆坤|kuo 阔|' +
  'la 拉|lai 赖来莱|lan 兰蓝岚澜|lang 郎朗|lao 劳|le 乐勒|lei 雷蕾磊|leng 冷|li 李黎力立丽利理莉里礼厉栗|lian 连廉莲联|liang 梁良亮|liao 廖辽|lin 林琳霖麟临|ling 凌玲灵岭龄|liu 刘柳流|long 龙隆|lou 楼娄|lu 卢鲁陆路露禄芦|lü 吕绿|luan 栾|lun 伦|luo 罗骆洛|lv 吕|' +
  'ma 马玛|mai 麦迈|man 满曼蔓|mang 芒|mao 毛茂贸|mei 梅美媚|men 门|meng 孟蒙梦猛|mi 米宓蜜|mian 勉|miao 苗妙|min 闵敏民|ming 明鸣铭名|mo 莫墨|mou 牟|mu 穆木慕牧|' +
  'na 那娜纳|nai 乃|nan 南楠|ni 倪妮|nian 年|ning 宁凝|niu 牛|nong 农|nu 努|' +
  'ou 欧区|' +
  'pan 潘盘|pang 庞|pei 裴培佩|peng 彭鹏蓬|pi 皮|pin 品|ping 平萍屏|po 坡|pu 蒲浦普朴|' +
  'qi 齐戚祁奇琪启其旗企|qian 钱乾倩谦|qiang 强蔷|qiao 乔桥|qin 秦琴勤钦|qing 青清庆晴卿|qiong 琼|qiu 邱秋丘仇|qu 曲屈瞿区|quan 全权泉|que 阙|qun 群|' +
  'ran 冉然|rao 饶|ren 任仁|ri 日|rong 荣容融蓉|ru 如汝茹|ruan 阮|rui 瑞睿芮|run 润|' +
  'sa 萨|san 三|sang 桑|sen 森|sha 沙莎|shan 单山珊善杉|shang 尚商上|shao 邵少韶|she 佘舍社|shen 沈申深慎神|sheng 盛生胜圣升晟|shi 石史施时师诗世实市士|shou 寿守|shu 舒书淑树蜀|shuai 帅|shuang 双爽|shui 水|shun 顺舜|shuo 硕|si 司思斯丝四|song 宋松颂嵩|su 苏素肃|sui 隋穗|sun 孙|suo 索|' +
  'ta 塔|tai 台泰太|tan 谭谈潭坦|tang 唐汤堂棠|tao 陶涛桃|teng 滕腾|ti 提|tian 田天添|tie 铁|ting 婷庭亭廷|tong 童佟通同桐|tu 涂屠图土|tuan 团|tuo 拓托|' +
  'wan 万婉皖湾|wang 王汪旺望网|wei 魏卫韦伟薇威维玮为|wen 文温闻雯|weng 翁|wo 沃|wu 吴武伍巫吾乌五物|' +
  'xi 习席奚喜希熙西锡溪|xia 夏霞厦|xian 冼先贤仙显线|xiang 向项香祥翔湘象|xiao 肖萧晓小孝|xie 谢解协|xin 辛欣新馨心信鑫|xing 邢星兴幸行|xiong 熊雄|xiu 修秀|xu 徐许胥旭续|xuan 宣轩玄萱|xue 薛雪学|xun 荀寻勋|' +
  'ya 亚雅娅|yan 严颜阎燕彦艳岩延|yang 杨阳羊洋扬|yao 姚尧瑶耀|ye 叶业野|yi 易伊依怡毅益义艺一亿|yin 尹殷银音|ying 英应莹颖鹰营|yong 永勇雍|you 尤游友优油|yu 于余俞虞禹宇玉雨瑜宇鱼渔|yuan 袁元远原苑源|yue 岳乐越月悦|yun 云芸运韵|' +
  'za 杂|zai 宰|zan 赞|zang 臧|zao 早|ze 泽则|zeng 曾增|zha 查扎|zhai 翟|zhan 詹展湛占|zhang 张章彰|zhao 赵招昭|zhe 哲浙|zhen 甄真珍振贞|zheng 郑正政征|zhi 智志之芝植治知支|zhong 钟仲中忠众|zhou 周舟州洲|zhu 朱祝诸竹珠|zhuang 庄|zhuo 卓|zi 紫子梓资|zong 宗|zou 邹|zu 祖|zuo 左佐|' +
  // Surname characters read as above but listed apart to keep the groups short.
  'yan 闫晏|qin 覃|nie 聂|yu 喻|miao 缪|wu 邬|kuang 邝|ma 麻|yuan 苑|luo 洛|gou 勾|zhan 战|kuai 蒯|ou 欧|lian 练';

/** Two-character compound surnames (romanised as one word). */
export const COMPOUND_SURNAMES: readonly string[] = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
];

let forward: Map<string, string> | null = null;
let reverse: Map<string, string> | null = null;
let surnames: Set<string> | null = null;

function build(): void {
  forward = new Map();
  reverse = new Map();
  for (const group of TABLE.split('|')) {
    const [syllable, chars] = group.split(' ') as [string, string];
    const s = syllable === 'lü' ? 'lv' : syllable;
    for (const ch of chars) if (!forward.has(ch)) forward.set(ch, s);
    if (!reverse.has(s)) reverse.set(s, [...chars][0]!);
  }
}

/** The pinyin (no tone) of one Han character, or undefined when the table lacks it. */
export function pinyinOf(ch: string): string | undefined {
  if (forward === null) build();
  return forward!.get(ch);
}

/** A Han character read as `syllable` (the group's first), for the labelled test set. */
export function hanziFor(syllable: string): string | undefined {
  if (reverse === null) build();
  return reverse!.get(syllable);
}

/** Every syllable in the table (for splitting Latin pinyin words into syllables). */
export function pinyinSyllables(): string[] {
  if (reverse === null) build();
  return [...reverse!.keys()];
}

/** Common single-character surnames (the table's surname characters). */
export function isCommonSurname(ch: string): boolean {
  if (surnames === null) {
    surnames = new Set(
      '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝习'.split(
        '',
      ),
    );
  }
  return surnames.has(ch);
}

let syllableSet: Set<string> | null = null;

/** Splits a Latin word into pinyin syllables (longest first, backtracking), or null. */
export function splitPinyin(word: string): string[] | null {
  if (syllableSet === null) syllableSet = new Set(pinyinSyllables());
  const w = word.toLowerCase();
  const go = (i: number): string[] | null => {
    if (i === w.length) return [];
    for (let len = Math.min(6, w.length - i); len >= 1; len--) {
      const s = w.slice(i, i + len);
      if (syllableSet!.has(s)) {
        const rest = go(i + len);
        if (rest !== null) return [s, ...rest];
      }
    }
    return null;
  };
  return w.length > 0 && w.length <= 24 ? go(0) : null;
}

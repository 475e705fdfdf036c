// Screening names written in Chinese (Han), Devanagari and Urdu/Arabic/Cyrillic
// script against their Latin spellings: recall at the default threshold, measured
// on two labelled sets, each figure held by a floor so that a change to
// transliteration that loses names fails here.
//  1. The real UN Security Council list (../shared/sanctions): every entry that
//     gives its name in original script (Arabic, Urdu, Cyrillic) is screened by that
//     name against an index that holds the entries' Latin names only.
//  2. A hand-made set written for this test: public figures' and sanctioned
//     people's names in Han (simplified and traditional), Devanagari and Urdu, each
//     with the Latin spelling that lists and payments use, indexed among the
//     project's fixture lists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListFiles } from '../src/compliance/list_store.js';
import { DEFAULT_THRESHOLD, ScreeningIndex } from '../src/compliance/matcher.js';
import { normalizeName } from '../src/compliance/normalize.js';
import type { SanctionsList } from '../src/compliance/types.js';
import { fixtureLists, SHARED_SANCTIONS, SKIP_SHARED } from './compliance_support.js';

// biome-ignore format: a hand-made table, one name a line: [script spelling, Latin spelling]
const HAN: Array<[string, string]> = [
  ['习近平', 'Xi Jinping'], ['習近平', 'Xi Jinping'], ['李克强', 'Li Keqiang'], ['王毅', 'Wang Yi'], ['胡锦涛', 'Hu Jintao'],
  ['温家宝', 'Wen Jiabao'], ['江泽民', 'Jiang Zemin'], ['邓小平', 'Deng Xiaoping'], ['鄧小平', 'Deng Xiaoping'], ['毛泽东', 'Mao Zedong'],
  ['周恩来', 'Zhou Enlai'], ['朱镕基', 'Zhu Rongji'], ['曾庆红', 'Zeng Qinghong'], ['单霁翔', 'Shan Jixiang'], ['解振华', 'Xie Zhenhua'],
  ['欧阳自远', 'Ouyang Ziyuan'], ['司马南', 'Sima Nan'], ['诸葛亮', 'Zhuge Liang'], ['韩正', 'Han Zheng'], ['赵乐际', 'Zhao Leji'],
  ['蔡奇', 'Cai Qi'], ['丁薛祥', 'Ding Xuexiang'], ['王沪宁', 'Wang Huning'], ['栗战书', 'Li Zhanshu'], ['孟晚舟', 'Meng Wanzhou'],
  ['任正非', 'Ren Zhengfei'], ['郭文贵', 'Guo Wengui'], ['薄熙来', 'Bo Xilai'], ['周永康', 'Zhou Yongkang'], ['令狐计划', 'Linghu Jihua'],
  ['仇和', 'Qiu He'], ['查良镛', 'Zha Liangyong'], ['覃异剑', 'Qin Yijian'], ['翟欣欣', 'Zhai Xinxin'], ['缪瑞林', 'Miao Ruilin'],
];

// biome-ignore format: a hand-made table, one name a line: [script spelling, Latin spelling]
const DEVANAGARI: Array<[string, string]> = [
  ['नरेन्द्र मोदी', 'Narendra Modi'], ['अमित शाह', 'Amit Shah'], ['राहुल गांधी', 'Rahul Gandhi'], ['सोनिया गांधी', 'Sonia Gandhi'],
  ['मनमोहन सिंह', 'Manmohan Singh'], ['दाऊद इब्राहिम', 'Dawood Ibrahim'], ['हाफ़िज़ सईद', 'Hafiz Saeed'], ['मसूद अज़हर', 'Masood Azhar'],
  ['अमिताभ बच्चन', 'Amitabh Bachchan'], ['राजनाथ सिंह', 'Rajnath Singh'], ['योगी आदित्यनाथ', 'Yogi Adityanath'], ['अरविंद केजरीवाल', 'Arvind Kejriwal'],
  ['ममता बनर्जी', 'Mamata Banerjee'], ['लालू प्रसाद यादव', 'Lalu Prasad Yadav'], ['मुकेश अंबानी', 'Mukesh Ambani'], ['गौतम अडानी', 'Gautam Adani'],
  ['विजय माल्या', 'Vijay Mallya'], ['नीरव मोदी', 'Nirav Modi'], ['छोटा शकील', 'Chhota Shakeel'], ['टाइगर मेमन', 'Tiger Memon'],
  ['पुष्पकमल दाहाल', 'Pushpa Kamal Dahal'], ['शेर बहादुर देउबा', 'Sher Bahadur Deuba'], ['लश्कर-ए-तैयबा', 'Lashkar-e-Taiba'], ['जैश-ए-मोहम्मद', 'Jaish-e-Mohammed'],
];

// biome-ignore format: a hand-made table, one name a line: [script spelling, Latin spelling]
const URDU: Array<[string, string]> = [
  ['عمران خان', 'Imran Khan'], ['نواز شریف', 'Nawaz Sharif'], ['شہباز شریف', 'Shehbaz Sharif'], ['بینظیر بھٹو', 'Benazir Bhutto'],
  ['آصف علی زرداری', 'Asif Ali Zardari'], ['حافظ محمد سعید', 'Hafiz Muhammad Saeed'], ['مسعود اظہر', 'Masood Azhar'], ['ذکی الرحمن لکھوی', 'Zaki ur Rehman Lakhvi'],
  ['داؤد ابراہیم', 'Dawood Ibrahim'], ['پرویز مشرف', 'Pervez Musharraf'], ['لشکر طیبہ', 'Lashkar e Tayyiba'], ['جیش محمد', 'Jaish e Mohammed'],
  ['عبدالرحمن مکی', 'Abdul Rehman Makki'], ['بلاول بھٹو زرداری', 'Bilawal Bhutto Zardari'], ['مریم نواز', 'Maryam Nawaz'], ['فضل الرحمن', 'Fazal ur Rehman'],
  ['چوہدری شجاعت حسین', 'Chaudhry Shujaat Hussain'], ['ٹیپو سلطان', 'Tipu Sultan'], ['عامر علی چوہدری', 'Amir Ali Chaudhry'], ['ثناء اللہ غفاری', 'Sanaullah Ghafari'],
];

const SETS = { han: HAN, devanagari: DEVANAGARI, urdu: URDU } as const;

/** Recall floors: the figures measured when this test was written, rounded down. */
// Perso-Arabic script does not write short vowels: "sdam hsin tkriti" meets "Saddam
// Hussein al-Tikriti" token by token only through the phonetic skeleton, which the
// matcher scores at most 0.86 a token, below the default threshold for most names.
// The low Urdu and UN figures are that limit of the matcher, measured, not a goal.
const FLOOR = { han: 1.0, devanagari: 0.875, urdu: 0.1, un_original_script: 0.21 } as const;

function handMadeList(): SanctionsList {
  const entries = Object.entries(SETS).flatMap(([script, rows]) =>
    rows.map(([, latin], i) => ({
      id: `${script}-${i}`,
      type: 'individual' as const,
      names: [{ name: latin, kind: 'primary' as const }],
      dob: [],
      countries: [],
      identifiers: [],
      addresses: [],
      programs: [],
    })),
  );
  const version = {
    list: 'hand-made-scripts',
    format: 'opensanctions' as const,
    source: ['screening_scripts.test.ts'],
    published: null,
    loaded_at: '2026-01-01T00:00:00.000Z',
    entry_count: entries.length,
    name_count: entries.length,
    content_hash: '0'.repeat(64),
    version_id: 'hand-made-scripts@test',
  };
  return { version, entries };
}

function recall(index: ScreeningIndex, queries: Array<{ name: string; list: string; id: string }>): { recall: number; missed: string[] } {
  const missed: string[] = [];
  for (const q of queries) {
    const r = index.screenName({ name: q.name }, DEFAULT_THRESHOLD);
    if (!r.matches.some((m) => m.list === q.list && m.entry_id === q.id)) missed.push(`${q.name} (${normalizeName(q.name).tokens.join(' ')})`);
  }
  return { recall: (queries.length - missed.length) / queries.length, missed };
}

test('习近平 is xi jinping; Devanagari and Urdu letters become Latin', () => {
  assert.deepEqual(normalizeName('习近平').tokens, ['xi', 'jinping']);
  assert.deepEqual(normalizeName('習近平').tokens, ['xi', 'jinping']);
  assert.deepEqual(normalizeName('单雄信').tokens, ['shan', 'xiongxin'], 'a surname reading');
  assert.deepEqual(normalizeName('नरेन्द्र मोदी').tokens, ['narendra', 'modi']);
  assert.deepEqual(normalizeName('मनमोहन सिंह').tokens, ['manmohan', 'singh']);
  assert.deepEqual(normalizeName('हाफ़िज़ सईद').tokens, ['hafiz', 'said']);
  assert.deepEqual(normalizeName('ٹیپو سلطان').tokens, ['tipu', 'sltan']);
  assert.deepEqual(normalizeName('नरेन्द्र मोदी').scripts, ['devanagari']);
});

test('recall on the hand-made Han, Devanagari and Urdu set', (t) => {
  const lists = [...fixtureLists(), handMadeList()];
  const index = new ScreeningIndex(lists);
  for (const [script, rows] of Object.entries(SETS) as Array<[keyof typeof SETS, Array<[string, string]>]>) {
    const r = recall(
      index,
      rows.map(([name], i) => ({ name, list: 'hand-made-scripts', id: `${script}-${i}` })),
    );
    t.diagnostic(`${script}: recall ${r.recall.toFixed(3)} (${rows.length} names)${r.missed.length > 0 ? `; missed ${r.missed.join(', ')}` : ''}`);
    assert.ok(r.recall >= FLOOR[script], `${script} recall ${r.recall} below ${FLOOR[script]}: missed ${r.missed.join(', ')}`);
  }
});

test('recall on the UN list: original-script names against the Latin names only', { skip: SKIP_SHARED }, (t) => {
  const un = parseListFiles(
    'un-xml',
    [{ name: 'UN_consolidated.xml', bytes: readFileSync(join(SHARED_SANCTIONS, 'un-sc-consolidated-xml', 'UN_consolidated.xml')) }],
    new Date(0),
  );
  const queries = un.entries.flatMap((e) => e.names.filter((n) => n.kind === 'original').map((n) => ({ name: n.name, list: un.version.list, id: e.id })));
  const latinOnly: SanctionsList = { version: un.version, entries: un.entries.map((e) => ({ ...e, names: e.names.filter((n) => n.kind !== 'original') })) };
  const r = recall(new ScreeningIndex([latinOnly]), queries);
  t.diagnostic(`UN original-script names: recall ${r.recall.toFixed(3)} (${queries.length} names); first missed: ${r.missed.slice(0, 8).join(', ')}`);
  assert.ok(queries.length >= 300, `${queries.length} original-script names`);
  assert.ok(r.recall >= FLOOR.un_original_script, `recall ${r.recall}`);
});

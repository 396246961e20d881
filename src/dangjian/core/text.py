"""Chinese text helpers: 繁→简, full-width → half-width, pinyin and initials with name readings."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose reading in a name differs from the common reading pypinyin picks.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "尉": "yu",
    "乐": "yue",
    "员": "yun",
    "召": "shao",
    "种": "chong",
    "秘": "bi",
    "繁": "po",
    "折": "she",
    "宁": "ning",
    "纪": "ji",
    "任": "ren",
    "贾": "jia",
    "华": "hua",
    "黑": "he",
    "沈": "shen",
    "祭": "zhai",
    "相": "xiang",
}
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "令狐",
    "宇文",
    "司徒",
    "夏侯",
    "端木",
    "万俟",
}
COMPOUND_READINGS = {"尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "长孙": ["zhang", "sun"]}

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD_RE = re.compile(r"[a-z0-9]+")

# Every toneless pinyin syllable pypinyin produces (lazy_pinyin over its whole dictionary, 415).
# The search asks whether a typed Latin word could be the start of one syllable (``zh``, ``zhang``)
# or must span several (``zhangwei``) or be initials (``zw``).
_SYLLABLES = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu
    ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou
    chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang
    dao de den deng di dian diao die din ding diu dong dou du duan dui dun duo e ei en eng er
    fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
    guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai
    kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le
    lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve m ma
    mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu n na nai nan nang
    nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o
    ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang
    qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua
    ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng
    shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai
    tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei
    wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan
    yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha
    zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun
    zhuo zi zong zou zu zuan zui zun zuo
"""
PINYIN_SYLLABLES = frozenset(_SYLLABLES.split())
_SYLLABLE_PREFIXES = frozenset(
    syllable[:end] for syllable in PINYIN_SYLLABLES for end in range(1, len(syllable) + 1)
)


def is_syllable_prefix(word: str) -> bool:
    """Whether ``word`` is the beginning of one pinyin syllable (``z``, ``zh``, ``zhang``), not of two."""
    return word in _SYLLABLE_PREFIXES


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else ""


@lru_cache(maxsize=1)
def _traditional_converter():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Text entered in simplified characters, shown to a zh-Hant reader (繁体)."""
    return _traditional_converter().convert(text) if text else ""


def normalize(text: str) -> str:
    """Simplified, half-width, lower-case: the form both stored text and queries are compared in."""
    if not text:
        return ""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower().strip()


def name_syllables(name: str) -> list[str]:
    """Pinyin syllables of a personal name, reading the surname as a surname (曾 → zeng)."""
    name = normalize(name)
    if not name:
        return []
    if name[:2] in COMPOUND_SURNAMES:
        head = COMPOUND_READINGS.get(name[:2]) or lazy_pinyin(name[:2])
        return head + lazy_pinyin(name[2:])
    head = [SURNAME_READINGS[name[0]]] if name[0] in SURNAME_READINGS else lazy_pinyin(name[0])
    return head + lazy_pinyin(name[1:])


def pinyin_full(text: str, *, is_name: bool = False) -> str:
    syllables = name_syllables(text) if is_name else lazy_pinyin(normalize(text))
    return "".join(s for s in syllables if s.isascii()).lower()


def pinyin_initials(text: str, *, is_name: bool = False) -> str:
    syllables = name_syllables(text) if is_name else lazy_pinyin(normalize(text), style=Style.NORMAL)
    return "".join(s[0] for s in syllables if s and s.isascii() and s[0].isalpha()).lower()


def sort_key(name: str) -> str:
    """Pinyin sort key for names (张伟 → "zhang wei"), so lists sort as people expect."""
    return " ".join(name_syllables(name))[:255]

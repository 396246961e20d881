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

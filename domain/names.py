"""Whether two written names can be one person (RULES §3.7), and a phonetic key to find candidates.

Pure functions, no I/O. A name is read as its Han part (a full name, or a surname with an
honorific: 王先生, 小王), its pinyin words (Wang Jianguo, jianguo wang, Wáng Jiànguó) and any
English given names (David). Names are compared by toneless pinyin, so 王建国, 王建國, "Wang Jianguo"
and the homophone 王建帼 are one name; an honorific meets every full name with its surname.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from domain.hanzi import fold, pinyin_key, readings, spells, syllable_split, units_of

# ---------------------------------------------------------------------------------------------
# Hand-written tables. pypinyin reads characters as words, not as surnames, and no library here
# knows which two-character starts are one surname or which words stand for a given name.
# ---------------------------------------------------------------------------------------------

# Two-character surnames, so 欧阳修 is 欧阳 + 修 and not 欧 + 阳修.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 司徒 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 长孙 宇文 轩辕 端木 西门 南宫 独孤"
    " 呼延 澹台 万俟 闻人 申屠 太史 钟离 宗政 濮阳 淳于 单于 公冶 赫连 百里 东郭 左丘 司空 第五".split()
)
# Surnames read otherwise than the character's everyday reading (曾 is zeng, not ceng), so the key
# of 曾 meets "Zeng". Other polyphonic surnames still match any of their readings when compared.
_SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "区": "ou", "仇": "qiu", "解": "xie", "查": "zha", "朴": "piao",
    "覃": "qin", "乐": "yue", "盖": "ge", "缪": "miao", "翟": "zhai", "尉迟": "yuchi", "万俟": "moqi",
    "长孙": "zhangsun", "种": "chong", "秘": "bi", "召": "shao", "折": "she", "黑": "he", "繁": "po",
    "员": "yun", "重": "chong", "藏": "zang", "句": "gou", "能": "nai", "沈": "shen", "柏": "bai",
}  # fmt: skip
# What a customer is called instead of a given name, with the sex it implies ("" = either).
# Long ones may follow a full name too (王建国先生); one-character ones only a bare surname (张姐),
# since many given names end with those characters (王海生, 李志刚).
_HONORIFIC_SUFFIXES = {
    "先生": "m", "女士": "f", "小姐": "f", "太太": "f", "夫人": "f", "阿姨": "f", "老师": "",
    "师傅": "", "经理": "", "老板": "", "老板娘": "f", "大姐": "f", "大哥": "m", "姐姐": "f",
    "哥哥": "m", "叔叔": "m", "大爷": "m", "奶奶": "f", "爷爷": "m", "主任": "", "医生": "",
    "总": "", "姐": "f", "哥": "m", "叔": "m", "伯": "m", "姨": "f", "妹": "f", "弟": "m", "工": "",
    "董": "",
}  # fmt: skip
_SUFFIXES_LONGEST_FIRST = tuple(sorted(_HONORIFIC_SUFFIXES, key=len, reverse=True))
_LONG_HONORIFICS = frozenset(h for h in _HONORIFIC_SUFFIXES if len(h) > 1)
# 小王, 老王, 阿王: a familiar form of the surname alone.
_HONORIFIC_PREFIXES = ("小", "老", "阿")
_LATIN_HONORIFICS = {
    "mr": "m", "mister": "m", "sir": "m", "mrs": "f", "ms": "f", "miss": "f", "madam": "f", "mdm": "f",
}  # fmt: skip
# Latin words that are pinyin syllables but, in a customer's name, are English given names.
_ENGLISH_NAMES_LIKE_PINYIN = frozenset({"anna", "tina", "nina", "lena", "linda", "ken", "ben"})

_WORD = re.compile(r"[a-z]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalize_name(name: str) -> str:
    """Folded (half-width, simplified, lower case, no tone marks) with one space between words."""
    text = re.sub(r"[\d·•.,，、'’\-_()（）]+", " ", fold(name))
    return " ".join(text.split())


@dataclass(frozen=True)
class _Name:
    han: str  # the Han characters of a full name, or a surname alone when surname_only
    surname_only: bool
    latin: tuple[str, ...]  # pinyin words
    english: frozenset[str]  # English given names
    sex: str  # "m", "f" or "" when the name does not say


def _han_surname(han: str) -> str:
    return han[:2] if han[:2] in _COMPOUND_SURNAMES else han[:1]


@lru_cache(maxsize=4096)
def _parse(name: str) -> _Name:
    text = normalize_name(name)
    han = "".join(_HAN_RUN.findall(text))
    words = _WORD.findall(text)
    sex = ""
    latin: list[str] = []
    english: set[str] = set()
    for word in words:
        if word in _LATIN_HONORIFICS:
            sex = _LATIN_HONORIFICS[word]
        elif word in _ENGLISH_NAMES_LIKE_PINYIN or syllable_split(word) is None:
            english.add(word)
        else:
            latin.append(pinyin_key(word))  # "lv" and "lü" as "lu", like pypinyin's keys
    surname_only = False
    if han:
        han, han_sex, surname_only = _read_han(han)
        sex = sex or han_sex
    elif sex and len(latin) == 1:
        surname_only = True
    elif len(latin) == 1 and (english or _is_surname_word(latin[0])):
        surname_only = True  # "David Wang", "Wang"
    return _Name(han, surname_only, tuple(latin), frozenset(english), sex)


def _is_surname_word(word: str) -> bool:
    split = syllable_split(word)
    return split is not None and (len(split) == 1 or word in _compound_surname_keys())


@lru_cache(maxsize=1)
def _compound_surname_keys() -> frozenset[str]:
    return frozenset(_surname_key(s) for s in _COMPOUND_SURNAMES)


def _read_han(han: str) -> tuple[str, str, bool]:
    """(name or surname, sex, surname only) from the Han part: 王先生 → (王, m, True)."""
    for prefix in _HONORIFIC_PREFIXES:
        rest = han[len(prefix) :]
        if han.startswith(prefix) and rest and _han_surname(rest) == rest and len(rest) <= 2:
            return rest, "", True
    for suffix in _SUFFIXES_LONGEST_FIRST:
        stem = han[: -len(suffix)]
        if not han.endswith(suffix) or not stem:
            continue
        if _han_surname(stem) == stem:
            return stem, _HONORIFIC_SUFFIXES[suffix], True
        if suffix in _LONG_HONORIFICS:
            return stem, _HONORIFIC_SUFFIXES[suffix], False
    if len(han) == 1:
        return han, "", True
    return han, "", False


def _surname_key(surname: str) -> str:
    return _SURNAME_READINGS.get(surname) or pinyin_key(surname)


def _han_units(han: str) -> tuple[frozenset[str], ...]:
    """Readings of a Han name, the surname as one unit with its surname reading added."""
    surname = _han_surname(han)
    surname_unit = {_surname_key(surname)}
    if len(surname) == 1:
        surname_unit |= readings(surname)
    return (frozenset(surname_unit), *units_of(han[len(surname) :]))


def _latin_orders(words: tuple[str, ...]) -> set[str]:
    """The pinyin words read surname first, whichever end the surname was written at."""
    if not words:
        return set()
    return {"".join(words), "".join((words[-1], *words[:-1]))}


def _surname_sounds(name: _Name) -> set[str]:
    if name.han:
        return (
            set(_han_units(name.han)[0])
            if len(_han_surname(name.han)) == 1
            else {_surname_key(_han_surname(name.han))}
        )
    if name.surname_only or len(name.latin) == 1:
        split = syllable_split(name.latin[0]) if name.latin else None
        if name.surname_only or split is None:
            return set(name.latin)
        return {split[0], "".join(split[:2])}  # "wangjianguo", "ouyangxiu" written as one word
    return {name.latin[0], name.latin[-1]} if name.latin else set()


def _full_names_meet(a: _Name, b: _Name) -> bool:
    if a.han and b.han:
        return spells(pinyin_key(b.han), _han_units(a.han)) or spells(pinyin_key(a.han), _han_units(b.han))
    if a.han or b.han:
        han, other = (a, b) if a.han else (b, a)
        units = _han_units(han.han)
        return any(spells(order, units) for order in _latin_orders(other.latin))
    if a.latin and b.latin:
        return bool(_latin_orders(a.latin) & _latin_orders(b.latin))
    return False


def same_person(name_a: str, name_b: str) -> bool:
    """Whether two written names can be one person.

    The Han characters decide when both names have them; otherwise pinyin, in either order.
    An honorific or a bare surname (王先生, 小王, "David Wang") meets every name with that surname,
    unless both say a sex and they differ (王先生 is not 王女士, though they may share a flat).
    """
    a, b = _parse(name_a), _parse(name_b)
    if not (a.han or a.latin or a.english) or not (b.han or b.latin or b.english):
        return False
    if a.sex and b.sex and a.sex != b.sex:
        return False
    if not (a.han or a.latin) or not (b.han or b.latin):
        return bool(a.english & b.english) and not (a.han or a.latin or b.han or b.latin)
    if not (a.han and b.han) and a.english and b.english and not a.english & b.english:
        return False  # "David Wang" and "Michael Wang": two English names say two people
    if a.surname_only or b.surname_only:
        return bool(_surname_sounds(a) & _surname_sounds(b))
    return _full_names_meet(a, b)


def has_given_name(name: str) -> bool:
    """Whether the name says more than a surname: 王建国 and "Wang Jianguo" do, 王先生 and 小王 not."""
    parsed = _parse(name)
    return bool(parsed.han or parsed.latin) and not parsed.surname_only


def name_key(name: str) -> str:
    """The surname as toneless pinyin, the key under which candidates for `same_person` are found.

    王先生, 王建国, 王建國, 小王, "Wang Jianguo", "Jianguo Wang" and "David Wang" all give "wang";
    欧阳修 and "Ouyang Xiu" give "ouyang". A pinyin name with a one-syllable word at each end
    ("Wang Fang") is taken to be written surname first. A name with only English words gives them.
    """
    parsed = _parse(name)
    if parsed.han:
        return _surname_key(_han_surname(parsed.han))
    words = parsed.latin
    if not words:
        return " ".join(sorted(parsed.english))
    if len(words) == 1:
        split = syllable_split(words[0]) or (words[0],)
        two = "".join(split[:2])
        return two if len(split) > 2 and two in _compound_surname_keys() else split[0]
    for word in (words[0], words[-1]):
        if word in _compound_surname_keys():
            return word
    first, last = syllable_split(words[0]) or (), syllable_split(words[-1]) or ()
    if len(first) != 1 and len(last) == 1:
        return words[-1]
    return words[0]


__all__ = ["has_given_name", "name_key", "normalize_name", "same_person"]

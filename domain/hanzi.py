"""Folding Chinese text and comparing it by sound: shared by domain.addresses and domain.names.

Pure functions, no I/O. The readings come from pypinyin, traditional → simplified from zhconv.
Pinyin keys are toneless, lower case, and write ü as u (pypinyin's "lv" and a typed "lü" or "lu"
give the same key), so a key never depends on how tones or ü were typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def is_han(ch: str) -> bool:
    return _HAN.fullmatch(ch) is not None


def strip_marks(text: str) -> str:
    """Drop combining marks (tone marks, the dots of ü): "Jiànguó" → "Jianguo", "lǘ" → "lu"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, casefold, tone marks dropped."""
    text = unicodedata.normalize("NFKC", text)
    if has_han(text):
        import zhconv  # imported on first use, as pypinyin below

        text = str(zhconv.convert(text, "zh-cn"))
    return strip_marks(text.casefold())


def _keyed(syllable: str) -> str:
    return _NOT_KEY.sub("", strip_marks(syllable).lower().replace("ü", "u").replace("v", "u"))


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of the Han characters, other letters and digits kept: "阳光a座" → "yangguanga"."""
    if not has_han(text):
        return _keyed(text)
    # Imported on first use: pypinyin's phrase dictionary costs ~50 MB and 0.3 s, which a process
    # that never compares names (a catch-up sweep, a roster command) should not pay.
    from pypinyin import Style, lazy_pinyin

    return _keyed("".join(lazy_pinyin(text, style=Style.NORMAL)))


@lru_cache(maxsize=16384)
def readings(ch: str) -> frozenset[str]:
    """Every toneless reading of one Han character (朝 → zhao, chao); any other character is itself."""
    if not is_han(ch):
        return frozenset({_keyed(ch)} - {""})
    from pypinyin import Style, pinyin

    found = {_keyed(p) for p in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]}
    return frozenset(found | {pinyin_key(ch)})


def spells(key: str, units: Sequence[frozenset[str]]) -> bool:
    """Whether a pinyin key can be read as these units in order, each unit by one of its readings."""
    positions = {0}
    for unit in units:
        if "" in unit:
            unit = unit - {""}
            if not unit:
                continue
        positions = {p + len(r) for p in positions for r in unit if key.startswith(r, p)}
        if not positions:
            return False
    return len(key) in positions


def units_of(text: str) -> tuple[frozenset[str], ...]:
    return tuple(u for u in (readings(ch) for ch in text) if u)


@lru_cache(maxsize=16384)
def sounds_same(a: str, b: str) -> bool:
    """Whether two spellings (characters, pinyin, or a mix) can be read alike.

    建国路 = jianguo路 = Jianguolu; 朝阳 = chaoyang (a second reading of 朝); 阳光 = 杨光 (homophones).
    """
    if a == b:
        return True
    ka, kb = pinyin_key(a), pinyin_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    return spells(ka, units_of(b)) or spells(kb, units_of(a))


@lru_cache(maxsize=16384)
def sounds_ending(long: str, short: str) -> bool:
    """Whether `short` sounds like the end of `long` (北京朝阳 ends with chaoyang), or they sound alike."""
    if long.endswith(short) or sounds_same(long, short):
        return True
    key = pinyin_key(short)
    if not key:
        return False
    units = units_of(long)
    return any(spells(key, units[i:]) for i in range(1, len(units)))


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows, except the vowel-less interjections (m, ng, hm)."""
    from pypinyin.pinyin_dict import pinyin_dict

    found: set[str] = set()
    for value in pinyin_dict.values():
        found.update(value.split(","))
    keyed = {_keyed(s) for s in found}
    return frozenset(s for s in keyed if s and any(v in s for v in "aeiou"))


@lru_cache(maxsize=4096)
def syllable_split(word: str) -> tuple[str, ...] | None:
    """A latin word as pinyin syllables ("jianguo" → jian, guo), or None when it is not pinyin."""
    word = _keyed(word)
    if not word:
        return None
    known = _syllables()
    best: dict[int, tuple[str, ...]] = {0: ()}
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            if start in best and word[start:end] in known:
                candidate = (*best[start], word[start:end])
                if end not in best or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best.get(len(word))

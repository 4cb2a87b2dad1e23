"""An address by its parts, and the keys that index its place and flat."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from domain.addresses.words import COMPOUND_SUFFIXES, ROAD_SUFFIXES, split_compound
from domain.hanzi import has_han, pinyin_key, syllable_split


@dataclass(frozen=True)
class Address:
    """An address by its parts, each folded (simplified, lower case) or None when not given."""

    province: str | None = None
    city: str | None = None
    district: str | None = None
    road: str | None = None  # with its suffix: "建国路", "jianguo路"
    number: str | None = None  # the street number: "88", "88-1"
    compound: str | None = None  # "阳光花园" (a trailing 小区 after another suffix dropped)
    building: str | None = None  # "8", "a"
    unit: str | None = None  # "3"
    room: str | None = None  # "1102"
    phase: str | None = None  # a part of the compound with its own numbering: 二期, B区, 3组团, 东园

    def place_keys(self) -> tuple[str, ...]:
        """Every identity of the place, for indexing all: the compound, the end and the start of its
        name when they differ (see `compound_tail_key`; the start meets a name cut short, 托乐嘉 for
        托乐嘉雅苑), and the road + number, also by the road name's last two characters."""
        keys = []
        if self.compound:
            keys.append("c:" + pinyin_key(split_compound(self.compound)[0]))
            for end in (compound_tail_key(self.compound), compound_tail_key(self.compound, head=True)):
                if "c:" + end not in keys:
                    keys.append("c:" + end)
        if self.road and self.number:
            keys.append(f"r:{pinyin_key(self.road)}{self.number}")
            suffix = next((s for s in ROAD_SUFFIXES if self.road.endswith(s)), "")
            stem = self.road[: len(self.road) - len(suffix)]
            if len(stem) > 2 and has_han(stem):  # 浦东东方路 meets 东方路: an area glued on
                keys.append(f"r:{pinyin_key(stem[-2:] + suffix)}{self.number}")
        return tuple(keys)

    def flat_keys(self) -> tuple[str, ...]:
        """The flat under every identity of its place, or none without a room:
        ("c:yangguang/8/1102", "r:jianguolu88/8/1102"). The unit and the phase are left out on
        purpose: `same_flat` accepts either missing on one side, so two addresses it accepts share a
        flat key, unless a compound is mistyped, or one names only the compound and the other only
        the road."""
        if self.room is None:
            return ()
        return tuple(f"{place}/{self.building or ''}/{self.room}" for place in self.place_keys())


@lru_cache(maxsize=4096)
def compound_tail_key(compound: str, *, head: bool = False) -> str:
    """The last two syllables of a compound's name, suffix left out, each character by its own
    everyday reading: what stays when an area, an estate or a district is written before the name
    (北京朝阳阳光花园, 祈福新村翠竹园) and whatever reading the whole name would get in context.
    阳光花园 → "yangguang", 常营民族家园 → "minzu", "huaguoyuan" → "huaguo". With `head`, the
    first two syllables instead."""
    stem = split_compound(compound)[0]
    if has_han(stem):
        syllables = [pinyin_key(ch) for ch in stem]
    else:
        syllables = list(syllable_split(stem) or (stem,))
        if len(syllables) > 2 and syllables[-1] in _one_character_suffix_sounds():
            syllables.pop()  # "huaguoyuan": the pinyin of 花果园 typed as one word
    return "".join(s for s in (syllables[:2] if head else syllables[-2:]) if s)


@lru_cache(maxsize=1)
def _one_character_suffix_sounds() -> frozenset[str]:
    return frozenset(pinyin_key(s) for s in COMPOUND_SUFFIXES if len(s) == 1)

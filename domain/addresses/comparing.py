"""Comparing two addresses: the same place, the same flat, neighbouring phases (RULES §3.7)."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from domain.addresses.model import Address
from domain.addresses.words import (
    CITY_SUFFIXES,
    DISTRICT_SUFFIXES,
    FORMER_DISTRICTS,
    GENERIC_COMPOUND_SUFFIXES,
    PROVINCE_SUFFIXES,
    area_stem,
    split_compound,
)
from domain.hanzi import has_han, sounds_ending, sounds_same, syllable_split


def _areas_agree(a: str | None, b: str | None, suffixes: tuple[str, ...]) -> bool:
    """Missing on one side is compatible; "北京朝阳区" and "朝阳区" agree; 北京 and 上海 do not."""
    if a is None or b is None:
        return True
    sa, sb = area_stem(a, suffixes), area_stem(b, suffixes)
    if suffixes is DISTRICT_SUFFIXES:
        sa, sb = FORMER_DISTRICTS.get(sa, sa), FORMER_DISTRICTS.get(sb, sb)
    if min(len(sa), len(sb)) == 1 and has_han(sa + sb) and sa[0] == sb[0]:
        return True  # a one-character abbreviation: 哈市 for 哈尔滨市
    return sounds_ending(sa, sb) or sounds_ending(sb, sa)


def _same_areas(a: Address, b: Address) -> bool:
    # A province-less city such as 深圳 may have been typed as the district's prefix: compare the
    # province, city and district each with its own kind only.
    return (
        _areas_agree(a.province, b.province, PROVINCE_SUFFIXES)
        and _areas_agree(a.city, b.city, CITY_SUFFIXES)
        and _areas_agree(a.district, b.district, DISTRICT_SUFFIXES)
    )


def _compounds_agree(a: str, b: str) -> bool | None:
    """True: one compound; False: two; None: cannot tell (English words against characters)."""
    if sounds_same(a, b):
        return True
    (stem_a, suffix_a), (stem_b, suffix_b) = split_compound(a), split_compound(b)
    suffixes_agree = (
        not suffix_a
        or not suffix_b
        or suffix_a in GENERIC_COMPOUND_SUFFIXES
        or suffix_b in GENERIC_COMPOUND_SUFFIXES
        or sounds_same(suffix_a, suffix_b)
        or suffix_a.endswith(suffix_b)
        or suffix_b.endswith(suffix_a)
    )
    if not suffixes_agree:
        return False
    if sounds_same(stem_a, stem_b):
        return True
    han_a, han_b = has_han(stem_a), has_han(stem_b)
    if han_a and han_b:
        short, long = sorted((stem_a, stem_b), key=len)
        if len(short) >= 2 and sounds_ending(long, short):
            return True  # 常营民族家园 / 民族家园: an area or estate written before the name
        if len(short) >= 3 and _abbreviates(short, long):
            return True  # 托乐嘉 / 托乐嘉雅苑, 长大家属院 / 长安大学家属院
        # A typo: one character off in a name of three characters or more.
        return min(len(stem_a), len(stem_b)) >= 3 and Levenshtein.distance(stem_a, stem_b) <= 1
    if han_a != han_b:
        return None
    return min(len(stem_a), len(stem_b)) >= 6 and Levenshtein.distance(stem_a, stem_b) <= 1


def _abbreviates(short: str, long: str) -> bool:
    """`short` keeps the first character of `long` and the rest of it in order (托乐嘉 of 托乐嘉雅,
    长大家属 of 长安大学家属): a name shortened as people shorten it."""
    if short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


_AREA_LEVELS = (
    ("province", PROVINCE_SUFFIXES),
    ("city", CITY_SUFFIXES),
    ("district", DISTRICT_SUFFIXES),
)


def _without_areas(name: str, own: Address, other: Address) -> str:
    """A compound or road less the other side's province, city and district when this side has
    none of that level and wrote it, without its suffix, at the name's start (深圳罗湖翠竹苑 against
    深圳市罗湖区翠竹苑, 北京朝阳阳光花园 against 朝阳区阳光花园)."""
    for level, suffixes in _AREA_LEVELS:
        area = getattr(other, level)
        if getattr(own, level) is not None or area is None:
            continue
        stem = area_stem(area, suffixes)
        for cut in (stem, area):
            if name.startswith(cut) and len(name) > len(cut) + 1:
                name = name[len(cut) :]
                break
    return name


def _roads_agree(a: Address, b: Address) -> bool:
    if a.road is None or b.road is None:
        return False
    return sounds_same(_without_areas(a.road, a, b), _without_areas(b.road, b, a))


def _roads_conflict(a: Address, b: Address) -> bool:
    """Two roads that are told apart; a road in English words against characters cannot be."""
    if a.road is None or b.road is None or _roads_agree(a, b):
        return False
    return has_han(a.road[:-1]) == has_han(b.road[:-1]) or _is_pinyin_road(a.road) or _is_pinyin_road(b.road)


def _is_pinyin_road(road: str) -> bool:
    stem = road.rstrip("路街巷弄道大胡同段0123456789")
    return not has_han(stem) and syllable_split(stem) is not None


def same_place(a: Address, b: Address) -> bool:
    """The same compound (or, without one on either side, the same road and street number)."""
    if not _same_areas(a, b):
        return False
    if a.compound and b.compound:
        verdict = _compounds_agree(_without_areas(a.compound, a, b), _without_areas(b.compound, b, a))
        if verdict is False:
            return False
        if verdict is True:
            # Two compounds of one name in one district, on different roads, are two places.
            return not _roads_conflict(a, b)
    return _roads_agree(a, b) and a.number is not None and a.number == b.number


def phases_conflict(a: Address, b: Address) -> bool:
    """Both name a part of the compound and neither part contains the other (D区 is in D区3组团)."""
    pa, pb = a.phase, b.phase
    return pa is not None and pb is not None and not (pa.startswith(pb) or pb.startswith(pa))


def same_flat(a: Address, b: Address) -> bool:
    """The same place, building and room; a unit missing on one side is compatible, not a conflict."""
    if a.room is None or a.room != b.room or a.building != b.building:
        return False
    if a.unit is not None and b.unit is not None and a.unit != b.unit:
        return False
    if phases_conflict(a, b):
        return False  # 二期 and 三期 (A区, B区 …) number their buildings alike: neighbours
    return same_place(a, b)

"""Province, city, district and subdistrict names at the start of an address segment."""

from __future__ import annotations

import re
from functools import lru_cache

from domain.addresses.words import (
    CITY_SUFFIXES,
    DIRECTIONS,
    DISTRICT_SUFFIXES,
    GENERIC_COMPOUND_SUFFIXES,
    LETTERS,
    LONG_COMPOUND_SUFFIXES,
    MUNICIPALITIES,
    PROVINCE_SUFFIXES,
    PROVINCES,
    ROAD_SUFFIXES,
    SUBDISTRICT_SUFFIXES,
    area_stem,
    is_compound_suffix,
)
from domain.hanzi import has_han


@lru_cache(maxsize=4096)
def area_at_start(segment: str) -> tuple[str, str, int] | None:
    for name in MUNICIPALITIES:
        if segment.startswith(name):
            size = len(name) + (1 if segment.startswith("市", len(name)) else 0)
            return "city", name + "市", size
    for name in PROVINCES:
        if segment.startswith(name):
            for suffix in PROVINCE_SUFFIXES:
                if segment.startswith(suffix, len(name)):
                    return "province", name + suffix, len(name) + len(suffix)
            return "province", name, len(name)
    for kind, suffixes in (
        ("province", PROVINCE_SUFFIXES),
        ("city", CITY_SUFFIXES),
        ("district", DISTRICT_SUFFIXES),
        ("subdistrict", SUBDISTRICT_SUFFIXES),
    ):
        found = _named_area(segment, suffixes)
        if found is not None:
            return kind, found, len(found)
    return None


def _named_area(segment: str, suffixes: tuple[str, ...]) -> str | None:
    """The shortest "name + suffix" at the start, if the name looks like a place's name."""
    letters = LETTERS.match(segment)
    if letters is None:
        return None
    run = letters.group()[:12]
    for match in _suffix_pattern(suffixes).finditer(run):
        for suffix in suffixes:  # longest first: 新区 before 区
            stop = match.start() + len(suffix)
            if not run.startswith(suffix, match.start()) or match.start() == 0:
                continue
            if _looks_like_area(run[: match.start()], suffix, run[stop:]):
                return run[:stop]
    return None


@lru_cache(maxsize=8)
def _suffix_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    # A lookahead, so that overlapping candidates (新区 and 区) are all tried, shortest name first.
    return re.compile("(?=" + "|".join(suffixes) + ")")


def _looks_like_area(stem: str, suffix: str, rest: str) -> bool:
    if has_han(stem) and len(stem) > 6:
        return False
    if re.fullmatch(r"[a-z]?\d*", stem) or (suffix == "区" and stem in DIRECTIONS):
        return False  # A区, c3区, 东区: a part of a compound
    if suffix in CITY_SUFFIXES + PROVINCE_SUFFIXES and any(ch in stem for ch in "区县镇"):
        return False  # 道里区远大都市: a city never comes after a district
    # 小区, 社区, 园区 … are not districts; 万科城市花园 is no 市.
    if suffix == "区" and stem[-1] in "小社园校景厂矿片营":
        return False
    if any(s in stem for s in LONG_COMPOUND_SUFFIXES) or any(r in stem for r in ROAD_SUFFIXES):
        return False
    if suffix == "区" and any(ch in stem for ch in "苑园院庭阁居邸期"):
        return False  # 翠苑一区, 阳光花园东区: a part of a compound
    # 万科城市花园 is no 市, 园区场 no 区; but 雨花区新城新世界 is 雨花区 and a compound.
    if rest.startswith(("中心", "场")) or is_compound_suffix(area_stem(rest, GENERIC_COMPOUND_SUFFIXES)):
        return False
    # A latin name is all latin ("chaoyang区"), never a latin letter inside a Han name (a区).
    return not (has_han(stem) and re.search(r"[a-z]", stem))

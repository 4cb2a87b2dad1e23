"""English and pinyin addresses rewritten into the Chinese form, so one parser reads both."""

from __future__ import annotations

import re
from functools import lru_cache

from domain.addresses.words import MUNICIPALITIES, PROVINCES
from domain.hanzi import pinyin_key

# English and pinyin words for the parts, rewritten to the Chinese word so one parser reads both.
# Pinyin suffixes map to a character with the same sound; English ones to the usual translation.
_EN_ROAD = {
    "road": "路", "rd": "路", "lu": "路", "street": "街", "st": "街", "jie": "街", "avenue": "大道",
    "ave": "大道", "dadao": "大道", "boulevard": "大道", "blvd": "大道", "dajie": "大街",
    "lane": "巷", "ln": "巷", "xiang": "巷", "alley": "弄", "nong": "弄", "hutong": "胡同",
}  # fmt: skip
_EN_AREA = {
    "province": "省", "sheng": "省", "city": "市", "shi": "市", "district": "区", "qu": "区",
    "new area": "新区", "county": "县", "xian": "县", "town": "镇", "zhen": "镇", "subdistrict": "街道",
    "jiedao": "街道",
}  # fmt: skip
_EN_COMPOUND = {
    "garden": "花园", "gardens": "花园", "huayuan": "花园", "community": "小区", "xiaoqu": "小区",
    "estate": "小区", "residence": "小区", "shequ": "社区", "apartment": "公寓", "apartments": "公寓",
    "gongyu": "公寓", "mansion": "大厦", "mansions": "大厦", "tower": "大厦", "dasha": "大厦",
    "jiayuan": "家园", "homeland": "家园", "xincun": "新村", "plaza": "广场", "guangchang": "广场",
    "villa": "别墅", "villas": "别墅", "court": "苑", "yuan": "苑", "cheng": "城", "fu": "府",
    "cun": "村", "village": "村",
}  # fmt: skip
_EN_COUNTRY = re.compile(r"\b(?:p\.?\s?r\.?\s?china|china|prc)\b|^中国|\b\d{6}\b")
_EN_ROOM = re.compile(
    r"\b(?:room|rm|apt|apartment|flat|suite|ste|shi)\.?\s*(?:no\.?\s*)?#?\s*(\d+)\b|\b(\d+)\s*(?:shi|fang)\b"
)
_EN_UNIT = re.compile(r"\b(?:unit|entrance|danyuan)\.?\s*(?:no\.?\s*)?#?\s*(\d+)\b|\b(\d+)\s*danyuan\b")
_EN_BUILDING = re.compile(
    r"\b(?:building|bldg|bld|blk|block|dong|haolou)\.?\s*(?:no\.?\s*)?#?\s*(\d+|[a-z])\b"
    r"|\b(\d+|[a-z])\s*(?:building|bldg|dong|haolou)\b"
)
_EN_FLOOR = re.compile(r"\b(?:floor|fl)\.?\s*(\d+)\b|\b(\d+)(?:st|nd|rd|th)?\s*(?:floor|fl)\b")
_WORDS = r"[a-z][a-z' ]*?"
_EN_ROAD_WORDS = "|".join(sorted(_EN_ROAD, key=len, reverse=True))
_EN_ROAD_NUMBER_FIRST = re.compile(rf"\b(?:no\.?\s*)?(\d+)\s+({_WORDS})\s+({_EN_ROAD_WORDS})\b\.?")
_EN_ROAD_NUMBER_LAST = re.compile(
    rf"\b({_WORDS})\s+({_EN_ROAD_WORDS})\b\.?(?:\s*(?:no\.?\s*)?(\d+)\b(?:\s*hao\b)?)?"
)
_EN_AREA_RE = re.compile(rf"\b({_WORDS})\s+({'|'.join(_EN_AREA)})\b\.?")
_EN_COMPOUND_RE = re.compile(rf"\b({_WORDS})\s+({'|'.join(sorted(_EN_COMPOUND, key=len, reverse=True))})\b")
_EN_NUMBER = re.compile(r"\bno\.?\s*(\d+)\b")
_EN_LANE = re.compile(r"\b(?:lane|ln|alley|nong)\.?\s*(?:no\.?\s*)?(\d+)\b")  # Shanghai: Lane 88 = 88弄
# R2 Zone = R2区, Group 2 = 2组团: a part of the compound ("/" keeps it apart from the name before it)
_EN_ZONE = re.compile(r"\b([a-z]?\d+|[a-z])\s*(?:zone|area|phase)\b")
_EN_GROUP = re.compile(r"\b(?:group|zone|phase)\s*(?:no\.?\s*)?([a-z]?\d+|[a-z])\b")
_LATIN_GAP = re.compile(r"(?<=[a-z])[ ']+(?=[a-z])")


def from_english(text: str) -> str:
    """Rewrite English or pinyin words into the Chinese ones, segments largest first."""
    text = _EN_COUNTRY.sub(" ", text)
    text = _EN_LANE.sub(r"\1弄", text)
    text = _EN_ZONE.sub(r"/\1区", text)
    text = _EN_GROUP.sub(r"/\1区", text)
    text = _EN_ROOM.sub(lambda m: (m.group(1) or m.group(2)) + "室", text)
    text = _EN_UNIT.sub(lambda m: (m.group(1) or m.group(2)) + "单元", text)
    text = _EN_BUILDING.sub(lambda m: (m.group(1) or m.group(2)) + "栋", text)
    text = _EN_FLOOR.sub(lambda m: (m.group(1) or m.group(2)) + "层", text)
    text = _EN_ROAD_NUMBER_FIRST.sub(
        lambda m: _join(m.group(2)) + _EN_ROAD[m.group(3)] + m.group(1) + "号", text
    )
    text = _EN_ROAD_NUMBER_LAST.sub(
        lambda m: _join(m.group(1)) + _EN_ROAD[m.group(2)] + (m.group(3) + "号" if m.group(3) else ""), text
    )
    text = _EN_AREA_RE.sub(lambda m: _join(m.group(1)) + _EN_AREA[m.group(2)], text)
    text = _EN_COMPOUND_RE.sub(lambda m: _join(m.group(1)) + _EN_COMPOUND[m.group(2)], text)
    text = _EN_NUMBER.sub(r"\1号", text)
    text = _LATIN_GAP.sub("", text)
    segments = [s.strip() for s in re.split(r"[,，;；]", text) if s.strip()]
    if segments and re.match(r"[a-z0-9]", segments[0]) and len(segments) > 1:
        segments.reverse()
        # Unmarked latin segments before anything marked are the city (and the province before it).
        bare = 0
        while bare < len(segments) and re.fullmatch(r"[a-z]+", segments[bare]):
            bare += 1
        levels = ["省", "市", "区"]
        if bare and pinyin_key(segments[0]) in _municipality_keys():
            levels = ["市", "区"]
        elif bare and pinyin_key(segments[0]) not in _province_keys():
            levels = levels[1:]
        for i in range(min(bare, len(levels))):
            segments[i] += levels[i]
    return ",".join(segments)


@lru_cache(maxsize=1)
def _municipality_keys() -> frozenset[str]:
    return frozenset(pinyin_key(name) for name in MUNICIPALITIES)


@lru_cache(maxsize=1)
def _province_keys() -> frozenset[str]:
    return frozenset(pinyin_key(name) for name in PROVINCES)


def _join(words: str) -> str:
    return re.sub(r"[ ']+", "", words)

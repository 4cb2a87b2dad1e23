"""A customer's address by its parts, and "the same flat" / "the same place" (RULES §3.7).

Pure functions, no I/O. `parse_address` reads Chinese addresses (largest part first: 省 市 区 路+号
小区 栋 单元 室, with any of the parts missing), the usual shorthands (8-3-1102, 8#3单元1102) and
English or pinyin addresses (smallest part first: "Room 1102, Unit 3, Building 8, ..."), which are
first rewritten into the Chinese form. Names are compared by sound (domain.hanzi), so 建国路,
"Jianguo Road" and "jianguo lu" are one road; a compound written in English ("Sunshine Garden")
cannot be matched with its characters, and then the road and number decide.

The compound is the last name before the flat, since addresses narrow left to right: a street
area, a landmark or the estate around it (祈福新村翠竹园) come first. Names are forgiven what people
do to them: an area or estate written before (深圳罗湖翠竹苑 = 翠竹苑), the end cut off (托乐嘉 =
托乐嘉雅苑), characters dropped (长大家属院 = 长安大学家属院). Parts of a compound with their own
numbering (二期, II期, B区, 3组团, 东区/东园) are the `phase`: two different ones are neighbours.

Known limits: keys read each character by pypinyin's everyday reading, so a typed reading of a
polyphonic character (长 typed "chang", keyed "zhang") compares equal but keys differently; the flat
key holds the last two syllables of the compound's name, so a name cut short at its end meets only
through place_keys (its start) and the name key; a compound typo is forgiven when comparing (names of
three characters or more), not in keys; cities are recognised by 市 or, for the provincial-level
ones, by name ("深圳南山区" keeps 深圳 in the district, which still meets "南山区"); a merged district
is known by its old name only when it went whole into one (闸北 → 静安, not 江干); a floor
written as 12楼 before the room is read as a building (楼 then usually means one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an
from rapidfuzz.distance import Levenshtein

from domain.hanzi import fold, has_han, pinyin_key, sounds_ending, sounds_same, syllable_split

# ---------------------------------------------------------------------------------------------
# Hand-written tables: the words that end each part of an address. No library lists them; the
# order inside each tuple is longest first, so 小区 is tried before 区 and 大道 before 道.
# ---------------------------------------------------------------------------------------------

# Provincial-level names, so "广东深圳" and "北京朝阳区" split without their 省/市 (people drop
# them). The four municipalities are cities, the rest provinces.
_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_PROVINCES = (
    "黑龙江", "内蒙古", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省")
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟")
_DISTRICT_SUFFIXES = ("新区", "区", "县", "旗")
# Districts merged into another since 2009, by the stem of the old name: people keep writing the
# old one (闸北 for 静安). Compared as the district they are now part of.
_FORMER_DISTRICTS = {
    "闸北": "静安", "卢湾": "黄浦", "南汇": "浦东", "崇文": "东城", "宣武": "西城", "塘沽": "滨海",
    "汉沽": "滨海", "大港": "滨海", "萝岗": "黄埔", "白下": "秦淮", "下关": "鼓楼", "金阊": "姑苏",
    "沧浪": "姑苏", "平江": "姑苏", "下城": "拱墅",
}  # fmt: skip
# Below the district and not compared (a filer rarely types them, and they never tell flats apart).
_SUBDISTRICT_SUFFIXES = ("街道", "镇", "乡")
# 道 alone is left out: it ends 街道 (a subdistrict) far more often than a road name.
_ROAD_SUFFIXES = ("大道", "大街", "胡同", "路", "街", "巷", "弄")
# What residential compounds are called. 小区/社区 are generic: "阳光花园小区" is 阳光花园, and
# "阳光小区" may be the same compound as 阳光花园. The others tell compounds apart (阳光花园 is not
# 阳光家园), except that suffixes that sound alike (苑/园/院, all "yuan") are taken as one.
_GENERIC_COMPOUND_SUFFIXES = ("小区", "社区")
_COMPOUND_SUFFIXES = (
    "花园", "公寓", "大厦", "家园", "新村", "新邨", "新城", "广场", "山庄", "别墅", "公馆", "华庭", "名苑",
    "小区", "社区", "苑", "园", "城", "府", "里", "村", "邨", "院", "庭", "湾", "阁", "居", "邸",
)  # fmt: skip
# Compound suffixes long enough to end a compound name that runs straight into a road name
# ("阳光花园建国路"); the one-character ones also occur inside road names (府前路, 城南路).
_LONG_COMPOUND_SUFFIXES = tuple(s for s in _COMPOUND_SUFFIXES if len(s) > 1)

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

# Chinese numerals where a building, unit, floor, room or phase number stands: 三栋 → 3栋.
_CN_NUMERAL = re.compile(
    r"第?([零〇一二两三四五六七八九十百千幺]+)(?=\s*(?:号楼|栋|幢|座|楼|单元|门|层|室|号|房|期|段|组团))"
    # 三区 is a part of a compound, but 二七区 a district: one numeral alone before 区
    r"|(?<![零〇一二两三四五六七八九十百千])([一二三四五六七八九十])(?=区)"
)
# …and a room number written after the building or unit with no word of its own: 3单元一一零二.
_CN_NUMERAL_AFTER = re.compile(
    r"(?:(?<=单元)|(?<=[栋幢座楼门#-]))([零〇一二两三四五六七八九十百千幺]+)(?=$|[,\s])"
)
# Roman numerals for a phase or part (II期, Ⅲ区: NFKC makes Ⅱ "ii").
_ROMAN = re.compile(r"(?<![a-z])(iii|ii|iv|ix|vi{0,3}|i|x)(?=期|区)")
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_DASHES = re.compile(r"\s*[-‐‑‒–—―~～_]+\s*")
_SEPARATORS = re.compile(r"[,，、;；:：()（）\[\]【】|/\\。]+|\s+")
_COMMAS = re.compile(r",+")

# The flat inside a compound, read left to right after the road and compound are taken out.
_FLAT = re.compile(
    r"(?P<triple>(?<![\d-])(?P<t1>\d+|(?<![a-z])[a-z])-(?P<t2>\d+)-(?P<t3>\d+)(?![\d-])(?:室|号|房)?)"
    r"|(?P<pair>(?<![\d-])(?P<p1>\d+|(?<![a-z])[a-z])-(?P<p2>\d+)(?![\d-])(?:室|号|房)?)"
    r"|(?P<building>(?P<b>(?<![a-z])[a-z]?\d+|(?<![a-z])[a-z])\s*(?:#|栋楼|号楼|栋|幢|座))"
    r"|(?P<lou>(?P<l>\d+)\s*楼)"
    r"|(?P<unit>(?P<u>\d+)\s*(?:单元|门))"
    r"|(?P<floor>(?P<f>\d+)\s*层)"
    r"|(?P<phase>(?P<ph>(?<![a-z])[a-z]?\d+|(?<![a-z])[a-z])\s*(?:期|区|组团))"
    r"|(?P<lroom>(?<![a-z])(?P<lb>[a-z])(?P<lr>\d{3,})(?![\d-]))"
    r"|(?P<room>(?P<r>\d+)\s*(?:室|号|房)?)"
)
_LETTERS = re.compile(r"[^\W\d_]+")
_FLAT_WORDS = frozenset({"栋", "幢", "座", "号楼", "栋楼", "楼", "单元", "门", "层", "室", "号", "房", "期"})


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
            keys.append("c:" + pinyin_key(_split_compound(self.compound)[0]))
            for end in (compound_tail_key(self.compound), compound_tail_key(self.compound, head=True)):
                if "c:" + end not in keys:
                    keys.append("c:" + end)
        if self.road and self.number:
            keys.append(f"r:{pinyin_key(self.road)}{self.number}")
            suffix = next((s for s in _ROAD_SUFFIXES if self.road.endswith(s)), "")
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
    stem = _split_compound(compound)[0]
    if has_han(stem):
        syllables = [pinyin_key(ch) for ch in stem]
    else:
        syllables = list(syllable_split(stem) or (stem,))
        if len(syllables) > 2 and syllables[-1] in _one_character_suffix_sounds():
            syllables.pop()  # "huaguoyuan": the pinyin of 花果园 typed as one word
    return "".join(s for s in (syllables[:2] if head else syllables[-2:]) if s)


@lru_cache(maxsize=1)
def _one_character_suffix_sounds() -> frozenset[str]:
    return frozenset(pinyin_key(s) for s in _COMPOUND_SUFFIXES if len(s) == 1)


def normalize_text(text: str) -> str:
    """Fold an address: half-width, simplified, lower case, 三栋 → 3栋, one kind of dash and comma."""
    text = fold(text)
    if _CN_NUMERAL.search(text):
        text = _CN_NUMERAL.sub(_arabic, text)
    if _CN_NUMERAL_AFTER.search(text):
        text = _CN_NUMERAL_AFTER.sub(_arabic, text)
    if _ROMAN.search(text):
        text = _ROMAN.sub(lambda m: str(_ROMAN_VALUES[m.group(1)]), text)
    text = _DASHES.sub("-", text)
    return _COMMAS.sub(",", _SEPARATORS.sub(",", text)).strip(",")


def _arabic(match: re.Match[str]) -> str:
    try:
        return str(cn2an.cn2an(match.group(1) or match.group(2), "smart"))
    except ValueError:
        return match.group(0)


@lru_cache(maxsize=4096)
def parse_address(text: str) -> Address:
    """Read an address into its parts; what cannot be read is left out, never guessed."""
    raw = fold(text)
    if re.search(r"[a-z]{2,}", raw):
        raw = _from_english(raw)
    parts = _Parts()
    segments = [s for s in normalize_text(raw).split(",") if s]
    rest = ",".join(parts.take_areas(s) for s in segments)
    rest = parts.take_road(rest)
    rest = parts.take_flat(rest)
    parts.take_compound(rest)
    if parts.room is None and parts.unit is not None and len(parts.unit) >= 3:
        parts.room, parts.unit = parts.unit, None  # "Unit 1102": the flat, as English uses the word
    return Address(
        province=parts.province,
        city=parts.city,
        district=parts.district,
        road=parts.road,
        number=parts.number,
        compound=parts.compound,
        building=parts.building,
        unit=parts.unit,
        room=parts.room,
        phase=parts.phase,
    )


def _number(value: str) -> str:
    """Leading zeros dropped ("0801" → "801"); a building letter kept."""
    return (value.lstrip("0") or "0") if value.isdigit() else value


class _Parts:
    def __init__(self) -> None:
        self.province: str | None = None
        self.city: str | None = None
        self.district: str | None = None
        self.road: str | None = None
        self.number: str | None = None
        self.compound: str | None = None
        self.building: str | None = None
        self.unit: str | None = None
        self.room: str | None = None
        self.room_explicit = False
        self.phase: str | None = None
        self.flat_start: int | None = None  # where the flat begins in the text left for the compound

    def take_areas(self, segment: str) -> str:
        """Province, city, district and subdistrict from the start of one comma-separated segment."""
        while segment:
            found = _area_at_start(segment)
            if found is None:
                return segment
            kind, name, length = found
            if kind == "province" and self.province is None:
                self.province = name
            elif kind == "city" and self.city is None:
                self.city = name
            elif kind == "district" and self.district is None:
                self.district = name
            elif kind != "subdistrict":
                return segment  # a second district is some other 区 (科技园南区): leave it
            segment = segment[length:]
            if kind == "subdistrict" and segment.startswith(_SUBDISTRICT_SUFFIXES):
                segment = segment[2 if segment.startswith("街道") else 1 :]  # 西乡 + 街道
        return segment

    def take_road(self, text: str) -> str:
        for match in re.finditer("|".join(_ROAD_SUFFIXES), text):
            end = match.end()
            if text.startswith("道", end) and match.group() == "街":
                continue
            start = match.start()
            while start > 0 and _LETTERS.fullmatch(text[start - 1]):
                start -= 1
            stem = text[start : match.start()]
            for suffix in _LONG_COMPOUND_SUFFIXES:
                cut = stem.rfind(suffix)
                if cut >= 0:
                    start += cut + len(suffix)
                    stem = text[start : match.start()]
            if not stem:
                continue
            self.road = stem + match.group()
            section = re.match(r"\d+段", text[end:])  # 人民南路四段: a section is part of the road
            if section:
                self.road += section.group()
                end += section.end()
            number = re.match(r",?(\d+(?:-\d+)?)号(?!楼)", text[end:])
            lane = re.match(r",?(\d+)弄(?:,?(\d+)号(?!楼))?", text[end:])
            if number:
                self.number = number.group(1)
                end += number.end()
            elif lane:  # Shanghai: 长乐路88弄3号1102室 is lane 88, building 3
                self.number = lane.group(1) + "弄"
                self.building = lane.group(2) and _number(lane.group(2))
                end += lane.end()
            return text[:start] + "," + text[end:]
        return text

    def take_flat(self, text: str) -> str:
        kept: list[str] = []
        last = 0
        matches = list(_FLAT.finditer(text))
        for index, match in enumerate(matches):
            kept.append(text[last : match.start()])
            last = match.end()
            later = matches[index + 1 :]
            if self.flat_start is None and match.lastgroup != "phase":
                self.flat_start = len("".join(kept))
            self._flat_part(match, later)
            kept.append(",")
        kept.append(text[last:])
        return "".join(kept)

    def _flat_part(self, match: re.Match[str], later: list[re.Match[str]]) -> None:
        kind = match.lastgroup
        if kind == "room" and match.group().endswith("号") and self.building is None:
            # 莘城苑45号602室: a number with 号 before the room is the building (号 for 号楼).
            if any(m.lastgroup in ("room", "pair", "triple", "lroom") for m in later):
                self.building = _number(match["r"])
                return
        if kind == "triple":
            self.building = self.building or _number(match["t1"])
            self.unit = self.unit or _number(match["t2"])
            self.room = self.room or _number(match["t3"])
            self.room_explicit = True
        elif kind == "pair":
            if self.building is None:
                self.building = _number(match["p1"])
            elif self.unit is None:
                self.unit = _number(match["p1"])
            self.room = self.room or _number(match["p2"])
            self.room_explicit = True
        elif kind == "building":
            self.building = self.building or _number(match["b"])
        elif kind == "lou" and self.building is None and later:
            self.building = _number(match["l"])
        elif kind == "lroom":  # B1202: building letter and room run together
            self.building = self.building or match["lb"]
            self.room = self.room or _number(match["lr"])
            self.room_explicit = True
        elif kind == "phase":  # D区3组团: the parts one after the other, "d3"
            self.phase = (self.phase or "") + _number(match["ph"])
        elif kind == "unit":
            self.unit = self.unit or _number(match["u"])
        elif kind == "room":
            # A room written with its word (室, 房, 号) stays; of bare numbers the last one is the
            # room, as the room ends an address (望京soho t1 1102).
            explicit = match.group().endswith(("室", "房", "号"))
            if explicit or not self.room_explicit:
                self.room = _number(match["r"])
                self.room_explicit = self.room_explicit or explicit

    def take_compound(self, text: str) -> None:
        """The compound is the last name before the flat (addresses narrow left to right, so a
        landmark, a street area or the estate around a compound come before it); a name only after
        the flat is taken when none comes before."""
        stop = len(text) if self.flat_start is None else self.flat_start
        before: list[str] = []
        after: list[str] = []
        for match in _LETTERS.finditer(text):
            run = match.group()
            if run in _FLAT_WORDS:
                continue
            runs = before if match.start() < stop else after
            stem, suffix = _split_compound(run)
            part = _DIRECTION_PART.fullmatch(run)
            if part or (len(stem) == 1 and stem in _DIRECTIONS and suffix):
                self.phase = self.phase or run[0]  # 东园, 北区: a part of the compound
            elif _is_compound_suffix(run):
                if runs and not _split_compound(runs[-1])[1]:
                    runs[-1] += run  # 青山湖畔 花园: a compound's suffix typed apart from its name
            else:
                runs.append(run)
        for runs in (before[::-1], after):
            for run in runs:
                name = _compound_name(run)
                if name:
                    part = _DIRECTION_PART.fullmatch(run[len(name) :]) if run.startswith(name) else None
                    if part:
                        self.phase = self.phase or part.group(1)  # 阳光花园东区
                    self.compound, self.phase = _inner_compound(name, self.phase)
                    return
        for runs in (before[::-1], after):
            for run in runs:
                if len(run) >= 2:
                    self.compound = run
                    return


_DIRECTIONS = "东南西北中"
_DIRECTION_PART = re.compile(r"([东南西北中])[区片苑园院]")
_PART = re.compile(r"[东南西北中上下前后]?[区期片苑园]?")


def _inner_compound(name: str, phase: str | None) -> tuple[str, str | None]:
    """The innermost compound of a name, and a direction part as the phase: 祈福新村翠竹园 is
    翠竹园 in the estate 祈福新村; 望江家园东园 is 望江家园, part 东."""
    stem, suffix = _split_compound(name)
    if len(stem) >= 2 and stem[-1] in _DIRECTIONS and _split_compound(stem[:-1])[1]:
        return stem[:-1], phase or stem[-1]
    for outer in _LONG_COMPOUND_SUFFIXES:
        cut = stem.find(outer)
        if cut > 0 and len(stem) - cut - len(outer) >= 2:
            return name[cut + len(outer) :], phase
    return name, phase


def _compound_name(run: str) -> str | None:
    for generic in _GENERIC_COMPOUND_SUFFIXES:
        if run.endswith(generic) and _split_compound(run[: -len(generic)])[1]:
            run = run[: -len(generic)]
    stem, suffix = _split_compound(run)
    if suffix and stem:
        return run
    # 阳光花园东区, 翠苑北: a compound followed by a part of it that is not compared.
    for cut in range(len(run) - 1, max(0, len(run) - 4), -1):
        stem, suffix = _split_compound(run[:cut])
        if suffix and stem and _PART.fullmatch(run[cut:]):
            return run[:cut]
    # 碧桂园星钻: a named compound, then the name of a part of it.
    for cut in range(len(run) - 2, 2, -1):
        stem, suffix = _split_compound(run[:cut])
        if suffix and len(stem) >= 2 and has_han(run):
            return run[:cut]
    return None


@lru_cache(maxsize=4096)
def _split_compound(name: str) -> tuple[str, str]:
    for suffix in _COMPOUND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


@lru_cache(maxsize=4096)
def _area_at_start(segment: str) -> tuple[str, str, int] | None:
    for name in _MUNICIPALITIES:
        if segment.startswith(name):
            size = len(name) + (1 if segment.startswith("市", len(name)) else 0)
            return "city", name + "市", size
    for name in _PROVINCES:
        if segment.startswith(name):
            for suffix in _PROVINCE_SUFFIXES:
                if segment.startswith(suffix, len(name)):
                    return "province", name + suffix, len(name) + len(suffix)
            return "province", name, len(name)
    for kind, suffixes in (
        ("province", _PROVINCE_SUFFIXES),
        ("city", _CITY_SUFFIXES),
        ("district", _DISTRICT_SUFFIXES),
        ("subdistrict", _SUBDISTRICT_SUFFIXES),
    ):
        found = _named_area(segment, suffixes)
        if found is not None:
            return kind, found, len(found)
    return None


def _named_area(segment: str, suffixes: tuple[str, ...]) -> str | None:
    """The shortest "name + suffix" at the start, if the name looks like a place's name."""
    letters = _LETTERS.match(segment)
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
    if re.fullmatch(r"[a-z]?\d*", stem) or (suffix == "区" and stem in _DIRECTIONS):
        return False  # A区, c3区, 东区: a part of a compound
    if suffix in _CITY_SUFFIXES + _PROVINCE_SUFFIXES and any(ch in stem for ch in "区县镇"):
        return False  # 道里区远大都市: a city never comes after a district
    # 小区, 社区, 园区 … are not districts; 万科城市花园 is no 市.
    if suffix == "区" and stem[-1] in "小社园校景厂矿片营":
        return False
    if any(s in stem for s in _LONG_COMPOUND_SUFFIXES) or any(r in stem for r in _ROAD_SUFFIXES):
        return False
    if suffix == "区" and any(ch in stem for ch in "苑园院庭阁居邸期"):
        return False  # 翠苑一区, 阳光花园东区: a part of a compound
    # 万科城市花园 is no 市, 园区场 no 区; but 雨花区新城新世界 is 雨花区 and a compound.
    if rest.startswith(("中心", "场")) or _is_compound_suffix(_area_stem(rest, _GENERIC_COMPOUND_SUFFIXES)):
        return False
    # A latin name is all latin ("chaoyang区"), never a latin letter inside a Han name (a区).
    return not (has_han(stem) and re.search(r"[a-z]", stem))


def _is_compound_suffix(text: str) -> bool:
    return _split_compound("x" + text) == ("x", text) and bool(text)


def _from_english(text: str) -> str:
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
    return frozenset(pinyin_key(name) for name in _MUNICIPALITIES)


@lru_cache(maxsize=1)
def _province_keys() -> frozenset[str]:
    return frozenset(pinyin_key(name) for name in _PROVINCES)


def _join(words: str) -> str:
    return re.sub(r"[ ']+", "", words)


# ---------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------


def _area_stem(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _areas_agree(a: str | None, b: str | None, suffixes: tuple[str, ...]) -> bool:
    """Missing on one side is compatible; "北京朝阳区" and "朝阳区" agree; 北京 and 上海 do not."""
    if a is None or b is None:
        return True
    sa, sb = _area_stem(a, suffixes), _area_stem(b, suffixes)
    if suffixes is _DISTRICT_SUFFIXES:
        sa, sb = _FORMER_DISTRICTS.get(sa, sa), _FORMER_DISTRICTS.get(sb, sb)
    if min(len(sa), len(sb)) == 1 and has_han(sa + sb) and sa[0] == sb[0]:
        return True  # a one-character abbreviation: 哈市 for 哈尔滨市
    return sounds_ending(sa, sb) or sounds_ending(sb, sa)


def _same_areas(a: Address, b: Address) -> bool:
    # A province-less city such as 深圳 may have been typed as the district's prefix: compare the
    # province, city and district each with its own kind only.
    return (
        _areas_agree(a.province, b.province, _PROVINCE_SUFFIXES)
        and _areas_agree(a.city, b.city, _CITY_SUFFIXES)
        and _areas_agree(a.district, b.district, _DISTRICT_SUFFIXES)
    )


def _compounds_agree(a: str, b: str) -> bool | None:
    """True: one compound; False: two; None: cannot tell (English words against characters)."""
    if sounds_same(a, b):
        return True
    (stem_a, suffix_a), (stem_b, suffix_b) = _split_compound(a), _split_compound(b)
    suffixes_agree = (
        not suffix_a
        or not suffix_b
        or suffix_a in _GENERIC_COMPOUND_SUFFIXES
        or suffix_b in _GENERIC_COMPOUND_SUFFIXES
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
    ("province", _PROVINCE_SUFFIXES),
    ("city", _CITY_SUFFIXES),
    ("district", _DISTRICT_SUFFIXES),
)


def _without_areas(name: str, own: Address, other: Address) -> str:
    """A compound or road less the other side's province, city and district when this side has
    none of that level and wrote it, without its suffix, at the name's start (深圳罗湖翠竹苑 against
    深圳市罗湖区翠竹苑, 北京朝阳阳光花园 against 朝阳区阳光花园)."""
    for level, suffixes in _AREA_LEVELS:
        area = getattr(other, level)
        if getattr(own, level) is not None or area is None:
            continue
        stem = _area_stem(area, suffixes)
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

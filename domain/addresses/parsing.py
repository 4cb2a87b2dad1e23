"""Reading an address text into its parts: areas, road and number, compound, flat."""

from __future__ import annotations

import re
from functools import lru_cache

from domain.addresses.areas import area_at_start
from domain.addresses.english import from_english
from domain.addresses.model import Address
from domain.addresses.words import (
    DIRECTION_PART,
    DIRECTIONS,
    FLAT_WORDS,
    GENERIC_COMPOUND_SUFFIXES,
    LETTERS,
    LONG_COMPOUND_SUFFIXES,
    PART,
    ROAD_SUFFIXES,
    SUBDISTRICT_SUFFIXES,
    is_compound_suffix,
    split_compound,
)
from domain.hanzi import fold, has_han

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
    import cn2an  # imported on first use: 0.1 s and its own dependencies, needed only here

    try:
        return str(cn2an.cn2an(match.group(1) or match.group(2), "smart"))
    except ValueError:
        return match.group(0)


@lru_cache(maxsize=4096)
def parse_address(text: str) -> Address:
    """Read an address into its parts; what cannot be read is left out, never guessed."""
    raw = fold(text)
    if re.search(r"[a-z]{2,}", raw):
        raw = from_english(raw)
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
            found = area_at_start(segment)
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
            if kind == "subdistrict" and segment.startswith(SUBDISTRICT_SUFFIXES):
                segment = segment[2 if segment.startswith("街道") else 1 :]  # 西乡 + 街道
        return segment

    def take_road(self, text: str) -> str:
        for match in re.finditer("|".join(ROAD_SUFFIXES), text):
            end = match.end()
            if text.startswith("道", end) and match.group() == "街":
                continue
            start = match.start()
            while start > 0 and LETTERS.fullmatch(text[start - 1]):
                start -= 1
            stem = text[start : match.start()]
            for suffix in LONG_COMPOUND_SUFFIXES:
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
        for match in LETTERS.finditer(text):
            run = match.group()
            if run in FLAT_WORDS:
                continue
            runs = before if match.start() < stop else after
            stem, suffix = split_compound(run)
            part = DIRECTION_PART.fullmatch(run)
            if part or (len(stem) == 1 and stem in DIRECTIONS and suffix):
                self.phase = self.phase or run[0]  # 东园, 北区: a part of the compound
            elif is_compound_suffix(run):
                if runs and not split_compound(runs[-1])[1]:
                    runs[-1] += run  # 青山湖畔 花园: a compound's suffix typed apart from its name
            else:
                runs.append(run)
        for runs in (before[::-1], after):
            for run in runs:
                name = _compound_name(run)
                if name:
                    part = DIRECTION_PART.fullmatch(run[len(name) :]) if run.startswith(name) else None
                    if part:
                        self.phase = self.phase or part.group(1)  # 阳光花园东区
                    self.compound, self.phase = _inner_compound(name, self.phase)
                    return
        for runs in (before[::-1], after):
            for run in runs:
                if len(run) >= 2:
                    self.compound = run
                    return


def _inner_compound(name: str, phase: str | None) -> tuple[str, str | None]:
    """The innermost compound of a name, and a direction part as the phase: 祈福新村翠竹园 is
    翠竹园 in the estate 祈福新村; 望江家园东园 is 望江家园, part 东."""
    stem, suffix = split_compound(name)
    if len(stem) >= 2 and stem[-1] in DIRECTIONS and split_compound(stem[:-1])[1]:
        return stem[:-1], phase or stem[-1]
    for outer in LONG_COMPOUND_SUFFIXES:
        cut = stem.find(outer)
        if cut > 0 and len(stem) - cut - len(outer) >= 2:
            return name[cut + len(outer) :], phase
    return name, phase


def _compound_name(run: str) -> str | None:
    for generic in GENERIC_COMPOUND_SUFFIXES:
        if run.endswith(generic) and split_compound(run[: -len(generic)])[1]:
            run = run[: -len(generic)]
    stem, suffix = split_compound(run)
    if suffix and stem:
        return run
    # 阳光花园东区, 翠苑北: a compound followed by a part of it that is not compared.
    for cut in range(len(run) - 1, max(0, len(run) - 4), -1):
        stem, suffix = split_compound(run[:cut])
        if suffix and stem and PART.fullmatch(run[cut:]):
            return run[:cut]
    # 碧桂园星钻: a named compound, then the name of a part of it.
    for cut in range(len(run) - 2, 2, -1):
        stem, suffix = split_compound(run[:cut])
        if suffix and len(stem) >= 2 and has_han(run):
            return run[:cut]
    return None

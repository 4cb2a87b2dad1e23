"""The words that end each part of a Chinese address, and the helpers that read them."""

from __future__ import annotations

import re
from functools import lru_cache

# ---------------------------------------------------------------------------------------------
# Hand-written tables: the words that end each part of an address. No library lists them; the
# order inside each tuple is longest first, so 小区 is tried before 区 and 大道 before 道.
# ---------------------------------------------------------------------------------------------

# Provincial-level names, so "广东深圳" and "北京朝阳区" split without their 省/市 (people drop
# them). The four municipalities are cities, the rest provinces.
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
PROVINCES = (
    "黑龙江", "内蒙古", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省")
CITY_SUFFIXES = ("自治州", "地区", "市", "盟")
DISTRICT_SUFFIXES = ("新区", "区", "县", "旗")
# Districts merged into another since 2009, by the stem of the old name: people keep writing the
# old one (闸北 for 静安). Compared as the district they are now part of.
FORMER_DISTRICTS = {
    "闸北": "静安", "卢湾": "黄浦", "南汇": "浦东", "崇文": "东城", "宣武": "西城", "塘沽": "滨海",
    "汉沽": "滨海", "大港": "滨海", "萝岗": "黄埔", "白下": "秦淮", "下关": "鼓楼", "金阊": "姑苏",
    "沧浪": "姑苏", "平江": "姑苏", "下城": "拱墅",
}  # fmt: skip
# Below the district and not compared (a filer rarely types them, and they never tell flats apart).
SUBDISTRICT_SUFFIXES = ("街道", "镇", "乡")
# 道 alone is left out: it ends 街道 (a subdistrict) far more often than a road name.
ROAD_SUFFIXES = ("大道", "大街", "胡同", "路", "街", "巷", "弄")
# What residential compounds are called. 小区/社区 are generic: "阳光花园小区" is 阳光花园, and
# "阳光小区" may be the same compound as 阳光花园. The others tell compounds apart (阳光花园 is not
# 阳光家园), except that suffixes that sound alike (苑/园/院, all "yuan") are taken as one.
GENERIC_COMPOUND_SUFFIXES = ("小区", "社区")
COMPOUND_SUFFIXES = (
    "花园", "公寓", "大厦", "家园", "新村", "新邨", "新城", "广场", "山庄", "别墅", "公馆", "华庭", "名苑",
    "小区", "社区", "苑", "园", "城", "府", "里", "村", "邨", "院", "庭", "湾", "阁", "居", "邸",
)  # fmt: skip
# Compound suffixes long enough to end a compound name that runs straight into a road name
# ("阳光花园建国路"); the one-character ones also occur inside road names (府前路, 城南路).
LONG_COMPOUND_SUFFIXES = tuple(s for s in COMPOUND_SUFFIXES if len(s) > 1)

LETTERS = re.compile(r"[^\W\d_]+")
FLAT_WORDS = frozenset({"栋", "幢", "座", "号楼", "栋楼", "楼", "单元", "门", "层", "室", "号", "房", "期"})
DIRECTIONS = "东南西北中"
DIRECTION_PART = re.compile(r"([东南西北中])[区片苑园院]")
PART = re.compile(r"[东南西北中上下前后]?[区期片苑园]?")


@lru_cache(maxsize=4096)
def split_compound(name: str) -> tuple[str, str]:
    for suffix in COMPOUND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def is_compound_suffix(text: str) -> bool:
    return split_compound("x" + text) == ("x", text) and bool(text)


def area_stem(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name

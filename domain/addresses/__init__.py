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

from domain.addresses.comparing import phases_conflict, same_flat, same_place
from domain.addresses.model import Address, compound_tail_key
from domain.addresses.parsing import normalize_text, parse_address

__all__ = [
    "Address",
    "compound_tail_key",
    "normalize_text",
    "parse_address",
    "phases_conflict",
    "same_flat",
    "same_place",
]

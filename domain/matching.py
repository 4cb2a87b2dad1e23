"""Is a new customer one already on record (RULES §3.7)? Pure: the caller brings the candidates.

Under a different phone, the same flat (any names: a household) or the same person at the same
place is a possible duplicate (撞单) for a manager to review; neighbours are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.addresses import Address, parse_address, phases_conflict, same_flat, same_place
from domain.names import has_given_name, name_key, same_person


class Match(StrEnum):
    DUPLICATE = "duplicate"  # the same phone: one customer
    POSSIBLE = "possible"  # another phone, but the same flat, or the same person at the same place
    DISTINCT = "distinct"


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str  # E.164, already normalised (domain.customer_details.normalize_phone)
    address: str


def _flats_conflict(a: Address, b: Address, *, strict: bool) -> bool:
    """Both say which flat and the flats differ. Not strict: only another building counts, since the
    same full name in the same building with another room or unit is likelier a typo than a namesake.
    """
    if a.building is not None and b.building is not None and a.building != b.building:
        return True
    if phases_conflict(a, b):
        return True
    if not strict or a.room is None or b.room is None:
        return False
    if a.unit is not None and b.unit is not None and a.unit != b.unit:
        return True
    return a.room != b.room


def classify(a: Customer, b: Customer) -> Match:
    """DUPLICATE for one phone; POSSIBLE for one flat, or one person at one place; else DISTINCT.

    One person at one place: same_person names at same_place addresses whose flats do not
    conflict. A flat missing or partial on one side does not conflict. Two full names that agree
    (王建国 / Wang Jianguo) tolerate another room or unit in the same building (a typo); a name
    that is only a surname (王先生, 小王) does not, since it fits every Wang in the building: those
    are neighbours. Another building is always another flat, and different names at different
    flats are neighbours however alike the rest is.
    """
    if a.phone == b.phone:
        return Match.DUPLICATE
    place_a, place_b = parse_address(a.address), parse_address(b.address)
    if same_flat(place_a, place_b):
        return Match.POSSIBLE
    if not same_person(a.name, b.name) or not same_place(place_a, place_b):
        return Match.DISTINCT
    strict = not (has_given_name(a.name) and has_given_name(b.name))
    if _flats_conflict(place_a, place_b, strict=strict):
        return Match.DISTINCT
    return Match.POSSIBLE


def lookup_keys(name: str, address: str) -> tuple[str | None, str | None, str]:
    """(flat_key, place_key, name_key): what the storage layer indexes to find candidates.

    - flat_key: the flat ("c:yangguang/8/1102": the last two syllables of the compound's name, or
      the road + number without one), None without a room number. Every pair that `same_flat`
      accepts has equal flat keys unless a compound is mistyped, written in English or cut short at
      its end, or one side names only the compound and the other only the road.
    - place_key: the compound, or the road + number without one ("c:yangguang", "r:jianguolu88").
      Candidates for "same person at the same place" share it (and, usually, a name key).
    - name_key: the surname's toneless pinyin ("wang"): 王先生, 王建国 and "Jianguo Wang" meet.

    A sound lookup fetches customers sharing the flat key, or sharing both the place key and the
    name key, then calls `classify` on each: the keys only narrow the search, `classify` decides.
    `Address.place_keys()` gives every identity: the compound, the start and end of its name, and
    the road + number, for an index that also catches a name cut short or written with an area
    before it, and one filer writing the compound and another only the road.
    """
    parsed = parse_address(address)
    return parsed.flat_key(), parsed.place_key(), name_key(name)

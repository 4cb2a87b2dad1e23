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


MATCH_KEY_CHARS = 200  # storage's column: a key is an index entry, never shown


def stored_keys(name: str, address: str) -> tuple[str, ...]:
    """The keys a registration is indexed under to be found as a possible duplicate's candidate.

    For each identity of its place (`Address.place_keys`: the compound, the start and end of its
    name, the road + number): its flat ("f:c:yangguang/8/1102"), for a household; the place with
    the sound of the surname ("p:c:yangguang|wang"), for the same person; and the same with the
    building, or "-" without one ("p:c:yangguang|wang|8"), so that a filing naming a building
    looks only among the Wangs of that building and those who gave none: `classify` never accepts
    a person in another building. The keys only narrow the search; `classify` decides."""
    return _keys(name, address, stored=True)


def search_keys(name: str, address: str) -> tuple[str, ...]:
    """The keys a new filing looks its candidates up by: every customer that `classify` can call
    a possible duplicate of it is stored under at least one of them (see `stored_keys`)."""
    return _keys(name, address, stored=False)


def _keys(name: str, address: str, *, stored: bool) -> tuple[str, ...]:
    parsed = parse_address(address)
    surname = name_key(name)
    keys: list[str] = [f"f:{flat}" for flat in parsed.flat_keys()]
    for place in parsed.place_keys():
        person = f"p:{place}|{surname}"
        if stored:
            keys += [person, f"{person}|{parsed.building or '-'}"]
        elif parsed.building is not None:
            keys += [f"{person}|{parsed.building}", f"{person}|-"]
        else:
            keys.append(person)
    return tuple(dict.fromkeys(key[:MATCH_KEY_CHARS] for key in keys))

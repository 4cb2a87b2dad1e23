"""Duplicate, possible duplicate or another customer (RULES §3.7)."""

from __future__ import annotations

import pytest

from domain.matching import Customer, Match, classify, search_keys, stored_keys

HOME = "北京市朝阳区建国路88号阳光花园8栋3单元1102室"
ENGLISH = "Room 1102, Unit 3, Building 8, Sunshine Garden, 88 Jianguo Road, Beijing"
PHONE_A, PHONE_B = "+8613800138000", "+8613900139000"


def customer(name: str, address: str = HOME, phone: str = PHONE_B) -> Customer:
    return Customer(name=name, phone=phone, address=address)


ON_FILE = Customer(name="王建国", phone=PHONE_A, address=HOME)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        # One phone is one customer, whatever else was typed.
        (customer("李四", "上海市浦东新区世纪大道100号", phone=PHONE_A), Match.DUPLICATE),
        # The same flat: the household, any name.
        (customer("王建国"), Match.POSSIBLE),
        (customer("李丽"), Match.POSSIBLE),  # a spouse
        (customer("王小明", "阳光花园8-3-1102"), Match.POSSIBLE),  # a child, shorthand
        (customer("王女士", ENGLISH), Match.POSSIBLE),
        (customer("Li Li", "陽光花園八棟三單元1102"), Match.POSSIBLE),
        (customer("赵敏", "建国路88号8栋1102"), Match.POSSIBLE),  # unit missing on one side
        # The same person at the same place, flat missing or partial on one side.
        (customer("Wang Jianguo", "阳光花园"), Match.POSSIBLE),
        (customer("王先生", "北京市朝阳区阳光花园8栋"), Match.POSSIBLE),
        (customer("王建國", "建国路88号"), Match.POSSIBLE),
        (customer("David Wang", "Yangguang Huayuan, Chaoyang District, Beijing"), Match.POSSIBLE),
        (customer("王建国", "阳光花园8栋3单元1101"), Match.POSSIBLE),  # same full name, room typo
        # Neighbours and namesakes elsewhere.
        (customer("李丽", "阳光花园8栋3单元1101"), Match.DISTINCT),  # next door
        (customer("李丽", "阳光花园9栋3单元1102"), Match.DISTINCT),  # another building
        (customer("李丽", "阳光花园"), Match.DISTINCT),  # another name, no flat to compare
        (customer("王先生", "阳光花园8栋3单元1101"), Match.DISTINCT),  # a Wang next door
        (customer("王建国", "阳光花园9栋1102"), Match.DISTINCT),  # a namesake in another building
        (customer("王志强", "阳光花园"), Match.DISTINCT),  # same surname, another person
        (customer("王建国", "上海市浦东新区阳光花园8栋3单元1102室"), Match.DISTINCT),  # another city
        (customer("王建国", "长春市朝阳区阳光花园8栋3单元1102室"), Match.DISTINCT),  # another 朝阳区
        (customer("王建国", "北京市朝阳区阳光家园8栋3单元1102室"), Match.DISTINCT),  # another compound
        (customer("王建国", "北京市海淀区中关村大街1号"), Match.DISTINCT),
    ],
)
def test_classify(other: Customer, expected: Match) -> None:
    assert classify(ON_FILE, other) is expected
    assert classify(other, ON_FILE) is expected


@pytest.mark.parametrize(
    ("name", "address", "stored", "searched"),
    [
        (
            "王建国",
            "阳光花园8栋1102",
            {"f:c:yangguang/8/1102", "p:c:yangguang|wang", "p:c:yangguang|wang|8"},
            {"f:c:yangguang/8/1102", "p:c:yangguang|wang|8", "p:c:yangguang|wang|-"},
        ),
        (
            "王先生",
            "建国路88号",
            {"p:r:jianguolu88|wang", "p:r:jianguolu88|wang|-"},
            {"p:r:jianguolu88|wang"},
        ),
        ("欧阳修", "朝阳区", set(), set()),
    ],
)
def test_keys(name: str, address: str, stored: set[str], searched: set[str]) -> None:
    assert set(stored_keys(name, address)) == stored
    assert set(search_keys(name, address)) == searched


def test_a_filing_in_one_building_does_not_look_among_the_namesakes_of_another() -> None:
    searched = set(search_keys("王建国", "阳光花园8栋1102"))
    assert not searched & set(stored_keys("王建军", "阳光花园9栋1102"))
    assert searched & set(stored_keys("王建军", "阳光花园"))  # no building: may be anywhere


@pytest.mark.parametrize(
    "other",
    [
        customer("王建国"),
        customer("李丽", "阳光花园8-3-1102"),
        customer("Wang Jianguo", "阳光花园"),
        customer("王先生", "北京市朝阳区阳光花园8栋"),
    ],
)
def test_possible_duplicates_share_a_key(other: Customer) -> None:
    """Whichever was filed first, the other's search keys find it."""
    assert classify(ON_FILE, other) is Match.POSSIBLE
    assert set(search_keys(ON_FILE.name, ON_FILE.address)) & set(stored_keys(other.name, other.address))
    assert set(search_keys(other.name, other.address)) & set(stored_keys(ON_FILE.name, ON_FILE.address))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # A household at one flat written two ways (estate before the compound, areas glued on).
        (
            ("周明", "杭州市上城区 望湖新村 紫荆苑 6幢 2单元 702"),
            ("吴芳", "杭州上城紫荆苑6-2-702"),
            Match.POSSIBLE,
        ),
        # The same person, the compound's name cut short and 号 standing for 号楼.
        (
            ("钱永康", "无锡市梁溪区 清扬路 华清雅园 18号 601室"),
            ("钱先生", "无锡市梁溪区华清雅18号601"),
            Match.POSSIBLE,
        ),
        # The same full name in another phase: another building, not a typo.
        (
            ("孙建华", "西安市雁塔区 曲江花园 一期 3栋 501"),
            ("孙建华", "西安市雁塔区曲江花园二期3栋501"),
            Match.DISTINCT,
        ),
        # Neighbours in two parts of one estate with the same numbering.
        (
            ("郑伟", "福州市鼓楼区 温泉新村 海棠苑 2座 301"),
            ("林娜", "福州市鼓楼区温泉新村玉兰苑2座301"),
            Match.DISTINCT,
        ),
        (
            ("郑伟", "福州市鼓楼区 温泉花园 A区 2座 301"),
            ("林娜", "福州市鼓楼区温泉花园B区2座301"),
            Match.DISTINCT,
        ),
    ],
)
def test_classify_in_more_forms(a: tuple[str, str], b: tuple[str, str], expected: Match) -> None:
    first, second = Customer(a[0], PHONE_A, a[1]), Customer(b[0], PHONE_B, b[1])
    assert classify(first, second) is expected and classify(second, first) is expected

"""RULES §3.2: what counts as a name, a phone and a detailed address; §2 masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.customer_details import (
    Invalid,
    Problem,
    check_address,
    check_name,
    check_needs,
    display_phone,
    mask_name,
    mask_phone,
    normalize_phone,
)
from domain.free_text import check_note, check_reason, check_staff_name, check_team_name
from domain.rules import Rules

RULES = Rules()


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "+86 138-0013-8000",
        "008613800138000",
        "+8613800138000",
        "138-0013-8000",
        " 138 0013 8000 ",
        # issue 12: every Unicode dash, dots, the ideographic space, full-width forms
        "138‐0013‐8000",
        "138‑0013‑8000",
        "138–0013–8000",
        "138—0013—8000",
        "138−0013−8000",
        "138・0013・8000",
        "138．0013．8000",
        "138·0013·8000",
        "138_0013_8000",
        "138\u30000013\u30008000",
        "１３８００１３８０００",
        "＋８６ １３８ ００１３ ８０００",
        "＋86-138-0013-8000",
        "+86 (0)138 0013 8000",
        "(+86) 138 0013 8000",
        "0086 138 0013 8000",
        "86 13800138000",
        "138 0013 8000 转 8",
    ],
)
def test_every_way_of_typing_one_mobile_is_one_customer(typed: str) -> None:
    assert normalize_phone(typed, RULES) == "+8613800138000"


@pytest.mark.parametrize(
    "typed",
    [
        "010-12345678",
        "(010) 1234 5678",
        "+86 10 1234 5678",
        "（０１０）１２３４５６７８",
        "010—12345678",
        "+86-010-12345678",
        "0086 10 12345678",
        # an extension reaches a desk; the customer is the number
        "010-12345678转8",
        "010-12345678 分机 8",
        "010-12345678 ext. 8",
        "010-12345678 x8",
        "010 12345678#8",
        "010-12345678-8",
    ],
)
def test_landline_with_area_code(typed: str) -> None:
    assert normalize_phone(typed, RULES) == "+861012345678"


@pytest.mark.parametrize(
    ("typed", "problem", "digits"),
    [
        ("", Problem.PHONE_EMPTY, 0),
        ("   ", Problem.PHONE_EMPTY, 0),
        ("abc", Problem.PHONE_NOT_DIGITS, 0),
        ("138001380OO", Problem.PHONE_NOT_DIGITS, 0),
        ("😀", Problem.PHONE_NOT_DIGITS, 0),
        ("'; DROP TABLE customer;--", Problem.PHONE_NOT_DIGITS, 0),
        ("12345", Problem.PHONE_TOO_SHORT, 5),
        ("1380013800", Problem.PHONE_TOO_SHORT, 10),
        ("138001380001", Problem.PHONE_TOO_LONG, 12),
        ("1" * 30, Problem.PHONE_TOO_LONG, 30),
        ("12345678901", Problem.PHONE_INVALID, 11),  # 12… is not a mobile prefix
        ("13800138000-8", Problem.PHONE_TOO_LONG, 12),  # a mobile has no extension
        ("138 0013 8000 abc", Problem.PHONE_NOT_DIGITS, 0),
    ],
)
def test_bad_phones_get_a_specific_problem(typed: str, problem: Problem, digits: int) -> None:
    assert normalize_phone(typed, RULES) == Invalid(problem, digits)


@given(st.text(max_size=60))
def test_any_text_is_either_refused_or_a_valid_e164_number(text: str) -> None:
    result = normalize_phone(text, RULES)
    assert isinstance(result, Invalid) or (result.startswith("+") and result[1:].isdigit())


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_cn_mobile_shape_normalizes_to_itself(mobile: str) -> None:
    result = normalize_phone(mobile, RULES)
    if not isinstance(result, Invalid):  # a few prefixes are unallocated
        assert result == "+86" + mobile
        assert normalize_phone(f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}", RULES) == result


@pytest.mark.parametrize(
    "name", ["张三", "张", "欧阳娜娜", "Robert O'Neil", "阿卜杜·买买提", "<b>&", "Bob'); DROP TABLE x;--"]
)
def test_names_with_letters_are_accepted_as_typed(name: str) -> None:
    assert check_name(f"  {name} ", RULES) == name


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", Problem.NAME_EMPTY),
        ("   ", Problem.NAME_EMPTY),
        ("😀😀", Problem.NAME_NOT_A_NAME),
        ("张三😀", Problem.NAME_NOT_A_NAME),
        ("12345", Problem.NAME_NOT_A_NAME),
        ("x" * 41, Problem.NAME_TOO_LONG),
        ("长" * 5000, Problem.NAME_TOO_LONG),
    ],
)
def test_bad_names(typed: str, problem: Problem) -> None:
    assert check_name(typed, RULES) == Invalid(problem)


def test_name_of_exactly_40_characters_is_fine() -> None:
    assert check_name("张" * 40, RULES) == "张" * 40


@pytest.mark.parametrize(
    "address",
    ["北京市朝阳区建国路88号3栋1201", "朝阳区建国路88号", "Room 3, 88 Jianguo Rd", "望京西园三区311楼"],
)
def test_detailed_addresses(address: str) -> None:
    assert check_address(address, RULES) == address


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", Problem.ADDRESS_TOO_SHORT),
        ("北", Problem.ADDRESS_TOO_SHORT),
        ("北京市朝阳区", Problem.ADDRESS_TOO_SHORT),
        ("广东省深圳市南山区", Problem.ADDRESS_ONLY_AREA),
        ("内蒙古自治区呼和浩特市新城区", Problem.ADDRESS_ONLY_AREA),
        ("        a", Problem.ADDRESS_TOO_SHORT),
        ("路" * 201, Problem.ADDRESS_TOO_LONG),
    ],
)
def test_addresses_that_are_not_detailed(typed: str, problem: Problem) -> None:
    assert check_address(typed, RULES) == Invalid(problem)


def test_minimum_address_length_is_a_setting() -> None:
    assert check_address("建国路88号", Rules(min_address_chars=6)) == "建国路88号"
    assert isinstance(check_address("建国路88号", Rules(min_address_chars=8)), Invalid)


def test_needs_are_optional_and_bounded() -> None:
    assert check_needs(None, RULES) is None
    assert check_needs("   ", RULES) is None
    assert check_needs("1.8米床垫", RULES) == "1.8米床垫"
    assert check_needs("x" * 501, RULES) == Invalid(Problem.NEEDS_TOO_LONG)


def test_masks() -> None:
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "张*"
    assert display_phone("+8613800138000") == "138 0013 8000"
    assert display_phone("+861012345678") == "010 1234 5678"
    assert display_phone("+85291234567") == "+852 9123 4567"
    assert mask_phone("+861012345678") == "010-****5678"
    assert mask_phone("+8675512345678") == "0755-****5678"
    assert display_phone("+861012345678") == "010 1234 5678"


# --- issue 10 item 13: a phone number is not an address ------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "+86 138 0013 8000",
        "010-12345678 转 8",
        "(010) 1234-5678",
        "138.0013.8000",
        "电话 13800138000",
        "0086 138 0013 8000",
    ],
)
def test_a_phone_typed_as_the_address_is_refused(typed: str) -> None:
    assert check_address(typed, RULES) == Invalid(Problem.ADDRESS_IS_PHONE)


@pytest.mark.parametrize(
    "address", ["朝阳区建国路88号3栋1201 13800138000", "望京西园三区311楼1201室", "建国路88号院12345678室"]
)
def test_an_address_with_numbers_or_a_phone_besides_it_is_still_an_address(address: str) -> None:
    assert check_address(address, RULES) == address


# --- issue 10 item 5: caps on free text, from Rules -----------------------------------------------


def test_notes_are_optional_and_capped() -> None:
    assert check_note(None, RULES) is None and check_note("  ", RULES) is None
    assert check_note(" 量了 尺 ", RULES) == "量了 尺"
    assert check_note("x" * 500, RULES) == "x" * 500
    assert check_note("x" * 501, RULES) == Invalid(Problem.NOTE_TOO_LONG)
    assert check_note("x" * 5000, Rules(max_note_chars=6000)) == "x" * 5000


def test_reasons_are_required_and_capped() -> None:
    assert check_reason(None, RULES) == Invalid(Problem.REASON_TOO_SHORT)
    assert check_reason(" 好 ", RULES) == Invalid(Problem.REASON_TOO_SHORT)
    assert check_reason("重复报备", RULES) == "重复报备"
    assert check_reason("理" * 4096, RULES) == Invalid(Problem.REASON_TOO_LONG)
    assert check_reason("理" * 30, Rules(max_reason_chars=20)) == Invalid(Problem.REASON_TOO_LONG)


def test_team_and_staff_names_are_capped() -> None:
    assert check_team_name(" 朝阳店 ", RULES) == "朝阳店"
    assert check_team_name(" ", RULES) == Invalid(Problem.TEAM_NAME_EMPTY)
    assert check_team_name("店" * 81, RULES) == Invalid(Problem.TEAM_NAME_TOO_LONG)
    assert check_staff_name("王芳", RULES) == "王芳"
    assert check_staff_name("\x00", RULES) == Invalid(Problem.STAFF_NAME_EMPTY)
    assert check_staff_name("王" * 81, RULES) == Invalid(Problem.STAFF_NAME_TOO_LONG)


def test_every_problem_has_a_hint_naming_its_limit_in_both_languages() -> None:
    from bot.chat.render import problem_hint

    rules = Rules(max_note_chars=321, max_reason_chars=322, max_team_name_chars=33, max_staff_name_chars=34)
    limits = {
        Problem.NOTE_TOO_LONG: "321",
        Problem.REASON_TOO_LONG: "322",
        Problem.TEAM_NAME_TOO_LONG: "33",
        Problem.STAFF_NAME_TOO_LONG: "34",
    }
    for problem in Problem:
        for language in ("zh", "en"):
            hint = problem_hint(language, Invalid(problem), rules)
            assert hint and "{" not in hint
            assert limits.get(problem, "") in hint


@pytest.mark.parametrize(
    ("typed", "address", "e164"),
    [
        ("85551234", "成都市青羊区清江苑8栋2单元302", "+862885551234"),
        ("6431 8822", "上海市徐汇区徐家汇花园5号楼1503", "+862164318822"),
        ("6234-5678", "北京市朝阳区建国路88号3栋1201", "+861062345678"),  # Beijing, not Liaoning's 朝阳
        ("62345678", "Room 1201, 88 Jianguo Rd, Chaoyang, Beijing", "+861062345678"),
        ("028-85551234", "上海市徐汇区", "+862885551234"),  # an area code typed wins over the address
    ],
)
def test_a_landline_without_area_code_takes_the_code_of_the_city_in_the_address(
    typed: str, address: str, e164: str
) -> None:
    assert normalize_phone(typed, RULES, address=address) == e164


@pytest.mark.parametrize("address", [None, "某某小区3栋2单元301"])
def test_a_landline_without_area_code_and_no_city_asks_for_the_code(address: str | None) -> None:
    assert normalize_phone("85551234", RULES, address=address) == Invalid(Problem.PHONE_NO_AREA_CODE, 8)


@pytest.mark.parametrize("typed", ["[186] 1234 9876", "【186】1234 9876", "〔186〕12349876"])
def test_square_and_cjk_brackets_are_brackets(typed: str) -> None:
    assert normalize_phone(typed, RULES) == "+8618612349876"


@given(st.from_regex(r"\+861[3-9][0-9]{9}", fullmatch=True))
def test_the_mobile_shortcut_formats_and_masks_as_phonenumbers_does(e164: str) -> None:
    from domain.customer_details import formatted_by_phonenumbers, masked_by_phonenumbers

    assert display_phone(e164) == formatted_by_phonenumbers(e164)
    assert mask_phone(e164) == masked_by_phonenumbers(e164)

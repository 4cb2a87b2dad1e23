"""RULES §2: phone-like text inside free text (needs, notes, reasons, log lines) is masked."""

from __future__ import annotations

import re

import pytest

from domain.customer_details import mask_phones_in
from tests.phone_formats import MOBILE_DIGITS, MOBILE_MASK, NOT_PHONES, PHONES


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit()).translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    )


@pytest.mark.parametrize(("typed", "digits", "masked"), PHONES)
def test_a_phone_alone_is_masked(typed: str, digits: str, masked: str) -> None:
    assert mask_phones_in(typed) == masked


@pytest.mark.parametrize(("typed", "digits", "masked"), PHONES)
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("电话", "找王姐"),  # glued to Chinese
        ("客户 ", "，周末来店"),
        ("tel:", ""),
        ("phone=", "&x=1"),
        ("call", "today"),  # glued to Latin letters
        ("'", "'"),
        ('{"text": "', '"}'),
        ("(", ")"),
        ("", "\n"),
        ("备注：", "。"),
    ],
)
def test_a_phone_in_text_is_masked_and_the_rest_kept(
    typed: str, digits: str, masked: str, before: str, after: str
) -> None:
    result = mask_phones_in(before + typed + after)
    assert result == before + masked + after
    assert digits not in digits_only(result)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_what_is_not_a_phone_stays(text: str) -> None:
    assert mask_phones_in(text) == text


@pytest.mark.parametrize("text", NOT_PHONES)
def test_what_is_not_a_phone_stays_next_to_a_phone(text: str) -> None:
    assert mask_phones_in(f"{text} 13800138000 {text}") == f"{text} {MOBILE_MASK} {text}"


def test_an_extension_keeps_its_words_and_the_number_is_masked() -> None:
    assert mask_phones_in("010 1234 5678 转 8") == "010-****5678 转 8"


def test_several_phones_in_one_text() -> None:
    text = "13800138000/13912345678，座机 (010) 1234-5678；user 5123456789 chat -1001234567890"
    assert (
        mask_phones_in(text)
        == "138****8000/139****5678，座机 010-****5678；user 5123456789 chat -1001234567890"
    )


def test_a_foreign_number_in_international_form_is_masked() -> None:
    masked = mask_phones_in("his cousin: +1 415 555 2671")
    assert "555 2671" not in masked and re.search(r"\*{4}2671$", masked)


def test_an_amount_a_date_and_an_id_with_a_phone() -> None:
    text = "2026-12-02 14:05 定金 12,800.00 元，尾款 30000，客户 138.0013.8000，单号 987654321"
    assert (
        mask_phones_in(text)
        == "2026-12-02 14:05 定金 12,800.00 元，尾款 30000，客户 138****8000，单号 987654321"
    )


def test_text_without_phones_is_returned_unchanged() -> None:
    for text in ["", "三人沙发，预算两万", "call me tomorrow", MOBILE_DIGITS[:7]]:
        assert mask_phones_in(text) == text


@pytest.mark.parametrize(("typed", "digits", "masked"), PHONES)
@pytest.mark.parametrize("other", NOT_PHONES)
def test_a_phone_between_numbers_that_are_not_phones(
    typed: str, digits: str, masked: str, other: str
) -> None:
    # A phone written right after a time, an id or an amount, or right before one, with nothing
    # but a space, a dash or a slash between them: the phone is masked and the other kept.
    for separator in [" ", "  ", "-", "/", "，"]:
        result = mask_phones_in(f"{other}{separator}{typed}{separator}{other}")
        assert result == f"{other}{separator}{masked}{separator}{other}", separator


@pytest.mark.parametrize("first", NOT_PHONES)
@pytest.mark.parametrize("second", NOT_PHONES)
def test_two_numbers_that_are_not_phones_do_not_make_one(first: str, second: str) -> None:
    for separator in [" ", "  ", "-"]:
        text = f"{first}{separator}{second}"
        assert mask_phones_in(text) == text, separator


@pytest.mark.parametrize("before", ["14:05,", "30000,", "12,800.", "10:00:00,123 ", "1.", "2026-12-02 14:"])
def test_a_phone_right_after_a_number_and_a_stop_is_masked(before: str) -> None:
    assert mask_phones_in(f"{before}13800138000") == f"{before}{MOBILE_MASK}"

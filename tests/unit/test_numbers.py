"""Numbers as people read them: an amount too large names the maximum; English counts take the
singular for 1 and the plural otherwise, through the one plural mechanism of bot.i18n.texts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.i18n.catalog import TEXTS
from bot.i18n.keys import Text
from bot.i18n.texts import placeholders, plural_forms, raw, t
from domain.registrations import MAX_AMOUNT, Refusal, parse_amount


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("12800", Decimal("12800.00")),
        ("¥1,200.50", Decimal("1200.50")),
        ("10000000", MAX_AMOUNT),
        ("10000000.01", Refusal.AMOUNT_TOO_LARGE),
        ("99999999999", Refusal.AMOUNT_TOO_LARGE),
        ("1e9", Refusal.AMOUNT_TOO_LARGE),
        ("0", Refusal.BAD_AMOUNT),
        ("-5", Refusal.BAD_AMOUNT),
        ("12.345", Refusal.BAD_AMOUNT),
        ("abc", Refusal.BAD_AMOUNT),
        ("NaN", Refusal.BAD_AMOUNT),
        ("", None),
    ],
)
def test_parse_amount_tells_too_large_from_not_an_amount(typed: str, parsed: object) -> None:
    assert parse_amount(typed) == parsed


def test_amount_too_large_names_the_maximum_in_both_languages() -> None:
    assert t("zh", Text.amount_too_large, max="10,000,000").startswith("金额太大了：最多 ¥10,000,000")
    assert t("en", Text.amount_too_large, max="10,000,000").startswith(
        "That amount is too large: at most ¥10,000,000"
    )


# Every English text that puts a count before a noun, and the noun's two forms.
PLURAL_TEXTS = sorted(key for key in Text if plural_forms(TEXTS[key]["en"]))


def test_the_texts_with_counts_choose_their_plural_forms() -> None:
    expected = {
        "ask_address",
        "ask_obtained",
        "name_too_long",
        "phone_too_short",
        "phone_too_long",
        "address_too_short",
        "rejected_late",
        "accepted_challenge",
        "notice_challenged",
        "reminder_follow_up",
        "reminder_lapse",
        "rejected_refile_cooldown",
        "invite_link",
        "digest_title",
        "digest_follow_up_line",
        "digest_about_to_lapse",
        "digest_about_to_expire",
        "digest_unreachable",
    }
    assert expected <= set(PLURAL_TEXTS)


@pytest.mark.parametrize("key", PLURAL_TEXTS)
def test_a_count_of_one_is_singular_and_two_is_plural(key: Text) -> None:
    template = TEXTS[key]["en"]
    forms = plural_forms(template)
    for count, form, wrong in ((1, 0, 1), (2, 1, 0)):
        values: dict[str, object] = {name: "X" for name in placeholders(template)}
        values.update({name: count for name in forms})
        text = raw("en", key, **values)
        for pair in forms.values():
            # The count, maybe an adjective ("1 open registration"), then the noun in its form.
            assert re.search(rf"\b{count} (\w+ )?{re.escape(pair[form])}\b", text), (key, count, text)
            assert not re.search(rf"\b{count} (\w+ )?{re.escape(pair[wrong])}\b", text), (key, text)
        assert "|" not in text


# Placeholders that hold a number in the catalog's English texts.
_NUMBERS = "count|hours|days|min|max|every|digits|limit|used|left|due|lapsed|page|pages"


def test_no_english_text_puts_a_count_before_a_fixed_plural() -> None:
    """'{hours} hours' reads '1 hours': each count before a noun chooses the noun's form."""
    fixed = {
        key: found
        for key in Text
        if (found := re.findall(rf"\{{(?:{_NUMBERS})\}} (?:[a-z-]+s)\b", TEXTS[key]["en"]))
    }
    assert fixed == {}


def test_plural_texts_still_escape_their_values_and_chinese_has_no_plural() -> None:
    title = t("en", Text.digest_title, team="<A&B>", at="now", count=1)
    assert "&lt;A&amp;B&gt;" in title and "1 open registration" in title
    assert "1 open registrations" not in title
    assert "2 open registrations" in t("en", Text.digest_title, team="T", at="now", count=2)
    assert "在跟客户 1 位" in t("zh", Text.digest_title, team="T", at="now", count=1)
    assert "<A&B>" in raw("en", Text.digest_title, team="<A&B>", at="now", count=1)


def test_a_malformed_plural_form_stops_the_import() -> None:
    with pytest.raises(ImportError):
        plural_forms("{count} {count:one|two|three}")
    with pytest.raises(ImportError):
        plural_forms("{count} {count:|days}")

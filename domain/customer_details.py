"""Checking and normalising what a filer types about a customer (RULES §3.2), and masking it (§2)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from domain.rules import Rules


class Problem(StrEnum):
    """Why a field was refused; each has its own hint in the texts."""

    NAME_EMPTY = "name_empty"
    NAME_TOO_LONG = "name_too_long"
    NAME_NOT_A_NAME = "name_not_a_name"
    PHONE_EMPTY = "phone_empty"
    PHONE_NOT_DIGITS = "phone_not_digits"
    PHONE_TOO_SHORT = "phone_too_short"
    PHONE_TOO_LONG = "phone_too_long"
    PHONE_INVALID = "phone_invalid"
    ADDRESS_TOO_SHORT = "address_too_short"
    ADDRESS_TOO_LONG = "address_too_long"
    ADDRESS_ONLY_AREA = "address_only_area"
    NEEDS_TOO_LONG = "needs_too_long"
    OBTAINED_IN_FUTURE = "obtained_in_future"


@dataclass(frozen=True)
class Invalid:
    problem: Problem
    digits: int = 0  # for phone hints: how many digits were typed


_SPACES = re.compile(r"\s+")
# Characters a phone number may be typed with; anything else (letters, emoji) is not a phone.
_PHONE_CHARS = re.compile(r"^[\d\s+\-().\u3000（）－]+$")
# A Chinese administrative area: 省/市/区/县/… A "detailed" address has more than these.
_AREA_UNIT = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:特别行政区|自治区|自治州|自治县|地区|省|市|区|县|旗|盟|镇|乡|街道)"
)
_AREA_WORDS = re.compile(r"\b(?:province|city|district|county|town|prefecture)\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")


def clean_text(raw: str) -> str:
    """Trim and collapse whitespace; drop control characters that no name or address contains."""
    text = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch in "\t\n ")
    return _SPACES.sub(" ", text).strip()


def check_name(raw: str, rules: Rules) -> str | Invalid:
    name = clean_text(raw)
    if not name:
        return Invalid(Problem.NAME_EMPTY)
    if len(name) > rules.max_name_chars:
        return Invalid(Problem.NAME_TOO_LONG)
    categories = [unicodedata.category(ch) for ch in name]
    # A name has letters; emoji and pictographs (So) are not part of anyone's name.
    if "So" in categories or not any(c.startswith("L") for c in categories):
        return Invalid(Problem.NAME_NOT_A_NAME)
    return name


def normalize_phone(raw: str, rules: Rules) -> str | Invalid:
    """The customer's phone in E.164, so every way of typing one number is one customer."""
    text = clean_text(raw)
    if not text:
        return Invalid(Problem.PHONE_EMPTY)
    if not _PHONE_CHARS.match(text):
        return Invalid(Problem.PHONE_NOT_DIGITS)
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7:
        return Invalid(Problem.PHONE_TOO_SHORT, digits)
    if digits > 17:
        return Invalid(Problem.PHONE_TOO_LONG, digits)
    try:
        number = phonenumbers.parse(text, rules.phone_region)
    except phonenumbers.NumberParseException:
        return Invalid(Problem.PHONE_INVALID, digits)
    if not phonenumbers.is_valid_number(number):
        national = len(str(number.national_number))
        if number.country_code == 86 and str(number.national_number).startswith("1"):
            # A mobile: 11 digits starting 13–19; tell the filer how many they gave.
            if national < 11:
                return Invalid(Problem.PHONE_TOO_SHORT, national)
            if national > 11:
                return Invalid(Problem.PHONE_TOO_LONG, national)
        return Invalid(Problem.PHONE_INVALID, digits)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_address(raw: str, rules: Rules) -> str | Invalid:
    address = clean_text(raw)
    if len(address) < rules.min_address_chars:
        return Invalid(Problem.ADDRESS_TOO_SHORT)
    if len(address) > rules.max_address_chars:
        return Invalid(Problem.ADDRESS_TOO_LONG)
    rest = _NOT_WORD.sub("", _AREA_WORDS.sub("", _AREA_UNIT.sub("", address)))
    if len(rest) < 2:
        return Invalid(Problem.ADDRESS_ONLY_AREA)
    return address


def check_needs(raw: str | None, rules: Rules) -> str | None | Invalid:
    if raw is None:
        return None
    needs = clean_text(raw)
    if len(needs) > rules.max_needs_chars:
        return Invalid(Problem.NEEDS_TOO_LONG)
    return needs or None


def display_phone(e164: str) -> str:
    """A stored phone as people write it at home: 13800138000, 010 1234 5678."""
    number = phonenumbers.parse(e164)
    if number.country_code == 86:
        if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
            return str(number.national_number)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_phone(e164: str) -> str:
    """RULES §2: 138****5678 — enough to recognise, not enough to call."""
    digits = str(phonenumbers.parse(e164).national_number)
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return digits[:3] + "****" + digits[-4:]


def mask_name(name: str) -> str:
    """RULES §2: 张* — the family name only."""
    return name[:1] + "*" * max(1, len(name) - 1)


def name_key(name: str) -> str:
    """A name reduced for comparison: case and spacing do not make two people."""
    return _NOT_WORD.sub("", name).casefold()


def address_key(address: str) -> str:
    return _NOT_WORD.sub("", address).casefold()

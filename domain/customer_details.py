"""Checking and normalising what a filer types about a customer (RULES §3.2), and masking it (§2)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

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
    PHONE_NO_AREA_CODE = "phone_no_area_code"  # a landline's 7–8 digits without the city's code
    ADDRESS_TOO_SHORT = "address_too_short"
    ADDRESS_TOO_LONG = "address_too_long"
    ADDRESS_ONLY_AREA = "address_only_area"
    ADDRESS_IS_PHONE = "address_is_phone"
    NEEDS_TOO_LONG = "needs_too_long"
    OBTAINED_IN_FUTURE = "obtained_in_future"
    # Free text besides the customer's details (domain.free_text).
    NOTE_TOO_LONG = "note_too_long"
    REASON_TOO_SHORT = "reason_too_short"
    REASON_TOO_LONG = "reason_too_long"
    TEAM_NAME_EMPTY = "team_name_empty"
    TEAM_NAME_TOO_LONG = "team_name_too_long"
    STAFF_NAME_EMPTY = "staff_name_empty"
    STAFF_NAME_TOO_LONG = "staff_name_too_long"


@dataclass(frozen=True)
class Invalid:
    problem: Problem
    digits: int = 0  # for phone hints: how many digits were typed


_SPACES = re.compile(r"\s+")
# Characters a phone number may be typed with once canonical (_typed_phone); anything else
# (letters, emoji) is not a phone.
_PHONE_CHARS = re.compile(r"^[\d\s+\-().]+$")
# What people type between digit groups besides spaces and ASCII dashes: every Unicode dash
# (category Pd: ‐ ‑ ‒ – — ― ⸺ 〜 …), the minus sign, middle dots, ideographic full stops,
# slashes and underscores. NFKC has already made the full-width forms ASCII.
_PHONE_SEPARATORS = str.maketrans(
    dict.fromkeys(
        "\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b"
        "\u2e40\u301c\u3030\u30a0\ufe31\ufe32\u2212\u2043\u00b7\u2022\u30fb\u3002\uff61/_~",
        "-",
    )
    | dict.fromkeys("[【〔〖", "(")
    | dict.fromkeys("]】〕〗", ")")
)
# A landline typed without its area code: 7 or 8 digits, not a mobile's 1 nor a trunk 0.
_LOCAL_LANDLINE = re.compile(r"[2-9]\d{6,7}")
# An extension after a landline: 转 8, 分机 8, ext. 8, x8, #8 (phonenumbers reads "ext.").
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
# …or a dash and a short group after a complete landline: 010-12345678-8.
_DASHED_EXTENSION = re.compile(r"^(.*\d)\s*-\s*(\d{1,5})$")
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


def _typed_phone(raw: str) -> str:
    """A phone as typed, in the few characters phonenumbers reads: full-width digits, plus and
    brackets and the ideographic space made ASCII (NFKC), every dash and dot a "-", and an
    extension written the way phonenumbers recognises ("ext. 8")."""
    text = clean_text(unicodedata.normalize("NFKC", raw)).translate(_PHONE_SEPARATORS)
    return _EXTENSION.sub(r" ext. \1", text)


@lru_cache(maxsize=1)
def _area_codes() -> tuple[tuple[str, str], ...]:
    """(city, area code) for every Chinese landline area in phonenumbers' geocoding data, in
    Chinese (成都) and English (chengdu), longest city names first."""
    from phonenumbers.geodata import GEOCODE_DATA  # the data is large: loaded on first use

    cities: dict[str, str] = {}
    for prefix, names in GEOCODE_DATA.items():
        if not prefix.startswith("86") or len(prefix) > 5 or (prefix[2] == "1" and prefix != "8610"):
            continue  # mobiles' prefixes (861…) besides Beijing's 010
        code = prefix[2:]
        chinese = _PROVINCE.sub("", names.get("zh", ""))
        for city in re.split(r"[、，,]", chinese):
            stem = _CITY_SUFFIX.sub("", city.strip())
            if len(stem) >= 2:
                cities.setdefault(stem, code)
        for city in names.get("en", "").split(",")[0].split("/"):
            if len(city.strip()) >= 3:
                cities.setdefault(city.strip().casefold(), code)
    return tuple(sorted(cities.items(), key=lambda item: -len(item[0])))


_PROVINCE = re.compile(r"^.*?(?:省|自治区|特别行政区)")
_CITY_SUFFIX = re.compile(r"(?:市|地区|自治州|盟)$")


def area_code_in(address: str) -> str | None:
    """The area code of the city an address names: the first in Chinese (北京市朝阳区…: Beijing's
    10, not that of Chaoyang in Liaoning), the last in English (…, Chaoyang, Beijing). None when
    it names none."""
    text = unicodedata.normalize("NFKC", address).casefold()
    found = [(text.rfind(city), code) for city, code in _area_codes() if city in text]
    if not found:
        return None
    english = text.isascii()
    return (max(found) if english else min(found))[1]


def _landline_with_extension(number: str, extension: str, rules: Rules) -> str | None:
    """010-12345678-8: a complete landline and an extension (a mobile has none)."""
    try:
        parsed = phonenumbers.parse(f"{number} ext. {extension}", rules.phone_region)
    except phonenumbers.NumberParseException:
        return None
    mobile = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    if mobile or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(raw: str, rules: Rules, address: str | None = None) -> str | Invalid:
    """The customer's phone in E.164, so every way of typing one number is one customer. An
    extension is dropped: it reaches a desk, the number is the customer's. A landline typed
    without its area code takes the code of the city in the customer's address, when known."""
    text = _typed_phone(raw)
    digits_only = re.sub(r"[\s\-()]", "", text)
    if address is not None and _LOCAL_LANDLINE.fullmatch(digits_only):
        code = area_code_in(address)
        if code is not None:
            text = f"0{code} {digits_only}"
    if _LOCAL_LANDLINE.fullmatch(digits_only) and not text.startswith("0"):
        return Invalid(Problem.PHONE_NO_AREA_CODE, len(digits_only))
    if not text:
        return Invalid(Problem.PHONE_EMPTY)
    if not _PHONE_CHARS.match(text.replace(" ext. ", " ")):
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
        dashed = _DASHED_EXTENSION.match(text)
        if dashed and not number.extension:
            landline = _landline_with_extension(dashed[1], dashed[2], rules)
            if landline is not None:
                return landline
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
    if _is_phone(address, rules):
        return Invalid(Problem.ADDRESS_IS_PHONE)
    rest = _NOT_WORD.sub("", _AREA_WORDS.sub("", _AREA_UNIT.sub("", address)))
    if len(rest) < 2:
        return Invalid(Problem.ADDRESS_ONLY_AREA)
    return address


def _is_phone(address: str, rules: Rules) -> bool:
    """A phone number typed where the address goes ("13800138000", "010-12345678 转 8"): what is
    left without the phone numbers in it is too short to be an address."""
    pieces, done = [], 0
    for start, end, _ in phones_in(address, rules.phone_region):
        pieces.append(address[done:start])
        done = end
    if not pieces:
        return False
    rest = clean_text("".join(pieces) + address[done:])
    return len(rest) < rules.min_address_chars


def check_needs(raw: str | None, rules: Rules) -> str | None | Invalid:
    if raw is None:
        return None
    needs = clean_text(raw)
    if len(needs) > rules.max_needs_chars:
        return Invalid(Problem.NEEDS_TOO_LONG)
    return needs or None


# A mainland mobile as stored: phonenumbers formats these as 3-4-4 and masks them as 3****4; said
# here directly, as a workbook of 10,000 rows spent most of its time parsing them (~90 µs each).
_CN_MOBILE = re.compile(r"\+861[3-9]\d{9}")


def display_phone(e164: str) -> str:
    """A stored phone in the one format people read everywhere: 138 0013 8000, 010 1234 5678,
    abroad +852 9123 4567."""
    if _CN_MOBILE.fullmatch(e164):
        return f"{e164[3:6]} {e164[6:10]} {e164[10:]}"
    return formatted_by_phonenumbers(e164)


def formatted_by_phonenumbers(e164: str) -> str:
    number = phonenumbers.parse(e164)
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_phone(e164: str) -> str:
    """RULES §2: 138****8000, a landline 010-****5678 — enough to recognise, not enough to call."""
    if _CN_MOBILE.fullmatch(e164):
        return f"{e164[3:6]}****{e164[-4:]}"
    return masked_by_phonenumbers(e164)


def masked_by_phonenumbers(e164: str) -> str:
    number = phonenumbers.parse(e164)
    digits = str(number.national_number)
    area = phonenumbers.length_of_geographical_area_code(number) if number.country_code == 86 else 0
    if area and len(digits) > area + 4:
        return f"0{digits[:area]}-****{digits[-4:]}"
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return digits[:3] + "****" + digits[-4:]


# Where a phone may be written: a run of digit groups joined by what people type between them
# (spaces, dashes, dots, brackets, slashes, full-width ones too), maybe after a + or a bracket.
# Which stretch of a run is a phone is for phonenumbers' matcher to say, asked about each stretch
# of whole groups: on a whole run it misses a spaced-out number next to another number or a date.
_SEPARATOR = r"[\s\-‐‑‒–—―−－.．()（）/／~～・·•。_]"
_DIGIT_RUN = re.compile(rf"[+＋(（]*\d+(?:{_SEPARATOR}{{1,4}}[+＋]?\d+)*")
# A run that goes on from another number (the minutes of 14:05, the rest of 12,800, the cents of
# .00): its first group is a phone only on its own, never the start of a longer one.
_GOES_ON = re.compile(r"\d[:,.]")
_DIGIT_GROUP = re.compile(r"\d+")
_OPENING = "+＋(（"
# Every full Chinese number has at least 11 digits (a mobile, or a landline with its 0 and area
# code); Telegram user ids have at most 10. A number in international form (+) may be shorter.
_MIN_DIGITS, _MAX_DIGITS = 11, 17


def mask_phones_in(text: str, region: str = "CN") -> str:
    """`text` with every phone number in it masked as 138****5678 (RULES §2), however it is typed:
    spaces, dots, dashes, brackets, +86 / 0086, full-width digits, glued to words.

    Only valid numbers count, written with + or with at least 11 digits: Telegram ids, supergroup
    ids, amounts, dates and times stay readable."""
    pieces, done = [], 0
    for start, end, e164 in phones_in(text, region):
        pieces += [text[done:start], mask_phone(e164)]
        done = end
    return "".join(pieces) + text[done:] if pieces else text


def phones_in(text: str, region: str = "CN") -> list[tuple[int, int, str]]:
    """Where phone numbers are written in `text`: (start, end, E.164) of each, left to right."""
    if sum(ch.isdigit() for ch in text) < 7:
        return []  # the short way for the usual needs or note: nothing could be a phone
    found = []
    for run in _DIGIT_RUN.finditer(text):
        goes_on = bool(_GOES_ON.fullmatch(text, max(0, run.start() - 2), run.start()))
        for start, end, e164 in _phones_in_run(run.group(), region, goes_on):
            found.append((run.start() + start, run.start() + end, e164))
    return found


def _phones_in_run(run: str, region: str, goes_on: bool) -> list[tuple[int, int, str]]:
    """The phones in one run of digit groups, left to right, each the shortest stretch of whole
    groups (with a + or bracket before it) that the matcher takes, whole, for a valid number."""
    groups = [(m.start(), m.end()) for m in _DIGIT_GROUP.finditer(run)]
    found: list[tuple[int, int, str]] = []
    first = 0
    while first < len(groups):
        start = groups[first][0]
        while start > (groups[first - 1][1] if first else 0) and run[start - 1] in _OPENING:
            start -= 1
        phone = None
        for last in range(first, len(groups)):
            begin, end = start, groups[last][1]
            while run[begin] in "(（" and _unclosed(run[begin:end]):
                begin += 1  # "(13800138000)": the brackets are the text's
            # The matcher reads ASCII separators; the translation keeps every offset.
            candidate = run[begin:end].translate(_PHONE_SEPARATORS)
            digits = sum(ch.isdigit() for ch in candidate)
            if digits > _MAX_DIGITS or (goes_on and last > first == 0):
                break
            if digits < _MIN_DIGITS and candidate[0] not in "+＋":
                continue
            match = next(
                iter(
                    phonenumbers.PhoneNumberMatcher(candidate, region, leniency=phonenumbers.Leniency.VALID)
                ),
                None,
            )
            if (
                match is not None
                and match.start == 0
                and match.end == len(candidate)
                and _written_whole(candidate, match.number)
            ):
                phone = (
                    begin,
                    end,
                    phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164),
                )
                break
        if phone is None:
            first += 1
        else:
            found.append(phone)
            first = last + 1
    return found


def _written_whole(written: str, number: phonenumbers.PhoneNumber) -> bool:
    """Whether every digit written is the number's: its national number, after nothing but the
    country code (+86, 0086) and the trunk 0, which a Chinese landline is never written without.
    The matcher also takes a carrier-selection code (12345 13800138000) and a landline without
    its 0 (5123456789 1): a Telegram id next to a time, an amount or another id."""
    digits = _ascii_digits(written)
    national, country = str(number.national_number), str(number.country_code)
    prefix = digits[: len(digits) - len(national)]
    if not digits.endswith(national) or prefix not in (
        "",
        "0",
        country,
        country + "0",
        "00" + country,
        "00" + country + "0",
    ):
        return False
    first_group = _DIGIT_GROUP.search(written)
    if prefix.startswith("00") and not (
        first_group and _ascii_digits(first_group.group()).startswith("00" + country)
    ):
        return False  # 0086 is written in one piece; "00 86" is the cents of an amount and a number
    return (
        bool(prefix)
        or number.country_code != 86
        or phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())


def _unclosed(text: str) -> bool:
    return sum(ch in "(（" for ch in text) > sum(ch in ")）" for ch in text)


def mask_name(name: str) -> str:
    """RULES §2: 张* — the family name only."""
    return name[:1] + "*" * max(1, len(name) - 1)

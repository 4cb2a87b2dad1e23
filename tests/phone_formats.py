"""Every way a phone number was seen typed (issue 10), and things that look like numbers but are
not phones; shared by the masking, logging and summary tests.

Each phone is (as typed, its digits as they must never appear, what it masks to). The mobile is
+86 138 0013 8000, the landline +86 10 1234 5678."""

from __future__ import annotations

MOBILE_DIGITS = "13800138000"
LANDLINE_DIGITS = "1012345678"  # the national number; typed with its 0 as 010…

MOBILE_MASK = "138****8000"
LANDLINE_MASK = "010-****5678"

PHONES: list[tuple[str, str, str]] = [
    ("13800138000", MOBILE_DIGITS, MOBILE_MASK),
    ("138 0013 8000", MOBILE_DIGITS, MOBILE_MASK),
    ("138-0013-8000", MOBILE_DIGITS, MOBILE_MASK),
    ("138.0013.8000", MOBILE_DIGITS, MOBILE_MASK),
    ("+86 (138) 0013 8000", MOBILE_DIGITS, MOBILE_MASK),
    ("+86 138 0013 8000", MOBILE_DIGITS, MOBILE_MASK),
    ("+8613800138000", MOBILE_DIGITS, MOBILE_MASK),
    ("86-138-0013-8000", MOBILE_DIGITS, MOBILE_MASK),
    ("0086 13800138000", MOBILE_DIGITS, MOBILE_MASK),
    ("008613800138000", MOBILE_DIGITS, MOBILE_MASK),
    ("１３８００１３８０００", MOBILE_DIGITS, MOBILE_MASK),  # full-width digits
    ("＋８６ １３８ ００１３ ８０００", MOBILE_DIGITS, MOBILE_MASK),
    ("138\u30000013\u30008000", MOBILE_DIGITS, MOBILE_MASK),  # ideographic spaces
    ("138–0013–8000", MOBILE_DIGITS, MOBILE_MASK),  # issue 12: any Unicode dash, middle dots
    ("138—0013—8000", MOBILE_DIGITS, MOBILE_MASK),
    ("138・0013・8000", MOBILE_DIGITS, MOBILE_MASK),
    ("138·0013·8000", MOBILE_DIGITS, MOBILE_MASK),
    ("(010) 1234-5678", LANDLINE_DIGITS, LANDLINE_MASK),
    ("(010)12345678", LANDLINE_DIGITS, LANDLINE_MASK),
    ("010-12345678", LANDLINE_DIGITS, LANDLINE_MASK),
    ("010-1234-5678", LANDLINE_DIGITS, LANDLINE_MASK),
    ("010 1234 5678", LANDLINE_DIGITS, LANDLINE_MASK),
    ("+86 10 1234 5678", LANDLINE_DIGITS, LANDLINE_MASK),
]

# Numbers that are not phones and must stay as they are wherever phones are masked.
NOT_PHONES: list[str] = [
    "123456789",  # a Telegram user id
    "5123456789",
    "7123456789",  # ten digits that would be a valid number without the trunk 0: still an id
    "8884551090",
    "-1001234567890",  # a supergroup id
    "-1001380013800",
    "30000",
    "12,800.00",
    "¥12,800.00",
    "1,380,013,800",
    "2026-12-02 14:05",
    "2026-12-02T14:05:33.123+08:00",
    "2026-11-10 10:00:00,123",
    "20261202",
    "2026年12月2日14:05",
    "1733123456789",  # a timestamp in milliseconds
    "update 987654321",
    "update_id=987654321 message_id=12345",
    "error ab12cd34",
    "error 12345678",
    "138****8000",  # already masked
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "1234567890123456789",  # a longer run of digits is not a phone
]

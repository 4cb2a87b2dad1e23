"""Every word a person reads, in Chinese and English, looked up by a typed key (`Text`).

Values put into texts are HTML-escaped here. A key without a text, a text without a key, a
language missing, or two languages disagreeing about a text's placeholders stops the import, so
none of them is found first by a user. Why not gettext/Babel catalogs (.po): the translators are
the chain's own bilingual staff editing two short strings side by side in one review, and the
catalogs are small (a few hundred texts) and change with the code — a .po workflow (extract,
merge, compile) would add tools and a build step and split each text from its translation.

Plural forms: a placeholder written `{count:registration|registrations}` is replaced by the
first word when the value is 1 and by the second otherwise, so "{count} open
{count:registration|registrations}" reads "1 open registration" and "2 open registrations".
English needs it wherever a count stands before a noun; Chinese has no plural and writes the
count alone (`{count} 个`). A spec with a `|` must name exactly two forms (checked at import).
"""

from __future__ import annotations

import html
import string
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n.catalog import TEXTS
from bot.i18n.keys import Text

LANGUAGES = ("zh", "en")
# What a text falls back to for a language it does not have (the chain's own language).
FALLBACK_LANGUAGE = LANGUAGES[0]


def placeholders(template: str) -> frozenset[str]:
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field is not None)


def plural_forms(template: str) -> dict[str, tuple[str, str]]:
    """The placeholders that choose a word by their number: field → (one, other)."""
    forms = {}
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is not None and spec and "|" in spec:
            one, _, other = spec.partition("|")
            if not one or not other or "|" in other:
                raise ImportError(f"plural form {{{field}:{spec}}} must be one|other")
            forms[field] = (one, other)
    return forms


class _Formatter(string.Formatter):
    """str.format, with each value HTML-escaped (or not) and `{n:one|other}` choosing a form."""

    def __init__(self, escape: bool) -> None:
        self.escape = escape

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return one if str(value) == "1" else other
        text = format(value, format_spec)
        return html.escape(text, quote=False) if self.escape else text


_ESCAPING, _PLAIN = _Formatter(escape=True), _Formatter(escape=False)


def _check_catalog() -> None:
    missing, unknown = set(Text) - TEXTS.keys(), TEXTS.keys() - set(Text)
    if missing or unknown:
        raise ImportError(f"keys without texts: {sorted(missing)}; texts without keys: {sorted(unknown)}")
    for key, by_language in TEXTS.items():
        if set(by_language) != set(LANGUAGES):
            raise ImportError(f"text {key} has languages {sorted(by_language)}, not {LANGUAGES}")
        if len({placeholders(template) for template in by_language.values()}) != 1:
            raise ImportError(f"text {key}: the languages' placeholders differ")


_check_catalog()
# The templates choosing plural forms go through the formatter; the others keep str.format's speed.
_WITH_PLURALS = frozenset(
    template for by_language in TEXTS.values() for template in by_language.values() if plural_forms(template)
)

_WEEKDAYS = {
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _template(lang: str, key: Text) -> str:
    return TEXTS[key][lang if lang in LANGUAGES else FALLBACK_LANGUAGE]


def t(lang: str, key: Text, **values: object) -> str:
    """The text `key` in `lang`, with values HTML-escaped (replies are sent as HTML)."""
    template = _template(lang, key)
    if template in _WITH_PLURALS:
        return _ESCAPING.vformat(template, (), values)
    return template.format(**{k: html.escape(str(v), quote=False) for k, v in values.items()})


def raw(lang: str, key: Text, **values: object) -> str:
    """The text without escaping: for button labels and plain-text output such as the CLI."""
    template = _template(lang, key)
    if template in _WITH_PLURALS:
        return _PLAIN.vformat(template, (), values)
    return template.format(**{k: str(v) for k, v in values.items()})


def joined(lang: str, parts: list[str]) -> str:
    """Parts of one sentence, as the language lists them ('a，b' / 'a, b')."""
    return raw(lang, Text.list_separator).join(parts)


def when(lang: str, at: datetime, zone: ZoneInfo) -> str:
    """A moment in local time, as people say it: 'Thu 28 Nov 14:05' / '11月28日（周四）14:05'."""
    local = at.astimezone(zone)
    weekday = _WEEKDAYS["en" if lang == "en" else "zh"][local.weekday()]
    if lang == "en":
        return f"{weekday} {local.day} {_MONTHS_EN[local.month - 1]} {local:%H:%M}"
    return f"{local.month}月{local.day}日（{weekday}）{local:%H:%M}"


def language_of(telegram_language: str | None, default: str) -> str:
    if telegram_language:
        code = telegram_language.lower().split("-")[0]
        if code in LANGUAGES:
            return code
    return default

"""The texts and the commands table hold together: every key has its text in every language with
the same placeholders, every call fills exactly the placeholders of its text, and the commands
the bot handles, offers in its menus and lets into groups are the table's."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CommandHandler, ConversationHandler

from bot.chat.commands import COMMANDS, GROUP_COMMANDS
from bot.chat.menus import group_help, private_help
from bot.i18n import catalog, texts
from bot.i18n.keys import Text
from bot.i18n.texts import LANGUAGES, placeholders, raw, t
from domain.model import Channel, Role, Staff

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted((ROOT / "bot").glob("*/texts.py"))


def test_every_key_has_a_text_in_every_language_with_the_same_placeholders() -> None:
    assert set(Text) == set(catalog.TEXTS)
    for key in Text:
        versions = catalog.TEXTS[key]
        assert set(versions) == set(LANGUAGES), key
        assert all(versions.values()), key
        assert placeholders(versions["zh"]) == placeholders(versions["en"]), key


# What may stand in latin letters in a Chinese text: placeholders, commands, code and HTML.
_NOT_WORDS = re.compile(r"\{[^}]*\}|/[a-z_]+|<code>[^<]*</code>|<[^>]+>|&[a-z]+;")


def test_chinese_texts_address_the_reader_one_way_and_in_chinese_only() -> None:
    """你 throughout (a colleague's tool, not a shop's counter), and no English word in a reply."""
    formal = [key for key in Text if "您" in catalog.TEXTS[key]["zh"]]
    english = {
        key: words
        for key in Text
        if (words := re.findall(r"[A-Za-z]{2,}", _NOT_WORDS.sub("", catalog.TEXTS[key]["zh"])))
    }
    assert formal == [] and english == {}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.name)
def test_no_text_is_defined_twice_in_a_catalog(path: Path) -> None:
    """A dict literal keeps the last of two equal keys without a word; the source shows both."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), f"{path}: {sorted(k for k in keys if keys.count(k) > 1)}"


@pytest.mark.parametrize(
    "broken",
    [
        {"stranger": {"zh": "你好"}},  # a language missing
        {"stranger": {"zh": "你好 {name}", "en": "Hello {nam}"}},  # placeholders differ
        {"not_a_key": {"zh": "x", "en": "x"}},  # a text without a key
    ],
)
def test_a_broken_catalog_stops_the_import(monkeypatch: pytest.MonkeyPatch, broken: dict[str, Any]) -> None:
    monkeypatch.setattr(texts, "TEXTS", {**catalog.TEXTS, **broken})
    with pytest.raises(ImportError):
        texts._check_catalog()


def test_a_key_without_a_text_stops_the_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(texts, "TEXTS", {k: v for k, v in catalog.TEXTS.items() if k != Text.stranger})
    with pytest.raises(ImportError):
        texts._check_catalog()


def _text_calls() -> list[tuple[str, int, Text, set[str]]]:
    """Every t(...) / raw(...) in bot/ whose key is written as Text.<member>, with the names it
    fills (calls that spread a dict are left out: their names are not in the source)."""
    found = []
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"t", "raw"}
            ):
                continue
            if len(node.args) < 2 or any(k.arg is None for k in node.keywords):
                continue
            key = node.args[1]
            if isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) and key.value.id == "Text":
                names = {k.arg for k in node.keywords if k.arg is not None}
                found.append((str(path.relative_to(ROOT)), node.lineno, Text[key.attr], names))
    return found


def test_every_call_fills_exactly_the_placeholders_of_its_text() -> None:
    calls = _text_calls()
    assert len(calls) > 200  # the scan finds the calls
    wrong = [
        f"{path}:{line} {key}: gives {sorted(names)}, has {sorted(placeholders(catalog.TEXTS[key]['zh']))}"
        for path, line, key, names in calls
        if names != placeholders(catalog.TEXTS[key]["zh"])
    ]
    assert not wrong, "\n".join(wrong)


def test_no_text_is_looked_up_by_a_string() -> None:
    with pytest.raises(KeyError):
        t("zh", "no_such_text")  # type: ignore[arg-type]


def test_an_unknown_language_falls_back_to_the_chains_own() -> None:
    assert raw("fr", Text.cmd_new) == raw("zh", Text.cmd_new)


def _handled_commands(application: Any) -> set[str]:
    names: set[str] = set()

    def visit(handler: Any) -> None:
        if isinstance(handler, CommandHandler):
            names.update(handler.commands)
        elif isinstance(handler, ConversationHandler):
            for inner in [*handler.entry_points, *handler.fallbacks, *sum(handler.states.values(), [])]:
                visit(inner)

    for group in application.handlers.values():
        for handler in group:
            visit(handler)
    return names


def test_the_bot_handles_exactly_the_commands_of_the_table(tmp_path: Path) -> None:
    from bot.app import build_application
    from bot.config import Settings
    from storage.db import make_engine
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'commands.db'}"
    upgrade(url)
    settings = Settings(telegram_token="1:x", database_url=url, sweep_interval_seconds=0)
    application = build_application(settings, make_engine(url))
    assert _handled_commands(application) == {c.name for c in COMMANDS}


def test_groups_let_in_and_list_the_group_commands_only() -> None:
    assert {"bindteam", "unbindteam", "help"} == GROUP_COMMANDS
    for language in LANGUAGES:
        listed = {line.split()[0][1:] for line in group_help(language).splitlines() if line.startswith("/")}
        assert listed == GROUP_COMMANDS


def _staff(*roles: Role, channel: Channel = Channel.STORE) -> Staff:
    return Staff(
        id=1,
        telegram_id=1,
        name="王芳",
        roles=frozenset(roles),
        team_id=1,
        region=None,
        active=True,
        channel=channel,
    )


@pytest.mark.parametrize(
    ("staff", "admin", "expected"),
    [
        (_staff(Role.GUIDE), False, ["new", "follow", "mine", "aftersale", "cancel", "help"]),
        (
            _staff(Role.SALESPERSON, channel=Channel.FIELD),
            False,
            ["new", "follow", "mine", "aftersale", "quota", "extend", "cancel", "help"],
        ),
        (_staff(Role.DEPT_HEAD), False, ["history", "export", "arbitrate", "cancel", "help"]),
        (None, True, ["invite", "cancel", "help"]),
    ],
)
def test_help_lists_the_commands_the_persons_roles_offer(
    staff: Staff | None, admin: bool, expected: list[str]
) -> None:
    lines = private_help("zh", staff, admin).splitlines()
    assert [line.split()[0][1:] for line in lines[::2]] == expected
    # Each with a one-line example of its use under it (issue 13).
    assert all(line.startswith("<i>例：") for line in lines[1::2])
    assert len(lines) == 2 * len(expected)


def test_someone_without_a_role_is_told_so() -> None:
    assert private_help("en", _staff(), False) == t("en", Text.menu_none)

"""Issue 13: every mistake on the command line is one sentence on stderr, in the configured
language, saying what to do — exit 2, no traceback, no usage box, no bare code."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, language: str = "en"):
        monkeypatch.setenv("LEADBOT_DEFAULT_LANGUAGE", language)
        return runner.invoke(app, list(args))

    assert invoke("team", "add", "朝阳店", "--channel", "store").exit_code == 0
    assert invoke("team", "add", "业务一部", "--channel", "field").exit_code == 0
    staff = ("staff", "add", "--telegram-id", "11", "--name", "王芳", "--role", "guide", "--team", "朝阳店")
    assert invoke(*staff).exit_code == 0
    return invoke


def sentence(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "╭" not in result.output and "Usage:" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (
            ("team", "add", "朝阳店", "--channel", "store"),
            "team 朝阳店 already exists — see `leadbot team list`",
            "团队「朝阳店」已经存在，请查看 `leadbot team list`",
        ),
        (
            ("staff", "add", "--telegram-id", "12", "--name", "李", "--role", "guide", "--team", "无此店"),
            "there is no team named 无此店 — see `leadbot team list`",
            "没有名为「无此店」的团队，请查看 `leadbot team list`",
        ),
        (
            ("staff", "add", "--telegram-id", "12", "--name", "李", "--role", "salesperson"),
            "a field salesperson belongs to a team: add `--team` (see `leadbot team list`)",
            "业务员属于某个团队，请加上 `--team`（见 `leadbot team list`）",
        ),
        (
            ("staff", "add", "--telegram-id", "12", "--name", "李", "--role", "guide", "--team", "业务一部"),
            "a store guide works in a store team and 业务一部 is not one; "
            "pick another (see `leadbot team list`)",
            "导购要在门店团队，「业务一部」不是；请换一个团队（见 `leadbot team list`）",
        ),
        (
            ("staff", "deactivate", "999"),
            "nobody on the roster has Telegram id 999 — see `leadbot staff list`",
            "名单上没有电报编号为 999 的人，请查看 `leadbot staff list`",
        ),
        (
            ("registrations", "--team", "无此店"),
            "there is no team named 无此店 — see `leadbot team list`",
            "没有名为「无此店」的团队，请查看 `leadbot team list`",
        ),
        (
            ("registrations", "--at", "next week"),
            "`--at`: next week is not a time; write it like 2026-11-27T14:30+08:00",
            "`--at`：next week 不是时间，请写成 2026-11-27T14:30+08:00 这样",
        ),
        (
            ("digest", "--team", "朝阳店", "--date", "11/09/2026"),
            "`--date`: 11/09/2026 is not a date; write it like 2026-11-27",
            "`--date`：11/09/2026 不是日期，请写成 2026-11-27 这样",
        ),
        (
            ("follow-up", "1", "--staff", "11", "--kind", "deposit", "--amount", "lots"),
            "`--amount`: lots is not an amount in yuan; write it like 12800 or 3500.50",
            "`--amount`：lots 不是金额（元），请写成 12800 或 3500.50 这样",
        ),
        (
            ("follow-up", "1", "--staff", "11", "--kind", "deal", "--amount", "20000000"),
            "`--amount`: 20000000 is too large; at most ¥10,000,000",
            "`--amount`：20000000 太大了，最多 ¥10,000,000",
        ),
    ],
)
def test_each_mistake_is_a_sentence_with_the_fix_in_the_configured_language(cli, args, en, zh) -> None:
    assert sentence(cli(*args)) == en
    assert sentence(cli(*args, language="zh")) == zh


@pytest.mark.parametrize(
    ("args", "says", "command"),
    [
        (
            ("staff", "add", "--telegram-id", "5", "--name", "A", "--role", "king"),
            "'king' is not one of",
            "staff add",
        ),
        (("team", "add", "X"), "Missing option '--channel'", "team add"),
        (("team", "add", "X", "--chanel", "store"), "No such option", "team add"),
        (
            ("file", "--staff", "x", "--name", "a", "--phone", "1", "--address", "b"),
            "Invalid value for '--staff'",
            "file",
        ),
        (("tema", "list"), "No such command", ""),
    ],
)
def test_usage_errors_are_one_line_pointing_at_the_commands_help(cli, args, says, command) -> None:
    line = sentence(cli(*args))
    assert says in line and line.endswith(f"— see `{' '.join(['leadbot', *command.split()])} --help`"), line
    assert sentence(cli(*args, language="zh")).endswith("--help`")


def test_the_same_telegram_id_again_updates_the_person_and_says_so(cli) -> None:
    again = cli(
        "staff", "add", "--telegram-id", "11", "--name", "王芳芳", "--role", "guide", "--team", "朝阳店"
    )
    assert again.exit_code == 0
    assert again.stdout.strip() == "Telegram id 11 was on the roster already; updated: 王芳芳"
    assert cli("staff", "list").stdout.count("\n") == 1


def test_help_without_arguments_is_still_the_help(cli) -> None:
    result = cli()
    assert "Usage" in result.output and "team" in result.output

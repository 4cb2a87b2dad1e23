"""The command line: roster, filing with --json, exit codes 0 / 2 / 3."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.setenv("LEADBOT_DEFAULT_LANGUAGE", "en")  # the CLI speaks the configured language
    monkeypatch.chdir(tmp_path)  # no stray .env is read

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    assert invoke("team", "add", "朝阳店", "--channel", "store", "--region", "北京").exit_code == 0
    assert invoke("team", "add", "业务一部", "--channel", "field").exit_code == 0
    assert (
        invoke(
            "staff", "add", "--telegram-id", "11", "--name", "王芳", "--role", "guide", "--team", "朝阳店"
        ).exit_code
        == 0
    )
    assert (
        invoke(
            "staff",
            "add",
            "--telegram-id",
            "12",
            "--name",
            "李强",
            "--role",
            "salesperson",
            "--team",
            "业务一部",
        ).exit_code
        == 0
    )
    return invoke


def test_file_accepted_then_duplicate_as_json(cli) -> None:
    first = cli(
        "file",
        "--staff",
        "11",
        "--name",
        "张三",
        "--phone",
        "138 0013 8000",
        "--address",
        "北京市朝阳区建国路88号",
        "--json",
    )
    assert first.exit_code == 0, first.output
    verdict = json.loads(first.stdout)
    assert (
        verdict["outcome"] == "accepted"
        and verdict["reason"] is None
        and isinstance(verdict["registration_id"], int)
    )
    second = cli(
        "file",
        "--staff",
        "12",
        "--name",
        "张三",
        "--phone",
        "+86 138-0013-8000",
        "--address",
        "北京市朝阳区建国路88号",
        "--json",
    )
    assert second.exit_code == 3
    assert json.loads(second.stdout) == {
        "outcome": "rejected",
        "reason": "duplicate",
        "registration_id": None,
        "needs_review": False,
        "holder": "王芳",  # who holds the customer (duplicate) or whose after-sale customer (already_sold)
    }


def test_file_incomplete_and_late_exit_3_with_the_reason(cli) -> None:
    bad = cli("file", "--staff", "11", "--name", "张三", "--phone", "12345", "--address", "北京")
    assert (
        bad.exit_code == 3 and bad.stdout.startswith("rejected: incomplete details (") and "5" in bad.stdout
    )
    late = cli(
        "file",
        "--staff",
        "11",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        "--address",
        "北京市朝阳区建国路88号",
        "--obtained-at",
        "2020-01-01T10:00+08:00",
        "--json",
    )
    assert late.exit_code == 3 and json.loads(late.stdout)["reason"] == "late"


def test_file_as_a_stranger_is_not_staff(cli) -> None:
    result = cli(
        "file",
        "--staff",
        "999",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        "--address",
        "北京市朝阳区建国路88号",
        "--json",
    )
    assert result.exit_code == 3 and json.loads(result.stdout)["reason"] == "not_staff"


def test_bad_usage_exits_2(cli) -> None:
    assert cli("file", "--staff", "11").exit_code == 2
    assert cli("file", "--staff", "x", "--name", "a", "--phone", "1", "--address", "b").exit_code == 2
    assert (
        cli(
            "file",
            "--staff",
            "11",
            "--name",
            "a",
            "--phone",
            "1",
            "--address",
            "b",
            "--obtained-at",
            "yesterday",
        ).exit_code
        == 2
    )
    assert cli("team", "add", "X", "--channel", "online").exit_code == 2
    assert cli("staff", "add", "--telegram-id", "5", "--name", "A", "--role", "king").exit_code == 2


def test_roster_refusals_exit_2_with_a_sentence(cli) -> None:
    """What the operator typed cannot be done: exit 2 and the fix (tests/bot/test_cli_errors.py
    has every sentence)."""
    exists = cli("team", "add", "朝阳店", "--channel", "store")
    assert exists.exit_code == 2
    assert one_line(exists) == "team 朝阳店 already exists — see `leadbot team list`"
    no_team = cli("staff", "add", "--telegram-id", "13", "--name", "A", "--role", "guide")
    assert no_team.exit_code == 2 and "add `--team`" in one_line(no_team)
    unknown = cli("staff", "add", "--telegram-id", "13", "--name", "A", "--role", "guide", "--team", "无此店")
    assert unknown.exit_code == 2 and "no team named 无此店" in one_line(unknown)
    channel = cli(
        "staff", "add", "--telegram-id", "13", "--name", "A", "--role", "guide", "--team", "业务一部"
    )
    assert channel.exit_code == 2 and "store team and 业务一部 is not one" in one_line(channel)
    nobody = cli("staff", "deactivate", "999")
    assert nobody.exit_code == 2 and "nobody on the roster has Telegram id 999" in one_line(nobody)


def test_staff_list_and_deactivate(cli) -> None:
    assert cli("staff", "deactivate", "11").exit_code == 0
    listing = cli("staff", "list").stdout
    assert "王芳" in listing and "deactivated" in listing
    after = cli(
        "file",
        "--staff",
        "11",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        "--address",
        "北京市朝阳区建国路88号",
        "--json",
    )
    assert json.loads(after.stdout)["reason"] == "not_staff"


def test_bad_setting_stops_with_one_line_naming_the_variable(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "LEADBOT_FIELD_MONTHLY_QUOTA": "twenty",
        "LEADBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "list"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("LEADBOT_FIELD_MONTHLY_QUOTA:")


def test_run_without_a_token_exits_2(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LEADBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "`LEADBOT_TELEGRAM_TOKEN`" in result.stderr and "@BotFather" in result.stderr


# --- issue 10 items 5 and 7: absurd times, ids and texts: one sentence, never a traceback -------------


def one_line(result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


FILE = (
    "file",
    "--staff",
    "11",
    "--name",
    "张三",
    "--phone",
    "13800138000",
    "--address",
    "北京市朝阳区建国路88号",
)


@pytest.mark.parametrize(
    ("obtained", "says"),
    [
        ("0001-01-01", "more than 100 years"),
        ("0001-01-01T00:00:00+14:00", "more than 100 years"),
        ("9999-12-31T23:59:59", "more than 100 years"),
        ("9999-12-31T23:59:59-12:00", "more than 100 years"),
        ("2999-01-01T10:00+08:00", "more than 100 years"),
        ("2099-01-01T10:00+08:00", "has not come yet"),
    ],
)
def test_absurd_or_future_obtained_at_exits_2_with_one_line(cli, obtained: str, says: str) -> None:
    result = cli(*FILE, "--obtained-at", obtained)
    assert result.exit_code == 2 and says in one_line(result) and "--obtained-at" in result.output


@pytest.mark.parametrize("bad_id", ["99999999999999999999", "-1", "0", "9223372036854775808"])
def test_absurd_ids_exit_2_with_one_line(cli, bad_id: str) -> None:
    for args in (
        ("file", "--staff", bad_id, *FILE[3:]),
        ("registrations", "--staff", bad_id),
        ("follow-up", "1", "--staff", bad_id, "--kind", "call"),
        ("staff", "add", "--telegram-id", bad_id, "--name", "赵六", "--role", "guide", "--team", "朝阳店"),
    ):
        result = cli(*args)
        assert result.exit_code == 2 and "not an id" in one_line(result), args
    for args in (("follow-up", bad_id, "--staff", "11", "--kind", "call"), ("staff", "deactivate", bad_id)):
        if bad_id.startswith("-"):
            continue  # an argument "-1" reads as an option: click's own usage error
        result = cli(*args)
        assert result.exit_code == 2 and "not an id" in one_line(result), args


def test_absurd_instants_and_days_elsewhere_exit_2(cli) -> None:
    for args in (
        ("registrations", "--at", "0001-01-01"),
        ("registrations", "--at", "9999-12-31T23:59:59"),
        ("digest", "--team", "朝阳店", "--date", "0001-01-01"),
        ("export", "--team", "朝阳店", "--out", "x.xlsx", "--at", "0001-01-01T00:00"),
        ("sweep", "--dry-run", "--at", "9999-12-31T23:59:59"),
        ("follow-up", "1", "--staff", "11", "--kind", "call", "--next-contact", "0001-01-01"),
    ):
        result = cli(*args)
        assert result.exit_code == 2 and "more than 100 years" in one_line(result), args


def test_follow_up_note_capped_and_next_contact_ahead(cli) -> None:
    filed = json.loads(cli(*FILE, "--json").stdout)["registration_id"]
    past = cli(
        "follow-up", str(filed), "--staff", "11", "--kind", "call", "--next-contact", "2020-01-01T10:00+08:00"
    )
    assert past.exit_code == 2 and "has passed" in one_line(past)
    long = cli("follow-up", str(filed), "--staff", "11", "--kind", "call", "--note", "记" * 5000)
    assert long.exit_code == 3 and "at most 500 characters" in one_line(long)
    ok = cli(
        "follow-up",
        str(filed),
        "--staff",
        "11",
        "--kind",
        "call",
        "--note",
        "客户周末来店",
        "--next-contact",
        "2099-01-01T10:00",
    )
    assert ok.exit_code == 0, ok.output


def test_5000_character_team_and_staff_names_are_refused_and_nothing_stored(cli) -> None:
    team = cli("team", "add", "店" * 5000, "--channel", "store")
    assert team.exit_code == 2 and "team name is too long (at most 80 characters)" in one_line(team)
    staff = cli(
        "staff", "add", "--telegram-id", "13", "--name", "王" * 5000, "--role", "guide", "--team", "朝阳店"
    )
    assert staff.exit_code == 2 and "name is too long (at most 80 characters)" in one_line(staff)
    assert "店" * 81 not in cli("team", "list").stdout
    assert "13\t" not in cli("staff", "list").stdout

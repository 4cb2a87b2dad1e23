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
    monkeypatch.chdir(tmp_path)  # no stray .env is read

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    assert invoke("team", "add", "朝阳店", "--channel", "store", "--region", "北京").exit_code == 0
    assert invoke("team", "add", "业务一部", "--channel", "field").exit_code == 0
    assert invoke("staff", "add", "--telegram-id", "11", "--name", "王芳", "--role", "guide", "--team", "朝阳店").exit_code == 0
    assert invoke("staff", "add", "--telegram-id", "12", "--name", "李强", "--role", "salesperson", "--team", "业务一部").exit_code == 0
    return invoke


def test_file_accepted_then_duplicate_as_json(cli) -> None:
    first = cli("file", "--staff", "11", "--name", "张三", "--phone", "138 0013 8000", "--address", "北京市朝阳区建国路88号", "--json")
    assert first.exit_code == 0, first.output
    verdict = json.loads(first.stdout)
    assert verdict["outcome"] == "accepted" and verdict["reason"] is None and isinstance(verdict["registration_id"], int)
    second = cli("file", "--staff", "12", "--name", "张三", "--phone", "+86 138-0013-8000", "--address", "北京市朝阳区建国路88号", "--json")
    assert second.exit_code == 3
    assert json.loads(second.stdout) == {"outcome": "rejected", "reason": "duplicate", "registration_id": None, "needs_review": False}


def test_file_incomplete_and_late_exit_3_with_the_reason(cli) -> None:
    bad = cli("file", "--staff", "11", "--name", "张三", "--phone", "12345", "--address", "北京")
    assert bad.exit_code == 3 and "incomplete" in bad.stdout and "5" in bad.stdout
    late = cli("file", "--staff", "11", "--name", "张三", "--phone", "13800138000", "--address", "北京市朝阳区建国路88号",
               "--obtained-at", "2020-01-01T10:00+08:00", "--json")
    assert late.exit_code == 3 and json.loads(late.stdout)["reason"] == "late"


def test_file_as_a_stranger_is_not_staff(cli) -> None:
    result = cli("file", "--staff", "999", "--name", "张三", "--phone", "13800138000", "--address", "北京市朝阳区建国路88号", "--json")
    assert result.exit_code == 3 and json.loads(result.stdout)["reason"] == "not_staff"


def test_bad_usage_exits_2(cli) -> None:
    assert cli("file", "--staff", "11").exit_code == 2
    assert cli("file", "--staff", "x", "--name", "a", "--phone", "1", "--address", "b").exit_code == 2
    assert cli("file", "--staff", "11", "--name", "a", "--phone", "1", "--address", "b", "--obtained-at", "yesterday").exit_code == 2
    assert cli("team", "add", "X", "--channel", "online").exit_code == 2
    assert cli("staff", "add", "--telegram-id", "5", "--name", "A", "--role", "king").exit_code == 2


def test_roster_refusals_exit_3(cli) -> None:
    assert cli("team", "add", "朝阳店", "--channel", "store").exit_code == 3  # exists
    assert cli("staff", "add", "--telegram-id", "13", "--name", "A", "--role", "guide").exit_code == 3  # no team
    assert cli("staff", "add", "--telegram-id", "13", "--name", "A", "--role", "guide", "--team", "无此店").exit_code == 3
    assert cli("staff", "add", "--telegram-id", "13", "--name", "A", "--role", "guide", "--team", "业务一部").exit_code == 3
    assert cli("staff", "deactivate", "999").exit_code == 3


def test_staff_list_and_deactivate(cli) -> None:
    assert cli("staff", "deactivate", "11").exit_code == 0
    listing = cli("staff", "list").stdout
    assert "王芳" in listing and "deactivated" in listing
    after = cli("file", "--staff", "11", "--name", "张三", "--phone", "13800138000", "--address", "北京市朝阳区建国路88号", "--json")
    assert json.loads(after.stdout)["reason"] == "not_staff"


def test_bad_setting_stops_with_one_line_naming_the_variable(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LEADBOT_FIELD_MONTHLY_QUOTA": "twenty", "LEADBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run([sys.executable, "-m", "bot", "staff", "list"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("LEADBOT_FIELD_MONTHLY_QUOTA:")


def test_run_without_a_token_exits_2(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LEADBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("LEADBOT_TELEGRAM_TOKEN:")


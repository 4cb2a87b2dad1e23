"""`leadbot sweep`: one pass at an instant, dry run records nothing, quiet hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from bot.cli import app
from domain.rules import Rules
from storage.db import make_engine
from storage.tables import DeliveryRow, RegistrationRow
from tests.fakebot_http import FakeBotServer

runner = CliRunner()
ADDRESS = "北京市朝阳区建国路88号"


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.delenv("LEADBOT_TELEGRAM_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    invoke("team", "add", "朝阳店", "--channel", "store")
    invoke("staff", "add", "--telegram-id", "11", "--name", "王芳", "--role", "guide", "--team", "朝阳店")
    assert (
        invoke(
            "file",
            "--staff",
            "11",
            "--name",
            "张三",
            "--phone",
            "13800138000",
            "--address",
            "北京市朝阳区建国路88号",
        ).exit_code
        == 0
    )
    return invoke


def _filed_at(db_url: str) -> datetime:
    with make_engine(db_url).connect() as conn:
        return conn.execute(sa.select(RegistrationRow.filed_at)).scalar_one()


def _in_working_hours(at: datetime) -> datetime:
    """`at`, or the next local noon if `at` falls in quiet hours (the filing is made at the real
    time of the test run, which may be at night in Shanghai)."""
    local = at.astimezone(ZoneInfo("Asia/Shanghai"))
    if 8 <= local.hour < 21:
        return at
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon > local else noon + timedelta(days=1)


def test_dry_run_lists_masked_and_records_nothing(cli, db_url: str) -> None:
    # Within a day after the follow-up reminder's window opens (day 2), in working hours.
    at = _in_working_hours(_filed_at(db_url) + timedelta(days=2, minutes=1)).isoformat()
    result = cli("sweep", "--at", at, "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "would send\tfollow_up\t王芳\t138****8000" in result.stdout
        and "13800138000" not in result.stdout
        and "138 0013 8000" not in result.stdout
    )
    assert cli("sweep", "--at", at, "--dry-run").stdout == result.stdout  # nothing recorded
    with make_engine(db_url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(DeliveryRow)).scalar_one() == 0


def test_quiet_hours_and_missing_token(cli) -> None:
    quiet = cli("sweep", "--at", "2026-11-29T23:00+08:00", "--dry-run")
    assert quiet.exit_code == 0 and "wait until 2026-11-30 08:00" in quiet.stdout
    assert cli("sweep", "--at", "2026-11-29T13:00+08:00").exit_code == 2
    assert cli("sweep", "--at", "soon", "--dry-run").exit_code == 2


def test_a_sweep_past_telegrams_flood_limits_delivers_everything_in_one_run(
    cli, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`leadbot sweep` sends through the bot's rate limiter: a second per person, and Telegram's
    429s waited out, rather than most reminders refused and left for the next run."""
    at = _in_working_hours(_filed_at(db_url) + timedelta(days=2, minutes=1)).isoformat()
    cli("staff", "add", "--telegram-id", "12", "--name", "刘洋", "--role", "guide", "--team", "朝阳店")
    for i in range(1, 5):
        for staff in ("11", "12"):
            phone = f"139{staff}{i:06d}"
            filed = cli(
                "file", "--staff", staff, "--name", f"客户{staff}{i}", "--phone", phone, "--address", ADDRESS
            )
            assert filed.exit_code == 0, filed.output
    with FakeBotServer() as server:
        server.fake.enforce_flood_limits(per_chat=(1, 1.0), overall=(30, 1.0), retry_after=1)
        monkeypatch.setenv("LEADBOT_TELEGRAM_TOKEN", "123:ABC")
        monkeypatch.setenv("LEADBOT_TELEGRAM_BASE_URL", server.base_url)
        result = cli("sweep", "--at", at)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 9 and all(line.startswith("sent\t") for line in lines), lines
        delivered = [c for c in server.calls_snapshot() if c.method == "sendMessage" and c.ok]
        assert len(delivered) == 9 and len({c.params["text"] for c in delivered}) == 9  # none twice
    with make_engine(db_url).connect() as conn:
        statuses = conn.execute(sa.select(DeliveryRow.status)).scalars().all()
    assert statuses == ["sent"] * 9


def test_dry_run_lists_after_sale_reminders_too(cli, db_url: str) -> None:
    with make_engine(db_url).connect() as conn:
        registration_id = conn.execute(sa.select(RegistrationRow.id)).scalar_one()
    deal = cli("follow-up", str(registration_id), "--staff", "11", "--kind", "deal", "--amount", "9800")
    assert deal.exit_code == 0, deal.output
    rules = Rules()
    today = datetime.now(rules.zone).date()
    first_day = rules.calendar.after(today, 1)  # the first working day after the deal
    at = datetime.combine(first_day, time(10), tzinfo=rules.zone).isoformat()
    result = cli("sweep", "--at", at, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send\tas_first_contact\t王芳\t138****8000" in result.stdout

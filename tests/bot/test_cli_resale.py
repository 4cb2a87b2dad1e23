"""`leadbot resale` (RULES §7, repeat purchase) on SQLite and PostgreSQL: the holder opens a new
registration from the won one, stored with `resale_of_id` (migration 0014) and read back; a manager
for a colleague once the holder left; `leadbot file` names whose after-sale customer it is; exit
0 / 2 / 3 and garbage input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import bot.cli.common as cli_module
from bot.cli import app
from storage.tables import AftersaleCareRow, RegistrationRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, make_roster

runner = CliRunner()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
NOW = T0 + timedelta(days=40)


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "13800138000" not in result.output
    return result


@pytest.fixture
def world(engine, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """王芳 (101) won the customer 13800138000 at T0 + 1 day."""
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    roster = make_roster(engine)
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0)
    filed = invoke(
        "file", "--staff", "101", "--name", "张三", "--phone", "13800138000", "--address", ADDRESS, "--json"
    )
    won = json.loads(filed.stdout)["registration_id"]
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + timedelta(days=1))
    deal = invoke("follow-up", str(won), "--staff", "101", "--kind", "deal", "--amount", "9800")
    assert deal.exit_code == 0, deal.output
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)
    return roster, won


def test_the_holder_opens_a_repeat_purchase(world) -> None:
    roster, won = world
    with roster.engine.connect() as conn:
        care_before = conn.execute(sa.select(AftersaleCareRow)).all()
    result = invoke("resale", str(won), "--staff", "101", "--needs", "再买一个衣柜", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["outcome"], out["resale_of"], out["holder"]) == ("opened", won, "王芳")
    with SqlUnitOfWork(roster.engine) as uow:
        new = uow.registrations.registration(out["registration_id"])
        old = uow.registrations.registration(won)
        assert new is not None and old is not None
        assert (new.resale_of_id, new.needs, new.filed_at, new.customer_name) == (
            won,
            "再买一个衣柜",
            NOW,
            "张三",
        )
        assert (new.holder_id, new.holds_claim, new.closure) == (roster.guide.id, True, None)
        assert uow.registrations.claim_for(new.customer_id) == new
        assert old.closure is not None and old.resale_of_id is None
        assert uow.registrations.last_won(new.customer_id) == old
    with roster.engine.connect() as conn:
        assert conn.execute(sa.select(AftersaleCareRow)).all() == care_before
    again = invoke("resale", str(won), "--staff", "101")
    assert again.exit_code == 3 and "refused: customer_open" in again.stdout and "王芳" in again.stdout


def test_others_filing_are_told_whose_after_sale_customer_it_is(world) -> None:
    _, won = world
    filed = invoke("file", "--staff", "102", "--name", "张三", "--phone", "13800138000", "--address", ADDRESS)
    assert filed.exit_code == 3
    assert "这位客户是王芳的售后客户（11月11日（周三）10:00成交），再次购买请联系王芳" in filed.stdout
    as_json = invoke(
        "file", "--staff", "102", "--name", "张三", "--phone", "13800138000", "--address", ADDRESS, "--json"
    )
    assert json.loads(as_json.stdout) | {"registration_id": None} == {
        "outcome": "rejected",
        "reason": "already_sold",
        "registration_id": None,
        "needs_review": False,
        "holder": "王芳",
    }
    refused = invoke("resale", str(won), "--staff", "102", "--json")
    assert refused.exit_code == 3 and json.loads(refused.stdout)["refusal"] == "resale_not_entitled"


def test_a_manager_opens_it_for_a_colleague_once_the_holder_left(world) -> None:
    roster, won = world
    assert invoke("staff", "deactivate", "101").exit_code == 0
    needed = invoke("resale", str(won), "--staff", "301")
    assert needed.exit_code == 3 and "holder_needed" in needed.stdout
    other_team = invoke("resale", str(won), "--staff", "301", "--holder", "201")
    assert other_team.exit_code == 3 and "bad_holder" in other_team.stdout
    opened = invoke("resale", str(won), "--staff", "301", "--holder", "102")
    assert opened.exit_code == 0, opened.output
    assert "held by 刘洋" in opened.stdout and "138****8000" in opened.stdout
    with roster.engine.connect() as conn:
        holders = conn.execute(
            sa.select(RegistrationRow.holder_id).where(RegistrationRow.resale_of_id == won)
        ).all()
    assert holders == [(roster.guide2.id,)]


def test_outside_the_window_and_not_won(world, monkeypatch: pytest.MonkeyPatch) -> None:
    _, won = world
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + timedelta(days=367))
    late = invoke("resale", str(won), "--staff", "101")
    assert late.exit_code == 3 and "resale_window_over" in late.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("resale", "abc", "--staff", "101"),
        ("resale", "0", "--staff", "101"),
        ("resale", "1", "--staff", "-5"),
        ("resale", "1", "--staff", "101", "--holder", "x"),
        ("resale", "1", "--staff", "101", "--holder", "99999999"),
        ("resale", "1", "--staff", "101", "--expected-purchase", "someday"),
        ("resale", "99999", "--staff", "101"),
        ("resale", str(2**70), "--staff", "101"),
        ("resale", "1"),
    ],
)
def test_garbage_input_is_exit_2(world, args) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output

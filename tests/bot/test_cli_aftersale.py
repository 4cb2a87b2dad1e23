"""`leadbot follow-up` after the sale: every after-sale kind, exit 0 / 2 / 3, and garbage input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import bot.cli.common as cli_module
from bot.cli import app
from domain.decisions import Arbitration, arbitrate
from domain.model import Role
from domain.registrations import Refusal, Refused
from domain.roster import enrol
from domain.rules import Rules
from storage.tables import AftersaleContactRow, AftersaleItemRow, RegistrationEventRow
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, make_roster

runner = CliRunner()
ADDRESS = "北京市朝阳区建国路88号3栋1201"
NOW = T0 + timedelta(days=2)


@pytest.fixture
def world(engine, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """王芳 (101) won the customer 13800138000; 刘洋 (102) holds 13900139000, not won; 周客服 (401)
    is customer service of 朝阳店, 吴客服 (402) of 业务一部."""
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    roster = make_roster(engine)
    with SqlUnitOfWork(engine, write=True) as uow:
        for tid, name, team in ((401, "周客服", "朝阳店"), (402, "吴客服", "业务一部")):
            enrol(
                uow,
                telegram_id=tid,
                name=name,
                roles=frozenset({Role.SERVICE}),
                team_name=team,
                region=None,
                now=T0,
            )
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0)
    ids = {}
    for tid, phone, key in ((101, "13800138000", "won"), (102, "13900139000", "open")):
        filed = invoke(
            "file", "--staff", str(tid), "--name", "张三", "--phone", phone, "--address", ADDRESS, "--json"
        )
        ids[key] = json.loads(filed.stdout)["registration_id"]
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + timedelta(days=1))
    deal = invoke("follow-up", str(ids["won"]), "--staff", "101", "--kind", "deal", "--amount", "9800")
    assert deal.exit_code == 0, deal.output
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)
    return roster, ids


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "13800138000" not in result.output and "13900139000" not in result.output
    return result


def after_sale(reg: int, *args: str, staff: str = "101"):
    return invoke("follow-up", str(reg), "--staff", staff, *args)


def count(roster, table) -> int:
    with roster.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_an_after_sale_contact_with_a_score(world) -> None:
    roster, ids = world
    result = after_sale(ids["won"], "--kind", "aftersale", "--note", "电话回访", "--score", "5", "--json")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert (done["outcome"], done["kind"], done["item_id"]) == ("done", "aftersale", None)
    assert [d["kind"] for d in done["dues"]] == ["contact"]
    assert done["dues"][0]["due_at"] == (NOW + timedelta(days=30)).isoformat()
    with roster.engine.connect() as conn:
        kinds = conn.execute(
            sa.select(RegistrationEventRow.kind, RegistrationEventRow.score, RegistrationEventRow.note)
            .where(RegistrationEventRow.registration_id == ids["won"])
            .order_by(RegistrationEventRow.id)
        ).all()
    assert [tuple(k) for k in kinds[-2:]] == [
        ("aftersale_contact", None, "电话回访"),
        ("satisfaction", 5, None),
    ]


def test_the_plain_output_lists_what_is_due(world) -> None:
    _roster, ids = world
    result = after_sale(ids["won"], "--kind", "aftersale", staff="401")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"done: registration {ids['won']}, aftersale recorded",
        "due: contact by 2026-12-12 10:00",
    ]


def test_problems_and_needs_opened_and_closed(world) -> None:
    roster, ids = world
    problem = after_sale(ids["won"], "--kind", "problem", "--note", "床板异响")
    assert problem.exit_code == 0, problem.output
    first_line, *dues = problem.stdout.splitlines()
    assert first_line == f"done: registration {ids['won']}, problem #1 recorded"
    # Thursday 12 November: Fri 13, Mon 16, Tue 17 → due by the end of Tuesday.
    assert "due: problem #1 by 2026-11-18 00:00" in dues
    need = json.loads(after_sale(ids["won"], "--kind", "need", "--note", "加床头柜", "--json").stdout)
    assert need["item_id"] == 2
    assert {"kind": "need", "due_at": "2026-11-16T16:00:00+00:00", "overdue": False, "item_id": 2} in need[
        "dues"
    ]
    assert after_sale(ids["won"], "--kind", "solved", "--note", "已更换").exit_code == 0
    met = after_sale(ids["won"], "--kind", "met", "--item", "2", "--json", staff="401")
    assert met.exit_code == 0, met.output
    assert json.loads(met.stdout)["item_id"] == 2
    with roster.engine.connect() as conn:
        closed = (
            conn.execute(sa.select(AftersaleItemRow.closed_at).order_by(AftersaleItemRow.id)).scalars().all()
        )
    assert closed == [NOW, NOW]


def test_satisfaction_on_its_own_once(world) -> None:
    roster, ids = world
    first = after_sale(ids["won"], "--kind", "satisfaction", "--score", "4", "--note", "送货快")
    assert first.exit_code == 0, first.output
    again = after_sale(ids["won"], "--kind", "satisfaction", "--score", "2", "--json")
    assert again.exit_code == 3
    assert json.loads(again.stdout)["refusal"] == "already_rated"
    assert count(roster, AftersaleContactRow) == 1  # the score recorded the first contact with it


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (("--kind", "aftersale"), "not_won"),  # on the open registration
        (("--kind", "problem", "--note", "x"), "not_won"),
    ],
)
def test_not_won_is_refused_with_a_sentence(world, args, refusal) -> None:
    _roster, ids = world
    result = after_sale(ids["open"], *args, staff="102")
    assert result.exit_code == 3
    assert result.stdout.strip() == (
        f"refused: not_won (registration {ids['open']}: This registration is not won (now: active); "
        "after-sale care starts with the deal.)"
    )


@pytest.mark.parametrize("staff", ["102", "402", "301", "999"])
def test_staff_not_entitled_are_refused(world, staff: str) -> None:
    roster, ids = world
    result = after_sale(ids["won"], "--kind", "aftersale", "--json", staff=staff)
    assert result.exit_code == 3
    assert json.loads(result.stdout)["refusal"] == ("not_staff" if staff == "999" else "not_carer")
    assert count(roster, AftersaleContactRow) == 0


def test_unknown_item_and_which_item(world) -> None:
    roster, ids = world
    nothing = after_sale(ids["won"], "--kind", "solved")
    assert nothing.exit_code == 3 and nothing.stdout.startswith("refused: no_open_item")
    for note in ("门把手松", "漆面划痕"):
        assert after_sale(ids["won"], "--kind", "problem", "--note", note).exit_code == 0
    unknown = after_sale(ids["won"], "--kind", "solved", "--item", "77", "--json")
    assert unknown.exit_code == 3 and json.loads(unknown.stdout)["refusal"] == "no_such_item"
    which = after_sale(ids["won"], "--kind", "solved")
    assert which.exit_code == 3
    assert which.stdout.strip().endswith("Open: #1, #2; say which with --item.)")
    assert after_sale(ids["won"], "--kind", "met", "--item", "1").exit_code == 3  # a problem, not a need
    assert after_sale(ids["won"], "--kind", "solved", "--item", "1").exit_code == 0
    closed = after_sale(ids["won"], "--kind", "solved", "--item", "1", "--json")
    assert json.loads(closed.stdout)["refusal"] == "item_closed"
    assert after_sale(ids["won"], "--kind", "aftersale", "--item", "1").exit_code == 2


def test_care_ended_after_twelve_months(world, monkeypatch: pytest.MonkeyPatch) -> None:
    _roster, ids = world
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + timedelta(days=1, weeks=53))
    result = after_sale(ids["won"], "--kind", "aftersale", "--json")
    assert result.exit_code == 3 and json.loads(result.stdout)["refusal"] == "care_ended"


@pytest.mark.parametrize(
    "bad",
    [
        ("--kind", "satisfaction", "--score", "0"),
        ("--kind", "satisfaction", "--score", "6"),
        ("--kind", "satisfaction", "--score", "abc"),
        ("--kind", "satisfaction"),  # no score
        ("--kind", "aftersale", "--score", "9"),
        ("--kind", "problem"),  # no note
        ("--kind", "need", "--note", "   "),
        ("--kind", "solved", "--item", "0"),
        ("--kind", "solved", "--item", "x"),
        ("--kind", "problem", "--note", "x", "--score", "3"),
        ("--kind", "aftersale", "--amount", "100"),
        ("--kind", "call", "--score", "4"),
        ("--kind", "aftersales"),
    ],
)
def test_garbage_input_exits_2_and_records_nothing(world, bad: tuple[str, ...]) -> None:
    roster, ids = world
    before = count(roster, RegistrationEventRow)
    result = after_sale(ids["won"], *bad)
    assert result.exit_code == 2, result.output
    assert count(roster, RegistrationEventRow) == before
    assert count(roster, AftersaleContactRow) == count(roster, AftersaleItemRow) == 0


def test_customer_service_is_a_team_role_that_files_nothing(world) -> None:
    roster, ids = world
    added = invoke(
        "staff", "add", "--telegram-id", "403", "--name", "郑客服", "--role", "service", "--team", "朝阳店"
    )
    assert added.exit_code == 0, added.output
    assert any(
        line.startswith("403\t郑客服\tservice\t朝阳店")
        for line in invoke("staff", "list").stdout.splitlines()
    )
    no_team = invoke("staff", "add", "--telegram-id", "404", "--name", "无团队", "--role", "service")
    assert no_team.exit_code == 2 and "--team" in no_team.output  # a team role, like guide
    filed = invoke(
        "file", "--staff", "401", "--name", "李四", "--phone", "13700137000", "--address", ADDRESS, "--json"
    )
    assert json.loads(filed.stdout)["reason"] == "not_staff"  # 客服 never holds a customer
    # Nor can an arbitration make them the holder or give them the credit (domain.decisions: BAD_TARGET).
    with SqlUnitOfWork(roster.engine, write=True) as uow:
        enrol(
            uow,
            telegram_id=501,
            name="部门负责人",
            roles=frozenset({Role.DEPT_HEAD}),
            team_name=None,
            region=None,
            now=T0,
        )
    moved = arbitrate(
        roster.writer,
        actor_telegram_id=501,
        registration_id=ids["won"],
        decision=Arbitration.CREDIT,
        to_telegram_id=401,
        reason="客服跟进的",
        now=NOW,
        rules=Rules(),
    )
    assert moved == Refused(Refusal.BAD_TARGET)

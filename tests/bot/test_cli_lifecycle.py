"""`leadbot registrations` and `leadbot follow-up`: states and deadlines at an instant, exit codes
0 / 2 / 3."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import bot.cli.common as cli_module
from bot.cli import app
from domain.filing import Accepted, FilingRequest, file_registration
from domain.rules import Rules
from storage.tables import RegistrationEventRow
from tests.conftest import T0, Roster, make_roster

runner = CliRunner()
DAY = timedelta(days=1)
ADDRESS = "北京市朝阳区建国路88号3栋1201"
STORE_PHONE, FIELD_PHONE, FIELD2_PHONE = "13800138000", "13900139000", "13700137000"
FULL_PHONES = (STORE_PHONE, FIELD_PHONE, FIELD2_PHONE, "138 0013 8000")


def file(roster: Roster, telegram_id: int, phone: str, at=T0, name: str = "张三") -> int:
    outcome = file_registration(roster.writer, FilingRequest(telegram_id, name, phone, ADDRESS), at, Rules())
    assert isinstance(outcome, Accepted)
    return outcome.registration_id


@pytest.fixture
def world(engine, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """A store registration (王芳), a field one (李强) and one in another field group (赵磊), all at T0."""
    monkeypatch.setenv("LEADBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    roster = make_roster(engine)
    ids = {
        "store": file(roster, 101, STORE_PHONE, name="张三"),
        "field": file(roster, 201, FIELD_PHONE, name="李四"),
        "field2": file(roster, 202, FIELD2_PHONE, at=T0 + timedelta(hours=1), name="王五"),
    }
    return roster, ids


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    for phone in FULL_PHONES:
        assert phone not in result.output, result.output  # terminals and logs never get a full phone
    return result


def listing(*args: str) -> dict:
    result = invoke("registrations", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_id(found: dict) -> dict[int, dict]:
    return {row["id"]: row for row in found["registrations"]}


def at(instant) -> str:
    return instant.isoformat()


def test_states_and_deadlines_right_at_the_boundaries(world) -> None:
    _roster, ids = world
    store, field = ids["store"], ids["field"]
    before_due = by_id(listing("--at", at(T0 + 3 * DAY - timedelta(seconds=1))))
    assert before_due[store]["state"] == "active" and before_due[store]["deadline_kind"] == "follow_up"
    assert before_due[store]["deadline_at"] == at(T0 + 3 * DAY)
    due = by_id(listing("--at", at(T0 + 3 * DAY)))
    assert (due[store]["state"], due[store]["deadline_kind"], due[store]["deadline_at"]) == (
        "due",
        "lapse",
        at(T0 + 10 * DAY),
    )
    lapsed = by_id(listing("--at", at(T0 + 10 * DAY)))
    assert (lapsed[store]["state"], lapsed[store]["deadline_kind"]) == ("lapsed", None)
    # A lapsed field registration still owes its measurement: expiry is the next deadline.
    assert (lapsed[field]["state"], lapsed[field]["deadline_kind"], lapsed[field]["deadline_at"]) == (
        "lapsed",
        "expiry",
        at(T0 + 15 * DAY),
    )
    assert by_id(listing("--at", at(T0 + 15 * DAY - timedelta(seconds=1))))[field]["state"] == "lapsed"
    assert by_id(listing("--at", at(T0 + 15 * DAY)))[field]["state"] == "expired"


def test_rows_carry_masked_phone_names_holder_and_team(world) -> None:
    _roster, ids = world
    row = by_id(listing("--at", at(T0 + DAY)))[ids["field"]]
    assert row == {
        "id": ids["field"],
        "phone": "139****9000",
        "customer_name": "李四",
        "holder": "李强",
        "team": "业务一部",
        "filed_at": at(T0),
        "state": "active",
        "challenging": False,
        "deadline_kind": "follow_up",
        "deadline_at": at(T0 + 3 * DAY),
    }


def test_at_takes_local_time_and_leaves_out_what_was_not_filed_yet(world) -> None:
    _roster, ids = world
    # 10:30 in Shanghai on T0's day: 赵磊's filing at 11:00 local had not happened yet.
    found = listing("--at", "2026-11-10T10:30")
    assert found["at"] == at(T0 + timedelta(minutes=30))
    assert sorted(by_id(found)) == sorted([ids["store"], ids["field"]])
    assert listing("--at", at(T0 - timedelta(seconds=1)))["registrations"] == []


def test_team_and_staff_filters(world) -> None:
    _roster, ids = world
    assert list(by_id(listing("--team", "业务一部", "--at", at(T0 + DAY)))) == [ids["field"]]
    assert list(by_id(listing("--staff", "202", "--at", at(T0 + DAY)))) == [ids["field2"]]
    assert listing("--team", "朝阳店", "--staff", "201", "--at", at(T0 + DAY))["registrations"] == []
    assert invoke("registrations", "--team", "无此店").exit_code == 2
    assert invoke("registrations", "--staff", "999").exit_code == 2
    assert invoke("registrations", "--at", "next tuesday").exit_code == 2


def test_open_challenges_are_listed_and_closed_registrations_are_not(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster, ids = world
    challenge = file(roster, 102, STORE_PHONE, at=T0 + 10 * DAY)  # 刘洋 challenges 王芳's lapsed claim
    found = by_id(listing("--at", at(T0 + 10 * DAY + timedelta(hours=1))))
    assert found[challenge]["challenging"] is True and found[challenge]["holder"] == "刘洋"
    assert found[ids["store"]]["state"] == "lapsed" and found[ids["store"]]["challenging"] is False
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + 10 * DAY + timedelta(hours=2))
    deal = invoke("follow-up", str(ids["field"]), "--staff", "201", "--kind", "deal", "--amount", "12800")
    assert deal.exit_code == 0, deal.output
    assert ids["field"] not in by_id(listing("--at", at(T0 + 10 * DAY + timedelta(hours=3))))


def test_table_shows_local_times_and_masked_phones(world) -> None:
    _roster, ids = world
    result = invoke("registrations", "--team", "朝阳店", "--at", at(T0 + DAY))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{ids['store']}\t138****8000\t张三\t王芳\t朝阳店\t2026-11-10 10:00\tactive\t"
        "follow_up 2026-11-13 10:00"
    ]


def test_follow_up_done_resets_the_clock(world, monkeypatch: pytest.MonkeyPatch) -> None:
    roster, ids = world
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + 2 * DAY)
    result = invoke(
        "follow-up",
        str(ids["store"]),
        "--staff",
        "101",
        "--kind",
        "call",
        "--note",
        "客户周末到店",
        "--next-contact",
        "2026-11-14T15:00+08:00",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "outcome": "done",
        "registration_id": ids["store"],
        "state": "active",
        "deadline_kind": "follow_up",
        "deadline_at": at(T0 + 5 * DAY),
        "notices": [],
    }
    with roster.engine.connect() as conn:
        event = conn.execute(
            sa.select(RegistrationEventRow).where(
                RegistrationEventRow.registration_id == ids["store"], RegistrationEventRow.kind == "follow_up"
            )
        ).one()
    assert (event.follow_up_kind, event.note) == ("call", "客户周末到店")
    assert event.next_contact_at == T0 + 4 * DAY + timedelta(hours=5)
    assert by_id(listing("--at", at(T0 + 4 * DAY)))[ids["store"]]["state"] == "active"


def test_follow_up_deposit_with_a_formatted_amount(world, monkeypatch: pytest.MonkeyPatch) -> None:
    _roster, ids = world
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + DAY)
    result = invoke(
        "follow-up", str(ids["field"]), "--staff", "201", "--kind", "deposit", "--amount", "¥2,000"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"done: registration {ids['field']}, deposit recorded; state deposit"


def test_follow_up_refused_exits_3_with_the_refusal(world, monkeypatch: pytest.MonkeyPatch) -> None:
    roster, ids = world
    monkeypatch.setattr(cli_module, "utc_now", lambda: T0 + DAY)
    not_holder = invoke("follow-up", str(ids["store"]), "--staff", "102", "--kind", "call", "--json")
    assert not_holder.exit_code == 3
    assert json.loads(not_holder.stdout) == {"outcome": "refused", "refusal": "not_holder", "state": None}
    closed = invoke("follow-up", str(ids["store"]), "--staff", "102", "--kind", "call")
    assert closed.exit_code == 3 and closed.stderr.startswith(f"报备 {ids['store']} 未记录：")
    unknown = invoke("follow-up", "9999", "--staff", "101", "--kind", "call")
    assert unknown.exit_code == 2 and unknown.stdout == ""
    assert unknown.stderr == "没有编号为 9999 的报备，请查看 `leadbot registrations`\n"
    assert invoke("follow-up", "9999", "--staff", "101", "--kind", "call", "--json").exit_code == 2
    stranger = invoke("follow-up", str(ids["store"]), "--staff", "555", "--kind", "call")
    assert stranger.exit_code == 2 and "555" in stranger.stderr and "leadbot staff list" in stranger.stderr
    no_amount = invoke("follow-up", str(ids["store"]), "--staff", "101", "--kind", "deal", "--json")
    assert no_amount.exit_code == 3 and json.loads(no_amount.stdout)["refusal"] == "amount_required"
    assert _follow_ups(roster) == 0


@pytest.mark.parametrize(
    "bad",
    [
        ("--kind", "visit"),
        ("--kind", "call", "--amount", "abc"),
        ("--kind", "deposit", "--amount", "12.345"),
        ("--kind", "deposit", "--amount", "-5"),
        ("--kind", "call", "--next-contact", "soon"),
        ("--kind", "call", "--staff", "x"),
    ],
)
def test_follow_up_bad_usage_exits_2_and_records_nothing(world, bad: tuple[str, ...]) -> None:
    roster, ids = world
    args = ["follow-up", str(ids["store"]), *bad]
    if "--staff" not in bad:
        args += ["--staff", "101"]
    assert invoke(*args).exit_code == 2
    assert _follow_ups(roster) == 0


def _follow_ups(roster: Roster) -> int:
    with roster.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(RegistrationEventRow)
            .where(RegistrationEventRow.kind == "follow_up")
        ).scalar_one()

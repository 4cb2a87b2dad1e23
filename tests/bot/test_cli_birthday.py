"""`leadbot follow-up REG --kind birthday --note …`: the customer's birthday kept on the care, typed
every way; a bad one exits 2 with the reason and records nothing; the not entitled are refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.care_days import Birthday
from storage.uow import SqlUnitOfWork
from tests.bot.test_cli_aftersale import invoke, world  # noqa: F401 (the fixture)


def stored(world_, key: str = "won") -> Birthday | None:
    roster, ids = world_
    with SqlUnitOfWork(roster.engine) as uow:
        return uow.aftersale.birthday(ids[key])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("03-15", Birthday(3, 15)), ("3月15日", Birthday(3, 15)), ("1990-03-15", Birthday(3, 15, 1990))],
)
def test_the_birthday_is_recorded(world, typed: str, expected: Birthday) -> None:
    _, ids = world
    result = invoke("follow-up", str(ids["won"]), "--staff", "101", "--kind", "birthday", "--note", typed)
    assert result.exit_code == 0, result.output
    assert "birthday recorded" in result.output
    assert stored(world) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2-30", "no such day"),
        ("soon", "a month and a day"),
        ("", "a month and a day"),
        ("2999-01-01", "to come"),
    ],
)
def test_a_bad_birthday_exits_2_and_records_nothing(world, typed: str, reason: str) -> None:
    _, ids = world
    result = invoke("follow-up", str(ids["won"]), "--staff", "101", "--kind", "birthday", "--note", typed)
    assert result.exit_code == 2 and reason in result.output
    assert stored(world) is None


def test_not_won_and_not_entitled_are_refused(world) -> None:
    _, ids = world
    for reg, staff in ((ids["open"], "102"), (ids["won"], "102")):
        result = invoke("follow-up", str(reg), "--staff", staff, "--kind", "birthday", "--note", "3-15")
        assert result.exit_code == 3, result.output
    assert stored(world) is None


def test_sweep_dry_run_lists_the_greeting_and_records_nothing(world) -> None:
    roster, ids = world
    invoke("follow-up", str(ids["won"]), "--staff", "101", "--kind", "birthday", "--note", "12-14")
    result = invoke("sweep", "--at", "2026-12-11T10:00:00+08:00", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send\tcare_day:birthday\t王芳\t1\t2026-12-14" in result.output
    with roster.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM delivery WHERE key LIKE 'acd:%'")).scalar() == 0

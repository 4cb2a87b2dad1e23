"""Possible duplicates (RULES §3.7) as the database finds them: by the keys of the flat and of the
place with the surname (registration_key), on SQLite and PostgreSQL, never by a scan."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.filing import Accepted, FilingRequest, file_registration
from domain.matching import search_keys
from domain.model import Closure
from domain.rules import Rules
from storage.uow import SqlUnitOfWork
from tests.conftest import T0, Roster

RULES = Rules()


def file(roster: Roster, tid: int, name: str, phone: str, address: str, minutes: int = 0) -> Accepted:
    request = FilingRequest(tid, name, phone, address)
    outcome = file_registration(roster.writer, request, T0 + timedelta(minutes=minutes), RULES)
    assert isinstance(outcome, Accepted), outcome
    return outcome


@pytest.mark.parametrize(
    ("name", "address", "flagged"),
    [
        ("李梅", "朝阳区建国路88号阳光花园3-2-1201", True),  # the spouse: another name, the same flat
        ("Zhang Wei", "Room 1201, Unit 2, Building 3, 88 Jianguo Road, Chaoyang, Beijing", True),
        ("张先生", "北京市朝阳区阳光花园3栋1201", True),  # an honorific, the road left out
        ("李梅", "北京市朝阳区建国路88号阳光花园3栋2单元1202", False),  # the neighbour
        ("李梅", "北京市朝阳区建国路88号阳光花园4栋2单元1201", False),  # another building
        ("张伟", "上海市徐汇区漕溪北路88号阳光花园3栋1201", False),  # a namesake in another city
    ],
)
def test_one_flat_or_one_person_is_found_across_teams(
    roster: Roster, name: str, address: str, flagged: bool
) -> None:
    first = file(roster, 101, "张伟", "13800138000", "北京市朝阳区建国路88号阳光花园3栋2单元1201")
    second = file(roster, 201, name, "13900139000", address, minutes=5)
    assert second.needs_review is flagged
    assert [c.registration_id for c in second.similar] == ([first.registration_id] if flagged else [])


def test_a_closed_registration_is_no_candidate(roster: Roster) -> None:
    first = file(roster, 101, "张伟", "13800138000", "北京市朝阳区建国路88号3栋1201")
    with roster.writer() as uow:
        uow.registrations.release_claim(first.registration_id, Closure.LOST, T0 + timedelta(minutes=1))
        uow.commit()
    assert not file(roster, 201, "李梅", "13900139000", "朝阳区建国路88号3-1201", minutes=5).needs_review


def test_the_candidate_query_starts_from_the_keys(roster: Roster) -> None:
    """SQLite's plan: registration_key's primary key, then registrations by id; no scan."""
    if roster.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN")
    for i in range(30):
        file(roster, 101, f"客户{i}", f"1380013{i:04d}", f"北京市朝阳区建国路{i}号{i}栋1201", minutes=i)
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if "registration_key" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(roster.engine, "before_cursor_execute", capture)
    try:
        with SqlUnitOfWork(roster.engine) as uow:
            uow.registrations.similar_open(0, search_keys("李梅", "朝阳区建国路3号3-1201"))
    finally:
        sa.event.remove(roster.engine, "before_cursor_execute", capture)
    [(statement, parameters)] = statements
    with roster.engine.connect() as conn:
        details = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert not [d for d in details if d.startswith("SCAN ") and "USING" not in d], details

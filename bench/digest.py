"""A big team's daily summary: reading it, rendering it, and writing its tracking workbook.

    .venv/bin/python bench/digest.py                                          # SQLite
    .venv/bin/python bench/digest.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/digest.py --open 10000 --others 100000 --runs 5 --explain --no-sqlite --pg URL

For each backend: a fresh database (SQLite: a temporary file; PostgreSQL: a database
`leadbot_bench_digest` created beside the one in --pg and dropped afterwards), migrated, seeded in
one transaction with bulk SQL (executemany on SQLite, COPY on PostgreSQL, then VACUUM ANALYZE on
PostgreSQL). Then, after one untimed warm-up, each run times with time.perf_counter:

- read: `SqlReports.team_report` (storage.repositories.digests) (every query, the summary and the
  tracking rows);
- render: `bot.digests.render.render_digest` (the group chat's messages, phones masked);
- workbook: `bot.digests.tracking_sheet.tracking_workbook` (the .xlsx bytes).

The target (the issue): read + render + workbook under 2 s for a team with 10,000 open registrations.
Wall and CPU time are both printed: on a busy machine the CPU time (of this process; the
PostgreSQL server's work is not in it) says more about the code than the wall time does.

The benched team is a field group of 50 salespeople at the busy end of the day (20:30 local):
--open registrations not closed, filed over the last 60 days (about 1/60 of them today), 60% with
a follow-up, some measured, 10% deposited, 1% flagged as possible duplicates, 20 pending extension
requests, 30 of its people's filings rejected as duplicates today, and half as many closed
registrations again (won, lost, void, expired), every won one in after-sale care (70% first
contacted, a third of those rated, a few today; 15% with a problem or need, most open). Around
it, --others registrations of 49 other teams, and the logs every registration leaves: a filing
attempt, a `filed` event, a follow-up event.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bench.filing import random_address, random_name, seeded_phone
from bot.cli.progress import progress
from bot.digests.render import render_digest
from bot.digests.tracking_sheet import tracking_workbook
from domain.aftersale import CareItemKind, Satisfaction, item_due, start_care, with_contact
from domain.rules import Rules
from domain.tracking import TeamReport
from storage.db import make_engine, normalize_url
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai, when summaries go out
SEED = 20261120
BENCH_DB = "leadbot_bench_digest"
RULES = Rules()
TEAMS = 50
TEAM_ID = 1  # the benched team, a field group
TEAM_STAFF = 50
OTHER_STAFF = 10  # per other team
HISTORY = timedelta(days=60)

TEAM_COLUMNS = "id, name, channel, region, language, created_at"
STAFF_COLUMNS = "id, telegram_id, name, roles, team_id, region, active, created_at"
CUSTOMER_COLUMNS = "id, phone, created_at"
REGISTRATION_COLUMNS = (
    "id, customer_id, filer_id, holder_id, team_id, channel, customer_name, "
    "address, "
    "needs, expected_purchase, obtained_at, filed_at, last_follow_up_at, measured_at, deposit_at, deal_at, "
    "holds_claim, closure, closed_at, needs_review, similar_to_id, deposit_amount, deal_amount, "
    "credited_to_id, "
    "expires_at, quota_exempt, last_activity_at"
)
EVENT_COLUMNS = "id, registration_id, at, actor_id, kind, follow_up_kind, note, amount"
ATTEMPT_COLUMNS = (
    "id, at, telegram_id, staff_id, phone, customer_name, outcome, reason, registration_id, source"
)
EXTENSION_COLUMNS = "id, registration_id, requested_by, reason, requested_at"
CARE_COLUMNS = (
    "registration_id, started_at, first_contact_due_at, ends_at, next_contact_due_at, first_contact_at, "
    "last_contact_at, contacts, satisfaction_score, satisfaction_comment, satisfaction_at, satisfaction_by"
)
ITEM_COLUMNS = "id, registration_id, kind, note, opened_at, opened_by, due_at, closed_at, closed_by"


class Rows:
    """Every table's rows, generated together so that they agree with each other."""

    def __init__(self, open_count: int, others: int) -> None:
        self.rnd = random.Random(SEED)
        self.teams = [
            (
                t,
                f"业务{t}部" if field else f"门店{t}",
                "field" if field else "store",
                "北京",
                "zh",
                NOW - 3 * HISTORY,
            )
            for t, field in ((t, self._field(t)) for t in range(1, TEAMS + 1))
        ]
        self.staff: list[tuple[Any, ...]] = []
        for t in range(1, TEAMS + 1):
            for _ in range(TEAM_STAFF if t == TEAM_ID else OTHER_STAFF):
                s = len(self.staff) + 1
                role = "salesperson" if self._field(t) else "guide"
                self.staff.append(
                    (s, 10_000_000 + s, random_name(self.rnd), role, t, None, True, NOW - 2 * HISTORY)
                )
        self.by_team: dict[int, list[tuple[Any, ...]]] = {}
        for person in self.staff:
            self.by_team.setdefault(person[4], []).append(person)
        self.customers: list[tuple[Any, ...]] = []
        self.registrations: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.attempts: list[tuple[Any, ...]] = []
        self.extensions: list[tuple[Any, ...]] = []
        self.cares: list[tuple[Any, ...]] = []
        self.items: list[tuple[Any, ...]] = []
        for _ in range(open_count):
            self._registration(TEAM_ID, closed=False)
        for _ in range(open_count // 2):
            self._registration(TEAM_ID, closed=True)
        for _ in range(others):
            self._registration(self.rnd.randint(2, TEAMS), closed=self.rnd.random() < 0.3)
        self._day_of_the_team()
        self._aftersale()

    @staticmethod
    def _field(team: int) -> bool:
        return team == TEAM_ID or team % 3 == 0

    def _registration(self, team: int, *, closed: bool) -> None:
        rnd = self.rnd
        i = len(self.registrations) + 1
        person = rnd.choice(self.by_team[team])
        staff_id, telegram_id = person[0], person[1]
        field = self._field(team)
        filed_at = NOW - timedelta(seconds=rnd.randint(60, int(HISTORY.total_seconds())))
        name, address, phone = random_name(rnd), random_address(rnd), seeded_phone(i)
        follow_up = measured = deposit = deal = closure = closed_at = credited = None
        deposit_amount = deal_amount = None
        if rnd.random() < 0.6:
            follow_up = filed_at + (NOW - filed_at) * rnd.random()
        if field and rnd.random() < 0.3:
            measured = min(filed_at + timedelta(days=rnd.randint(1, 14)), NOW - timedelta(minutes=1))
        if follow_up is not None and rnd.random() < 0.1:
            deposit, deposit_amount, credited = follow_up, Decimal(rnd.randint(5, 200) * 100), staff_id
        if closed:
            closure = rnd.choices(["won", "lost", "void", "expired"], [30, 40, 10, 20])[0]
            closed_at = filed_at + (NOW - filed_at) * rnd.random()
            if closure == "won":
                deal, deal_amount, credited = closed_at, Decimal(rnd.randint(20, 800) * 100), staff_id
                follow_up = closed_at
        needs_review = not closed and rnd.random() < 0.01
        self.customers.append((i, phone, filed_at))
        self.registrations.append(
            (
                i,
                i,
                staff_id,
                staff_id,
                team,
                "field" if field else "store",
                name,
                address,
                rnd.choice([None, "床垫", "沙发和餐桌", "全屋定制"]),
                rnd.choice([None, "week", "month", "quarter", "later", "unknown"]),
                filed_at,
                filed_at,
                follow_up,
                measured,
                deposit,
                deal,
                not closed,
                closure,
                closed_at,
                needs_review,
                max(1, i - 1) if needs_review else None,
                deposit_amount,
                deal_amount,
                credited,
                filed_at + RULES.field_expiry if field else None,
                False,
                max(filed_at, follow_up or filed_at),
            )
        )
        self.attempts.append(
            (
                len(self.attempts) + 1,
                filed_at,
                telegram_id,
                staff_id,
                phone,
                name,
                "accepted",
                None,
                i,
                "chat",
            )
        )
        self._event(i, filed_at, staff_id, "filed", None, None)
        if follow_up is not None:
            kind = (
                "deal"
                if deal
                else "deposit"
                if deposit == follow_up
                else rnd.choice(["call", "message", "store_visit"])
            )
            self._event(i, follow_up, staff_id, "follow_up", kind, deal_amount if deal else deposit_amount)

    def _event(
        self, registration: int, at: datetime, actor: int, kind: str, follow_up_kind: str | None, amount: Any
    ) -> None:
        self.events.append(
            (len(self.events) + 1, registration, at, actor, kind, follow_up_kind, None, amount)
        )

    def _day_of_the_team(self) -> None:
        """The team's rejected duplicates today, other teams' too, and pending extension requests."""
        rnd = self.rnd
        day_start = NOW - timedelta(hours=20, minutes=30)
        for team, count in ((TEAM_ID, 30), (None, 100)):
            for _ in range(count):
                person = rnd.choice(self.by_team[team or rnd.randint(2, TEAMS)])
                held = rnd.choice(self.registrations)
                at = day_start + (NOW - day_start) * rnd.random()
                self.attempts.append(
                    (
                        len(self.attempts) + 1,
                        at,
                        person[1],
                        person[0],
                        self.customers[held[1] - 1][1],
                        held[6],
                        "rejected",
                        "duplicate",
                        None,
                        "chat",
                    )
                )
        team_open = [r for r in self.registrations if r[4] == TEAM_ID and r[18]]
        for r in rnd.sample(team_open, 20):
            at = NOW - timedelta(hours=rnd.randint(1, 40))
            self.extensions.append((len(self.extensions) + 1, r[0], r[2], "客户出差，下周回来量尺", at))

    def _aftersale(self) -> None:
        """Care for every won registration: 70% first contacted (a third of those rated, some today),
        15% with a problem or need, most of them open."""
        rnd = self.rnd
        day_start = NOW - timedelta(hours=20, minutes=30)
        for r in self.registrations:
            if r[17] != "won":
                continue
            care = start_care(r[0], r[18], RULES)
            holder = r[3]
            if rnd.random() < 0.7 and r[18] + timedelta(hours=2) < NOW:
                at = r[18] + (min(care.first_contact_due_at, NOW) - r[18]) * rnd.random()
                care = with_contact(care, at, RULES)
                if rnd.random() < 0.33:
                    rated_at = day_start + (NOW - day_start) * rnd.random() if rnd.random() < 0.1 else at
                    care = replace(care, satisfaction=Satisfaction(rnd.randint(1, 5), None, rated_at, holder))
            rated = care.satisfaction
            self.cares.append(
                (
                    r[0],
                    care.started_at,
                    care.first_contact_due_at,
                    care.ends_at,
                    care.next_contact_due_at,
                    care.first_contact_at,
                    care.last_contact_at,
                    care.contacts,
                    rated.score if rated else None,
                    rated.comment if rated else None,
                    rated.at if rated else None,
                    rated.by if rated else None,
                )
            )
            if rnd.random() < 0.15:
                kind = rnd.choice([CareItemKind.PROBLEM, CareItemKind.NEED])
                opened = r[18] + (NOW - r[18]) * rnd.random()
                closed = (
                    opened + timedelta(days=1)
                    if rnd.random() < 0.3 and opened + timedelta(days=1) < NOW
                    else None
                )
                self.items.append(
                    (
                        len(self.items) + 1,
                        r[0],
                        kind.value,
                        "床板异响" if kind is CareItemKind.PROBLEM else "加床头柜",
                        opened,
                        holder,
                        item_due(kind, opened, RULES),
                        closed,
                        holder if closed else None,
                    )
                )


def _sqlite_value(value: Any) -> Any:
    # SQLAlchemy's SQLite formats: naive UTC text for times (storage.tables.UTCDateTime), text for decimals.
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def seed(engine: Engine, rows: Rows) -> None:
    tables = [
        ("team", TEAM_COLUMNS, rows.teams),
        ("staff", STAFF_COLUMNS, rows.staff),
        ("customer", CUSTOMER_COLUMNS, rows.customers),
        ("registration", REGISTRATION_COLUMNS, rows.registrations),
        ("registration_event", EVENT_COLUMNS, rows.events),
        ("filing_attempt", ATTEMPT_COLUMNS, rows.attempts),
        ("extension_request", EXTENSION_COLUMNS, rows.extensions),
        ("aftersale_care", CARE_COLUMNS, rows.cares),
        ("aftersale_item", ITEM_COLUMNS, rows.items),
    ]
    with engine.begin() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        bar = progress("seeding", sum(len(values) for _, _, values in tables))
        for table, columns, values in bar.over(tables, lambda one: len(one[2])):
            if engine.dialect.name == "sqlite":
                marks = ", ".join("?" * len(columns.split(",")))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [tuple(map(_sqlite_value, row)) for row in values],
                )
            else:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                if columns.startswith("id,"):  # aftersale_care's key is its registration's
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
        cursor.close()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def explain(engine: Engine) -> None:
    """Print each query of team_report with the plan lines that say how the tables are reached."""
    statements: list[tuple[str, Any]] = []

    def capture(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    with SqlUnitOfWork(engine) as uow:
        uow.reports.team_report(TEAM_ID, NOW, RULES)
    sa.event.remove(engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        for statement, parameters in statements:
            print("  " + " ".join(statement.split())[:110])
            for row in conn.exec_driver_sql(prefix + statement, parameters):
                line = str(row[-1])
                if any(word in line for word in ("SCAN", "SEARCH", "Scan", "Loop", "Join", "Aggregate")):
                    print("      " + line.strip())


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall ms, this process's CPU ms, result): CPU time shows the work when the machine is busy
    with other things; it leaves out what the PostgreSQL server does."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


STEPS = ("read", "render", "workbook")


def run(engine: Engine, runs: int) -> Iterator[tuple[dict[str, tuple[float, float]], int, int, int]]:
    """Per run: {step: (wall ms, CPU ms)}, open rows, messages, workbook bytes; the first run is a warm-up."""

    def read() -> TeamReport:
        with SqlUnitOfWork(engine) as uow:
            found = uow.reports.team_report(TEAM_ID, NOW, RULES)
        assert found is not None
        return found

    for _ in range(runs + 1):
        *read_ms, report = timed(read)
        *render_ms, messages = timed(partial(render_digest, report.digest, report.language, RULES.zone))
        *book_ms, data = timed(partial(tracking_workbook, report, report.language, RULES.zone))
        steps = dict(zip(STEPS, (tuple(read_ms), tuple(render_ms), tuple(book_ms)), strict=True))
        yield steps, len(report.rows), len(messages), len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000, help="open registrations of the benched team")
    parser.add_argument("--others", type=int, default=50_000, help="registrations of the 49 other teams")
    parser.add_argument("--runs", type=int, default=5, help="timed runs after one warm-up")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server (any database on it) to bench too")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument("--explain", action="store_true", help="print how each query reaches its tables")
    args = parser.parse_args()

    started = time.perf_counter()
    rows = Rows(args.open, args.others)
    print(
        f"# generated {len(rows.registrations):,} registrations, {len(rows.events):,} events, "
        f"{len(rows.attempts):,} filing attempts, {len(rows.cares):,} after-sale cares, "
        f"{len(rows.items):,} problems and needs in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    urls: list[tuple[str, str]] = []
    temp = tempfile.TemporaryDirectory(prefix="leadbot-bench-digest-")
    if not args.no_sqlite:
        urls.append(("sqlite", f"sqlite:///{temp.name}/bench.db"))
    admin = None
    if args.pg:
        admin = sa.create_engine(normalize_url(args.pg), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        urls.append(
            (
                "postgresql",
                make_url(normalize_url(args.pg)).set(database=BENCH_DB).render_as_string(hide_password=False),
            )
        )

    table = []
    try:
        for backend, url in urls:
            upgrade(url)
            engine = make_engine(url)
            started = time.perf_counter()
            seed(engine, rows)
            print(f"# {backend}: seeded in {time.perf_counter() - started:.1f} s", flush=True)
            if args.explain:
                explain(engine)
            # Counted between the runs, outside their timings.
            results = list(progress(f"{backend}: runs", args.runs + 1).over(run(engine, args.runs)))[1:]
            engine.dispose()
            _, open_rows, messages, size = results[0]
            print(
                f"# {backend}: {open_rows:,} open registrations, {messages} messages, "
                f"workbook {size / 1024:,.0f} KiB"
            )
            for step in (*STEPS, "total"):
                walls = [
                    sum(r[0][s][0] for s in STEPS) if step == "total" else r[0][step][0] for r in results
                ]
                cpus = [sum(r[0][s][1] for s in STEPS) if step == "total" else r[0][step][1] for r in results]
                table.append((backend, step, statistics.median(walls), max(walls), statistics.median(cpus)))
    finally:
        temp.cleanup()
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            admin.dispose()

    print()
    print(f"{'backend':<11} {'step':<9} {'median ms':>10} {'max ms':>8} {'median CPU ms':>14}")
    for backend, step, median, top, cpu in table:
        verdict = (
            f"  {'ok' if median < 2000 else 'MISSED'} (target: median < 2000 ms)" if step == "total" else ""
        )
        print(f"{backend:<11} {step:<9} {median:>10.0f} {top:>8.0f} {cpu:>14.0f}{verdict}")


if __name__ == "__main__":
    main()

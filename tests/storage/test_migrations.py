"""`leadbot db upgrade` from an empty database and from every earlier revision, on SQLite and
PostgreSQL, with rows in it; `alembic check`: the models and the migrations agree.

The revisions are read from the script directory, so a new one is covered without touching this
file. Each case gets a database of its own (conftest's `db_url` only decides the backend): on
PostgreSQL one beside the test database, whose sessions run in a time zone with daylight saving
time, as a server set to local time does, so that no migration leans on the session being UTC.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, select

from domain.filing import (
    Accepted,
    FilingRequest,
    Rejected,
    file_registration,
)
from domain.matching import stored_keys
from domain.rules import Rules
from storage.db import PG_CONNECT_TIMEOUT_S, make_engine, normalize_url, pg_connect_args
from storage.migrate import alembic_config, upgrade
from storage.tables import FilingAttemptRow, RegistrationEventRow, RegistrationRow, UTCDateTime
from storage.uow import SqlUnitOfWork

REPO = Path(__file__).parents[2]
SCRIPT = ScriptDirectory.from_config(alembic_config("sqlite://"))
# Oldest first.
REVISIONS = [s.revision for s in reversed(list(SCRIPT.walk_revisions("base", "heads")))]
HEAD = REVISIONS[-1]

# Microseconds on purpose (SQLite keeps times as text), and 15 days before New York's daylight
# saving time ends (1 November 2026): a field registration's expiry crosses it.
T0 = datetime(2026, 10, 20, 2, 0, 0, 123456, tzinfo=UTC)
DST_ZONE = "America/New_York"
FIELD_PHONE, STORE_PHONE = "+8613800138000", "+8613900139000"
ADDRESS = "北京市朝阳区建国路88号3栋1201"
# SQLAlchemy's SQLite DATETIME format, the one the application writes.
SQLITE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def test_one_line_of_revisions() -> None:
    """Two heads (two branches adding a revision at once) would make `upgrade head` fail."""
    assert SCRIPT.get_heads() == [HEAD]
    assert REVISIONS[0] == "0001" and len(REVISIONS) == len(set(REVISIONS))


# --- databases ------------------------------------------------------------------------------


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on db_url's backend."""
    if make_url(db_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    url = make_url(normalize_url(db_url))
    name = f"{url.database}_migrations"
    admin = sa.create_engine(normalize_url(db_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        conn.exec_driver_sql(f"ALTER DATABASE \"{name}\" SET timezone TO '{DST_ZONE}'")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


UPGRADE = [sys.executable, "-m", "bot", "db", "upgrade"]


def _env(url: str) -> dict[str, str]:
    """The real command, as an operator runs it: no LEADBOT_* setting but the database's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADBOT_")}
    env["LEADBOT_DATABASE_URL"] = url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def _cli(url: str, cwd: Path, timeout: float = 120, **settings: str) -> subprocess.CompletedProcess[str]:
    env = _env(url) | settings
    return subprocess.run(
        UPGRADE, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


# --- what an older database holds ---------------------------------------------------------------


def _seed(url: str) -> None:
    """A field salesperson's and a store guide's registration, as the application of the database's
    revision would have written them: the columns that revision has, nothing more."""
    revision = _current(url)
    engine = make_engine(url)
    model = SQLModel.metadata.tables
    with engine.begin() as conn:
        present = {
            name: {c["name"] for c in sa.inspect(conn).get_columns(name)}
            for name in sa.inspect(conn).get_table_names()
        }

        def insert(table: str, **values: Any) -> int | None:
            values = {k: v for k, v in values.items() if k in present[table]}
            # The application's types; a column the model has dropped since was text.
            columns = [
                sa.column(k, model[table].c[k].type if k in model[table].c else sa.String()) for k in values
            ]
            target = sa.table(table, *columns, sa.column("id", sa.Integer))
            statement = sa.insert(target).values(**values)
            if "id" not in model[table].c:
                conn.execute(statement)
                return None
            return conn.execute(statement.returning(target.c.id)).scalar_one()

        for channel, team_name, telegram_id, staff_name, role, phone, customer in (
            ("field", "业务一部", 201, "李强", "salesperson", FIELD_PHONE, "张三"),
            ("store", "朝阳店", 101, "王芳", "guide", STORE_PHONE, "李四"),
        ):
            team_id = insert(
                "team", name=team_name, channel=channel, region="北京", language="zh", created_at=T0
            )
            staff_id = insert(
                "staff",
                telegram_id=telegram_id,
                name=staff_name,
                roles=role,
                team_id=team_id,
                region=None,
                active=True,
                language="zh",
                created_at=T0,
            )
            customer_id = insert("customer", phone=phone, created_at=T0)
            registration_id = insert(
                "registration",
                customer_id=customer_id,
                filer_id=staff_id,
                holder_id=staff_id,
                team_id=team_id,
                channel=channel,
                customer_name=customer,
                name_key=customer,  # what the revision this is written at had
                address=ADDRESS,
                address_prefix=ADDRESS[:6],
                needs="床垫",
                expected_purchase="month",
                obtained_at=T0 - timedelta(hours=2),
                filed_at=T0,
                holds_claim=True,
                needs_review=False,
                expires_at=T0 + Rules().field_expiry if channel == "field" else None,
                quota_exempt=False,
                last_activity_at=T0,
            )
            if "registration_key" in present:
                # At 0009, keys of a scheme since replaced (revision 0010 writes the current ones).
                keys = [f"n:{customer}"] if revision == "0009" else stored_keys(customer, ADDRESS)
                for key in keys:
                    insert("registration_key", key=key, registration_id=registration_id)
            insert(
                "filing_attempt",
                at=T0,
                telegram_id=telegram_id,
                staff_id=staff_id,
                phone=phone,
                customer_name=customer,
                outcome="accepted",
                registration_id=registration_id,
                source="chat",
            )
            if "registration_event" in present:
                insert(
                    "registration_event",
                    registration_id=registration_id,
                    at=T0,
                    actor_id=staff_id,
                    kind="filed",
                )
    engine.dispose()


def _assert_at_head_with_the_rows(url: str) -> None:
    assert _current(url) == HEAD
    engine = make_engine(url)
    try:
        with SqlUnitOfWork(engine) as uow:
            field, store = uow.reports.registrations_listing(
                team_id=None, holder_id=None, filed_by=T0 + timedelta(days=1)
            )
            assert (field.phone, field.customer_name, field.holder_name) == (FIELD_PHONE, "张三", "李强")
            assert (store.phone, store.customer_name, store.holder_name) == (STORE_PHONE, "李四", "王芳")
            assert field.filed_at == T0 and store.filed_at == T0
            # What revision 0002 computed for registrations filed before it is what the rules compute.
            assert field.expires_at == T0 + Rules().field_expiry
            assert store.expires_at is None
            assert field.holds_claim and not field.quota_exempt
            rows = {r.id: r for r in uow.session.exec(select(RegistrationRow))}
            assert rows[field.id].last_activity_at == T0  # revision 0004
            events = [
                (e.registration_id, e.kind, e.at) for e in uow.session.exec(select(RegistrationEventRow))
            ]
            assert sorted(events) == sorted([(field.id, "filed", T0), (store.id, "filed", T0)])  # 0002
            assert uow.roster.staff_by_telegram_id(201).team_id == field.team_id  # type: ignore[union-attr]
            assert len(uow.session.exec(select(FilingAttemptRow)).all()) == 2
        if engine.dialect.name == "sqlite":
            _assert_times_as_the_application_writes_them(engine)
        _assert_the_application_works_on_it(engine, field.id)
    finally:
        engine.dispose()


def _assert_times_as_the_application_writes_them(engine: Engine) -> None:
    """SQLite keeps times as text and compares them as text: a migration must write the very
    format the application writes, or equal times compare unequal."""
    odd = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, UTCDateTime):
                    for (value,) in conn.execute(
                        sa.select(sa.cast(column, sa.Text)).where(column.is_not(None))
                    ):
                        if not SQLITE_TIME.match(value):
                            odd.append((table.name, column.name, value))
    assert odd == []


def _assert_the_application_works_on_it(engine: Engine, field_id: int) -> None:
    rules = Rules()
    # The migrated claim holds: another filing of the customer is refused; a new customer is taken.
    again = FilingRequest(filer_telegram_id=101, customer_name="张三", phone="13800138000", address=ADDRESS)
    new = FilingRequest(
        filer_telegram_id=101,
        customer_name="王五",
        phone="13700137000",
        address="上海市浦东新区世纪大道100号",
    )
    now = T0 + timedelta(hours=1)
    assert isinstance(
        file_registration(lambda: SqlUnitOfWork(engine, write=True), again, now, rules), Rejected
    )
    assert isinstance(file_registration(lambda: SqlUnitOfWork(engine, write=True), new, now, rules), Accepted)
    # The migrated registration is found by its flat (0010's keys): the spouse is a possible duplicate.
    spouse = FilingRequest(
        filer_telegram_id=101, customer_name="李梅", phone="13600136000", address="朝阳区建国路88号3-1201"
    )
    household = file_registration(lambda: SqlUnitOfWork(engine, write=True), spouse, now, rules)
    assert isinstance(household, Accepted) and household.needs_review
    # The sweep finds the migrated expiry due for a reminder once; recorded, it is not due again.
    at = T0 + rules.field_expiry - timedelta(hours=24)
    with SqlUnitOfWork(engine, write=True) as uow:
        candidates = uow.registrations.reminder_candidates(at, rules, "expiry", None, 10)
        [due] = [r for _, r in candidates if r.id == field_id]
        uow.deliveries.record_delivery(
            key=f"expiry:{field_id}",
            kind="expiry",
            chat_id=201,
            staff_id=due.holder_id,
            registration_id=field_id,
            team_id=None,
            deadline_at=due.expires_at,
            now=at,
            lease_until=at,
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        candidates = uow.registrations.reminder_candidates(at, rules, "expiry", None, 10)
        assert field_id not in {r.id for _, r in candidates}


# --- the models and the migrations agree -----------------------------------------------------------


def _check(url: str) -> None:
    command.check(alembic_config(url))  # raises AutogenerateDiffsDetected on any difference
    _assert_partial_indexes_as_modelled(url)


def _predicate(clause: Any) -> str | None:
    if clause is None:
        return None
    return re.sub(r"\s+", " ", str(clause).replace("(", "").replace(")", "")).strip().lower()


def _assert_partial_indexes_as_modelled(url: str) -> None:
    """`alembic check` compares an index's columns and uniqueness, not its WHERE clause (alembic's
    autogenerate does not look at postgresql_where/sqlite_where): compare those here."""
    engine = make_engine(url)
    dialect = engine.dialect.name
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for table in SQLModel.metadata.sorted_tables:
                modelled = {
                    i.name: _predicate(i.dialect_options[dialect].get("where")) for i in table.indexes
                }
                reflected = {
                    i["name"]: _predicate(i.get("dialect_options", {}).get(f"{dialect}_where"))
                    for i in inspector.get_indexes(table.name)
                }
                # Which indexes exist is alembic's part (PostgreSQL also lists its unique
                # constraints' indexes here); the predicates of the modelled and partial ones are ours.
                found = {
                    name: where for name, where in reflected.items() if name in modelled or where is not None
                }
                assert found == modelled, table.name
    finally:
        engine.dispose()


# --- the cases -------------------------------------------------------------------------------------


def test_leadbot_db_upgrade_on_an_empty_database(fresh_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    done = _cli(fresh_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "database is up to date" in done.stdout
    assert _current(fresh_url) == HEAD
    _check(fresh_url)
    again = _cli(fresh_url, tmp_path)  # at head already: nothing to do, same answer
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("start", REVISIONS)
def test_upgrade_from_each_revision_keeps_the_rows(fresh_url: str, tmp_path: Path, start: str) -> None:
    upgrade(fresh_url, start)
    assert _current(fresh_url) == start
    _seed(fresh_url)
    if start == REVISIONS[0]:
        done = _cli(fresh_url, tmp_path)  # the oldest, through the real command
        assert done.returncode == 0, done.stderr
    else:
        upgrade(fresh_url)
    _assert_at_head_with_the_rows(fresh_url)
    _check(fresh_url)


def test_downgrade_to_the_first_revision_and_to_base_and_up_again(fresh_url: str) -> None:
    first = REVISIONS[0]
    upgrade(fresh_url, first)
    _seed(fresh_url)
    upgrade(fresh_url)
    config = alembic_config(fresh_url)
    command.downgrade(config, first)
    assert _current(fresh_url) == first
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM registration")).scalar_one() == 2
    engine.dispose()
    command.downgrade(config, "base")
    assert _current(fresh_url) is None
    upgrade(fresh_url)
    _check(fresh_url)


def test_0006_repairs_expiries_that_the_old_0002_wrote_on_sqlite(tmp_path: Path) -> None:
    """Databases migrated before 0002 was corrected hold 'YYYY-MM-DD HH:MM:SS' expiries."""
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0005")
    _seed(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE registration SET expires_at = datetime(filed_at, '+15 days') WHERE channel = 'field'"
        )
        assert conn.exec_driver_sql(
            "SELECT expires_at FROM registration WHERE channel = 'field'"
        ).scalar_one() == ("2026-11-04 02:00:00")
    engine.dispose()
    upgrade(url, "0006")
    upgrade(url)
    _assert_at_head_with_the_rows(url)


@pytest.mark.process
def test_servers_starting_together_on_an_empty_database_all_migrate(fresh_url: str, tmp_path: Path) -> None:
    """`docker compose --profile standby up` starts two servers at once; each migrates first."""
    processes = [
        subprocess.Popen(
            UPGRADE,
            cwd=tmp_path,
            env=_env(fresh_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]  # reads the pipes while waiting
    results = [(p.returncode, err) for p, err in zip(processes, errors, strict=True)]
    assert [code for code, _ in results] == [0, 0, 0], [err[-2000:] for _, err in results]
    assert _current(fresh_url) == HEAD
    _check(fresh_url)


# --- an unreachable server -------------------------------------------------------------------------


def test_migrations_wait_for_postgresql_a_bounded_time() -> None:
    assert pg_connect_args("postgresql+psycopg://u@db/leadbot")["connect_timeout"] == PG_CONNECT_TIMEOUT_S
    assert "connect_timeout" not in pg_connect_args("postgresql+psycopg://u@db/leadbot?connect_timeout=3")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word: a hung server, or a firewall that lets SYN through."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.process
@pytest.mark.parametrize("server", ["refused", "silent"])
def test_leadbot_db_upgrade_gives_up_on_an_unreachable_postgresql(
    server: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    port = 1 if server == "refused" else request.getfixturevalue("silent_server")
    attempts = 2 if server == "refused" else 1  # a silent server costs the connect timeout each time
    started = time.monotonic()
    done = _cli(
        f"postgresql://leadbot:s3cret@127.0.0.1:{port}/leadbot",
        tmp_path,
        timeout=60,
        LEADBOT_DB_CONNECT_ATTEMPTS=str(attempts),
    )
    took = time.monotonic() - started
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith(f"the database is not reachable after {attempts} attempt(s):"), done.stderr
    assert len(lines) == attempts  # one warning per retry, then the reason: no traceback
    assert "s3cret" not in done.stderr + done.stdout
    assert took < attempts * PG_CONNECT_TIMEOUT_S + 10

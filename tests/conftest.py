"""Shared fixtures: a migrated database on SQLite and, when LEADBOT_TEST_DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from domain.model import Channel, Role, Staff, Team
from domain.roster import add_team, enrol
from storage.db import make_engine, normalize_url
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

PG_URL = os.environ.get("LEADBOT_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Tuesday mid-month


def _pg_test_url() -> str:
    """A database of our own beside the one we were given, so tests never touch its tables."""
    assert PG_URL
    # One database per test run (and xdist worker), so runs side by side never meet.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"leadbot_test_{worker}_{os.getpid()}"
    return make_url(normalize_url(PG_URL)).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("LEADBOT_TEST_DATABASE_URL not set")
    url = _pg_test_url()
    admin = sa.create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # Tests do not need commits to survive a crash of the server: not waiting for the WAL to
        # reach the disk makes the PostgreSQL half of the suite several times faster.
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("template") / "leadbot.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


def _truncate(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
        conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "sqlite":
        # A copy of a database migrated once per run: running every migration for each test
        # cost more than most tests.
        shutil.copyfile(request.getfixturevalue("sqlite_template"), f"{tmp_path}/leadbot.db")
        yield f"sqlite:///{tmp_path}/leadbot.db"
        return
    url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    _truncate(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@dataclass
class Roster:
    """A small chain: one store, two field groups, and their people."""

    engine: Engine
    store: Team
    field: Team
    field2: Team
    guide: Staff  # 王芳, guide in 朝阳店
    guide2: Staff  # 刘洋, guide in 朝阳店
    sales: Staff  # 李强, salesperson in 业务一部
    sales2: Staff  # 赵磊, salesperson in 业务二部
    store_manager: Staff
    supervisor: Staff

    def writer(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=True)


def make_roster(engine: Engine) -> Roster:
    def team(name: str, channel: Channel) -> Team:
        with SqlUnitOfWork(engine, write=True) as uow:
            return add_team(uow, name=name, channel=channel, region="北京", now=T0)

    def person(tid: int, name: str, role: Role, team_name: str) -> Staff:
        with SqlUnitOfWork(engine, write=True) as uow:
            return enrol(
                uow,
                telegram_id=tid,
                name=name,
                roles=frozenset({role}),
                team_name=team_name,
                region=None,
                now=T0,
            )

    store, field, field2 = (
        team("朝阳店", Channel.STORE),
        team("业务一部", Channel.FIELD),
        team("业务二部", Channel.FIELD),
    )
    return Roster(
        engine=engine,
        store=store,
        field=field,
        field2=field2,
        guide=person(101, "王芳", Role.GUIDE, "朝阳店"),
        guide2=person(102, "刘洋", Role.GUIDE, "朝阳店"),
        sales=person(201, "李强", Role.SALESPERSON, "业务一部"),
        sales2=person(202, "赵磊", Role.SALESPERSON, "业务二部"),
        store_manager=person(301, "陈店长", Role.STORE_MANAGER, "朝阳店"),
        supervisor=person(302, "周主管", Role.SUPERVISOR, "业务一部"),
    )


@pytest.fixture
def roster(engine: Engine) -> Roster:
    return make_roster(engine)

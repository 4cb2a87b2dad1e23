"""A busy day of a 200-store chain: filings, follow-ups, dialogs' reads, the sweep and the digests
running together on one database, through the real use cases (domain + storage).

    .venv/bin/python bench/chain.py --pg postgresql://postgres@127.0.0.1:5432/test          # 1,000,000
    .venv/bin/python bench/chain.py --pg URL --size 100000 --seconds 30
    .venv/bin/python bench/chain.py --size 100000                                         # SQLite

Seeds --size registrations of 3,000 staff in 300 teams like bench/filing.py (its `seed`; on
PostgreSQL a database `leadbot_bench_filing_<pid>` beside the one in --pg, dropped afterwards),
then for --seconds runs in threads, each as fast as it can: --filers threads filing new customers
and duplicates (domain.filing.file_registration), --followers recording calls on held
registrations (domain.registrations.record_follow_up), --readers opening "my registrations"
(domain.roster.my_registrations, what the /mine dialog shows), one sweep (plan_reminder_batches,
every 5 s) and one digest thread (SqlReports.team_report for a random team). Per operation it
prints p50/p99 and the share of its time spent inside SQL (SQLAlchemy before/after_cursor_execute,
per thread), and the database's share of all the work.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.filing import (
    NOW,
    RULES,
    Backend,
    PostgresBackend,
    SqliteBackend,
    p99,
    random_address,
    random_name,
    seed,
)
from bot.cli.progress import progress
from domain.filing import FilingRequest, file_registration
from domain.model import FollowUpKind
from domain.registrations import record_follow_up
from domain.reminders import plan_reminder_batches
from domain.roster import my_registrations
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

_sql = threading.local()


def _watch_sql(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        _sql.started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        _sql.total = getattr(_sql, "total", 0.0) + time.perf_counter() - _sql.started


class Timings:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.sql_ms: dict[str, float] = defaultdict(float)

    def run(self, name: str, action: Callable[[], Any]) -> None:
        _sql.total = 0.0
        started = time.perf_counter()
        action()
        elapsed = (time.perf_counter() - started) * 1000
        with self._lock:
            self.ms[name].append(elapsed)
            self.sql_ms[name] += _sql.total * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server (default: a SQLite file)")
    parser.add_argument("--size", type=int, default=1_000_000, help="seeded registrations")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--filers", type=int, default=4)
    parser.add_argument("--followers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=2)
    args = parser.parse_args()
    backend: Backend = PostgresBackend(args.pg) if args.pg else SqliteBackend()
    try:
        url = backend.create()
        upgrade(url)
        engine = make_engine(url, pool_size=args.filers + args.followers + args.readers + 4)
        started = time.perf_counter()
        seeded = seed(engine, args.size)
        print(f"# {backend.name} {args.size:,}: seeded in {time.perf_counter() - started:.0f} s", flush=True)
        with engine.connect() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT r.id, s.telegram_id FROM registration r JOIN staff s ON s.id = r.holder_id "
                    "WHERE r.holds_claim AND r.closure IS NULL ORDER BY r.id LIMIT 50000"
                )
            ).all()
        _watch_sql(engine)
        run(engine, seeded, held, args)
        engine.dispose()
    finally:
        backend.close()


def run(engine: Engine, seeded: Any, held: list[Any], args: argparse.Namespace) -> None:
    def writer() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=True)

    timings = Timings()
    stop = threading.Event()
    began = time.perf_counter()

    def now() -> Any:  # the bench's day runs in real time from NOW
        return NOW + timedelta(seconds=time.perf_counter() - began)

    def filer(n: int) -> None:
        rnd = random.Random(n)
        while not stop.is_set():
            if rnd.random() < 0.15:
                phone, holder = rnd.choice(seeded.held)
                request = FilingRequest(
                    rnd.choice(seeded.guides), random_name(rnd), phone[3:], random_address(rnd)
                )
                name = "filing, duplicate"
            else:
                staff = rnd.choice(seeded.salespeople if rnd.random() < 0.3 else seeded.guides)
                phone = f"{rnd.choice(['158', '159', '188'])}{rnd.randrange(10**8):08d}"
                request = FilingRequest(staff, random_name(rnd), phone, random_address(rnd))
                name = "filing, new"
            timings.run(name, partial(file_registration, writer, request, now(), RULES))

    def follower(n: int) -> None:
        rnd = random.Random(100 + n)
        while not stop.is_set():
            registration_id, telegram_id = rnd.choice(held)
            timings.run(
                "follow-up",
                partial(
                    record_follow_up,
                    writer,
                    actor_telegram_id=telegram_id,
                    registration_id=registration_id,
                    kind=FollowUpKind.CALL,
                    note="电话沟通",
                    amount=None,
                    next_contact_at=None,
                    now=now(),
                    rules=RULES,
                ),
            )

    def reader(n: int) -> None:
        rnd = random.Random(200 + n)

        def mine(telegram_id: int) -> None:
            with SqlUnitOfWork(engine) as uow:
                staff = uow.roster.staff_by_telegram_id(telegram_id)
                assert staff is not None
                my_registrations(uow, staff, now(), RULES)

        while not stop.is_set():
            telegram_id = rnd.choice(seeded.guides + seeded.salespeople)
            timings.run("my registrations", partial(mine, telegram_id))

    def sweeper() -> None:
        while not stop.is_set():
            timings.run("sweep", lambda: sum(len(b) for b in plan_reminder_batches(writer, now(), RULES)))
            stop.wait(5)

    def digester() -> None:
        rnd = random.Random(300)

        def report() -> None:
            with SqlUnitOfWork(engine) as uow:
                uow.reports.team_report(rnd.randint(1, 300), now(), RULES)

        while not stop.is_set():
            timings.run("digest", report)

    threads = (
        [threading.Thread(target=filer, args=(n,)) for n in range(args.filers)]
        + [threading.Thread(target=follower, args=(n,)) for n in range(args.followers)]
        + [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
        + [threading.Thread(target=sweeper), threading.Thread(target=digester)]
    )
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + args.seconds
    with progress("seconds", math.ceil(args.seconds)) as bar:
        while (left := deadline - time.monotonic()) > 0:
            stop.wait(min(1.0, left))
            bar.advance()
    stop.set()
    for thread in threads:
        thread.join()
    print()
    print(f"{'operation':<18}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'in SQL':>8}")
    total = sum(sum(ms) for ms in timings.ms.values())
    for name, ms in sorted(timings.ms.items()):
        share = timings.sql_ms[name] / sum(ms)
        print(f"{name:<18}{len(ms):>7}{sorted(ms)[len(ms) // 2]:>9.1f}{p99(ms):>9.1f}{share:>8.0%}")
    print(f"database's share of all operations' time: {sum(timings.sql_ms.values()) / total:.0%}")


if __name__ == "__main__":
    main()

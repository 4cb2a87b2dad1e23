"""One reminder sweep over many open registrations (RULES §5), SQLite and PostgreSQL.

    .venv/bin/python bench/sweep.py                                   # SQLite, 100,000 and 1,000,000
    .venv/bin/python bench/sweep.py --pg postgresql://postgres@127.0.0.1:5432/test --no-sqlite

Seeds the same realistic registrations as bench/filing.py (its `seed`), then times at one instant:
- cold: the first sweep after a long stop, which finds and records every reminder due (thousands);
- steady: the sweep a minute later, as the every-minute job runs it (only new deadlines);
- dry: a dry run (`leadbot sweep --dry-run`), which records nothing.
Sending is not timed (Telegram's pace, ~30 messages a second, dominates it). Target (the issue):
a sweep under 1 s at one million open registrations, deadlines found by index, not in Python.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from filing import NOW, Backend, PostgresBackend, SqliteBackend, seed

from domain.reminders import plan_reminders
from domain.rules import Rules
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--pg", metavar="URL")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    backends: list[Backend] = [] if args.no_sqlite else [SqliteBackend()]
    if args.pg:
        backends.append(PostgresBackend(args.pg))
    rules = Rules(quiet_start=NOW.time(), quiet_end=NOW.time())  # no quiet hours: always a working hour
    rows = []
    try:
        for backend in backends:
            for size in [int(s) for s in args.sizes.split(",")]:
                url = backend.create()
                upgrade(url)
                engine = make_engine(url)
                seed(engine, size)
                with engine.begin() as conn:  # the clocks' start, as the storage keeps it
                    conn.exec_driver_sql(
                        "UPDATE registration SET last_activity_at = COALESCE(last_follow_up_at, filed_at)"
                    )
                    if engine.dialect.name == "postgresql":
                        conn.exec_driver_sql("ANALYZE registration")
                with engine.connect() as conn:
                    open_count = conn.exec_driver_sql(
                        "SELECT count(*) FROM registration WHERE closure IS NULL"
                    ).scalar_one()

                def writer() -> SqlUnitOfWork:
                    return SqlUnitOfWork(engine, write=True)

                timings = {}
                for label, at, dry in (
                    ("dry", NOW, True),
                    ("cold", NOW, False),
                    ("steady", NOW + timedelta(minutes=1), False),
                ):
                    started = time.perf_counter()
                    found = plan_reminders(writer, at, rules, dry_run=dry)
                    timings[label] = (time.perf_counter() - started, len(found))
                engine.dispose()
                backend.drop()
                for label, (seconds, count) in timings.items():
                    rows.append((backend.name, size, open_count, label, count, seconds))
                    print(
                        f"# {backend.name} {size:,} ({open_count:,} open): {label} sweep {seconds * 1000:.0f} ms, {count} reminders",
                        flush=True,
                    )
    finally:
        for backend in backends:
            backend.close()
    print()
    print(f"{'backend':<11}{'registrations':>14}{'open':>10}  {'sweep':<7}{'reminders':>10}{'ms':>9}")
    for name, size, open_count, label, count, seconds in rows:
        print(f"{name:<11}{size:>14,}{open_count:>10,}  {label:<7}{count:>10,}{seconds * 1000:>9.0f}")


if __name__ == "__main__":
    main()

"""One reminder sweep over many open registrations (RULES §5), SQLite and PostgreSQL.

    .venv/bin/python bench/sweep.py                                   # SQLite, 100,000 and 1,000,000
    .venv/bin/python bench/sweep.py --pg postgresql://postgres@127.0.0.1:5432/test --no-sqlite

Seeds the same realistic registrations as bench/filing.py (its `seed`), then times at one instant:
- cold: the first sweep after a long stop, which finds and records every reminder due (thousands);
- steady: the sweep a minute later, as the every-minute job runs it (only new deadlines);
- dry: a dry run (`leadbot sweep --dry-run`), which records nothing.
Sending is not timed (Telegram's pace, ~30 messages a second, dominates it). Target (the issue):
a sweep under 1 s at one million open registrations, deadlines found by index, not in Python.

Each sweep runs in a child process of its own (`--measure`), so that its peak RSS
(VmHWM in /proc/self/status) is the sweep's and not the seeding's; batches are consumed and
dropped as bot.delivery.sweep does after sending them. Target (issue 11, part 6): the cold sweep
of ~25,000 due reminders at one million under 150 MB. BEFORE is what the same measurement gave
before the sweep went in batches (main at 84bb30c: every due reminder read into one list, one
INSERT per delivery), on SQLite at 1,000,000 (25,419 due), printed beside the figures.

`--aftersale N` (default 100,000; 0: none) adds after-sale care (RULES §7) to N of the seeded
registrations, as if won over the past year: deadlines from domain.aftersale, the first contact done
for 90 % of those past it, monthly contacts spread over the month, an open problem on 5 %; each
sweep then also runs the after-sale pass (domain.aftersale_reminders), counted and timed with it.
The care rows hang on seeded registration ids (their closure is left as seeded: the after-sale
queries read the care tables' due columns, not the registration's state).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import sqlalchemy as sa
from filing import NOW, Backend, PostgresBackend, SqliteBackend, seed
from sqlalchemy.engine import Engine

from bot.cli.progress import progress
from domain.aftersale import CareItemKind, item_due, start_care
from domain.aftersale_reminders import plan_aftersale_batches
from domain.reminders import plan_reminder_batches
from domain.rules import Rules
from storage.db import make_engine
from storage.migrate import upgrade
from storage.tables import AftersaleCareRow, AftersaleItemRow
from storage.uow import SqlUnitOfWork

# (backend, size, sweep) -> (seconds, peak RSS MB), measured as described above
BEFORE = {("sqlite", 1_000_000, "dry"): (2.61, 178), ("sqlite", 1_000_000, "cold"): (13.58, 178)}
RULES = Rules(quiet_start=NOW.time(), quiet_end=NOW.time())  # no quiet hours: always a working hour


def measure(url: str, at: datetime, dry: bool) -> None:
    """In the child: one sweep; prints its time, reminders and the process's peak RSS as JSON."""
    engine = make_engine(url)

    def writer() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=True)

    started, count = time.perf_counter(), 0
    for batch in plan_reminder_batches(writer, at, RULES, dry_run=dry):
        count += len(batch)
    for care in plan_aftersale_batches(writer, at, RULES, dry_run=dry):
        count += len(care)
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, from the forked (seeded) parent.
    peak_mb = (
        int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]) / 1024
    )
    print(json.dumps({"seconds": seconds, "count": count, "rss_mb": peak_mb}))


def seed_aftersale(engine: Engine, count: int) -> int:
    """After-sale care on the first `count` registrations (see the module's text); the care rows."""
    rng = random.Random(20261208)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"SELECT id, holder_id FROM registration ORDER BY id LIMIT {count}").all()
    care_table = AftersaleCareRow.__table__  # type: ignore[attr-defined]
    item_table = AftersaleItemRow.__table__  # type: ignore[attr-defined]
    cares, items = [], []
    for registration_id, holder_id in rows:
        won = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        care = start_care(registration_id, won, RULES)
        first_at = last_at = None
        next_due = care.next_contact_due_at
        if care.first_contact_due_at < NOW and rng.random() < 0.9:
            first_at = care.first_contact_due_at - timedelta(hours=rng.randrange(1, 48))
            last_at = max(first_at, NOW - timedelta(minutes=rng.randrange(30 * 24 * 60)))
            next_due = last_at + RULES.aftersale_contact_every if last_at < care.ends_at else None
        cares.append(
            {
                "registration_id": registration_id,
                "started_at": won,
                "first_contact_due_at": care.first_contact_due_at,
                "ends_at": care.ends_at,
                "next_contact_due_at": next_due if next_due and next_due < care.ends_at else None,
                "first_contact_at": first_at,
                "last_contact_at": last_at,
                "contacts": 0 if first_at is None else 1,
            }
        )
        if rng.random() < 0.05:
            opened = NOW - timedelta(minutes=rng.randrange(6 * 24 * 60))
            due = item_due(CareItemKind.PROBLEM, opened, RULES)
            items.append(
                {
                    "registration_id": registration_id,
                    "kind": "problem",
                    "note": "柜门松动",
                    "opened_at": opened,
                    "opened_by": holder_id,
                    "due_at": due,
                }
            )
    with engine.begin() as conn:
        for start in range(0, len(cares), 5000):
            conn.execute(sa.insert(care_table), cares[start : start + 5000])
        for start in range(0, len(items), 5000):
            conn.execute(sa.insert(item_table), items[start : start + 5000])
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE aftersale_care")
            conn.exec_driver_sql("ANALYZE aftersale_item")
    return len(cares)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--pg", metavar="URL")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--aftersale", type=int, default=100_000, help="won customers in after-sale care")
    parser.add_argument("--measure", nargs=3, metavar=("URL", "AT", "DRY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        url, at, dry = args.measure
        measure(url, datetime.fromisoformat(at), dry == "dry")
        return
    backends: list[Backend] = [] if args.no_sqlite else [SqliteBackend()]
    if args.pg:
        backends.append(PostgresBackend(args.pg))
    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    bar = progress("sweeps", len(backends) * len(sizes) * 3)
    try:
        for backend in backends:
            for size in sizes:
                url = backend.create()
                upgrade(url)
                engine = make_engine(url)
                seed(engine, size)
                if args.aftersale:
                    seed_aftersale(engine, args.aftersale)
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
                engine.dispose()
                timings = {}
                for label, at, dry in (
                    ("dry", NOW, True),
                    ("cold", NOW, False),
                    ("steady", NOW + timedelta(minutes=1), False),
                ):
                    child = [
                        sys.executable,
                        __file__,
                        "--measure",
                        url,
                        at.isoformat(),
                        "dry" if dry else "-",
                    ]
                    with bar:  # drawn between the seeding's bars, while the child sweeps
                        found = json.loads(subprocess.run(child, check=True, capture_output=True).stdout)
                        bar.advance()
                    timings[label] = (found["seconds"], found["count"], found["rss_mb"])
                backend.drop()
                for label, (seconds, count, rss) in timings.items():
                    rows.append((backend.name, size, open_count, label, count, seconds, rss))
                    print(
                        f"# {backend.name} {size:,} ({open_count:,} open): {label} sweep "
                        f"{seconds * 1000:.0f} ms, {count} reminders, peak RSS {rss:.0f} MB",
                        flush=True,
                    )
    finally:
        for backend in backends:
            backend.close()
    print()
    print(
        f"{'backend':<11}{'registrations':>14}{'open':>10}  {'sweep':<7}{'reminders':>10}{'ms':>9}"
        f"{'RSS MB':>8}   {'before: ms':>10}{'RSS MB':>8}"
    )
    for name, size, open_count, label, count, seconds, rss in rows:
        before = BEFORE.get((name, size, label))
        then = f"{before[0] * 1000:>10.0f}{before[1]:>8}" if before else f"{'':>10}{'':>8}"
        print(
            f"{name:<11}{size:>14,}{open_count:>10,}  {label:<7}{count:>10,}{seconds * 1000:>9.0f}"
            f"{rss:>8.0f}   {then}"
        )


if __name__ == "__main__":
    main()

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
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from filing import NOW, Backend, PostgresBackend, SqliteBackend, seed

from bot.cli.progress import progress
from domain.reminders import plan_reminder_batches
from domain.rules import Rules
from storage.db import make_engine
from storage.migrate import upgrade
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
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, from the forked (seeded) parent.
    peak_mb = (
        int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]) / 1024
    )
    print(json.dumps({"seconds": seconds, "count": count, "rss_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--pg", metavar="URL")
    parser.add_argument("--no-sqlite", action="store_true")
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

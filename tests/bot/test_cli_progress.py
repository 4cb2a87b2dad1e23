"""Issue 13: progress bars on the long commands (a sweep's catch-up, an export of a big team),
drawn only when stderr is a terminal: scripts, tests and logs get the output alone."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

import bot.cli.sending as sending
from bot.cli.progress import Bar, progress
from tests.bot.test_cli_sweep import ADDRESS, _filed_at, _in_working_hours, cli  # noqa: F401


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_counts_and_draws_nothing_when_stderr_is_not_a_terminal() -> None:
    out = io.StringIO()
    with progress("Sending reminders", 5, stream=out) as bar:
        for _ in range(3):
            bar.advance()
        bar.advance(2)
    assert bar.done == 5 and not bar.shown and out.getvalue() == ""


def test_on_a_terminal_the_bar_is_drawn_and_counts_the_same() -> None:
    out = _Terminal()
    with progress("Sending reminders", None, stream=out) as bar:
        bar.advance(7)
    assert bar.done == 7 and bar.shown
    assert "Sending reminders" in out.getvalue()


def test_a_bar_follows_sys_stderr_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not Bar("x").shown
    monkeypatch.setattr("sys.stderr", _Terminal())
    assert Bar("x").shown


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[Bar]:
    made: list[Bar] = []

    def recording(description: str, total: int | None = None, **kwargs) -> Bar:
        made.append(Bar(description, total, **kwargs))
        return made[-1]

    monkeypatch.setattr(sending, "progress", recording)
    return made


def test_a_sweep_counts_each_reminder_and_prints_no_bar_off_a_terminal(cli, db_url: str, bars) -> None:
    for i in range(1, 4):
        cli("file", "--staff", "11", "--name", f"客户{i}", "--phone", f"1390000000{i}", "--address", ADDRESS)
    at = _in_working_hours(_filed_at_first(db_url) + timedelta(days=2, minutes=1)).isoformat()
    result = cli("sweep", "--at", at, "--dry-run")
    assert result.exit_code == 0, result.output
    reminders = [line for line in result.stdout.splitlines() if line.startswith("would send")]
    assert len(reminders) == 4
    [bar] = bars
    assert bar.done == 4 and not bar.shown
    assert result.stderr == ""  # no bar, no control codes


def test_an_export_counts_its_steps_and_prints_no_bar_off_a_terminal(cli, tmp_path) -> None:
    import bot.cli.files as files

    made: list[Bar] = []

    def recording(description: str, total: int | None = None, **kwargs) -> Bar:
        made.append(Bar(description, total, **kwargs))
        return made[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "progress", recording)
        for name, steps in (("t.xlsx", 2), ("t.csv", 3)):
            result = cli("export", "--team", "朝阳店", "--out", str(tmp_path / name))
            assert result.exit_code == 0, result.output
            assert made[-1].done == made[-1].total == steps and result.stderr == ""


def _filed_at_first(db_url: str):
    import sqlalchemy as sa

    from storage.db import make_engine
    from storage.tables import RegistrationRow

    with make_engine(db_url).connect() as conn:
        return conn.execute(sa.select(sa.func.max(RegistrationRow.filed_at))).scalar_one()


def test_over_counts_each_item_once_the_caller_is_done_with_it() -> None:
    bar = progress("seeding", 6, stream=io.StringIO())
    seen = []
    for rows in bar.over([[1, 2], [3], [4, 5, 6]], len):
        seen.append((len(rows), bar.done))  # not yet counted while in hand
    assert seen == [(2, 0), (1, 2), (3, 3)] and bar.done == 6


def test_the_benchmarks_long_loops_have_a_bar() -> None:
    from pathlib import Path

    bench = Path(__file__).resolve().parents[2] / "bench"
    without = [p.name for p in sorted(bench.glob("*.py")) if "progress(" not in p.read_text(encoding="utf-8")]
    assert without == []

"""Progress bars for the commands that can take a while (an export of a big team, a sweep's
catch-up): drawn with rich on stderr, and only when stderr is a terminal, so scripts, tests and
logs get the command's output alone. The count is kept either way.

    with progress(raw(lang, Text.cli_progress_sweep)) as bar:   # total unknown: a running count
        ...; bar.advance()
    for row in progress("seeding", len(rows)).over(rows): ...     # counted as each is done
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import IO, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")


class Bar:
    """Counts what is done and, on a terminal, draws it (cleared when the work ends)."""

    def __init__(self, description: str, total: int | None = None, *, stream: IO[str] | None = None) -> None:
        self.done = 0
        self.total = total
        out = sys.stderr if stream is None else stream
        self._progress: Progress | None = None
        if out.isatty():
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=out),
                transient=True,
            )
            self._task = self._progress.add_task(description, total=total)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done)

    def over(self, items: Iterable[T], weight: Callable[[T], int] | None = None) -> Iterator[T]:
        """Each item, counted (by `weight`, or one each) once the caller is done with it."""
        with self:
            for item in items:
                yield item
                self.advance(weight(item) if weight else 1)

    def __enter__(self) -> Bar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def shown(self) -> bool:
        return self._progress is not None


def progress(description: str, total: int | None = None, *, stream: IO[str] | None = None) -> Bar:
    return Bar(description, total, stream=stream)

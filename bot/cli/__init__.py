"""`leadbot`: the command line (bot.cli.main). Light on import: bot.i18n gathers bot.cli.texts,
and the commands need bot.i18n."""

from __future__ import annotations

from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    from bot.cli.main import main as run

    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        from bot.cli.main import app

        return app
    raise AttributeError(name)

"""What handlers reach through `context.bot_data`: settings, the database, and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from telegram.ext import ContextTypes

from bot.config import Settings
from domain.rules import Rules
from storage.repositories.roster import StaffCache
from storage.uow import SqlUnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    clock: Callable[[], datetime] = utc_now
    rules: Rules = field(init=False)
    # Who is active staff, kept current by the update ledger's reads of the roster version.
    staff: StaffCache = field(default_factory=StaffCache)

    def __post_init__(self) -> None:
        self.rules = self.settings.rules

    def uow(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write)

    def writer(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=True)

    @property
    def admin_ids(self) -> frozenset[int]:
        return frozenset(self.settings.admin_ids)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]  # type: ignore[no-any-return]

"""PTB persistence in the bot's own database: each person's dialog drafts (user_data) and every
conversation's step, written after each update that changed them — in one transaction with the
update's "done" mark (bot.runtime.updates) — so a restart, or the standby server taking over, continues a
half-filed registration where it stopped (DESIGN: conversations survive restarts).

Values are JSON: drafts hold only strings, numbers and ISO times, and a draft that is not JSON
is a bug to fail loudly on, not something to pickle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from storage.db import WRITE, insert_for
from storage.tables import DialogStateRow

USER_DATA = "user_data"
_table = DialogStateRow.__table__  # type: ignore[attr-defined]


def _conversation_scope(name: str) -> str:
    return f"conversation:{name}"


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        # Only drafts and steps: bot_data holds live services, and no chat_data is used.
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=60,
        )
        self._engine = engine
        self._clock = clock
        # What the database holds, so an update that changed nothing writes nothing; and what
        # PTB handed over since the last write.
        self._stored: dict[tuple[str, str], str] = {}
        self._pending: dict[tuple[str, str], str | None] = {}

    # -- reading, once at start-up --------------------------------------------------------------

    def _load(self, scope: str) -> dict[str, str]:
        with self._engine.connect() as connection:
            rows = connection.execute(sa.select(_table.c.key, _table.c.value).where(_table.c.scope == scope))
            loaded = {key: value for key, value in rows}
        self._stored.update({(scope, key): value for key, value in loaded.items()})
        return loaded

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        loaded = await asyncio.to_thread(self._load, USER_DATA)
        return {int(key): json.loads(value) for key, value in loaded.items()}

    async def get_conversations(self, name: str) -> ConversationDict:
        loaded = await asyncio.to_thread(self._load, _conversation_scope(name))
        return {tuple(json.loads(key)): json.loads(value) for key, value in loaded.items()}

    # -- writing, after every update that changed something --------------------------------------

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._pending[(USER_DATA, str(user_id))] = (
            json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None
        )

    async def drop_user_data(self, user_id: int) -> None:
        self._pending[(USER_DATA, str(user_id))] = None

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        self._pending[(_conversation_scope(name), json.dumps(list(key)))] = (
            None if new_state is None else json.dumps(new_state)
        )

    def write_pending(self, also: Callable[[sa.Connection], None] | None = None) -> None:
        """Write what changed, and `also` (the update's done mark), in one transaction."""
        pending, self._pending = self._pending, {}
        changed = {slot: value for slot, value in pending.items() if self._stored.get(slot) != value}
        if not changed and also is None:
            return
        try:
            with self._engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
                self._write(connection, changed)
                if also is not None:
                    also(connection)
        except Exception:
            self._pending = pending | self._pending  # kept for the next write
            raise
        for slot, value in changed.items():
            if value is None:
                self._stored.pop(slot, None)
            else:
                self._stored[slot] = value

    def _write(self, connection: sa.Connection, changed: Mapping[tuple[str, str], str | None]) -> None:
        now = self._clock()
        upsert = insert_for(connection.dialect.name)
        for (scope, key), value in changed.items():
            if value is None:
                connection.execute(sa.delete(_table).where((_table.c.scope == scope) & (_table.c.key == key)))
                continue
            statement = upsert(_table).values(scope=scope, key=key, value=value, updated_at=now)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["scope", "key"],
                    set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
                )
            )

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Only the active server handles updates (the standby waits), so memory is current."""

    async def flush(self) -> None:
        await asyncio.to_thread(self.write_pending)

    # -- what is not kept ------------------------------------------------------------------------

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def update_callback_data(self, data: object) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

"""PTB persistence in the bot's own database: each person's dialog drafts (user_data) and every
conversation's step, written as soon as they change, so a restart — or the standby server taking
over — continues a half-filed registration where it stopped (DESIGN: conversations survive).

Values are JSON: drafts hold only strings, numbers and ISO times, and a draft that is not JSON
is a bug to fail loudly on, not something to pickle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from storage.db import WRITE
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
        # What the database holds, so an update that changed nothing writes nothing.
        self._stored: dict[tuple[str, str], str] = {}

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

    def _write(self, scope: str, key: str, value: str | None) -> None:
        if self._stored.get((scope, key)) == value:
            return
        where = (_table.c.scope == scope) & (_table.c.key == key)
        with self._engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
            connection.execute(sa.delete(_table).where(where))
            if value is not None:
                connection.execute(sa.insert(_table).values(scope=scope, key=key, value=value, updated_at=self._clock()))
        if value is None:
            self._stored.pop((scope, key), None)
        else:
            self._stored[(scope, key)] = value

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        value = json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None
        await asyncio.to_thread(self._write, USER_DATA, str(user_id), value)

    async def drop_user_data(self, user_id: int) -> None:
        await asyncio.to_thread(self._write, USER_DATA, str(user_id), None)

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        value = None if new_state is None else json.dumps(new_state)
        await asyncio.to_thread(self._write, _conversation_scope(name), json.dumps(list(key)), value)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Only the active server handles updates (the standby waits), so memory is current."""

    async def flush(self) -> None:
        """Nothing is buffered: every change was written when it happened."""

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

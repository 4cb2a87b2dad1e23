"""The ledger of updates Telegram delivered (DESIGN: updates are idempotent).

An update is recorded before Telegram is told it arrived (received), claimed by a process that
handles it without having recorded it — one an earlier run left (handling; the process that
recorded an update knows it is its own, and handles it as received) —, marked when a use case
commits for it (committed, in that same transaction), and marked done together with the dialog
state it leaves (storage.persistence), when its payload — which carries customers' details — is
dropped. So an update delivered twice is handled once; one that a killed process received, or
began without committing anything, is handled again from the state before it; one that committed
a filing or a follow-up is not redone — doing it twice is worse than the person repeating what
they saw no answer to. An update this process recorded costs two transactions: the record, and
the done mark with the dialog state (plus whatever its use case commits).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.db import WRITE, insert_for
from storage.tables import InboundUpdateRow

RECEIVED, HANDLING, COMMITTED, DONE = "received", "handling", "committed", "done"
_table = InboundUpdateRow.__table__  # type: ignore[attr-defined]

# Built once: every update runs them, and building a statement costs more than the SQLite write.
_RECORD = sa.insert(_table)
_FINISH = (
    sa.update(_table)
    .where(_table.c.update_id == sa.bindparam("id"))
    .values(status=DONE, payload=None, done_at=sa.bindparam("done"))
)

# The update being handled, so a unit of work committing for it marks it (storage.uow).
current_update: ContextVar[int | None] = ContextVar("current_update", default=None)


def mark_committed(connection: sa.Connection, update_id: int) -> None:
    connection.execute(
        sa.update(_table)
        .where(_table.c.update_id == update_id, _table.c.status.in_((RECEIVED, HANDLING)))
        .values(status=COMMITTED)
    )


class UpdateLedger:
    def __init__(
        self, engine: Engine, run_id: str, also_read: Callable[[sa.Connection], None] | None = None
    ) -> None:
        """`also_read`: run in every record and claim transaction (the roster version: a read
        that then costs no transaction of its own)."""
        self._engine = engine
        self.run_id = run_id
        self._also_read = also_read

    def _writer(self) -> sa.Connection:
        return self._engine.connect().execution_options(**{WRITE: True})

    def record(self, update_id: int, payload: str, now: datetime) -> bool:
        """Note an update as it arrives; False if it arrived before (Telegram delivering it again)."""
        try:
            with self._writer() as connection, connection.begin():
                connection.execute(
                    _RECORD,
                    {
                        "update_id": update_id,
                        "status": RECEIVED,
                        "run_id": self.run_id,
                        "payload": payload,
                        "received_at": now,
                    },
                )
                if self._also_read is not None:
                    self._also_read(connection)
        except IntegrityError:
            return False
        return True

    def claim(self, update_id: int, payload: str, now: datetime) -> bool:
        """Take an update to handle it; False if it was handled, is in hand, or committed."""
        with self._writer() as connection, connection.begin():
            if self._also_read is not None:
                self._also_read(connection)
            fresh = connection.execute(
                insert_for(connection.dialect.name)(_table)
                .values(
                    update_id=update_id, status=HANDLING, run_id=self.run_id, payload=payload, received_at=now
                )
                .on_conflict_do_nothing(index_elements=["update_id"])
                .returning(_table.c.update_id)
            ).first()
            if fresh is not None:  # the usual case, in one statement
                return True
            row = connection.execute(
                sa.select(_table.c.status, _table.c.run_id)
                .where(_table.c.update_id == update_id)
                .with_for_update()
            ).one()
            if row.status != RECEIVED and not (row.status == HANDLING and row.run_id != self.run_id):
                return False
            connection.execute(
                sa.update(_table)
                .where(_table.c.update_id == update_id)
                .values(status=HANDLING, run_id=self.run_id)
            )
            return True

    @staticmethod
    def finish(connection: sa.Connection, update_id: int, now: datetime) -> None:
        """In the transaction that saves the dialog state the update left."""
        connection.execute(_FINISH, {"id": update_id, "done": now})

    def unfinished(self) -> list[str]:
        """Payloads of updates earlier runs received, or began without committing, in order."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(_table.c.payload)
                .where(
                    _table.c.status.in_((RECEIVED, HANDLING)), _table.c.run_id.is_distinct_from(self.run_id)
                )
                .order_by(_table.c.update_id)
            )
            return [payload for (payload,) in rows if payload is not None]

    def close_interrupted(self, now: datetime) -> list[int]:
        """Updates earlier runs committed something for and never finished: closed, not redone."""
        interrupted = (_table.c.status == COMMITTED) & _table.c.run_id.is_distinct_from(self.run_id)
        with self._writer() as connection, connection.begin():
            ids = list(connection.execute(sa.select(_table.c.update_id).where(interrupted)).scalars())
            if ids:
                connection.execute(
                    sa.update(_table)
                    .where(_table.c.update_id.in_(ids))
                    .values(status=DONE, payload=None, done_at=now)
                )
            return ids

    def forget_before(self, cutoff: datetime) -> int:
        """Handled updates older than Telegram would ever deliver again are forgotten."""
        with self._writer() as connection, connection.begin():
            result = connection.execute(
                sa.delete(_table).where(_table.c.status == DONE, _table.c.received_at < cutoff)
            )
            return result.rowcount or 0

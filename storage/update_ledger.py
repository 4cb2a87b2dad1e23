"""The ledger of updates Telegram delivered (DESIGN: updates are idempotent).

An update is recorded before Telegram is told it arrived (received), claimed by the process that
handles it (handling), and marked done afterwards, when its payload — which carries customers'
details — is dropped. So an update delivered twice is handled once, and one that a crash
interrupted is handled again by the next process: its claim names a run that no longer exists.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.db import WRITE
from storage.tables import InboundUpdateRow

RECEIVED, HANDLING, DONE = "received", "handling", "done"
_table = InboundUpdateRow.__table__  # type: ignore[attr-defined]


class UpdateLedger:
    def __init__(self, engine: Engine, run_id: str) -> None:
        self._engine = engine
        self.run_id = run_id

    def _writer(self) -> sa.Connection:
        return self._engine.connect().execution_options(**{WRITE: True})

    def record(self, update_id: int, payload: str, now: datetime) -> bool:
        """Note an update as it arrives; False if it arrived before (Telegram delivering it again)."""
        try:
            with self._writer() as connection, connection.begin():
                connection.execute(
                    sa.insert(_table).values(
                        update_id=update_id, status=RECEIVED, run_id=self.run_id, payload=payload, received_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def claim(self, update_id: int, payload: str, now: datetime) -> bool:
        """Take an update to handle it; False if it was handled, or is being handled by this
        process. A claim left by another run means that process died while handling it."""
        with self._writer() as connection, connection.begin():
            row = connection.execute(
                sa.select(_table.c.status, _table.c.run_id).where(_table.c.update_id == update_id).with_for_update()
            ).first()
            if row is None:
                connection.execute(
                    sa.insert(_table).values(
                        update_id=update_id, status=HANDLING, run_id=self.run_id, payload=payload, received_at=now
                    )
                )
                return True
            if row.status == DONE or (row.status == HANDLING and row.run_id == self.run_id):
                return False
            connection.execute(
                sa.update(_table).where(_table.c.update_id == update_id).values(status=HANDLING, run_id=self.run_id)
            )
            return True

    def finish(self, update_id: int, now: datetime) -> None:
        with self._writer() as connection, connection.begin():
            connection.execute(
                sa.update(_table)
                .where(_table.c.update_id == update_id)
                .values(status=DONE, payload=None, done_at=now)
            )

    def unfinished(self) -> list[str]:
        """Payloads of updates received or begun by earlier runs but never finished, in order."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(_table.c.payload)
                .where(_table.c.status != DONE, _table.c.run_id.is_distinct_from(self.run_id))
                .order_by(_table.c.update_id)
            )
            return [payload for (payload,) in rows if payload is not None]

    def forget_before(self, cutoff: datetime) -> int:
        """Handled updates older than Telegram would ever deliver again are forgotten."""
        with self._writer() as connection, connection.begin():
            result = connection.execute(
                sa.delete(_table).where(_table.c.status == DONE, _table.c.received_at < cutoff)
            )
            return result.rowcount or 0

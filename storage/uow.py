"""The unit of work: one transaction, rolled back unless committed, exposing the repositories
(storage.repositories) that implement domain.ports."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import WRITE
from storage.event_log import EventLog
from storage.repositories.aftersale import SqlAftersale
from storage.repositories.attempts import SqlAttemptLog
from storage.repositories.chats import SqlTeamChats
from storage.repositories.deliveries import SqlDeliveryLog
from storage.repositories.outbox import SqlOutbox
from storage.repositories.registrations import SqlRegistrations
from storage.repositories.reports import SqlReports
from storage.repositories.roster import SqlRoster
from storage.update_ledger import current_update, mark_committed


class SqlUnitOfWork:
    """`with SqlUnitOfWork(engine, write=True) as uow: ...; uow.commit()`.

    The repositories exist inside the `with` block only: `uow.roster`, `uow.registrations`, `uow.aftersale`,
    `uow.attempts`, `uow.deliveries`, `uow.chats`, `uow.reports`. (`uow.outbox` is reserved.)
    """

    roster: SqlRoster
    registrations: SqlRegistrations
    aftersale: SqlAftersale
    attempts: SqlAttemptLog
    deliveries: SqlDeliveryLog
    chats: SqlTeamChats
    reports: SqlReports

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self._engine = engine
        self._write = write
        self.session: Session  # for storage's own tests; nothing outside storage/ uses it

    def __enter__(self) -> SqlUnitOfWork:
        self.session = session = Session(self._engine, expire_on_commit=False)
        session.connection(execution_options={WRITE: self._write})
        dialect = self._engine.dialect.name
        self.roster = SqlRoster(session)
        self.events = EventLog()
        self.registrations = SqlRegistrations(session, dialect, self.events)
        self.aftersale = SqlAftersale(session)
        self.attempts = SqlAttemptLog(session, self.events)
        self.deliveries = SqlDeliveryLog(session, dialect)
        self.chats = SqlTeamChats(session)
        self.reports = SqlReports(session)
        self.outbox = SqlOutbox(session)
        return self

    def __exit__(self, *exc: object) -> None:
        # close() rolls back whatever was not committed, and leaves loaded rows readable.
        self.session.close()

    def commit(self) -> None:
        update_id = current_update.get()
        if update_id is not None and self._write:
            # Atomic with the effect: after a crash, this update is not handled a second time.
            mark_committed(self.session.connection(), update_id)
        self.session.commit()
        self.events.say()  # one line per business event, once it is for good

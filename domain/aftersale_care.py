"""Recording after-sale care (RULES §7): contacts, problems and needs, satisfaction — the use cases
the chat and the command line share.

Who may record: the registration's holder, or a person with the role `service` (客服 / 销售助理) in
the registration's team; nobody else. Recording never changes the holder nor the credit: a service
person never becomes the holder and never takes credit.

Like the follow-ups (domain.registrations), each runs in one write transaction that locks the
customer first; each change appends an event to the registration's log (so /history shows who did
what) and each refusal is appended to the action-attempt log.

- Only a won registration has after-sale care (`not_won` otherwise, a deal awaiting review too).
- After the end of care (`aftersale_months` after the deal) nothing new can be recorded
  (`care_ended`). **Decision**: a problem or need opened during care can still be recorded solved
  / met after its end: that is the work owed being finished, and it closes the item.
- **Decision**: one satisfaction score (1–5, with an optional comment) per care, the survey of the
  first after-sale contact: recorded with a contact, or on its own afterwards; a second score is
  refused (`already_rated`), so the score on record is the one first given. A score recorded before
  any contact records the first contact with it (asking the customer is contacting them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.aftersale import (
    MAX_SCORE,
    MIN_SCORE,
    Care,
    CareItem,
    CareItemKind,
    Due,
    Satisfaction,
    aftersale_deadlines,
    begin_care,
    is_won,
    item_due,
    with_contact,
)
from domain.care_days import Birthday
from domain.customer_details import Invalid
from domain.free_text import check_note
from domain.lifecycle import standing_at
from domain.model import EventKind, Registration, Role, Staff
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.registrations import Refusal, Refused, locked, refuse
from domain.rules import Rules

_OPENED = {CareItemKind.PROBLEM: EventKind.PROBLEM_OPENED, CareItemKind.NEED: EventKind.NEED_OPENED}
_CLOSED = {CareItemKind.PROBLEM: EventKind.PROBLEM_SOLVED, CareItemKind.NEED: EventKind.NEED_MET}


@dataclass(frozen=True)
class CareDone:
    """What was recorded, and what the care owes now (soonest first)."""

    registration: Registration
    care: Care
    dues: tuple[Due, ...]
    item: CareItem | None = None  # the problem or need opened or closed


@dataclass(frozen=True)
class ItemRefused(Refused):
    """`which_item`: several problems (needs) are open; these are their ids."""

    open_ids: tuple[int, ...] = ()


CareOutcome = CareDone | Refused


def may_care(actor: Staff, registration: Registration) -> bool:
    """The holder, or customer service of the registration's team."""
    if not actor.active:
        return False
    return registration.holder_id == actor.id or (
        actor.has(Role.SERVICE) and actor.team_id == registration.team_id
    )


def _carer(
    uow: UnitOfWork,
    tid: int,
    action: str,
    registration_id: int,
    now: datetime,
    rules: Rules,
    *,
    closing: bool = False,
) -> tuple[Staff, Registration, Care] | Refused:
    actor = uow.roster.staff_by_telegram_id(tid)
    if actor is None or not actor.active:
        return refuse(uow, tid, action, registration_id, Refusal.NOT_STAFF, now)
    registration = locked(uow, registration_id, now)
    if registration is None:
        return refuse(uow, tid, action, None, Refusal.NOT_FOUND, now)
    if not may_care(actor, registration):
        return refuse(uow, tid, action, registration_id, Refusal.NOT_CARER, now)
    if not is_won(registration):
        state = standing_at(registration, now, rules).state
        return refuse(uow, tid, action, registration_id, Refusal.NOT_WON, now, state)
    care = begin_care(uow, registration, rules)  # for a registration won before care was kept
    if care.ended(now) and not closing:
        return refuse(uow, tid, action, registration_id, Refusal.CARE_ENDED, now)
    return actor, registration, care


def _done(
    uow: UnitOfWork, registration: Registration, now: datetime, item: CareItem | None = None
) -> CareDone:
    care = uow.aftersale.care(registration.id)
    if care is None:
        raise LookupError(f"the care of registration {registration.id} vanished")
    uow.commit()
    return CareDone(registration, care, tuple(aftersale_deadlines(care, now)), item)


def _score_refusal(score: int, care: Care) -> Refusal | None:
    if not MIN_SCORE <= score <= MAX_SCORE:
        return Refusal.BAD_SCORE
    if care.satisfaction is not None:
        return Refusal.ALREADY_RATED
    return None


def _contact(
    uow: UnitOfWork, care: Care, actor: Staff, note: str | None, now: datetime, rules: Rules
) -> Care:
    uow.aftersale.add_contact(care.registration_id, now, actor.id, note)
    uow.registrations.add_event(care.registration_id, now, actor.id, EventKind.AFTERSALE_CONTACT, note=note)
    return with_contact(care, now, rules)


def _rate(uow: UnitOfWork, care: Care, actor: Staff, score: int, comment: str | None, now: datetime) -> Care:
    uow.registrations.add_event(
        care.registration_id, now, actor.id, EventKind.SATISFACTION, score=score, note=comment
    )
    return replace(care, satisfaction=Satisfaction(score, comment, now, actor.id))


def record_aftersale_contact(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    note: str | None,
    score: int | None = None,
    comment: str | None = None,
    now: datetime,
    rules: Rules,
) -> CareOutcome:
    """An after-sale contact (回访), optionally with the customer's satisfaction score."""
    action = "aftersale:contact"
    with unit_of_work() as uow:
        found = _carer(uow, actor_telegram_id, action, registration_id, now, rules)
        if isinstance(found, Refused):
            return found
        actor, registration, care = found
        checked_note, checked_comment = check_note(note, rules), check_note(comment, rules)
        if isinstance(checked_note, Invalid) or isinstance(checked_comment, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_TOO_LONG, now)
        refusal = _score_refusal(score, care) if score is not None else None
        if refusal is not None:
            return refuse(uow, actor_telegram_id, action, registration_id, refusal, now)
        care = _contact(uow, care, actor, checked_note, now, rules)
        if score is not None:
            care = _rate(uow, care, actor, score, checked_comment, now)
        uow.aftersale.save_care(care)
        return _done(uow, registration, now)


def record_satisfaction(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    score: int,
    comment: str | None,
    now: datetime,
    rules: Rules,
) -> CareOutcome:
    """The customer's satisfaction (满意度) 1–5, once per care; before any contact, it is the first."""
    action = "aftersale:satisfaction"
    with unit_of_work() as uow:
        found = _carer(uow, actor_telegram_id, action, registration_id, now, rules)
        if isinstance(found, Refused):
            return found
        actor, registration, care = found
        refusal = _score_refusal(score, care)
        if refusal is not None:
            return refuse(uow, actor_telegram_id, action, registration_id, refusal, now)
        checked = check_note(comment, rules)
        if isinstance(checked, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_TOO_LONG, now)
        if care.contacts == 0:
            care = _contact(uow, care, actor, None, now, rules)
        care = _rate(uow, care, actor, score, checked, now)
        uow.aftersale.save_care(care)
        return _done(uow, registration, now)


def open_care_item(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    kind: CareItemKind,
    note: str | None,
    now: datetime,
    rules: Rules,
) -> CareOutcome:
    """A customer's problem (问题) or need (需求), with a note saying what it is (required)."""
    action = f"aftersale:{kind.value}"
    with unit_of_work() as uow:
        found = _carer(uow, actor_telegram_id, action, registration_id, now, rules)
        if isinstance(found, Refused):
            return found
        actor, registration, _care = found
        checked = check_note(note, rules)
        if isinstance(checked, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_TOO_LONG, now)
        if checked is None:
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_REQUIRED, now)
        item = uow.aftersale.add_item(
            registration_id, kind, checked, now, actor.id, item_due(kind, now, rules)
        )
        uow.registrations.add_event(
            registration_id, now, actor.id, _OPENED[kind], item_id=item.id, note=checked
        )
        return _done(uow, registration, now, item)


def close_care_item(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    kind: CareItemKind,
    item_id: int | None,
    note: str | None,
    now: datetime,
    rules: Rules,
) -> CareOutcome:
    """A problem recorded solved, a need met: the one named, or the only one open."""
    action = f"aftersale:{_CLOSED[kind].value}"
    with unit_of_work() as uow:
        found = _carer(uow, actor_telegram_id, action, registration_id, now, rules, closing=True)
        if isinstance(found, Refused):
            return found
        actor, registration, care = found
        item = _item_to_close(uow, care, kind, item_id, actor_telegram_id, action, now)
        if isinstance(item, Refused):
            return item
        checked = check_note(note, rules)
        if isinstance(checked, Invalid):
            return refuse(uow, actor_telegram_id, action, registration_id, Refusal.NOTE_TOO_LONG, now)
        uow.aftersale.close_item(item.id, now, actor.id, checked)
        uow.registrations.add_event(
            registration_id, now, actor.id, _CLOSED[kind], item_id=item.id, note=checked
        )
        closed = replace(item, closed_at=now, closed_by=actor.id, close_note=checked)
        return _done(uow, registration, now, closed)


def _item_to_close(
    uow: UnitOfWork,
    care: Care,
    kind: CareItemKind,
    item_id: int | None,
    tid: int,
    action: str,
    now: datetime,
) -> CareItem | Refused:
    reg_id = care.registration_id
    if item_id is None:
        open_items = care.open_items(kind)
        if not open_items:
            return refuse(uow, tid, action, reg_id, Refusal.NO_OPEN_ITEM, now)
        if len(open_items) > 1:
            refused = refuse(uow, tid, action, reg_id, Refusal.WHICH_ITEM, now)
            return ItemRefused(refused.refusal, refused.state, tuple(i.id for i in open_items))
        return open_items[0]
    item = next((i for i in care.items if i.id == item_id and i.kind is kind), None)
    if item is None:
        return refuse(uow, tid, action, reg_id, Refusal.NO_SUCH_ITEM, now)
    if not item.is_open:
        return refuse(uow, tid, action, reg_id, Refusal.ITEM_CLOSED, now)
    return item


def record_birthday(
    unit_of_work: UnitOfWorkFactory,
    *,
    actor_telegram_id: int,
    registration_id: int,
    birthday: Birthday,
    now: datetime,
    rules: Rules,
) -> CareOutcome:
    """The customer's birthday (客户关怀, domain.care_days), typed again to correct it."""
    action = "aftersale:birthday"
    with unit_of_work() as uow:
        found = _carer(uow, actor_telegram_id, action, registration_id, now, rules)
        if isinstance(found, Refused):
            return found
        _actor, registration, _care = found
        uow.aftersale.set_birthday(registration.id, birthday)
        return _done(uow, registration, now)
